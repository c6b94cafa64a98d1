"""Golden reports: the text (zh, en) and JSON reports of `docprep check samples/photos samples/attachments`, kept in
tests/golden/. A change that alters a verdict or a message shows up here, in review, as a diff of these files.

After a deliberate change, regenerate them with one command and review the diff:

    DOCPREP_UPDATE_GOLDEN=1 pytest tests/test_golden.py
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from docprep import check_paths, load_profile
from docprep.render.report import to_json, to_text
from docprep.api import attachment_kind_names
from docprep.render.formats import render as render_format
from docprep.render.html import render as render_html

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("DOCPREP_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def report():
    """One check of the samples, with paths as README's main-job command prints them (relative, forward slashes)."""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        checked = check_paths(["samples/photos", "samples/attachments"], load_profile("zj-2021"))
    finally:
        os.chdir(cwd)
    for entry in checked.files:
        entry.path = entry.path.replace(os.sep, "/")
    return checked


KIND_NAMES = attachment_kind_names(load_profile("zj-2021"))
PROFILE = load_profile("zj-2021")


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
    rendered = RENDERINGS[name](report)
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
