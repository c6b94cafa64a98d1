"""Rendering a Report as text (for people) or JSON (docprep.report/1, for CI): the schema is public API."""
from __future__ import annotations

import json

import click

from . import __version__
from .engine import Report

SCHEMA = "docprep.report/1"
_STATUS = {"ok": ("✓", "green"), "warning": ("!", "yellow"), "error": ("✗", "red")}
_LABELS = {
    "zh": {"error": "错误", "warning": "警告", "page": "第 {n} 页", "kind": "材料类型", "pictures": "标注图",
           "more": " 等 {n} 张", "unknown": "未知，按复印件检查", "summary":
           "共 {files} 个文件：{ok} 个通过，{warning} 个有警告，{error} 个有错误（{errors} 个错误，{warnings} 个警告）。"},
    "en": {"error": "error", "warning": "warning", "page": "page {n}", "kind": "attachment kind",
           "pictures": "pictures", "more": " (first of {n})",
           "unknown": "unknown, checked as a copy", "summary":
           "{files} files: {ok} ok, {warning} with warnings, {error} with errors ({errors} errors, {warnings} warnings)."},
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


def to_json(report: Report, lang: str) -> str:
    document = {
        "schema": SCHEMA,
        "tool": {"name": "docprep", "version": __version__},
        "profile": report.profile,
        "lang": lang,
        "files": [
            {
                "path": f.path,
                "kind": f.kind,
                "attachment_kind": f.attachment_kind,
                "sha256": f.sha256,
                "status": f.status,
                "findings": [finding.to_dict(lang) for finding in f.findings],
                "annotations": f.annotations,
            }
            for f in report.files
        ],
        "summary": summary(report),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def to_text(report: Report, lang: str, color: bool = False) -> str:
    labels = _LABELS[lang]
    lines = []
    for f in report.files:
        mark, colour = _STATUS[f.status]
        kind = f" ({labels['kind']}: {labels.get(f.attachment_kind, f.attachment_kind)})" if f.attachment_kind else ""
        lines.append(click.style(f"{mark} {f.path}{kind}", fg=colour if color else None,
                                 bold=color and f.status == "error"))
        for finding in f.findings:
            where = f" ({labels['page'].format(n=finding.page)})" if finding.page is not None else ""
            head = click.style(f"{labels[finding.severity.value]} {finding.rule}", fg=_STATUS[
                "error" if finding.severity.value == "error" else "warning"][1] if color else None)
            lines.append(f"    {head}{where}: {finding.message(lang)}")
        if f.annotations:
            more = labels["more"].format(n=len(f.annotations)) if len(f.annotations) > 1 else ""
            lines.append(f"    {labels['pictures']}: {f.annotations[0]}{more}")
    lines.append(labels["summary"].format(**summary(report)))
    return "\n".join(lines) + "\n"
