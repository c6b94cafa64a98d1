"""Attachment kinds: which PDFs are copies that the unit's HR must verify (red seal, 核对无误, date), and whether
on every page or once per document. The kinds are the profile's [pdf.kinds] table: data, not code.

A PDF's kind comes from `--kind`, else from the first of the profile's name hints found in its file name (HR
units check folders of mixed attachments), else it is unknown and checked as a copy on every page: a missing
seal is the costlier mistake to miss."""
from __future__ import annotations

from dataclasses import dataclass

from .errors import UsageError
from .settings import Setting

UNKNOWN = "unknown"

S = Setting
SETTINGS = {
    "every_page": S("str-list", "kinds of copy that need the seal, the words and the date on every page"),
    "once": S("str-list", "kinds of copy (long documents) that need them once, on any page"),
    "originals": S("str-list", "kinds that are originals or forms: no verification marks needed"),
    "name_hints": S("str-list", "\"KEYWORD=KIND\": a file whose name contains KEYWORD is of that kind (first match "
                                "wins)"),
}

_MARKS = {"every_page": "every-page", "once": "once", "originals": "none"}


@dataclass(frozen=True)
class AttachmentKind:
    name: str  # a kind from the profile, or "unknown"
    marks: str  # "every-page", "once" or "none"
    source: str  # "option" (--kind), "name" (a name hint) or "default"


def known_kinds(kinds) -> dict[str, str]:
    """Kind -> how its marks are needed, from the profile's [pdf.kinds]."""
    return {kind: _MARKS[key] for key in _MARKS for kind in getattr(kinds, key)}


def _hints(hints: list[str]) -> list[tuple[str, str]]:
    """(keyword, kind) pairs from "KEYWORD=KIND" strings; a pair with no "=" has an empty kind."""
    pairs = []
    for hint in hints:
        keyword, _, kind = hint.partition("=")
        pairs.append((keyword.strip(), kind.strip()))
    return pairs


def validate(section: dict) -> str | None:
    """Cross-checks the settings' types cannot express: each kind in one list only, hints naming known kinds."""
    kinds = section.get("kinds", {})
    if not all(key in kinds for key in SETTINGS):
        return None  # completeness is reported elsewhere
    seen: dict[str, str] = {}
    for key in _MARKS:
        for kind in kinds[key]:
            if kind in seen:
                return f"key 'pdf.kinds.{key}': kind {kind!r} is already listed in 'pdf.kinds.{seen[kind]}'"
            if kind == UNKNOWN:
                return f"key 'pdf.kinds.{key}': {UNKNOWN!r} is reserved for PDFs of no known kind"
            seen[kind] = key
    for hint, (keyword, kind) in zip(kinds["name_hints"], _hints(kinds["name_hints"])):
        if "=" not in hint or not keyword:
            return f"key 'pdf.kinds.name_hints': {hint!r} is not KEYWORD=KIND"
        if kind not in seen:
            return f"key 'pdf.kinds.name_hints': {hint!r} names kind {kind!r}, which no list of [pdf.kinds] has"
    return None


def resolve_kind(file_name: str, kind: str | None, kinds) -> AttachmentKind:
    """The kind of one PDF and the marks it needs. A `kind` not in the profile is a usage error (exit 2)."""
    known = known_kinds(kinds)
    if kind is not None:
        if kind not in known:
            raise UsageError(f"unknown --kind {kind!r}; this profile knows: {', '.join(sorted(known))}")
        return AttachmentKind(kind, known[kind], "option")
    lowered = file_name.lower()
    for keyword, name in _hints(kinds.name_hints):
        if keyword.lower() in lowered:
            return AttachmentKind(name, known[name], "name")
    return AttachmentKind(UNKNOWN, "every-page", "default")
