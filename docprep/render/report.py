"""Rendering a Report as text (for people) or JSON (docprep.report/1, for CI): the schema is public API."""
from __future__ import annotations

import json
import os
from collections import Counter

import click

from .. import __version__
from ..documents.sniff import TEXT_REPORT_HEADER, extension
from ..i18n import Text, counted, message
from ..model import ApplicationReport, FileReport, FileType, Finding, Report
from ..paths import terminal_safe
from .entries import Entry

SCHEMA = "docprep.report/1"
_MARKS = {"ok": "✓", "warning": "!", "error": "✗"}
_PLAIN_MARKS = {"ok": "[OK]", "warning": "[!]", "error": "[X]"}  # for consoles whose encoding lacks ✓ and ✗
_COLOURS = {"ok": "green", "warning": "yellow", "error": "red"}
# Folders with at least this many files that are neither photos nor PDFs show them as one line.
COLLAPSE_UNSUPPORTED = 3
def summary(report: Report) -> dict:
    """Counts of files by status and of findings by severity (an application's own findings counted too); with
    applications, their count by status as well."""
    statuses = [f.status for f in report.files]
    findings = [finding for f in report.files for finding in f.findings]
    findings += [finding for a in report.applications for finding in a.findings]
    severities = [finding.severity.value for finding in findings]
    counts = {
        "files": len(report.files),
        "ok": statuses.count("ok"),
        "warning": statuses.count("warning"),
        "error": statuses.count("error"),
        "errors": severities.count("error"),
        "warnings": severities.count("warning"),
    }
    if report.applications:
        verdicts = [report.application_status(a) for a in report.applications]
        counts["applications"] = {"total": len(verdicts), **{s: verdicts.count(s) for s in ("ok", "warning", "error")}}
    return counts


def _application_json(report: Report, application: ApplicationReport, lang: str) -> dict:
    return {
        "path": application.path,
        "name": application.name,
        "level": application.level,
        "year": application.year,
        "status": report.application_status(application),
        "findings": [finding.to_dict(lang) for finding in application.findings],
        "assumptions": [text(lang) for text in application.assumptions],
        "files": [{"path": path, "kind": c.kind, "years": list(c.years), "source": c.source,
                   "evidence": c.evidence(lang)}
                  for path, c in ((p, application.classes[p]) for p in application.files)],
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
                **({"changes": [change.to_dict(lang) for change in f.changes]} if f.changes else {}),
            }
            for f in report.files
        ],
        "skipped": report.skipped,
        **({"partial": True} if report.partial else {}),
        **({"applications": [_application_json(report, a, lang) for a in report.applications]}
           if report.applications else {}),
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
    if report.partial:
        line += message("report.sentence_gap")(lang) + message("report.partial")(lang)
    if report.applications:
        apps = counts["applications"]
        line += message("report.sentence_gap")(lang) + message(
            "report.applications_summary", applicants=counted("applicant", apps["total"]), ok=apps["ok"],
            warning=apps["warning"], error=apps["error"])(lang)
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


class _Lines:
    """How the text report writes: marks, colours, what `errors_only` leaves out, how attachment kinds are named."""

    def __init__(self, lang: str, color: bool, plain_marks: bool, errors_only: bool,
                 kind_names: dict[str, Text] | None):
        self.lang, self.color, self.errors_only = lang, color, errors_only
        self.marks = _PLAIN_MARKS if plain_marks else _MARKS
        self.names = {"unknown": message("report.unknown_kind"), **(kind_names or {})}

    def style(self, text: str, status: str, bold: bool = False) -> str:
        return click.style(text, fg=_COLOURS[status], bold=bold) if self.color else text

    def findings(self, findings: list[Finding], indent: str) -> list[str]:
        lang, lines = self.lang, []
        for finding in findings:
            if self.errors_only and finding.severity.value != "error":
                continue
            where = f" ({message('report.page', n=finding.page)(lang)})" if finding.page is not None else ""
            head = self.style(f"{message('report.' + finding.severity.value)(lang)} {finding.rule}",
                              finding.severity.value)
            lines.append(f"{indent}    {head}{where}: {terminal_safe(finding.message(lang))}")
        return lines

    def file(self, f: FileReport, indent: str = "", taken_as: Text | None = None) -> list[str]:
        lang = self.lang
        kind_name = self.names.get(f.attachment_kind, Text(f.attachment_kind or "", f.attachment_kind or ""))(lang)
        kind = f" ({message('report.kind')(lang)}: {kind_name})" if f.attachment_kind else ""
        lines = [indent + self.style(f"{self.marks[f.status]} {terminal_safe(f.path)}{kind}", f.status,
                                     bold=f.status == "error")]
        if taken_as is not None and not self.errors_only:
            lines.append(f"{indent}    {message('report.taken_as')(lang)}: {terminal_safe(taken_as(lang))}")
        lines += self.findings(f.findings, indent)
        if f.annotations:
            more = message("report.more_pictures", n=len(f.annotations))(lang) if len(f.annotations) > 1 else ""
            lines.append(f"{indent}    {message('report.pictures')(lang)}: {terminal_safe(f.annotations[0])}{more}")
        return lines

    def application(self, report: Report, application: ApplicationReport, files: dict[str, FileReport]
                    ) -> list[str]:
        """The applicant's one-line verdict, the application's own findings, then its files."""
        lang, status = self.lang, report.application_status(application)
        if self.errors_only and status != "error":
            return []
        own = [f for path in application.files if (f := files.get(path)) is not None]
        severities = [x.severity.value for x in application.findings + [x for f in own for x in f.findings]]
        verdict = message("report.applicant_ok")(lang) if status == "ok" else message(
            "report.applicant_problems", errors=counted("error", severities.count("error")),
            warnings=counted("warning", severities.count("warning")))(lang)
        if not application.files:
            verdict += message("report.applicant_no_files")(lang)
        line = message("report.applicant", name=application.name, level=application.level, year=application.year,
                       path=application.path, verdict=verdict)(lang)
        lines = [self.style(f"{self.marks[status]} {terminal_safe(line)}", status, bold=True)]
        lines += self.findings(application.findings, "")
        if not self.errors_only:
            lines += [f"    {message('report.assumed')(lang)}: {terminal_safe(a(lang))}" for a in application.assumptions]
        for f in own:
            if not (self.errors_only and f.status != "error"):
                lines += self.file(f, "  ", application.classes[f.path].evidence)
        return lines


def to_text(report: Report, lang: str, color: bool = False, plain_marks: bool = False, errors_only: bool = False,
            kind_names: dict[str, Text] | None = None, header: bool = False) -> str:
    """The report for people. `color`: ANSI colours (a terminal only); `plain_marks`: [OK]/[!]/[X] for consoles
    that cannot show ✓ and ✗; `errors_only`: files with errors and their errors alone; `kind_names`: how the
    attachment kinds are named (api.attachment_kind_names); `header`: a first line marking a saved report, so later
    checks pass over it. With applications, each applicant comes first: a one-line verdict, the application's own
    findings, then its files with what each was taken as; files of no application follow. Folders of many files
    that are neither photos nor PDFs are summed up in one line each."""
    out = _Lines(lang, color, plain_marks, errors_only, kind_names)
    lines = [f"{TEXT_REPORT_HEADER} ({report.profile}, docprep {__version__})"] if header else []
    files = {f.path: f for f in report.files}
    for application in report.applications:
        lines += out.application(report, application, files)
    claimed = {path for application in report.applications for path in application.files}
    rest = [f for f in report.files if f.path not in claimed]
    unsupported: dict[str, list[FileReport]] = {}
    for f in rest:
        if _only_unsupported(f):
            unsupported.setdefault(_folder(f.path), []).append(f)
    collapsed = {folder for folder, entries in unsupported.items() if len(entries) >= COLLAPSE_UNSUPPORTED}
    for f in rest:
        if errors_only and f.status != "error":
            continue
        folder = _folder(f.path)
        if folder in collapsed and _only_unsupported(f):
            if f is unsupported[folder][0]:
                lines.append(out.style(f"{out.marks['warning']} " + terminal_safe(
                    _unsupported_line(folder, unsupported[folder], lang)), "warning"))
            continue
        lines += out.file(f)
    lines.append(_summary_line(report, lang))
    return "\n".join(lines) + "\n"


def application_entries(report: Report) -> list[Entry] | None:
    """What the machine formats report on when the report has applications: per applicant, an entry for the
    application's own findings (under its folder's path), then one per file of it; then the files of no
    application. None without applications (each format's default: one entry per file)."""
    if not report.applications:
        return None
    files = {f.path: f for f in report.files}
    entries: list[Entry] = []
    for a in report.applications:
        own = FileReport(a.path, FileType.OTHER, None, list(a.findings))
        entries.append(Entry(own, applicant=a.name or "", application=a.path))
        entries += [Entry(files[path], applicant=a.name or "", application=a.path) for path in a.files if path in files]
    claimed = {path for a in report.applications for path in a.files}
    return entries + [Entry(f) for f in report.files if f.path not in claimed]
