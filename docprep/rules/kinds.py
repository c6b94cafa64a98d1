"""Attachment kinds: which PDFs are copies that the unit's HR must verify (red seal, 核对无误, date), and whether
on every page or once per document. The kinds are the profile's [pdf.kinds] table: data, not code.

A PDF's kind comes from `--kind`, else from the first of the profile's name hints found in its file name (HR
units check folders of mixed attachments), else it is unknown and checked as a copy on every page: a missing
seal is the costlier mistake to miss."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError
from ..i18n import Text
from ..profiles.schema import Setting

UNKNOWN = "unknown"

S = Setting
SETTINGS = {
    "every_page": S("str-list", "kinds of copy that need the seal, the words and the date on every page"),
    "once": S("str-list", "kinds of copy (long documents) that need them once, on any page"),
    "originals": S("str-list", "kinds that are originals or forms: no verification marks needed"),
    "name_hints": S("str-list", "\"KEYWORD=KIND\": a file whose name contains KEYWORD is of that kind (first match "
                                "wins)"),
    "labels": S("str-list", "\"KIND=名称\": the Chinese name shown for a kind (English shows the kind itself)",
                required=False),
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


def kind_labels(kinds) -> dict[str, str]:
    """Kind -> its Chinese name, from the profile's [pdf.kinds] labels."""
    return dict(_hints(getattr(kinds, "labels", [])))


def marks_needed(kind: str, kinds) -> str:
    """How a PDF of `kind` needs the marks: "every-page", "once" or "none"; a kind the profile does not list (unknown)
    is a copy on every page."""
    return known_kinds(kinds).get(kind, "every-page")


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
    labels = kinds.get("labels", [])
    for label, (kind, name) in zip(labels, _hints(labels)):
        if kind not in seen or not name:
            return f"key 'pdf.kinds.labels': {label!r} is not KIND=NAME with a kind of [pdf.kinds]"
    return None


def resolve_kind(file_name: str, kind: str | None, kinds) -> AttachmentKind:
    """The kind of one PDF and the marks it needs. A `kind` not in the profile is a usage error (exit 2)."""
    known = known_kinds(kinds)
    if kind is not None:
        if kind not in known:
            listed = ", ".join(sorted(known))
            raise UsageError(Text(f"未知的材料类型“{kind}”；该配置文件支持：{listed}",
                                  f"unknown attachment kind {kind!r}; this profile knows: {listed}"))
        return AttachmentKind(kind, known[kind], "option")
    hint = name_hint(file_name, kinds.name_hints)
    if hint is not None:
        return AttachmentKind(hint[1], known[hint[1]], "name")
    return AttachmentKind(UNKNOWN, marks_needed(UNKNOWN, kinds), "default")


def name_hint(file_name: str, hints: list[str]) -> tuple[str, str] | None:
    """The first (keyword, kind) of the "KEYWORD=KIND" hints whose keyword is in the file name (any case)."""
    lowered = file_name.lower()
    return next(((k, v) for k, v in _hints(hints) if k.lower() in lowered), None)


def document_word(file_name: str, words: list[str], hints: list[str]) -> str | None:
    """The word of a file name that names a document: one of `words` ([photo.document] name_words), else the
    keyword of a [pdf.kinds] name hint."""
    lowered = file_name.lower()
    word = next((w for w in words if w.lower() in lowered), None)
    hint = name_hint(file_name, hints) if word is None else None
    return word if hint is None else hint[0]
