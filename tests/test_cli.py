"""The command line: exit codes, the JSON report schema (docprep.report/1), languages, rules and profiles listings.

Exit codes are asserted through a subprocess (`python -m docprep`), since docprep.cli.main() maps exceptions to
them; Click's CliRunner is used only where the exit code does not matter."""
from __future__ import annotations

import hashlib
import json
import re

import pytest
from click.testing import CliRunner
from portrait import portrait

import docprep
from docprep import cli as cli_module
from docprep.cli import cli
from docprep.profiles import load_profile
from docprep.profiles.texts import with_settings
from docprep.rules import REGISTRY

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def bad_photo(tmp_path, write_jpeg):
    """An ID-card-sized (358×441, ratio 0.812) photo on blue: aspect-ratio and background errors."""
    path = tmp_path / "bad.jpg"
    write_jpeg(path, portrait(358, 441, background=(70, 110, 200)))
    return path


# ---- check: exit codes ----

def test_check_good_photo_exits_0(good_photo, run_cli):
    result = run_cli("check", good_photo)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_bad_photo_exits_1(bad_photo, run_cli):
    result = run_cli("check", bad_photo)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "photo.aspect-ratio" in result.stdout and "photo.background" in result.stdout


def test_check_folder_with_one_bad_photo_exits_1(tmp_path, good_photo, bad_photo, run_cli):
    assert run_cli("check", tmp_path).returncode == 1


@pytest.mark.parametrize("args", [
    pytest.param(["check", "--no-such-option", "x.jpg"], id="bad-option"),
    pytest.param(["inspect", "x.jpg"], id="unknown-command"),
    pytest.param(["check"], id="missing-argument"),
    pytest.param(["check", "--format", "xml", "x.jpg"], id="bad-choice"),
    pytest.param(["check", "--jobs", "0", "x.jpg"], id="out-of-range"),
    pytest.param(["fix"], id="fix-missing-argument"),
])
def test_usage_errors_exit_2(args, run_cli):
    result = run_cli(*args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_check_missing_path_exits_2(tmp_path, run_cli):
    result = run_cli("check", tmp_path / "nowhere.jpg")
    assert result.returncode == 2
    assert "nowhere.jpg" in result.stderr


def test_internal_error_exits_2_not_1(good_photo, monkeypatch, capsys):
    """An unexpected exception must never look like 'findings' (exit 1)."""

    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(cli_module, "plan_check", broken)
    with pytest.raises(SystemExit) as exited:
        cli_module.main(["check", str(good_photo)])
    assert exited.value.code == 2
    assert "internal error" in capsys.readouterr().err


def test_jobs_in_worker_processes_give_the_same_report(tmp_path, good_photo, bad_photo, run_cli):
    one = json.loads(run_cli("check", "--format", "json", tmp_path).stdout)
    two = run_cli("check", "--format", "json", "-j", "2", "--no-cache", tmp_path)
    assert two.returncode == 1
    assert json.loads(two.stdout)["files"] == one["files"]


# ---- check --format json: docprep.report/1 ----

FINDING_KEYS = {"rule", "severity", "message", "page", "measured", "expected"}


@pytest.fixture(scope="module")
def json_case(tmp_path_factory, good_jpeg, run_cli, write_jpeg):
    """One `check --format json` run over a folder with a good and a bad photo: (report, good path, bad path)."""
    folder = tmp_path_factory.mktemp("json")
    good, bad = folder / "good.jpg", folder / "bad.jpg"
    good.write_bytes(good_jpeg)
    write_jpeg(bad, portrait(358, 441, background=(70, 110, 200)))
    result = run_cli("check", "--format", "json", folder)
    assert result.returncode == 1, result.stderr
    return json.loads(result.stdout), good, bad


@pytest.fixture
def json_report(json_case):
    return json_case[0]


def test_json_top_level_keys(json_report):
    assert set(json_report) == {"schema", "tool", "profile", "lang", "files", "skipped", "summary"}
    assert json_report["skipped"] == []
    assert json_report["schema"] == "docprep.report/1"
    assert json_report["tool"] == {"name": "docprep", "version": docprep.__version__}
    assert json_report["profile"] == "zj-2021"
    assert json_report["lang"] == "zh"


def test_json_file_entries(json_case):
    json_report, good_photo, bad_photo = json_case
    files = {entry["path"]: entry for entry in json_report["files"]}
    assert set(files) == {str(good_photo), str(bad_photo)}
    for entry in files.values():
        assert set(entry) == {"path", "path_bytes", "kind", "attachment_kind", "sha256", "status", "findings",
                              "annotations"}
        assert entry["kind"] == "photo"
    assert files[str(good_photo)]["status"] == "ok" and files[str(good_photo)]["findings"] == []
    assert files[str(bad_photo)]["status"] == "error"


def test_json_sha256_is_the_file_hash(json_report):
    for entry in json_report["files"]:
        with open(entry["path"], "rb") as handle:
            assert entry["sha256"] == hashlib.sha256(handle.read()).hexdigest()


def test_json_findings(json_case):
    json_report, _, bad_photo = json_case
    [entry] = [e for e in json_report["files"] if e["path"] == str(bad_photo)]
    rules = [finding["rule"] for finding in entry["findings"]]
    assert "photo.aspect-ratio" in rules and "photo.background" in rules
    for finding in entry["findings"]:
        assert FINDING_KEYS <= set(finding) <= FINDING_KEYS | {"box"}
        assert finding["rule"] in REGISTRY
        assert finding["severity"] in ("error", "warning")
        assert finding["page"] is None  # photos have no pages
        assert finding["measured"] is not None and finding["expected"] is not None
        assert CJK.search(finding["message"])
        if "box" in finding:
            assert len(finding["box"]) == 4
    [ratio] = [f for f in entry["findings"] if f["rule"] == "photo.aspect-ratio"]
    assert ratio["measured"] == 0.8118 and ratio["expected"] == [0.65, 0.8]


def test_json_summary_counts(json_report):
    findings = [f for entry in json_report["files"] for f in entry["findings"]]
    assert json_report["summary"] == {
        "files": 2, "ok": 1, "warning": 0, "error": 1,
        "errors": sum(f["severity"] == "error" for f in findings),
        "warnings": sum(f["severity"] == "warning" for f in findings),
    }
    assert json_report["summary"]["errors"] >= 2


def test_output_file_gets_the_report_and_stdout_stays_empty(tmp_path, good_photo, run_cli):
    out = tmp_path / "reports" / "report.json"
    result = run_cli("check", "--format", "json", "-o", out, good_photo)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["files"][0]["path"] == str(good_photo)


def test_output_file_exit_code_still_reports_errors(tmp_path, bad_photo, run_cli):
    out = tmp_path / "report.json"
    assert run_cli("check", "--format", "json", "-o", out, bad_photo).returncode == 1
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["error"] == 1


# ---- languages ----

def english(text: str) -> bool:
    return "aspect ratio" in text.lower() or "width/height ratio" in text


@pytest.mark.parametrize("args, env, lang", [
    pytest.param([], {}, "zh", id="default-chinese"),
    pytest.param(["--lang", "en"], {}, "en", id="option-en"),
    pytest.param([], {"DOCPREP_LANG": "en"}, "en", id="env-en"),
    pytest.param([], {"DOCPREP_LANG": "en_US.UTF-8"}, "en", id="env-locale-style"),
    pytest.param(["--lang", "zh"], {"DOCPREP_LANG": "en"}, "zh", id="option-beats-env"),
    pytest.param([], {"DOCPREP_LANG": "fr"}, "zh", id="unknown-env-falls-back"),
])
def test_message_language(args, env, lang, bad_photo, run_cli):
    result = run_cli("check", *args, bad_photo, env=env)
    assert result.returncode == 1
    [ratio_line] = [line for line in result.stdout.splitlines() if "photo.aspect-ratio" in line]
    if lang == "zh":
        assert CJK.search(ratio_line) and "宽高比" in ratio_line
    else:
        assert not CJK.search(ratio_line) and english(ratio_line)


def test_json_message_language_follows_lang(bad_photo, run_cli):
    report = json.loads(run_cli("check", "--format", "json", "--lang", "en", bad_photo).stdout)
    assert report["lang"] == "en"
    [ratio] = [f for f in report["files"][0]["findings"] if f["rule"] == "photo.aspect-ratio"]
    assert english(ratio["message"]) and not CJK.search(ratio["message"])


def test_bad_lang_exits_2(good_photo, run_cli):
    assert run_cli("check", "--lang", "fr", good_photo).returncode == 2


# ---- rules ----

def test_rules_lists_every_registry_id():
    result = CliRunner().invoke(cli, ["rules"])
    listed = [line.split()[0] for line in result.output.splitlines() if line.strip()]
    assert listed == list(REGISTRY)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rules_explains_one(lang):
    """The texts as the default profile renders them (an explanation quotes that profile's limits)."""
    rule = REGISTRY["photo.aspect-ratio"]
    output = CliRunner().invoke(cli, ["rules", "photo.aspect-ratio", "--lang", lang]).output
    explain = with_settings(rule.explain, load_profile(), rule.family)
    assert output.startswith("photo.aspect-ratio: " + rule.title(lang))
    assert explain(lang) in output and rule.fix(lang) in output


@pytest.mark.parametrize("rule_id", sorted(REGISTRY))
def test_every_rule_has_both_languages(rule_id):
    rule = REGISTRY[rule_id]
    for text in (rule.title, rule.explain, rule.fix):
        assert CJK.search(text.zh)
        english = text.en
        for quoted in _QUOTED_CHINESE:  # the words a reader must look for on the paper, quoted as written
            english = english.replace(quoted, "")
        assert english and not CJK.search(english)


_QUOTED_CHINESE = ("与原件核对无误", "核对无误", "与原件一致", "2024年3月5日", "二〇二四年三月五日")


def test_rules_unknown_id_exits_2(run_cli):
    result = run_cli("rules", "nope")
    assert result.returncode == 2
    assert "nope" in result.stderr


# ---- profiles and version ----

def test_profiles_lists_the_shipped_ones_and_marks_the_default():
    output = CliRunner().invoke(cli, ["profiles", "--lang", "en"]).output
    names = {line[2:].split()[0]: line for line in output.splitlines() if line.strip()}
    assert set(names) == {"base", "zj-2021", "cpta-exam", "health-exam"}
    assert names["zj-2021"].startswith("*")


def test_version(run_cli):
    result = run_cli("--version")
    assert result.returncode == 0
    assert docprep.__version__ in result.stdout


def test_help_exits_0(run_cli):
    result = run_cli("--help")
    assert result.returncode == 0 and "check" in result.stdout and "fix" in result.stdout


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_ctrl_c_keeps_a_partial_report_and_says_so_in_the_users_language(tmp_path, how):
    """Ctrl-C mid-run (SIGINT to the whole process group, workers included, maybe while they still start), or
    SIGTERM to docprep alone (a cancelled CI job): the pool stops, the files checked so far are written as a report
    marked partial, a one-line message, exit 130."""
    import os
    import signal
    import subprocess
    import sys
    import time

    if sys.platform == "win32":
        pytest.skip("process groups and SIGINT work differently on Windows")
    folder = tmp_path / "many"
    folder.mkdir()
    from pdf_fixtures import page, pdf_from_images

    copy = pdf_from_images([page(dpi=150, seal=False)])  # a copy without its marks: OCR reads it, ~1 s a file
    for i in range(40):  # far more than the 3 s before the interrupt can check
        (folder / f"copy{i}.pdf").write_bytes(copy)
    report = tmp_path / "r.json"
    env = {k: v for k, v in os.environ.items() if k != "DOCPREP_LANG"}
    process = subprocess.Popen([sys.executable, "-m", "docprep", "check", str(folder), "--no-cache", "-j", "2",
                                "--format", "json", "-o", str(report)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env, start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(3)  # started, workers busy: the run takes longer than this
    import psutil

    workers = psutil.Process(process.pid).children(recursive=True)
    if how == "ctrl-c":
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err.decode("utf-8", "replace")
    assert "已中断" in err.decode("utf-8") and "Traceback" not in err.decode("utf-8")
    kept = json.loads(report.read_text(encoding="utf-8"))
    assert kept["partial"] is True and len(kept["files"]) < 40
    assert not list(tmp_path.glob("*.part")) and not list(tmp_path.glob(".*"))
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive  # no worker outlives the run
