"""Rendering a Report as text (for people) or JSON (docprep.report/1, for CI): the schema is public API."""
from __future__ import annotations

import json
import os
from collections import Counter

import click

from .. import __version__
from ..documents.sniff import TEXT_REPORT_HEADER, extension
from ..model import FileReport, Report
from ..paths import terminal_safe

SCHEMA = "docprep.report/1"
_MARKS = {"ok": "✓", "warning": "!", "error": "✗"}
_PLAIN_MARKS = {"ok": "[OK]", "warning": "[!]", "error": "[X]"}  # for consoles whose encoding lacks ✓ and ✗
_COLOURS = {"ok": "green", "warning": "yellow", "error": "red"}
# Folders with at least this many files that are neither photos nor PDFs show them as one line.
COLLAPSE_UNSUPPORTED = 3
_LABELS = {
    "zh": {"error": "错误", "warning": "警告", "page": "第 {n} 页", "kind": "材料类型", "pictures": "标注图",
           "more": " 等 {n} 张", "unknown": "未知，按复印件检查", "unsupported":
           "文件夹“{folder}”：{n} 个文件既不是照片也不是 PDF，未检查（{types}）。平台只接受 JPG 照片和 PDF 附件。",
           "summary": "共 {files} 个文件：{ok} 个通过，{warning} 个有警告，{error} 个有错误"
                      "（{errors} 个错误，{warnings} 个警告）。",
           "skipped": "另有 {n} 个 docprep 生成的文件（标注图、报告）未检查。", "none": "（无扩展名）", "sep": "、"},
    "en": {"error": "error", "warning": "warning", "page": "page {n}", "kind": "attachment kind",
           "pictures": "pictures", "more": " (first of {n})", "unknown": "unknown, checked as a copy", "unsupported":
           "folder '{folder}': {n} files are neither photos nor PDFs and were not checked ({types}). The platform "
           "takes JPG photos and PDF attachments only.",
           "summary": "{files}: {ok} ok, {warning} with warnings, {error} with errors ({errors}, {warnings}).",
           "skipped": "{n} more files written by docprep (annotation pictures, reports) were not checked.",
           "none": "no extension", "sep": ", "},
}


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


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _summary_line(report: Report, lang: str) -> str:
    counts = summary(report)
    if lang == "en":
        counts.update(files=_count(counts["files"], "file"), errors=_count(counts["errors"], "error"),
                      warnings=_count(counts["warnings"], "warning"))
    line = _LABELS[lang]["summary"].format(**counts)
    if report.skipped:
        line += ("" if lang == "zh" else " ") + _LABELS[lang]["skipped"].format(n=len(report.skipped))
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
    labels = _LABELS[lang]
    types = Counter("." + extension(os.path.basename(f.path)) if extension(os.path.basename(f.path)) else labels["none"]
                    for f in entries)
    listed = labels["sep"].join(f"{t} ×{n}" for t, n in types.most_common())
    return labels["unsupported"].format(folder=folder, n=len(entries), types=listed)


def to_text(report: Report, lang: str, color: bool = False, plain_marks: bool = False, errors_only: bool = False,
            kind_labels: dict[str, str] | None = None, header: bool = False) -> str:
    """The report for people. `color`: ANSI colours (a terminal only); `plain_marks`: [OK]/[!]/[X] for consoles
    that cannot show ✓ and ✗; `errors_only`: files with errors and their errors alone; `kind_labels`: names of the
    attachment kinds in `lang`; `header`: a first line marking a saved report, so later checks pass over it.
    Folders of many files that are neither photos nor PDFs are summed up in one line each."""
    labels = _LABELS[lang]
    marks = _PLAIN_MARKS if plain_marks else _MARKS
    names = {"unknown": labels["unknown"], **(kind_labels or {})}

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
        kind = f" ({labels['kind']}: {names.get(f.attachment_kind, f.attachment_kind)})" if f.attachment_kind else ""
        lines.append(style(f"{marks[f.status]} {terminal_safe(f.path)}{kind}", f.status, bold=f.status == "error"))
        for finding in f.findings:
            if errors_only and finding.severity.value != "error":
                continue
            where = f" ({labels['page'].format(n=finding.page)})" if finding.page is not None else ""
            head = style(f"{labels[finding.severity.value]} {finding.rule}", finding.severity.value)
            lines.append(f"    {head}{where}: {terminal_safe(finding.message(lang))}")
        if f.annotations:
            more = labels["more"].format(n=len(f.annotations)) if len(f.annotations) > 1 else ""
            lines.append(f"    {labels['pictures']}: {terminal_safe(f.annotations[0])}{more}")
    lines.append(_summary_line(report, lang))
    return "\n".join(lines) + "\n"
