"""Zipped applications in `docprep check` (read in place, members checked like files, the zip judged as one
application), and a scan whose name says nothing classified by OCR of its title area."""
from __future__ import annotations

import hashlib
import io
import zipfile
from importlib import resources
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from docprep.api import plan_check
from docprep.profiles import load_profile
from pdf_fixtures import page, pdf_from_images
from test_applications_check import app_rules, make_applicant
from test_archive import LegacyName, make_zip

ZJ = load_profile("zj-2021")


def zip_folder(folder: Path, target: Path, legacy: bool = False, extra: list | None = None) -> Path:
    """The applicant's folder zipped with its folder as the root (as Windows' "send to zip" does); `legacy`: names
    in GBK without the UTF-8 flag."""
    entries = []
    for path in sorted(folder.iterdir()):
        name = f"{folder.name}/{path.name}"
        entries.append((LegacyName(name) if legacy else name, path.read_bytes()))
    return make_zip(target, entries + (extra or []))


def check(*paths, **options):
    return plan_check([Path(p) for p in paths], ZJ, **options).run(jobs=1)


@pytest.fixture(scope="module")
def applicant(tmp_path_factory) -> Path:
    return make_applicant(tmp_path_factory.mktemp("folder") / "张伟")


def test_a_zipped_application_is_checked_in_place(applicant, tmp_path):
    archive = zip_folder(applicant, tmp_path / "张伟.zip")
    before = hashlib.sha256(archive.read_bytes()).hexdigest()
    report = check(archive)
    (application,) = report.applications
    assert application.path.endswith("张伟.zip") and application.name == "张伟"
    assert app_rules(application) == []  # complete: nothing missing, application.toml read from inside
    shown = sorted(Path(f.path).name for f in report.files)
    assert shown == sorted(["照片.jpg", "继续教育2017.pdf", "继续教育2018.pdf", "继续教育2019.pdf", "继续教育2020.pdf",
                            "聘书.pdf", "岗位信息表.pdf"])
    assert all(f.path.startswith(application.path + "/") and "/张伟/" not in f.path for f in report.files)
    assert all(f.sha256 for f in report.files)
    assert list(tmp_path.iterdir()) == [archive]  # nothing unpacked to disk
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == before


def test_gbk_names_from_windows_zip_tools_are_classified(applicant, tmp_path):
    report = check(zip_folder(applicant, tmp_path / "gbk.zip", legacy=True))
    (application,) = report.applications
    assert application.name == "张伟"
    assert app_rules(application) == []
    assert {c.kind for c in application.classes.values()} >= {"continuing-education", "appointment", "post-form"}


def test_a_zip_met_in_a_share_is_an_applicant(applicant, tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    zip_folder(applicant, share / "张伟.zip")
    make_applicant(share / "李娜", toml=None)
    report = check(share, applications=True)
    assert sorted(a.name for a in report.applications) == ["张伟", "李娜"]


def test_an_entry_that_climbs_out_is_refused_and_the_rest_checked(applicant, tmp_path):
    archive = zip_folder(applicant, tmp_path / "a.zip", extra=[("张伟/../../evil.pdf", b"%PDF-1.4")])
    report = check(archive)
    (application,) = report.applications
    assert app_rules(application) == ["app.archive-unsafe"]
    assert not any("evil" in f.path for f in report.files)
    assert len(report.files) == 7


def test_a_damaged_zip_is_an_application_that_says_so(tmp_path):
    archive = tmp_path / "张伟.zip"
    archive.write_bytes(b"PK\x03\x04 this is not really a zip")
    report = check(archive)
    (application,) = report.applications
    assert "app.archive-corrupt" in app_rules(application)
    assert report.files == [] and report.has_errors


def test_a_member_that_unpacks_wrong_is_a_finding_on_that_file(applicant, tmp_path):
    archive = zip_folder(applicant, tmp_path / "a.zip")
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as z:
        info = next(i for i in z.infolist() if i.filename.endswith("聘书.pdf"))
    start = info.header_offset + 30 + len(info.filename.encode("utf-8")) + len(info.extra)
    data[start + 10:start + 40] = b"\xff" * 30  # the deflate stream damaged
    archive.write_bytes(bytes(data))
    report = check(archive)
    appointment = next(f for f in report.files if f.path.endswith("聘书.pdf"))
    assert [x.rule for x in appointment.findings] == ["app.archive-corrupt"]
    assert len(report.files) == 7


def test_members_come_from_the_cache_on_a_second_run(applicant, tmp_path, monkeypatch):
    monkeypatch.setenv("DOCPREP_CACHE_DIR", str(tmp_path / "cache"))
    archive = zip_folder(applicant, tmp_path / "a.zip")
    first = plan_check([archive], ZJ).run(jobs=1, cache=True)

    def not_again(*args):
        raise AssertionError("a member was checked again")

    monkeypatch.setattr("docprep.engine.run.check_target", not_again)
    second = plan_check([archive], ZJ).run(jobs=1, cache=True)
    assert [(f.path, f.findings) for f in second.files] == [(f.path, f.findings) for f in first.files]
    assert second.applications[0].classes == first.applications[0].classes


def test_members_are_checked_in_worker_processes(applicant, tmp_path):
    archive = zip_folder(applicant, tmp_path / "a.zip")
    serial = check(archive)
    pooled = plan_check([archive], ZJ).run(jobs=2)
    assert [(f.path, f.findings) for f in pooled.files] == [(f.path, f.findings) for f in serial.files]


# --- the title read by OCR ----------------------------------------------------------------------------------------

def _titled(title: str) -> bytes:
    """A scan (no text layer) with a printed Chinese title at the top of its first page."""
    image = page(dpi=150, seed=3).copy()
    font_file = resources.files("docprep.render.fonts").joinpath("NotoSansSC-docprep.otf").read_bytes()
    font = ImageFont.truetype(io.BytesIO(font_file), 44)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, image.width, int(image.height * 0.14)), fill=(246, 245, 241))  # the English title gone
    width = draw.textlength(title, font=font)
    draw.text(((image.width - width) / 2, image.height * 0.05), title, fill=(20, 20, 20), font=font)
    return pdf_from_images([image])


def test_a_scan_named_by_number_is_classified_by_its_title(tmp_path):
    folder = make_applicant(tmp_path / "张伟", skip=("岗位信息表.pdf",))
    (folder / "scan0001.pdf").write_bytes(_titled("事业单位人员职称申报岗位信息表"))
    report = check(folder)
    (application,) = report.applications
    scan = next(c for p, c in application.classes.items() if p.endswith("scan0001.pdf"))
    assert (scan.kind, scan.source) == ("post-form", "content")
    assert app_rules(application) == []


def test_without_a_title_the_scan_stays_unrecognised(tmp_path):
    folder = make_applicant(tmp_path / "张伟", skip=("岗位信息表.pdf",))
    (folder / "scan0001.pdf").write_bytes(pdf_from_images([page(dpi=150, seed=3)]))
    report = check(folder)
    (application,) = report.applications
    scan = next(c for p, c in application.classes.items() if p.endswith("scan0001.pdf"))
    assert scan.kind is None
    assert "app.missing-attachment" in app_rules(application)
    assert "app.unrecognized-file" in app_rules(application, "warning")


def test_a_named_file_is_not_read_for_its_title():
    from docprep.engine.applications import with_titles_to_read
    from docprep.engine.walk import Target

    targets = [Target(Path("a/聘书.pdf")), Target(Path("a/scan1.pdf")), Target(Path("a/x.jpg")), Target(Path("b.pdf"))]
    marked = with_titles_to_read(targets, [Path("a")], ZJ)
    assert [t.read_title for t in marked] == [False, True, False, False]
