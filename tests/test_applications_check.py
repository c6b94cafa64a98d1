"""Applications in `docprep check`: folders with an application.toml (or every applicant folder with
--applications) judged as a whole — metadata, each file's kind, completeness — in the text and JSON reports and
the exit code."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from docprep.api import plan_check
from docprep.engine.applications import find_applications
from docprep.profiles import load_profile
from docprep.render.report import application_entries, to_json, to_text
from portrait import portrait
from helpers import write_jpeg
from pdf_fixtures import page, pdf_from_images

TOML = 'name = "张伟"\nyear = 2021\nlevel = "中级"\nunit_type = "事业单位在编"\n'
ATTACHMENTS = ["继续教育2017.pdf", "继续教育2018.pdf", "继续教育2019.pdf", "继续教育2020.pdf", "聘书.pdf",
               "岗位信息表.pdf"]


def make_applicant(folder: Path, skip: tuple[str, ...] = (), toml: str | None = TOML) -> Path:
    """A complete 中级 事业单位在编 applicant under zj-2021 (less the files in `skip`)."""
    folder.mkdir(parents=True, exist_ok=True)
    if toml is not None:
        (folder / "application.toml").write_text(toml, encoding="utf-8")
    write_jpeg(folder / "照片.jpg", portrait())
    for seed, name in enumerate(ATTACHMENTS):
        if name not in skip:
            (folder / name).write_bytes(pdf_from_images([page(dpi=150, seed=seed)]))
    return folder


PROFILE = load_profile("zj-2021")


def run(paths, applications: bool = False):
    return plan_check([Path(p) for p in paths], PROFILE, applications=applications).run(jobs=1)


@pytest.fixture(scope="module")
def share(tmp_path_factory) -> Path:
    """An HR share: a complete applicant, one without 2019, and an empty applicant folder."""
    root = tmp_path_factory.mktemp("share")
    make_applicant(root / "张伟")
    make_applicant(root / "李娜", skip=("继续教育2019.pdf",), toml=TOML.replace("张伟", "李娜"))
    (root / "王芳").mkdir()
    return root


@pytest.fixture(scope="module")
def report(share):
    return run([share], applications=True)


def by_name(report, name):
    return next(a for a in report.applications if a.name == name)


def app_rules(application, severity="error"):
    return [f.rule for f in application.findings if f.severity.value == severity]


def test_complete_applicant_has_no_application_errors(report):
    zhang = by_name(report, "张伟")
    assert app_rules(zhang) == []
    assert (zhang.level, zhang.year) == ("中级", 2021)
    kinds = {Path(p).name: c for p, c in zhang.classes.items()}
    assert kinds["继续教育2018.pdf"].kind == "continuing-education"
    assert kinds["继续教育2018.pdf"].years == (2018,) and kinds["继续教育2018.pdf"].source == "name"
    assert kinds["照片.jpg"].kind == "photo" and kinds["聘书.pdf"].kind == "appointment"
    assert kinds["岗位信息表.pdf"].kind == "post-form"
    assert not any(p.endswith("application.toml") for p in zhang.files)


def test_missing_year_names_the_year(report):
    li = by_name(report, "李娜")
    missing = [f for f in li.findings if f.rule == "app.missing-attachment"]
    assert len(missing) == 1
    assert missing[0].expected["year"] == 2019 and "2019" in missing[0].message.zh
    assert report.has_errors


def test_empty_applicant_folder_is_reported(report):
    wang = by_name(report, "王芳")  # no application.toml: named after its folder
    assert wang.files == []
    missing = [f for f in wang.findings if f.rule == "app.missing-attachment"]
    assert len(missing) >= 1 + 4 + 1  # the photo, four years, the appointment letters
    assert report.application_status(wang) == "error"


def test_application_toml_is_no_file_of_the_report(report):
    assert not any(f.path.endswith("application.toml") for f in report.files)


def test_json_applications(report):
    document = json.loads(to_json(report, "en"))
    assert document["schema"] == "docprep.report/1"
    apps = {a["name"]: a for a in document["applications"]}
    assert set(apps) == {"张伟", "李娜", "王芳"}
    zhang = apps["张伟"]
    assert set(zhang) >= {"path", "name", "level", "year", "status", "findings", "files"}
    assert zhang["level"] == "中级" and zhang["year"] == 2021
    entry = next(f for f in zhang["files"] if f["path"].endswith("继续教育2020.pdf"))
    assert (entry["kind"], entry["years"], entry["source"]) == ("continuing-education", [2020], "name")
    assert apps["李娜"]["status"] == "error"
    assert any(f["rule"] == "app.missing-attachment" for f in apps["李娜"]["findings"])
    assert document["summary"]["applications"]["total"] == 3


def test_text_one_line_verdict_per_applicant_first(report, share):
    text = to_text(report, "zh")
    lines = text.splitlines()
    li = next(i for i, line in enumerate(lines) if line.startswith("✗ 李娜（中级，2021 年申报"))
    assert "1 个错误" in lines[li] or "个错误" in lines[li]
    assert "app.missing-attachment" in lines[li + 1] and "2019" in lines[li + 1]
    assert any(line.startswith("  ") and "继续教育2018.pdf" in line for line in lines[li:])
    assert any("材料: " in line and "继续教育" in line for line in lines)
    assert "名申报人" in lines[-1]
    english = to_text(report, "en")
    assert any(line.startswith(f"✗ 王芳 (中级, applying in {date.today().year}")
               and "the folder holds no files" in line
               for line in english.splitlines())


def test_machine_formats_group_by_applicant(report):
    entries = application_entries(report)
    assert {e.applicant for e in entries} == {"张伟", "李娜", "王芳"}
    assert application_entries(run([])) is None


def test_exit_code_counts_application_errors(tmp_path, run_cli):
    """Files without errors (a good photo), an application with errors: exit 1; an empty applicant alone too."""
    folder = tmp_path / "赵强"
    folder.mkdir()
    (folder / "application.toml").write_text(TOML, encoding="utf-8")
    write_jpeg(folder / "照片.jpg", portrait())
    result = run_cli("check", "--profile", "zj-2021", folder)
    assert result.returncode == 1, result.stderr
    assert "app.missing-attachment" in result.stdout and "✓" in result.stdout
    empty = tmp_path / "王芳"
    empty.mkdir()
    result = run_cli("check", "--profile", "zj-2021", "--applications", "--format", "json", empty)
    assert result.returncode == 1, result.stderr
    (application,) = json.loads(result.stdout)["applications"]
    assert application["files"] == [] and application["status"] == "error"


def test_without_application_toml_an_applicant_is_found_by_its_files_names(tmp_path):
    """Without application.toml: the applicant's folder by its files' names (tests/test_applications_discovery.py
    has the rule's table); a folder whose names show no kind only with --applications."""
    folder = make_applicant(tmp_path / "赵强", toml=None)
    assert find_applications([tmp_path], PROFILE) == [folder]
    assert find_applications([folder], PROFILE) == [folder]  # the folder named is itself the application
    for name in ["照片.jpg"] + ATTACHMENTS:
        (folder / name).rename(folder / f"scan-{name.encode().hex()[:8]}{Path(name).suffix}")
    assert find_applications([tmp_path], PROFILE) == []
    assert run([tmp_path]).applications == []
    assert "applications" not in json.loads(to_json(run([tmp_path]), "zh"))
    assert [Path(p).name for p in find_applications([tmp_path], PROFILE, every_folder=True)] == ["赵强"]
    assert find_applications([folder], PROFILE, every_folder=True) == [folder]  # documents directly: itself


def test_application_toml_found_at_any_depth(tmp_path):
    make_applicant(tmp_path / "工程" / "2021" / "张伟")
    assert [p.name for p in find_applications([tmp_path], PROFILE)] == ["张伟"]


def test_a_file_is_classified_by_its_first_pages_text_also_from_the_cache(tmp_path, monkeypatch):
    from test_pdf_marks import _with_text_layer

    folder = make_applicant(tmp_path / "张伟", skip=("岗位信息表.pdf",))
    (folder / "scan001.pdf").write_bytes(_with_text_layer(page(dpi=150, seed=9), "事业单位人员职称申报岗位信息表"))
    monkeypatch.setenv("DOCPREP_CACHE_DIR", str(tmp_path / "cache"))
    profile = load_profile("zj-2021")
    for _ in range(2):  # cold, then every file from the cache
        report = plan_check([folder], profile).run(jobs=1, cache=True)
        (application,) = report.applications
        scan = next(c for p, c in application.classes.items() if p.endswith("scan001.pdf"))
        assert (scan.kind, scan.source) == ("post-form", "content")
        assert app_rules(application) == []
    assert any((tmp_path / "cache").rglob("*.json"))


def test_on_a_nested_share_each_file_belongs_to_the_innermost_application_above_it(tmp_path):
    """Which application a file belongs to, on a share that nests one application in another's folder named like a
    kind (聘书/), beside a sibling whose name starts with the first's (单位A2: a string-prefix match would give
    its files to 单位A), and a loose file in no application: the applications, their files, each file's kind and
    which scans have their title read (a file given to the outer application would be named by its folder 聘书 and
    not read). Planning and judging look each file's folders up in a dictionary (engine.applications._Owners);
    nothing is decoded here."""
    from docprep.engine.applications import judge_applications
    from docprep.engine.walk import Target
    from docprep.model import FileReport, FileType, Report

    files = ["单位A/照片.jpg", "单位A/继续教育/2019.pdf", "单位A/聘书/乙/scan1.pdf", "单位A/聘书/乙/照片.jpg",
             "单位A2/scan2.pdf", "散件/scan3.pdf"]
    for relative, name in (("单位A", "甲"), ("单位A/聘书/乙", "乙"), ("单位A2", "丙")):
        (tmp_path / relative).mkdir(parents=True, exist_ok=True)
        (tmp_path / relative / "application.toml").write_text(f'name = "{name}"\nlevel = "中级"\n', encoding="utf-8")
    for relative in files:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_bytes(b"not decoded here")
    profile = load_profile("zj-2021")
    plan = plan_check([tmp_path], profile)

    def shown(path) -> str:
        return Path(path).relative_to(tmp_path).as_posix()

    assert [shown(folder) for folder in plan.applications] == ["单位A", "单位A2", "单位A/聘书/乙"]
    titles = {shown(t.path): t.read_title for t in plan.targets if isinstance(t, Target) and t.path.suffix != ".toml"}
    assert titles == {"单位A/照片.jpg": False, "单位A/继续教育/2019.pdf": False, "单位A/聘书/乙/scan1.pdf": True,
                      "单位A/聘书/乙/照片.jpg": False, "单位A2/scan2.pdf": True, "散件/scan3.pdf": False}

    reports = [FileReport(str(tmp_path / relative), FileType.PDF, f"{n:064x}", []) for n, relative in
               enumerate(files + [f"{a}/application.toml" for a in ("单位A", "单位A/聘书/乙", "单位A2")])]
    judged = judge_applications(Report(profile.name, reports), plan.applications, profile, this_year=2021)
    members = {a.name: sorted(shown(p) for p in a.files) for a in judged.applications}
    assert members == {"甲": ["单位A/照片.jpg", "单位A/继续教育/2019.pdf"],
                       "乙": ["单位A/聘书/乙/scan1.pdf", "单位A/聘书/乙/照片.jpg"], "丙": ["单位A2/scan2.pdf"]}
    kinds = {shown(p): (c.kind, c.years) for a in judged.applications for p, c in a.classes.items()}
    assert kinds == {"单位A/照片.jpg": ("photo", ()), "单位A/继续教育/2019.pdf": ("continuing-education", (2019,)),
                     "单位A/聘书/乙/scan1.pdf": (None, ()), "单位A/聘书/乙/照片.jpg": ("photo", ()),
                     "单位A2/scan2.pdf": (None, ())}
    assert sorted(shown(f.path) for f in judged.files) == sorted(files)  # the application.toml files left the list
    missing = {a.name: sorted(f.message.en for f in a.findings if f.rule == "app.missing-attachment")
               for a in judged.applications}
    assert missing["甲"] != missing["乙"] and len(missing["丙"]) > len(missing["甲"])
