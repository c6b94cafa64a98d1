"""Attachment kinds: which PDFs are copies that the unit's HR must verify (red seal, 核对无误, date), and whether
on every page or once per document. The kinds are the profile's [pdf.kinds] table: data, not code.

A PDF's kind comes from `--kind`, else from the first of the profile's name hints found in its file name (HR
units check folders of mixed attachments), else it is unknown and checked as a copy on every page: a missing
seal is the costlier mistake to miss."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Iterable

from ..errors import UsageError
from ..profiles.schema import Setting

UNKNOWN = "unknown"

SETTINGS = {
    "every_page": Setting("str-list", "kinds of copy that need the seal, the words and the date on every page"),
    "once": Setting("str-list", "kinds of copy (long documents) that need them once, on any page"),
    "originals": Setting("str-list", "kinds that are originals or forms: no verification marks needed"),
    "name_hints": Setting("str-list", "\"KEYWORD=KIND\": a file whose name contains KEYWORD is of that kind (first "
                                      "match wins)"),
    "labels": Setting("str-list", "\"KIND=名称\": the Chinese name shown for a kind (English shows the kind itself); "
                                  "absent: none", required=False),
}


class MarksNeeded(str, Enum):
    """Where a kind of attachment needs the verification marks. A str: `marks == "once"` reads as before."""

    EVERY_PAGE = "every-page"
    ONCE = "once"
    NONE = "none"

    def __str__(self) -> str:
        return self.value


_LISTS = ("every_page", "once", "originals")  # the [pdf.kinds] keys listing kinds, one per MarksNeeded


@dataclass(frozen=True)
class AttachmentKind:
    name: str  # a kind from the profile, or "unknown"
    marks: MarksNeeded
    source: str  # "option" (--kind), "name" (a name hint) or "default"


def known_kinds(kinds) -> dict[str, MarksNeeded]:
    """Kind -> how its marks are needed, from the profile's [pdf.kinds]."""
    lists = {MarksNeeded.EVERY_PAGE: kinds.every_page, MarksNeeded.ONCE: kinds.once, MarksNeeded.NONE: kinds.originals}
    return {kind: marks for marks, names in lists.items() for kind in names}


def kind_labels(kinds) -> dict[str, str]:
    """Kind -> its Chinese name, from the profile's [pdf.kinds] labels."""
    return dict(_label_pairs(kinds.labels))


@lru_cache(maxsize=64)
def _label_pairs(labels: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The labels' (kind, name) pairs, made once per profile (every file of an application is labelled)."""
    return tuple(_hints(labels))


def marks_needed(kind: str, kinds) -> MarksNeeded:
    """How a PDF of `kind` needs the marks; a kind the profile does not list (unknown) is a copy on every page."""
    return known_kinds(kinds).get(kind, MarksNeeded.EVERY_PAGE)


def _hints(hints: Iterable[str]) -> list[tuple[str, str]]:
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
    for key in _LISTS:
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
            raise UsageError("unknown_kind", kind=kind, known=", ".join(sorted(known)))
        return AttachmentKind(kind, known[kind], "option")
    hint = name_hint(file_name, kinds.name_hints)
    if hint is not None:
        return AttachmentKind(hint[1], known[hint[1]], "name")
    return AttachmentKind(UNKNOWN, marks_needed(UNKNOWN, kinds), "default")


def name_hint(file_name: str, hints: Iterable[str]) -> tuple[str, str] | None:
    """The first (keyword, kind) of the "KEYWORD=KIND" hints whose keyword is in the file name (any case)."""
    lowered = file_name.lower()
    return next(((k, v) for k, v in _hints(hints) if k.lower() in lowered), None)


def document_word(file_name: str, words: Iterable[str], hints: Iterable[str]) -> str | None:
    """The word of a file name that names a document: one of `words` ([photo.document] name_words), else the
    keyword of a [pdf.kinds] name hint."""
    lowered = file_name.lower()
    word = next((w for w in words if w.lower() in lowered), None)
    hint = name_hint(file_name, hints) if word is None else None
    return word if hint is None else hint[0]
