"""A bundle run in words (for people) or as JSON (docprep.bundle-result/1, for scripts). The application's own report
(render.report) is rendered by the caller beside these lines where it matters (a refusal)."""
from __future__ import annotations

import json

from ..i18n import counted, message
from ..paths import display_path, terminal_safe
from ..render.report import to_json
from .build import BundleResult
from .outputs import Made

RESULT_SCHEMA = "docprep.bundle-result/1"


def _made_line(made: Made, lang: str) -> str:
    sources = message("report.list_separator")(lang).join(made.sources)
    if made.pages is None:
        key = "bundle.output_photo_fixed" if made.fixed else "bundle.output_photo"
        return message(key, name=made.name, sources=sources)(lang)
    return message("bundle.output_pdf", name=made.name, pages=made.pages, sources=sources)(lang)


def _problem_lines(result: BundleResult, lang: str) -> list[str]:
    lines = [message("bundle.photo_unfixable", reason=f.message)(lang) for f in result.photo_refusal]
    lines += [message("bundle.problem", path=path, severity=message("report." + f.severity.value), rule=f.rule,
                      message=f.message)(lang) for path, f in result.problems]
    return lines


def bundle_lines(result: BundleResult, lang: str) -> list[str]:
    """What the run did, line by line (terminal-safe): the refusals, or the files written and what was left out,
    or why nothing was written."""
    shown = display_path(result.output)
    if result.refusals:
        lines = [message("bundle.refusal", message=r.message)(lang) for r in result.refusals]
        return [terminal_safe(line) for line in lines + [message("bundle.refused_links", path=shown)(lang)]]
    lines = _problem_lines(result, lang)
    if not result.written:
        lines.append(message("bundle.refused", path=shown, errors=counted("error", result.errors))(lang))
        return [terminal_safe(line) for line in lines]
    extras = 1 + result.report_html  # manifest.json, report.html
    lines.insert(0, message("bundle.written", path=shown, files=counted("file", len(result.made) + extras))(lang))
    lines[1:1] = ["  " + _made_line(made, lang) for made in result.made]
    lines += [message("bundle.left_out", path=left.relative, reason=left.detail)(lang) for left in result.left_out]
    if result.errors:
        lines.append(message("bundle.allowed", errors=counted("error", result.errors))(lang))
    return [terminal_safe(line) for line in lines]


def bundle_json(result: BundleResult, lang: str, ascii_only: bool = False) -> str:
    """docprep.bundle-result/1: where, whether written, why not, what the package holds (its manifest) and the
    application's check (docprep.report/1). `ascii_only` as for render.report.to_json."""
    document = {
        "schema": RESULT_SCHEMA,
        "output": display_path(result.output),
        "folder": result.as_folder,
        "written": result.written,
        "status": result.status.value if result.status is not None else None,
        "errors": result.errors,
        "refusals": [{"path": r.path, "reason": r.reason, "message": r.message(lang)} for r in result.refusals],
        "left_out": [{"path": left.relative, "reason": left.reason, "message": left.detail(lang)}
                     for left in result.left_out],
        "problems": [{"path": path, **finding.to_dict(lang)} for path, finding in result.problems],
        "photo_fix": [finding.to_dict(lang) for finding in result.photo_refusal],
        "manifest": json.loads(result.manifest) if result.manifest is not None else None,
        "report": json.loads(to_json(result.report, lang)) if result.report is not None else None,
    }
    return json.dumps(document, ensure_ascii=ascii_only, indent=2) + "\n"
