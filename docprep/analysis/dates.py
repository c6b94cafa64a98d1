"""Dates in read text, and the date written or stamped beside the verification words (not the document's own
issue date elsewhere on the page)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from .geometry import Box, mm_to_px
from .ocr import TextLine
from .inklayers import InkLayers
from .words import Verification, piece_box, ring_bands, ring_rows, text_layer_lines

if TYPE_CHECKING:
    from .marks import MarkSettings

# One character for another, so positions still index the original text: full-width and superscript forms
# (the reader takes a digit for a superscript one: 2024年11月1⁰日) and OCR slips (a dot with a speck of a seal's ink
# above it read as a colon: 2021:11.19).
_DATE_SLIPS = str.maketrans("０１２３４５６７８９⁰¹²³⁴⁵⁶⁷⁸⁹·．・。:：—－／|\\+ニ", "01234567890123456789......--///十二")
_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0, "o": 0, "0": 0}
_ARABIC_DATE = re.compile(r"((?:19|20)\d{2})\s*[年./\-]?\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})(?!\d)\s*日?")
_CHINESE_DATE = re.compile(r"([〇零○Oo0一二三四五六七八九]{2,4})\s*年\s*([一二三四五六七八九十]{0,3})\s*月"
                           r"\s*([一二三四五六七八九十]{1,3})\s*日?")
# A date whose year OCR misread (3024.3.17, 202g/7/12, 1021.2.7): four characters, three of them digits, then a
# month and a day with the same separator twice; its value is unknown.
_MISREAD_YEAR_DATE = re.compile(r"(?<![0-9A-Za-z])([0-9A-Za-z]{4})([./\-])(\d{1,2})\2(\d{1,2})(?!\d)")
_LENIENT_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[./\-]?((?:\s*[\d./\-]){3,7})(?!\d)")
# A date a seal's ink crosses: a year (19xx, or 20 and what the seal left of the rest, or three digits before 年;
# or Chinese numerals with a 〇), a date's mark after it, and what was read of the rest (characters the seal hid
# left out, or the line cut short by it).
_CROSSED_DATE = re.compile(r"(?<![\d〇零○一二三四五六七八九十])"
                           r"(19\d{2}(?!\d)|20\d{0,2}(?!\d)|2\d{2}(?=\s*年)|[〇零○一二三四五六七八九十]{2,4})"
                           r"\s*([年月./\-][\d〇零○一二三四五六七八九十年月日./\-\s]*)")
# A date whose year the seal hid (7月19日 or 二月二十七日 after what is left of it), or whose year lost a digit before
# its month and day in full (023/10/3): the month and the day are checked.
_CROSSED_MONTH_DAY = re.compile(r"(?<!\d)(\d{1,2})月(\d{1,2})日|(?<!\d)\d{3}([./\-])(\d{1,2})\3(\d{1,2})(?!\d)"
                                r"|([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
# A year, a separator (年, or any mark the seal's ink turned it into) and a digit: the part of a date a seal left.
_PARTIAL_DATE = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*(?:年|[^\w\s])\s*\d[\d年月日./\-]*")


@dataclass(frozen=True)
class VerificationDate:
    """The date written or stamped beside the verification words."""

    box: Box
    text: str
    value: date | None  # None when a written date lost its month in reading (二〇二二年月十一日)


def parse_dates(text: str) -> list[tuple[date | None, int, int]]:
    """Dates in a line of text, (value, start, end): 2024年3月5日, 2024.3.5, 2024-03-05, 2024/3/5 and
    二〇二四年三月五日. Handwritten dates come back from OCR with slips (20243.5, 2024-0305, 2024/8127 for
    2024/8/27, a stray digit before the year or after the day, 〇二四年 for 二〇二四年); those are read
    leniently, and a date with all its separators may follow other digits. A date whose year was misread
    (3024.3.17, 202g/7/12) and a Chinese date whose month numerals were lost are still dates, of unknown value
    (None). Impossible dates are skipped."""
    text = text.translate(_DATE_SLIPS)
    found = []
    for m in _ARABIC_DATE.finditer(text):
        value = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if value:
            found.append((value, m.start(), m.end()))
    for m in _LENIENT_DATE.finditer(text):
        if any(start <= m.start() < end for _, start, end in found):
            continue
        value = _lenient(int(m.group(1)), m.group(2))
        if value:
            found.append((value, m.start(), m.end()))
    for m in _MISREAD_YEAR_DATE.finditer(text):
        if sum(c.isdigit() for c in m.group(1)) >= 3 and _date(2000, int(m.group(3)), int(m.group(4))) and not any(
                start <= m.start() < end for _, start, end in found):
            found.append((None, m.start(), m.end()))
    for m in _CHINESE_DATE.finditer(text):
        numerals = "二〇"[:4 - len(m.group(1))] + m.group(1)  # numerals lost from the front: this century's
        year = int("".join(str(_CN_DIGIT[c]) for c in numerals))
        if not m.group(2):
            found.append((None, m.start(), m.end()))
            continue
        value = _date(year, _cn_number(m.group(2)), _cn_number(m.group(3)))
        if value:
            found.append((value, m.start(), m.end()))
    return found


def parse_crossed_dates(text: str, least_chars: int) -> list[tuple[None, int, int]]:
    """Dates in a line a seal crosses that `parse_dates` does not take, (None, start, end): a year followed by 年, 月
    or a separator and what was read of the month and day (2025年月2日 with the month under the seal's star,
    二〇二一年九 cut short by its ring), at least `least_chars` date characters in all (spaces left out); or a
    month and a day in full whose year the seal hid or cut short (7月19日, 二〇第二月二十七日, 023/10/3). A Chinese year
    has a 〇; digits alone are no date (2024725 is one for `parse_dates`, 20224 none). The value is unknown."""
    text = text.translate(_DATE_SLIPS)
    found = []
    for m in _CROSSED_DATE.finditer(text):
        year, rest = m.group(1), m.group(2).rstrip()
        if not year.isdigit() and not set(year) & set("〇零○"):
            continue
        if len(year) + len(rest.replace(" ", "")) >= least_chars:
            found.append((None, m.start(), m.start(2) + len(rest)))
    for m in _CROSSED_MONTH_DAY.finditer(text):
        month, day = (map(int, m.group(1, 2)) if m.group(1) else map(int, m.group(4, 5)) if m.group(4)
                      else map(_cn_number, m.group(6, 7)))
        if _date(2000, month, day):  # a leap year: 2月29日 is a day
            found.append((None, m.start(), m.end()))
    return [hit for k, hit in enumerate(found) if not any(start <= hit[1] < end for _, start, end in found[:k])]


def _lenient(year: int, rest: str) -> date | None:
    """Month and day from the digits after a year when OCR lost or misread a separator: whole readings
    first, then a '/' read as 1, then a stray digit after the day."""
    groups = [g for g in re.split(r"[\s./\-]+", rest) if g]
    if not 3 <= sum(len(g) for g in groups) <= 5:  # a year and month alone (2024.12), or a longer number
        return None
    if len(groups) >= 2:
        return _date(year, int(groups[0]), int(groups[1][:2]))
    digits = groups[0] if groups else ""
    splits = [(digits[:2], digits[2:]), (digits[:1], digits[1:])]
    splits += [(digits[:i], digits[i + 1:]) for i in (1, 2) if digits[i:i + 1] == "1"]
    splits += [(digits[:2], digits[2:4]), (digits[:1], digits[1:3])]
    for month, day in splits:
        if month and day and len(day) <= 2:
            value = _date(year, int(month), int(day))
            if value:
                return value
    return None


def _cn_number(numerals: str) -> int:
    """一 .. 三十一 written in Chinese numerals."""
    if "十" not in numerals:
        return _CN_DIGIT.get(numerals, 0) if len(numerals) == 1 else 0
    tens, _, ones = numerals.partition("十")
    return (_CN_DIGIT.get(tens, 0) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_verification_date(rgb: np.ndarray, dpi: float, verification: Verification, settings: MarkSettings,
                           text_words: list[TextLine] | None = None, layers: InkLayers | None = None,
                           seals: tuple[Box, ...] = ()) -> VerificationDate | None:
    """The date nearest the verification words, no further than `date_near_mm` from them: the document's own
    issue date elsewhere on the page does not count. Searches the text layer or the lines read with the
    words (in the writing, and in the red ink where the words were read there); reads the words' surroundings
    in the writing (`layers.dark`: strokes under the seal kept) only when those did not reach far enough, and
    then in the red ink alone (`layers.red`: a date stamped in red) where there is red ink round the words. Where
    none of those lines holds a whole date, a date that one of the `seals` (page pixels) hides in part is taken,
    of unknown value (`_partial_date`). On a grey or one-bit page, a date a seal's ring crosses is then taken as
    read in part (`_crossed_date`), and each row across the ring near the words (and the row under them) is read
    again alone (`ring_bands`)."""
    near = mm_to_px(settings.date_near_mm, dpi)
    if verification.source == "text-layer" and text_words:
        return _nearest_date(text_layer_lines(list(text_words)), verification.box, near)
    found = _nearest_date(list(verification.lines), verification.box, near)
    if found:
        return found
    layers = layers or InkLayers(rgb, dpi, settings)
    zone = date_zone(verification, dpi, settings, rgb.shape)
    # A date may start within reach and run on: read a wider strip than the reach itself.
    wide = zone.grown(near, rgb.shape, by_y=0)
    read = list(verification.lines)
    if not zone.inside(verification.region):
        read += layers.read_dark(wide)
        found = _nearest_date(read, verification.box, near)
    if found is None:
        read += layers.read_red(wide)  # a date stamped in red
        found = _nearest_date(read, verification.box, near)
    found = found or _partial_date(read, verification.box, near, seals)
    found = found or _crossed_date(read, layers.rings, verification.box, near, settings)
    words = verification.box
    under = TextLine("", Box(words.x, words.bottom, words.w, words.h))  # the row under the words: a date's usual place
    for band in ring_bands(read + [under], layers.rings, dpi, settings, rgb.shape, zone) if found is None else ():
        more = layers.read_band(band)  # the date's row alone, the seal's text cut off
        found = _nearest_date(more, verification.box, near) or _crossed_date(more, layers.rings, verification.box,
                                                                             near, settings)
        if found:
            break
    return found


def date_zone(verification: Verification, dpi: float, settings: MarkSettings, shape: tuple[int, ...]) -> Box:
    """Where the verification date may be: within `date_near_mm` of the words."""
    return verification.box.grown(mm_to_px(settings.date_near_mm, dpi), shape)


def _partial_date(lines: list[TextLine], words: Box, near: float, seals: tuple[Box, ...]) -> VerificationDate | None:
    """The nearest date that a seal hides in part, no further than `near` from the words, of unknown value: on a line
    a seal's box crosses, a year followed by a separator and a digit (2023年4 of 2023年4月21日 under the seal's star,
    2025/171专用章 with its text over 2025/1/1, 2023>06-25 with its ring over a dash). The rest of the date is
    under the seal's ink, red over red or pen under it."""
    crossed = [line for line in lines if any(line.box.overlap(seal) > 0 for seal in seals)]
    return _nearest_date(crossed, words, near, lambda text: [
        (None, m.start(), m.end()) for m in _PARTIAL_DATE.finditer(text.translate(_DATE_SLIPS))])


def _crossed_date(lines: list[TextLine], rings: tuple, words: Box, near: float,
                  settings: MarkSettings) -> VerificationDate | None:
    """On a grey or one-bit page, the date on a line that a seal's ring (analysis.rings) crosses, read in part
    (`parse_crossed_dates`, at least `date_under_seal_min_chars` characters): the seal's ink is as dark as the pen
    there, its star and arc text hide digits and cut the line in pieces, which are joined by rows first. None on
    a colour page (a red seal's ink is lifted off the writing) or where no such line is near the words."""
    if not rings:
        return None
    crossed = [line for line in lines + ring_rows(lines, rings)
               if any(line.box.overlap(ring.box) > 0 for ring in rings)]
    return _nearest_date(crossed, words, near,
                         lambda text: parse_crossed_dates(text, settings.date_under_seal_min_chars))


def _nearest_date(lines: list[TextLine], words: Box, near: float, parse=parse_dates) -> VerificationDate | None:
    best = None
    for line in lines:
        for value, start, end in parse(line.text):
            box = piece_box(line, start, end)
            gap = box.gap(words)
            if gap <= near and (best is None or gap < best[0]):
                best = (gap, VerificationDate(box, line.text[start:end], value))
    return best[1] if best else None
