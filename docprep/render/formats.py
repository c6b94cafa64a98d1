"""The machine report formats by name, for `check --format` and for Python callers: each renders the report as the
exact bytes to write (a file, or standard output), so a BOM and CRLF line ends reach the reader unchanged.

    data = render(report, "sarif", "zh", profile)

`entries` (render.entries) is what the formats report on: by default, as `docprep check` writes them, grouped by
applicant when the report has applications (render.report.application_entries: an entry for each application's
own findings, then its files, with the applicant set), else one per checked file."""
from __future__ import annotations

from collections.abc import Callable

from ..model import Report
from ..profiles import Profile
from . import csv_report, gitlab, junit, sarif
from .entries import Entry, file_entries
from .report import application_entries

Renderer = Callable[[list[Entry], str, Profile], bytes]

RENDERERS: dict[str, Renderer] = {
    "junit": lambda entries, lang, profile: junit.render(entries, lang, suite=f"docprep ({profile.name})"),
    "sarif": sarif.render,
    "gitlab": lambda entries, lang, profile: gitlab.render(entries, lang),
    "csv": lambda entries, lang, profile: csv_report.render(entries, lang),
}
FORMATS = tuple(RENDERERS)


def render(report: Report, fmt: str, lang: str, profile: Profile, entries: list[Entry] | None = None) -> bytes:
    """`report` in the machine format `fmt` (one of FORMATS), its messages in `lang`; `profile` is the one the
    report was checked with (SARIF's rule help quotes its limits); `entries`: what to report on, by default the
    applications' and the files' entries as `docprep check` writes them."""
    if entries is None:
        entries = application_entries(report) or file_entries(report)
    return RENDERERS[fmt](entries, lang, profile)
