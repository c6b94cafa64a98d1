"""Golden reports: every format of `docprep check samples/photos samples/attachments` (samples.*) and of `docprep
check samples/applications` (applications.*: the three sample applicants, their files grouped per applicant), kept
in tests/golden/. A change that alters a verdict, a message or the grouping shows up here, in review, as a diff of
these files. Each set is one check (a module fixture: the applicants' with OCR take about 30 s), rendered in every
format.

After a deliberate change, regenerate them with one command and review the diff:

    DOCPREP_UPDATE_GOLDEN=1 pytest tests/test_golden.py
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from docprep import load_profile
from docprep.api import attachment_kind_names, plan_check
from docprep.render.report import to_json, to_text
from docprep.render.formats import render as render_format
from docprep.render.html import render as render_html

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("DOCPREP_UPDATE_GOLDEN") == "1"
PROFILE = load_profile("zj-2021")


def _checked(paths: list[str], jobs: int | None = 1):
    """One check of `paths` as `docprep check` makes it (applications found and judged), with paths as README's
    main-job command prints them (relative, forward slashes)."""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        checked = plan_check([Path(p) for p in paths], PROFILE).run(jobs=jobs)
    finally:
        os.chdir(cwd)
    slash = lambda path: path.replace(os.sep, "/")  # noqa: E731
    for entry in checked.files:
        entry.path = slash(entry.path)
    for application in checked.applications:
        application.path, application.files = slash(application.path), [slash(p) for p in application.files]
        application.classes = {slash(path): kind for path, kind in application.classes.items()}
    return checked


@pytest.fixture(scope="module")
def report():
    return _checked(["samples/photos", "samples/attachments"])


@pytest.fixture(scope="module")
def applications_report():
    return _checked(["samples/applications"], jobs=None)  # the usable cores: OCR of 25 scans


KIND_NAMES = attachment_kind_names(PROFILE)


def _unversioned(data: bytes) -> bytes:
    """SARIF names docprep's version twice: VERSION instead, so a release does not change the golden file."""
    version = __import__("docprep").__version__.encode()
    for key in (b"version", b"semanticVersion"):
        data = data.replace(b'"%s": "%s"' % (key, version), b'"%s": "VERSION"' % key)
    return data


RENDERINGS = {
    "samples.zh.txt": lambda r: to_text(r, "zh", kind_names=KIND_NAMES),
    "samples.en.txt": lambda r: to_text(r, "en"),
    "samples.json": lambda r: to_json(r, "zh").replace('"version": "' + __import__("docprep").__version__ + '"',
                                                         '"version": "VERSION"'),
    # The machine formats as the bytes docprep writes (a CSV's BOM and CRLF included), compared byte for byte.
    "samples.junit.xml": lambda r: render_format(r, "junit", "zh", PROFILE),
    "samples.sarif": lambda r: _unversioned(render_format(r, "sarif", "zh", PROFILE)),
    "samples.gitlab.json": lambda r: render_format(r, "gitlab", "zh", PROFILE),
    "samples.csv": lambda r: render_format(r, "csv", "zh", PROFILE),
    # The page for people, without thumbnails (the check above makes none; tests/test_html_report.py tests them).
    "samples.html": lambda r: render_html(r, "zh", PROFILE).replace(
        b"docprep " + __import__("docprep").__version__.encode(), b"docprep VERSION"),
}


@pytest.mark.parametrize("name", sorted(RENDERINGS))
def test_sample_report_matches_its_golden_file(report, name):
    _matches(RENDERINGS[name](report), name)


@pytest.mark.parametrize("name", sorted(RENDERINGS))
def test_applications_report_matches_its_golden_file(applications_report, name):
    """The sample applicants: each applicant's verdict line, findings and files with what each was taken as."""
    assert [a.name for a in applications_report.applications] == ["张伟", "李娜", "王芳"]
    _matches(RENDERINGS[name](applications_report), name.replace("samples.", "applications.", 1))


def _matches(rendered: str | bytes, name: str) -> None:
    golden = GOLDEN / name
    if UPDATE and isinstance(rendered, bytes):
        golden.write_bytes(rendered)
    elif UPDATE:
        golden.write_text(rendered, encoding="utf-8", newline="\n")
    assert golden.exists(), f"no golden file {golden.name}: run DOCPREP_UPDATE_GOLDEN=1 pytest tests/test_golden.py"
    expected = golden.read_bytes() if isinstance(rendered, bytes) else golden.read_text(encoding="utf-8")
    assert rendered == expected, (
        f"{name} differs from tests/golden/{name}; if the change is intended, regenerate with "
        "DOCPREP_UPDATE_GOLDEN=1 pytest tests/test_golden.py and review the diff")
