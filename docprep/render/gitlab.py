"""The report as GitLab Code Quality JSON (`artifacts:reports:codequality`): a list of issues, UTF-8 without a BOM.

Each finding is an issue: its message as the description, the rule id as check_name, the fingerprint of its path,
rule and page (render.entries.fingerprints: GitLab tells new issues from fixed ones by it), the file as
location.path (relative, forward slashes) and the page as location.lines.begin (1 for a photo or the whole file).
Severities: GitLab ranks blocker > critical > major > minor > info; docprep has two levels. An error (the
platform would refuse the file) is "major", a warning "minor": the two levels keep their order and their
distance, and blocker and critical stay free for what GitLab's security and build tools put beside them."""
from __future__ import annotations

import json

from ..i18n import message
from ..model import Severity
from .entries import Entry, fingerprints, posix_path

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor"}


def _description(entry: Entry, text: str, lang: str) -> str:
    """The message, after the applicant's name once applications name one."""
    return message("formats.applicant_message", applicant=entry.applicant, message=text)(lang) if entry.applicant \
        else text


def _issues(entry: Entry, lang: str) -> list[dict]:
    path = posix_path(entry.file.path)
    return [{
        "description": _description(entry, finding.message(lang), lang),
        "check_name": finding.rule,
        "fingerprint": fingerprint,
        "severity": SEVERITIES[finding.severity],
        "location": {"path": path, "lines": {"begin": finding.page or 1}},
    } for finding, fingerprint in zip(entry.findings, fingerprints(entry))]


def render(entries: list[Entry], lang: str) -> bytes:
    """The Code Quality report; an empty list when nothing was found."""
    issues = [issue for entry in entries for issue in _issues(entry, lang)]
    return (json.dumps(issues, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
