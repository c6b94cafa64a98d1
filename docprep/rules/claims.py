"""Whether what application.toml claims agrees with the files (app.metadata): a year of continuing education
claimed with no proof that covers it, and hours a proof's own text states otherwise. A pure function of the
metadata, the files as classified with their first page's text, and the profile.

The hours a proof states are read from its text where a label and a number with an hour word stand together
(专业科目 70 学时, 公需科目：24学时, 合计 94 小时): the labels and hour words are profile data
([app.continuing_education] professional_words, public_words, total_words, hour_words). A proof is compared only
when it covers one year (its hours are that year's), and only the figures its text states once: a text that gives
two different figures for one label (a table of courses) says nothing certain, and is passed by."""
from __future__ import annotations

import re
from typing import Iterable, Iterator, Sequence

from ..applications.metadata import ApplicationMetadata, ContinuingEducation, required_years
from ..i18n import Text
from ..model import Problem
from .attachments import yearly_kinds
from .classify import Classification

RULE = "app.metadata"
_NUMBER = r"(\d{1,4}(?:\.\d{1,2})?)"
# Between a label and its number only punctuation, spaces and a column word (an hour word: 专业科目学时数：70学时):
# a label in running text (专业技术人员继续教育 …) is no label.
_MARKS = r"[\s:：()（）]*"
# What the figures are called in messages, by the [app.continuing_education] key that lists their labels.
_FIGURES = {"professional_words": Text("专业科目", "professional"), "public_words": Text("公需科目", "public"),
            "total_words": Text("合计", "total")}


def stated_hours(text: str, cfg) -> dict[str, float]:
    """The hours a proof's text states, by figure ("professional_words", "public_words", "total_words"): a label,
    punctuation or a column word, a number and an hour word; a figure stated twice differently is left out.
    `cfg`: the profile's [app.continuing_education]."""
    hour = "|".join(re.escape(word) for word in cfg.hour_words)
    found = {}
    for figure in _FIGURES:
        labels = "|".join(re.escape(word) for word in getattr(cfg, figure))
        if not labels or not hour:
            continue
        pattern = rf"(?:{labels}){_MARKS}(?:(?:{hour})数?)?{_MARKS}{_NUMBER}\s*(?:{hour})"
        values = {float(m.group(1)) for m in re.finditer(pattern, text)}
        if len(values) == 1:
            found[figure] = values.pop()
    return found


def _claimed(entry: ContinuingEducation) -> dict[str, float]:
    return {"professional_words": entry.professional, "public_words": entry.public, "total_words": entry.total}


def claims(metadata: ApplicationMetadata, files: Sequence[tuple[Classification, str | None]], app_cfg
           ) -> Iterator[tuple[str, Problem]]:
    """app.metadata problems where application.toml and the files disagree. `files`: each file's classification
    and its first page's text (None: none). A required year with no proof is app.missing-attachment's to report,
    not this: only the other years claimed are reported here."""
    proofs = [(c, text) for c, text in files if c.kind in yearly_kinds(app_cfg.attachments)]
    covered = {year for c, _ in proofs for year in c.years}
    required = set(required_years(metadata.level, metadata.year, app_cfg))
    for entry in metadata.continuing_education:
        if entry.year not in covered and entry.year not in required:
            yield RULE, _no_proof(entry.year)
    for c, text in proofs:
        entry = metadata.hours(c.years[0]) if len(c.years) == 1 and text else None
        if entry is not None:
            yield from _disagreements(entry, stated_hours(text, app_cfg.continuing_education))


def _disagreements(entry: ContinuingEducation, stated: dict[str, float]) -> Iterable[tuple[str, Problem]]:
    claimed = _claimed(entry)
    for figure, value in stated.items():
        if abs(value - claimed[figure]) > 1e-6:
            what = _FIGURES[figure]
            yield RULE, Problem(Text(
                f"application.toml 写 {entry.year} 年{what.zh}学时为 {claimed[figure]:g}，但该年的继续教育证明上写的是 "
                f"{value:g} 学时。请按证明改正 application.toml（或换上正确的证明）。",
                f"application.toml claims {claimed[figure]:g} {what.en} hours for {entry.year}, but that year's "
                f"continuing-education proof states {value:g}. Correct application.toml after the proof (or hand in "
                "the right proof)."), value, claimed[figure])


def _no_proof(year: int) -> Problem:
    return Problem(Text(f"application.toml 填了 {year} 年的继续教育学时，但没有哪份继续教育证明涵盖 {year} 年。请补上该年的"
                        f"证明（文件名写明年份，如“继续教育{year}.pdf”），或删去这一年的学时。",
                        f"application.toml claims continuing-education hours for {year}, but no proof covers {year}. "
                        f"Add that year's proof (its name with the year, e.g. 继续教育{year}.pdf), or remove the "
                        "year's hours."), year, "a proof covering the year")
