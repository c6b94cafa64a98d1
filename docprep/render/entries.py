"""What the machine formats (JUnit, SARIF, GitLab Code Quality, CSV) report on, and the helpers they share: paths as
forward-slash relative references and percent-encoded URIs, fingerprints of a finding, one line per finding.

A format renders a list of Entry. `file_entries(report)` makes one entry per checked file, with no applicant.
Applications add entries of their own (`Entry(FileReport(app_folder, ...), applicant=name, application=folder)`
for what is wrong with the application as a whole, then one per file of it with the same applicant and folder:
render.report.application_entries), which `render.formats.render` uses by default when the report has
applications: every format groups and labels by those two fields, so no format changes when applications arrive."""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import quote

from ..i18n import message
from ..model import FileReport, Finding, Report

# Characters that XML 1.0 cannot hold even escaped (C0 controls but tab, CR and LF; surrogates; U+FFFE, U+FFFF),
# listed, not as the complement of what it can hold: that class takes 6-16 ms to compile, at every start.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# In a name (a test's, a path): every control character, LF and DEL and C1 included, shown as an escape.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Entry:
    """One checked thing: a file (or, with applications, an application's own findings under its folder's path)."""

    file: FileReport
    applicant: str = ""  # the applicant's name as the report shows it ("" until applications exist)
    application: str = ""  # the application's folder: what groups entries (two applicants may share a name)

    @property
    def findings(self) -> list[Finding]:
        return self.file.findings


def file_entries(report: Report) -> list[Entry]:
    """Today's per-file report as entries: one per checked file, in the report's order."""
    return [Entry(f) for f in report.files]


def _escape(match: re.Match) -> str:
    return match.group().encode("unicode_escape", "backslashreplace").decode("ascii")


def name_safe(text: str) -> str:
    """A name (a path, a test name, an applicant) with control characters shown as escapes (\\x1b, \\n)."""
    return _NOT_XML.sub(_escape, _CONTROL.sub(_escape, text))


def xml_safe(text: str) -> str:
    """Text an XML 1.0 document can hold: characters XML forbids shown as escapes; line breaks kept."""
    return _NOT_XML.sub(_escape, text)


def posix_path(path: str) -> str:
    """The report's path with forward slashes and no leading './': how CI tools name a file of the repository."""
    path = path.replace(os.sep, "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def artifact_uri(entry: Entry) -> str:
    """The entry's path as a URI: a relative reference (forward slashes, percent-encoded: Chinese names, spaces,
    ':' and '%') for a relative path, a file: URI for an absolute one. A name that is not UTF-8 (GBK on a share)
    is encoded from its real bytes, so the URI names the file on disk."""
    path = entry.file.path
    raw = bytes.fromhex(entry.file.path_bytes) if entry.file.path_bytes else None
    if os.path.isabs(path):
        if raw is None:
            return PurePath(path).as_uri()
        return "file://" + quote(raw.replace(os.sep.encode(), b"/"), safe="/")
    return quote(posix_path(os.fsdecode(raw)) if raw is not None else posix_path(path), safe="/",
                 encoding="utf-8", errors="surrogateescape")


def fingerprints(entry: Entry) -> list[str]:
    """One stable hash per finding of the entry: SHA-256 of its path, rule and page (0 for the whole file), so a
    finding keeps its identity across runs and machines. A second finding of the same rule on the same page adds
    its ordinal, so no two findings of a report share a fingerprint."""
    seen: dict[tuple, int] = {}
    result = []
    for finding in entry.findings:
        key = (posix_path(entry.file.path), finding.rule, str(finding.page or 0))
        seen[key] = seen.get(key, 0) + 1
        parts = key + ((str(seen[key]),) if seen[key] > 1 else ())
        result.append(hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogateescape")).hexdigest())
    return result


def finding_line(finding: Finding, lang: str) -> str:
    """'error photo.background (page 2): message', as the text report writes a finding."""
    where = f" ({message('report.page', n=finding.page)(lang)})" if finding.page is not None else ""
    return f"{message('report.' + finding.severity.value)(lang)} {finding.rule}{where}: {finding.message(lang)}"
