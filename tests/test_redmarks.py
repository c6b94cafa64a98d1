"""Issue 11's three remaining misses on red word stamps and grey pages: the date beside red stamped words that a
seal hides in part (`dates._partial_date`), a grey seal's own ink taken for the verifier's signature
(`signature_ring_under`), and the frame of a red word stamp taken for a square seal (`seal_words_max_share`). Each
on drawn pages or read lines at its bounds (no OCR), and on a page of benchmarks/scanset_words.py (or scanset.py)
through the real pipeline that the code before this change got wrong, beside one it must keep getting right."""
from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import cv2
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/ holds the page generator

from docprep.analysis.dates import _partial_date, parse_dates  # noqa: E402
from docprep.analysis.geometry import Box, mm_to_px  # noqa: E402
from docprep.analysis.inklayers import InkLayers  # noqa: E402
from docprep.analysis.ocr import TextLine  # noqa: E402
from docprep.analysis.seals import Seal, beside_words  # noqa: E402
from docprep.analysis.signature import find_signature  # noqa: E402
from docprep.analysis.words import Verification  # noqa: E402
from docprep.profiles.loader import load_profile  # noqa: E402
from test_marks_realworld_words import hit, marks  # noqa: E402

S = load_profile().section("pdf").marks
DPI = 200


# --- 1. a date a seal hides in part ------------------------------------------------------------------------------

WORDS = Box(200, 300, 150, 25)  # pixels at 100 dpi
SEAL = Box(300, 260, 160, 160)


def date_line(text: str, y: int = 340, x: int = 210) -> TextLine:
    return TextLine(text, Box(x, y, 120, 25))


def test_a_year_a_separator_and_a_digit_on_a_line_a_seal_crosses_are_a_date_of_unknown_value():
    near = mm_to_px(S.date_near_mm, 100)
    for text in ("2023年4", "2025/171专用章", "2023>06-25", "2022/71V"):  # the generator's pages, as read
        found = _partial_date([date_line(text)], WORDS, near, (SEAL,))
        assert found is not None and found.value is None and found.text.startswith(text[:5]), text
    assert _partial_date([date_line("2023年4")], WORDS, near, ()) is None  # no seal crosses it: no excuse
    assert _partial_date([date_line("2023年4", x=0)], WORDS, near, (SEAL,)) is None  # the seal not on this line
    for text in ("2023年", "2023", "202", "人事专用章", "No.2023-"):  # no digit after the year's separator
        assert _partial_date([date_line(text)], WORDS, near, (SEAL,)) is None, text


def test_a_partly_hidden_date_is_within_the_profiles_reach_of_the_words():
    near = mm_to_px(S.date_near_mm, 100)
    seal = Box(0, 0, 800, 1000)
    top = int(WORDS.bottom + near)  # the line's gap to the words is exactly the reach
    assert _partial_date([date_line("2023年4", y=top)], WORDS, near, (seal,)) is not None
    assert _partial_date([date_line("2023年4", y=top + 1)], WORDS, near, (seal,)) is None


def test_a_red_date_stamp_under_the_seals_text_is_found():
    """2025/1/1 stamped in red on the line of the seal's bottom text 人事专用章: read 2025/171专用章, 2025/1用章
    (before: no date, `pdf.missing-date` on a dated copy)."""
    found, truth = marks("red-word-stamp", 64)
    assert hit(found.words, truth.words)
    assert hit(found.date, truth.date), found.date_text


@pytest.mark.parametrize("seed", [260, 377])
def test_a_date_whose_year_was_misread_is_found(seed):
    """Two touching seals beside the words: 2024/7/2 read as 202g/7/2 and 202g/7/12, 2024.3.17 as 3024.3.17 (before:
    no date, `pdf.missing-date` on a dated copy); dates of unknown value."""
    found, truth = marks("touching-seals", seed)
    assert hit(found.words, truth.words)
    assert hit(found.date, truth.date), found.date_text


def test_a_whole_red_date_beside_red_words_is_still_read_whole():
    found, truth = marks("red-word-stamp", 12)  # 2 of the seal's crossings, the date read whole
    assert hit(found.date, truth.date) and found.date_text and any(ch.isdigit() for ch in found.date_text[-2:])


# --- 2. a grey seal's own ink is no signature ----------------------------------------------------------------------

RING = Box(350, 232, 161, 161)  # a 40 mm seal at 100 dpi, its ring grey 100, beside WORDS


def grey_page(spot: int | None = None, pen: int | None = None) -> np.ndarray:
    """A grey page (paper 240) with the words' line, a seal's ring (grey 100) beside them and, inside the ring, a
    4 mm blot of grey `spot` (the stamp pad's darker ink) or a pen scribble of grey `pen`."""
    page = np.full((1169, 827, 3), 240, np.uint8)
    cv2.rectangle(page, (WORDS.x + 5, WORDS.y + 5), (int(WORDS.right) - 5, int(WORDS.bottom) - 5), (30,) * 3, 3)
    cv2.circle(page, (int(RING.cx), int(RING.cy)), 78, (100,) * 3, 4)
    if spot is not None:
        cv2.rectangle(page, (400, 330), (416, 336), (spot,) * 3, -1)
    if pen is not None:
        xs = np.linspace(0, 60, 40)
        cv2.polylines(page, [np.asarray([(380 + u, 330 + 8 * np.sin(u / 5)) for u in xs], np.int32)], False,
                      (pen,) * 3, 2)
    return page


def grey_signature(page: np.ndarray, settings=S) -> Box | None:
    ring = Seal(RING, "round", (40.0, 40.0), 1.0)
    verification = Verification(WORDS, "核对无误", "核对无误", 1.0, "ocr", (), Box(0, 0, 827, 1169))
    return find_signature(InkLayers(page, 100, settings, (ring,)), verification, None, settings)


def test_a_grey_seals_darker_ink_kept_for_reading_is_no_signature():
    under = S.signature_ring_under
    assert S.ring_keep_under < under == 30
    spot = 100 - under  # darker than the ring less ring_keep_under (kept for reading), as light as the seal's
    assert InkLayers(grey_page(spot), 100, S, (Seal(RING, "round", (40.0, 40.0), 1.0),)).dark[333, 408] == spot
    assert grey_signature(grey_page(spot)) is None  # before: a signature on the seal
    assert grey_signature(grey_page(spot - 1)) is not None  # one level darker: handwriting
    assert grey_signature(grey_page(spot), replace(S, signature_ring_under=S.ring_keep_under)) is not None


def test_a_pen_under_a_grey_seal_is_still_a_signature():
    found = grey_signature(grey_page(pen=100 - S.signature_ring_under - 1))
    assert found is not None and found.x < 400 < found.right


def test_a_grey_page_finds_the_signature_not_the_seals_ink():
    """The grey base case (benchmarks/scanset.py, seed 23): the seal's darker spots lay nearer the words than the
    signature (a name read as 人 under the date); before, the spots were the signature."""
    found, truth = marks("grayscale", 23)
    assert hit(found.signature, truth.signature), found.signature


# --- 3. a red word stamp's frame is no seal ------------------------------------------------------------------------

def test_a_seal_the_words_cover_beyond_the_profiles_share_is_their_stamps_frame():
    share = S.seal_words_max_share
    assert share == 0.6
    words = Box(100, 100, 100, 40)
    kept = Seal(Box(140, 100, 100, 40), "square", (13.0, 10.6), 0.8)  # 60 of its 100 px across under the words
    dropped = Seal(Box(139, 100, 100, 40), "square", (13.0, 10.6), 0.8)  # 61: one pixel further in
    assert beside_words([kept], words, S) == [kept]
    assert beside_words([dropped], words, S) == []
    over = Seal(Box(120, 60, 157, 157), "round", (40.0, 40.0), 1.0)  # a unit seal stamped over the words
    assert beside_words([over], words, S) == [over]


def test_a_word_stamps_frame_cut_short_by_the_seal_is_not_a_second_seal():
    """核对无误 in a rectangle whose end the seal covers: what is left of its frame is as square as a name seal
    (13.0 x 10.6 mm); before, it was reported as a second seal."""
    found, truth = marks("red-word-stamp", 4)
    assert len(found.seals) == 1 and all(hit(seal, truth.seals[0]) for seal in found.seals)
    assert hit(found.words, truth.words)


def test_a_name_seal_beside_the_words_is_kept():
    found, truth = marks("square", 1)  # the base case's square seal
    assert len(found.seals) == 1 and hit(found.seals[0], truth.seals[0])


def test_a_digit_read_as_a_superscript_is_a_digit():
    """On a grey base page (seed 203) the reader gave 2024年11月1⁰日: the date stopped at 1 and 0日 was taken for
    the signature."""
    assert parse_dates("2024年11月1⁰日") == [(date(2024, 11, 10), 0, 11)]
    assert parse_dates("2021:11.19") == [(date(2021, 11, 19), 0, 10)]  # a dot with a speck above it: a colon
    assert parse_dates("10:30") == parse_dates("2021:11") == []  # a time, a year and a month
    assert parse_dates("²⁰²⁴.3.5") == [(date(2024, 3, 5), 0, 8)]
