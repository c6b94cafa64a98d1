"""The shipped samples (samples/README.md) get exactly the findings their names promise, and each sample applicant
(samples/applications) exactly the verdict and findings samples/README.md's table gives it: README's main-job
command runs on them, so a rule or profile change that breaks one must fail here rather than surprise a first-time
user."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from docprep.api import plan_check
from docprep.engine import check_file
from docprep.profiles.loader import load_profile

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
PROFILE = load_profile()

EXPECTED = {
    "photos/good-413x579.jpg": [],
    "photos/png-renamed.jpg": ["photo.not-jpeg"],
    "photos/exam-tool-10kb.jpg": ["photo.file-size"],
    "photos/id-card-358x441.jpg": ["photo.aspect-ratio"],
    "photos/blue-background.jpg": ["photo.background"],
    "photos/blurry.jpg": ["photo.sharpness"],
    "photos/dark-face.jpg": ["photo.exposure"],
    "photos/landscape-phone-1600x1200.jpg": ["photo.aspect-ratio"],
    "attachments/good-copy.pdf": [],
    "attachments/no-seal.pdf": ["pdf.missing-seal"],
    "attachments/no-verification.pdf": ["pdf.missing-verification"],
    "attachments/no-date.pdf": ["pdf.missing-date"],
    "attachments/blurry.pdf": ["pdf.blurry-page"],
    "attachments/skewed-5deg.pdf": ["pdf.skew"],
    "attachments/upside-down.pdf": ["pdf.rotation"],
    "attachments/grayscale.pdf": ["pdf.color"],
    "attachments/blank-back-page.pdf": ["pdf.blank-page"],
    "attachments/low-resolution-100dpi.pdf": ["pdf.low-resolution"],
    "attachments/html-renamed.pdf": ["pdf.not-pdf"],
    "attachments/truncated.pdf": ["pdf.unreadable"],
}


def test_every_sample_is_listed():
    shipped = {p.relative_to(SAMPLES).as_posix() for p in SAMPLES.glob("*/*") if p.suffix in (".jpg", ".pdf")}
    assert shipped == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_sample_gets_exactly_its_finding(name):
    report = check_file(SAMPLES / name, PROFILE)
    assert [f.rule for f in report.findings] == EXPECTED[name], [f.message.en for f in report.findings]


# --- applications: each applicant's verdict and findings as samples/README.md states them ------------------------

APPLICATIONS = SAMPLES / "applications"
SAMPLES_README = (SAMPLES / "README.md").read_text(encoding="utf-8")
MARKS = {"✓": "ok", "!": "warning", "✗": "error"}


def _applicant_rows() -> dict[str, tuple[str, list[str]]]:
    """samples/README.md's applicants table: folder -> (its verdict cell, the rule ids of its last cell)."""
    section = SAMPLES_README.split("## Applications", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        folder = re.match(r"\| `([^`/]+)/` \|", line)
        if folder:
            cells = [cell.strip() for cell in line.strip("|").split(" | ")]
            rows[folder.group(1)] = (cells[-2], re.findall(r"`([a-z]+\.[a-z-]+)`", cells[-1]))
    return rows


ROWS = _applicant_rows()


@pytest.fixture(scope="module")
def applications():
    """One check of samples/applications as `docprep check samples/applications` runs it (no flag: every applicant
    has an application.toml): each applicant's folder name -> (verdict, its findings, its files' findings)."""
    report = plan_check([APPLICATIONS], PROFILE).run(jobs=1)
    files = {f.path: f for f in report.files}
    judged = {}
    for application in report.applications:
        members = [files[path] for path in application.files]
        judged[Path(application.path).name] = (report.application_status(application).value, application,
                                               [x for f in members for x in f.findings])
    return judged


def test_every_applicant_is_listed_in_the_readme():
    shipped = {p.name for p in APPLICATIONS.iterdir() if p.is_dir()}
    assert shipped == set(ROWS) and len(ROWS) >= 3
    assert all((APPLICATIONS / folder / "application.toml").is_file() for folder in shipped)


def test_every_applicant_is_judged_as_an_application(applications):
    assert set(applications) == set(ROWS)


@pytest.mark.parametrize("folder", sorted(ROWS))
def test_each_applicant_gets_exactly_its_verdict_and_findings(applications, folder):
    verdict_cell, rules = ROWS[folder]
    status, application, file_findings = applications[folder]
    findings = application.findings + file_findings
    assert sorted(f.rule for f in findings) == sorted(rules), [f.message.en for f in findings]
    mark, _, said = verdict_cell.strip("`").partition(" ")
    assert MARKS[mark] == status
    severities = [f.severity.value for f in findings]
    counts = [int(n) for n in re.findall(r"(\d+) 个", said)]
    assert counts == ([] if status == "ok" else [severities.count("error"), severities.count("warning")])


def test_the_complete_applicants_have_no_finding_at_all(applications):
    complete = [folder for folder, (_, rules) in ROWS.items() if not rules]
    assert len(complete) >= 2 and all(applications[folder][0] == "ok" for folder in complete)
    assert all(not applications[folder][1].assumptions for folder in ROWS)  # nothing assumed: all stated
