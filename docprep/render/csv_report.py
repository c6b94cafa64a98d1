"""The report as a CSV table for Excel: one row per finding (applicant, file, page, rule, severity, message) under
a header row in the report's language.

Excel takes a CSV as UTF-8 only when it starts with a BOM, so it does (Chinese stays Chinese), and its lines end
in CRLF; a field holding a comma, a quote or a line break is quoted. A text field that starts like a formula
(=, +, -, @, a tab or a carriage return: a file or applicant name is the applicant's choice) gets a leading ' so
Excel shows it as text instead of running it. The page is empty for a photo or a finding on the whole file;
the applicant is empty until applications exist."""
from __future__ import annotations

import csv
import io

from ..i18n import message
from .entries import Entry

COLUMNS = ("applicant", "file", "page", "rule", "severity", "message")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _rows(entry: Entry, lang: str) -> list[list[str]]:
    return [[_cell(entry.applicant), _cell(entry.file.path), "" if finding.page is None else str(finding.page),
             finding.rule, message("report." + finding.severity.value)(lang), _cell(finding.message(lang))]
            for finding in entry.findings]


def render(entries: list[Entry], lang: str) -> bytes:
    """The table as bytes: UTF-8 with a BOM, CRLF line ends."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([message(f"formats.column_{column}")(lang) for column in COLUMNS])
    for entry in entries:
        writer.writerows(_rows(entry, lang))
    return out.getvalue().encode("utf-8-sig")
