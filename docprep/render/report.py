"""Rendering a Report as text (for people) or JSON (docprep.report/1, for CI): the schema is public API."""
from __future__ import annotations

import json
import os
from collections import Counter

import click

from .. import __version__
from ..documents.sniff import TEXT_REPORT_HEADER, extension
from ..i18n import Text, counted, message
from ..model import FileReport, Report
from ..paths import terminal_safe

SCHEMA = "docprep.report/1"
_MARKS = {"ok": "✓", "warning": "!", "error": "✗"}
_PLAIN_MARKS = {"ok": "[OK]", "warning": "[!]", "error": "[X]"}  # for consoles whose encoding lacks ✓ and ✗
_COLOURS = {"ok": "green", "warning": "yellow", "error": "red"}
# Folders with at least this many files that are neither photos nor PDFs show them as one line.
COLLAPSE_UNSUPPORTED = 3
def summary(report: Report) -> dict:
    statuses = [f.status for f in report.files]
    severities = [finding.severity.value for f in report.files for finding in f.findings]
    return {
        "files": len(report.files),
        "ok": statuses.count("ok"),
        "warning": statuses.count("warning"),
        "error": statuses.count("error"),
        "errors": severities.count("error"),
        "warnings": severities.count("warning"),
    }


def to_json(report: Report, lang: str, ascii_only: bool = False) -> str:
    """The docprep.report/1 document; `ascii_only` escapes every non-ASCII character (\\uXXXX), for a standard
    output whose encoding cannot carry Chinese: the JSON stays exact."""
    document = {
        "schema": SCHEMA,
        "tool": {"name": "docprep", "version": __version__},
        "profile": report.profile,
        "lang": lang,
        "files": [
            {
                "path": f.path,
                "path_bytes": f.path_bytes,
                "kind": f.kind,
                "attachment_kind": f.attachment_kind,
                "sha256": f.sha256,
                "status": f.status,
                "findings": [finding.to_dict(lang) for finding in f.findings],
                "annotations": f.annotations,
            }
            for f in report.files
        ],
        "skipped": report.skipped,
        "summary": summary(report),
    }
    return json.dumps(document, ensure_ascii=ascii_only, indent=2) + "\n"


def _summary_line(report: Report, lang: str) -> str:
    counts = summary(report)
    line = message("report.summary", **{**counts, "files": counted("file", counts["files"]),
                                         "errors": counted("error", counts["errors"]),
                                         "warnings": counted("warning", counts["warnings"])})(lang)
    if report.skipped:
        line += message("report.sentence_gap")(lang) + message("report.skipped", n=len(report.skipped))(lang)
    return line


def summary_line(report: Report, lang: str) -> str:
    """The report's last line alone: what the CLI prints on the terminal when the report goes to a file."""
    return terminal_safe(_summary_line(report, lang))


def _only_unsupported(f: FileReport) -> bool:
    rules = {x.rule for x in f.findings}
    return "file.unsupported" in rules and rules <= {"file.unsupported", "file.name-encoding"}


def _folder(path: str) -> str:
    return os.path.dirname(path) or "."


def _unsupported_line(folder: str, entries: list[FileReport], lang: str) -> str:
    extensions = [extension(os.path.basename(f.path)) for f in entries]
    types = Counter("." + ext if ext else message("report.no_extension")(lang) for ext in extensions)
    listed = message("report.list_separator")(lang).join(f"{t} ×{n}" for t, n in types.most_common())
    return message("report.unsupported_folder", folder=folder, n=len(entries), types=listed)(lang)


def to_text(report: Report, lang: str, color: bool = False, plain_marks: bool = False, errors_only: bool = False,
            kind_names: dict[str, Text] | None = None, header: bool = False) -> str:
    """The report for people. `color`: ANSI colours (a terminal only); `plain_marks`: [OK]/[!]/[X] for consoles
    that cannot show ✓ and ✗; `errors_only`: files with errors and their errors alone; `kind_names`: how the
    attachment kinds are named (api.attachment_kind_names); `header`: a first line marking a saved report, so later checks pass over it.
    Folders of many files that are neither photos nor PDFs are summed up in one line each."""
    marks = _PLAIN_MARKS if plain_marks else _MARKS
    names = {"unknown": message("report.unknown_kind"), **(kind_names or {})}

    def style(text: str, status: str, bold: bool = False) -> str:
        return click.style(text, fg=_COLOURS[status], bold=bold) if color else text

    unsupported: dict[str, list[FileReport]] = {}
    for f in report.files:
        if _only_unsupported(f):
            unsupported.setdefault(_folder(f.path), []).append(f)
    collapsed = {folder for folder, entries in unsupported.items() if len(entries) >= COLLAPSE_UNSUPPORTED}
    lines = [f"{TEXT_REPORT_HEADER} ({report.profile}, docprep {__version__})"] if header else []
    for f in report.files:
        if errors_only and f.status != "error":
            continue
        folder = _folder(f.path)
        if folder in collapsed and _only_unsupported(f):
            if f is unsupported[folder][0]:
                lines.append(style(f"{marks['warning']} " + terminal_safe(
                    _unsupported_line(folder, unsupported[folder], lang)), "warning"))
            continue
        kind_name = names.get(f.attachment_kind, Text(f.attachment_kind or "", f.attachment_kind or ""))(lang)
        kind = f" ({message('report.kind')(lang)}: {kind_name})" if f.attachment_kind else ""
        lines.append(style(f"{marks[f.status]} {terminal_safe(f.path)}{kind}", f.status, bold=f.status == "error"))
        for finding in f.findings:
            if errors_only and finding.severity.value != "error":
                continue
            where = f" ({message('report.page', n=finding.page)(lang)})" if finding.page is not None else ""
            head = style(f"{message('report.' + finding.severity.value)(lang)} {finding.rule}", finding.severity.value)
            lines.append(f"    {head}{where}: {terminal_safe(finding.message(lang))}")
        if f.annotations:
            more = message("report.more_pictures", n=len(f.annotations))(lang) if len(f.annotations) > 1 else ""
            lines.append(f"    {message('report.pictures')(lang)}: {terminal_safe(f.annotations[0])}{more}")
    lines.append(_summary_line(report, lang))
    return "\n".join(lines) + "\n"
