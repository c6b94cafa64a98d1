"""The shipped samples (samples/README.md) get exactly the findings their names promise: README's main-job command
runs on them, so a rule or profile change that breaks one must fail here rather than surprise a first-time user."""
from __future__ import annotations

from pathlib import Path

import pytest

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
