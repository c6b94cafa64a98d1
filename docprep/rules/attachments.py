"""The profile's [app.attachments] table: how an application's files are told apart (docprep.rules.classify) and
what an application must hand in (docprep.rules.completeness). Data, not code: the keywords, title phrases, year
words and requirements are the profile's, so another platform is another profile.

A requirement is one readable string, `KIND[|KIND...] [per year] [if KEY=VALUE[ and KEY=VALUE...]]`:

    "photo"                                       every application needs the ID photo
    "continuing-education per year"              a proof for each year the level must prove ([app] levels)
    "post-form if unit_type=事业单位在编"          only when application.toml says so
    "employment-registration|xuexin if degree_on_chsi=false"   any one of the kinds will do

KEY is a key of application.toml (CONDITIONS); a condition on a key application.toml does not state is not met.
Its syntax and values are checked when the profile loads (validate); that its kinds are kinds of [pdf.kinds] can
only be checked with both tables at hand (kinds_error)."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ..applications.metadata import years_by_level
from ..i18n import Text, message
from ..profiles.schema import Setting
from .kinds import UNKNOWN, kind_labels, known_kinds

PHOTO = "photo"  # the kind of the ID photo: not a PDF kind, so not in [pdf.kinds]
PER_YEAR = "per year"
CONDITIONS = {"level": str, "unit_type": str, "series": str, "exceptional": bool, "degree_on_chsi": bool}

S = Setting
SETTINGS = {
    "photo_names": S("str-list", "file-name keywords of the ID photo (证件照), looked for after the [pdf.kinds] name "
                                 "hints: 身份证照片 is the ID card"),
    "photo_extensions": S("str-list", "an image of these types whose name holds no keyword, and whose text none of "
                                      "the title phrases, is taken as the ID photo"),
    "title_phrases": S("str-list", "\"PHRASE=KIND\": a file whose name holds no keyword is of KIND when the text of "
                                   "its first page (or of its title area, read by OCR) holds PHRASE (first match wins)"),
    "title_area": S("float", "share of a scanned PDF's first page, from the top, read by OCR for a title phrase when "
                             "the file's name and folders say nothing and the page has no text layer; 0: never", 0, 1),
    "year_words": S("str-list", "a year in a document's text counts as a year it covers when one of these follows it "
                                "(2020年度) or precedes it (年度：2020); in a file name every year counts"),
    "year_ranges": S("str-list", "marks between two years that make a range covering every year between (2017-2020, "
                                 "2017至2020); other marks between years (2019、2020) list them"),
    "requires": S("str-list", "what an application must hand in: \"KIND[|KIND...] [per year] [if KEY=VALUE[ and "
                              "KEY=VALUE...]]\" (docprep/rules/attachments.py); empty: no completeness rules"),
    "single": S("str-list", "kinds an application holds one file of: a second one competes for the slot "
                            "(app.duplicate-attachment)"),
}
# [app.discovery]: which folders without an application.toml are applications (engine.applications), judged by the
# names of their files alone (kind_by_name: no content, no OCR, so finding them costs a directory listing).
DISCOVERY = {
    "min_kinds": S("int", "a folder without an application.toml is an application when the names of its files (and "
                          "of their folders below it) show at least this many different kinds that requires names; "
                          "0: only folders with an application.toml", min=0),
    "anchor_kinds": S("str-list", "one of the kinds shown must be one of these (the ID photo, a continuing-education "
                                  "proof: what only an application holds; a kind requires does not name is never "
                                  "shown); empty: any kind requires names"),
}


@dataclass(frozen=True)
class Requirement:
    """One entry of [app.attachments] requires."""

    kinds: tuple[str, ...]  # any one of them fulfils it
    per_year: bool  # one for each year the level must prove
    conditions: tuple[tuple[str, str], ...]  # (key of application.toml, value as written)

    def applies(self, metadata) -> bool:
        """Whether `metadata` (an ApplicationMetadata) meets every condition; a key it does not state meets none."""
        for key, wanted in self.conditions:
            value = getattr(metadata, key)
            if value is None or (str(value).lower() if isinstance(value, bool) else value) != wanted:
                return False
        return True


def parse_requirement(entry: str) -> Requirement:
    """One requirement string; ValueError says what is wrong with it."""
    head, _, condition = entry.partition(" if ")
    words = head.split()
    if not words or (len(words) > 1 and " ".join(words[1:]) != PER_YEAR):
        raise ValueError(f"{entry!r} is not KIND[|KIND...] [{PER_YEAR}] [if KEY=VALUE[ and KEY=VALUE...]]")
    kinds = tuple(kind.strip() for kind in words[0].split("|"))
    if not all(kinds):
        raise ValueError(f"{entry!r} names an empty kind")
    conditions = []
    for part in condition.split(" and ") if condition.strip() else ():
        key, sep, value = (piece.strip() for piece in part.partition("="))
        if not sep or not value or key not in CONDITIONS:
            raise ValueError(f"{entry!r}: condition {part.strip()!r} is not KEY=VALUE with KEY one of "
                             f"{', '.join(CONDITIONS)}")
        if CONDITIONS[key] is bool and value not in ("true", "false"):
            raise ValueError(f"{entry!r}: {key} is true or false, not {value!r}")
        conditions.append((key, value))
    return Requirement(kinds, len(words) > 1, tuple(conditions))


def requirements(cfg) -> tuple[Requirement, ...]:
    """The requirements of [app.attachments] (`cfg`), validated when the profile loaded."""
    return _requirements(cfg.requires)


# The profile's lists are tuples (profiles.sections) and what is made of them is immutable: made once per profile,
# not once per file of a share (a plan or a judgement of thousands of files classifies each).
@lru_cache(maxsize=64)
def _requirements(entries: tuple[str, ...]) -> tuple[Requirement, ...]:
    return tuple(parse_requirement(entry) for entry in entries)


def required_kinds(cfg) -> frozenset[str]:
    """Every kind a requirement of [app.attachments] (`cfg`) names, whatever its conditions."""
    return frozenset(kind for requirement in requirements(cfg) for kind in requirement.kinds)


def shows_application(kinds, cfg, discovery) -> bool:
    """Whether files whose names show `kinds` make a folder an application without an application.toml: at least
    [app.discovery] (`discovery`) min_kinds of the kinds [app.attachments] (`cfg`) requires, one of them among its
    anchor_kinds (any, when that is empty); never when min_kinds is 0."""
    shown = set(kinds) & required_kinds(cfg)
    anchored = not discovery.anchor_kinds or not shown.isdisjoint(discovery.anchor_kinds)
    return discovery.min_kinds > 0 and len(shown) >= discovery.min_kinds and anchored


def yearly_kinds(cfg) -> set[str]:
    """The kinds required per year: a file of one covers the years its name or content gives."""
    return {kind for requirement in requirements(cfg) if requirement.per_year for kind in requirement.kinds}


@lru_cache(maxsize=64)
def pairs(entries: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(KEYWORD, KIND) pairs of "KEYWORD=KIND" entries (a profile's list: a tuple), the keyword as names are
    compared (normal)."""
    return tuple((normal(keyword), kind.strip()) for keyword, _, kind in (entry.partition("=") for entry in entries))


def normal(text: str) -> str:
    """Text as names, phrases and keywords are compared: full-width forms folded (ＰＤＦ２０２０ -> PDF2020, ～ -> ~),
    whitespace (spaces, the ideographic space, line breaks) removed, lower case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def _validate_values(section: dict) -> str | None:
    """Condition values the rest of [app] lists: levels (checked before) and unit types."""
    choices = {"level": list(years_by_level(section["levels"])), "unit_type": list(section["unit_types"])}
    for entry in section["attachments"]["requires"]:
        try:
            requirement = parse_requirement(entry)
        except ValueError as exc:
            return f"key 'app.attachments.requires': {exc}"
        for key, value in requirement.conditions:
            if key in choices and value not in choices[key]:
                return (f"key 'app.attachments.requires': {entry!r}: {key} {value!r} is not one of "
                        f"{', '.join(choices[key])}")
    return None


def validate(section: dict) -> str | None:
    """Cross-checks of [app.attachments] that its types cannot express: title phrases as PHRASE=KIND, requirements
    in their syntax with conditions on the levels and unit types [app] lists. Called once [app] levels passed."""
    table = section.get("attachments", {})
    if not all(key in table for key in SETTINGS) or not all(key in section for key in ("levels", "unit_types")):
        return None  # completeness is reported elsewhere
    for entry in table["title_phrases"]:
        phrase, sep, kind = entry.partition("=")
        if not sep or not phrase.strip() or not kind.strip():
            return f"key 'app.attachments.title_phrases': {entry!r} is not PHRASE=KIND"
    return _validate_values(section)


def kinds_error(cfg, kinds_cfg, discovery=None) -> str | None:
    """What in [app.attachments] (`cfg`), or in [app.discovery] (`discovery`) anchor_kinds, names a kind that
    [pdf.kinds] (`kinds_cfg`) does not list (or "photo"), as a profile error text; None when every kind is known.
    Checked where the tables meet (completeness; engine.applications before a share is walked)."""
    known = set(known_kinds(kinds_cfg))
    if PHOTO in known or UNKNOWN in known:
        return f"key 'pdf.kinds': {PHOTO!r} is the ID photo's kind, not a PDF kind"
    known.add(PHOTO)
    named = [("requires", kind) for requirement in requirements(cfg) for kind in requirement.kinds]
    named += [("title_phrases", kind) for _, kind in pairs(cfg.title_phrases)]
    named += [("single", kind) for kind in cfg.single]
    named = [(f"attachments.{key}", kind) for key, kind in named]
    named += [("discovery.anchor_kinds", kind) for kind in discovery.anchor_kinds] if discovery else []
    for key, kind in named:
        if kind not in known:
            return f"key 'app.{key}': kind {kind!r} is not a kind of [pdf.kinds] ({', '.join(sorted(known))})"
    return None


def label(kind: str, kinds_cfg) -> Text:
    """A kind as people read it: its [pdf.kinds] label in Chinese; in English the kind, with the label after it."""
    if kind == PHOTO:
        return message("classify.photo")
    name = kind_labels(kinds_cfg).get(kind)
    return Text(name or kind, f"{kind} ({name})" if name else kind)


def keyword(kind: str, kinds_cfg, cfg) -> str | None:
    """The first file-name keyword that makes a file `kind`, for telling people how to name one."""
    if kind == PHOTO:
        return cfg.photo_names[0] if cfg.photo_names else None
    hints = (hint.partition("=") for hint in kinds_cfg.name_hints)
    return next((word.strip() for word, _, of in hints if of.strip() == kind), None)
