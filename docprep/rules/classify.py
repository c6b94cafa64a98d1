"""Which attachment each file of an application is: a pure function of its name, the text of its first page (or of
its title area, read by OCR) and the profile. Nothing here reads a file; the caller passes the text.

The name decides first: the [pdf.kinds] name hints in profile order (first match wins), then the ID photo's words
([app.attachments] photo_names); where the file's own name says nothing, the names of the folders it sits in
(innermost first: 继续教育/2019.pdf). Then the content: the first [app.attachments] title phrase the text holds.
Last, an image whose name and text say nothing is taken as the ID photo (photo_extensions).

A kind required per year (continuing education) also gets the years the file covers: every four-digit year
(19xx, 20xx) of its name, a range (2017-2020) standing for every year in it; else, from its folders' names; else,
the years of its text that a year word follows (2020年度, but not 2021年3月) or precedes (年度：2020). A year that
begins a whole date (2021-03-15, 2021.3.15, 2021年3月15日: when it was printed) is no year covered."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath

from ..i18n import Text, message
from .attachments import PHOTO, label, normal, pairs, yearly_kinds

# A year: four digits, 19xx or 20xx, not part of a longer number, not the start of a whole date.
_YEAR = r"(?<!\d)(?:19|20)\d{2}(?!\d)(?! ?[.\-/年] ?\d{1,2} ?[.\-/月] ?\d{1,2}(?!\d))"
_GROUP = re.compile(rf"{_YEAR}(?:\D{{1,3}}?{_YEAR})*")  # years listed or ranged together: 2019、2020, 2017-2020


@dataclass(frozen=True)
class Classification:
    """What one file of an application was taken as, and why."""

    kind: str | None  # a kind of the profile's [pdf.kinds], "photo" for the ID photo, None: nothing fits
    years: tuple[int, ...] = ()  # the years a file of a kind required per year covers, oldest first
    source: str | None = None  # "name" (its name or its folders' names), "content" (its text), None
    evidence: Text = field(default=Text("", ""))  # why, for the report


def classify(file_name: str, text: str | None, kinds_cfg, app_cfg) -> Classification:
    """The kind of one file. `file_name`: its name, or its path relative to the application's folder ("/" or "\\"
    between folders); `text`: its first page's text layer, or OCR of its title area, None where there is none;
    `kinds_cfg`: the profile's [pdf.kinds]; `app_cfg`: its [app]."""
    cfg = app_cfg.attachments
    parts = [part for part in re.split(r"[/\\]", file_name) if part]
    name = parts[-1] if parts else file_name
    found, folder = _named(parts or [file_name], kinds_cfg, cfg)
    where = message("classify.where_folder", folder=folder) if folder else message("classify.where_name")
    source = "name"
    if found is None and text:
        found, source = _first(normal(text), pairs(cfg.title_phrases)), "content"
        where = message("classify.where_content")
    if found is None:
        return _by_extension(name, text, kinds_cfg, cfg)
    word, kind = found
    years, years_note = _years(kind, parts, text, cfg)
    evidence = message("classify.found", where=where, word=word, label=label(kind, kinds_cfg), years=years_note)
    return Classification(kind, years, source, evidence)


def kind_by_name(file_name: str, kinds_cfg, app_cfg) -> str | None:
    """The kind the name of a file or of its folders says (as `classify` takes it from them), None where they say
    nothing: whether a file's title must be read, decided without building its report texts."""
    parts = [part for part in re.split(r"[/\\]", file_name) if part] or [file_name]
    found = _named(parts, kinds_cfg, app_cfg.attachments)[0]
    return found[1] if found else None


def _named(parts: list[str], kinds_cfg, cfg) -> tuple[tuple[str, str] | None, str | None]:
    """The first (keyword, kind) in the file's name (the last of `parts`), else in its folders' names, innermost
    first; with the folder it was found in (None: the file's own name, or nowhere)."""
    hints = _name_hints(kinds_cfg.name_hints, cfg.photo_names)
    if (found := _first(normal(parts[-1]), hints)) is not None:
        return found, None
    for folder in reversed(parts[:-1]):
        if (found := _first(normal(folder), hints)) is not None:
            return found, folder
    return None, None


@lru_cache(maxsize=64)
def _name_hints(name_hints: tuple[str, ...], photo_names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The (keyword, kind) pairs a file's or folder's name is searched for: [pdf.kinds] name_hints, then the
    photo's names; made once per profile."""
    return pairs(name_hints) + tuple((normal(word), PHOTO) for word in photo_names)


def _first(haystack: str, hints: tuple[tuple[str, str], ...]) -> tuple[str, str] | None:
    """The first (keyword, kind) whose keyword is in `haystack` (both as `normal` gives them)."""
    return next(((word, kind) for word, kind in hints if word and word in haystack), None)


def _by_extension(name: str, text: str | None, kinds_cfg, cfg) -> Classification:
    """An image of the photo's types whose name and text say nothing is the ID photo; anything else fits no kind."""
    extension = PurePosixPath(normal(name)).suffix.lstrip(".")
    if extension and extension in {e.strip().lstrip(".").lower() for e in cfg.photo_extensions}:
        return Classification(PHOTO, (), "name", message("classify.by_extension", extension=extension,
                                                         label=label(PHOTO, kinds_cfg)))
    return Classification(None, (), None, message("classify.none" if text else "classify.none_without_text"))


def _years(kind: str, parts: list[str], text: str | None, cfg) -> tuple[tuple[int, ...], Text]:
    """The years a file of `kind` covers and how they were found (empty for a kind not required per year)."""
    if kind not in yearly_kinds(cfg):
        return (), Text("", "")
    for index, part in enumerate(reversed(parts)):
        if years := name_years(part, cfg.year_ranges):
            key = "classify.years_from_name" if index == 0 else "classify.years_from_folder"
            return years, message(key, years=_listed(years))
    if text and (years := text_years(text, cfg.year_words, cfg.year_ranges)):
        return years, message("classify.years_from_content", years=_listed(years))
    return (), message("classify.no_years")


def name_years(name: str, ranges) -> tuple[int, ...]:
    """Every year a file name gives, a range standing for the years in it ("继续教育2017-2020" -> 2017...2020)."""
    return _expanded(_spaced(name), ranges)


def text_years(text: str, words, ranges) -> tuple[int, ...]:
    """The years of a document's text that a year word follows ("2019、2020年度"; not followed by a digit, as in
    2021年3月) or precedes ("年度：2020"); years listed or ranged together count together."""
    text, words = _spaced(text), [normal(w) for w in words if normal(w)]
    years: set[int] = set()
    for group in _GROUP.finditer(text):
        end, before = len(text) - len(text[group.end():].lstrip()), text[:group.start()].rstrip(" :")
        if any(text.startswith(w, end) and not text[end + len(w):end + len(w) + 1].isdigit() for w in words) \
                or any(before.endswith(w) for w in words):
            years.update(_expanded(group.group(), ranges))
    return tuple(sorted(years))


def _expanded(text: str, ranges) -> tuple[int, ...]:
    """The years in `text` (_spaced), each range from its first year to its last."""
    years = {int(match) for match in re.findall(_YEAR, text)}
    marks = "|".join(re.escape(normal(mark)) for mark in ranges if normal(mark))
    if marks:
        for first, last in re.findall(rf"({_YEAR}) ?(?:{marks}) ?({_YEAR})", text):
            years.update(range(int(first), int(last) + 1))
    return tuple(sorted(years))


def _spaced(text: str) -> str:
    """Text as years are read in it: as `normal` gives it, but with one space where there was whitespace, so that
    numbers apart stay apart ("60 2019")."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).lower()


def _listed(years: tuple[int, ...]) -> Text:
    return Text("、".join(map(str, years)), ", ".join(map(str, years)))
