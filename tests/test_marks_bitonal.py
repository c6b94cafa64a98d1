"""Issue 11, class 6: the words and the date on a one-bit (black-and-white) scan that the seal's ring crosses. The
seal's ink is as black as the pen's there, so nothing can be lifted by colour: the pieces read across a ring are
joined by rows (`ring_rows`), each row is read again alone in a band (`ring_band_mm`), the words are matched with
the characters the seal hides at `words_under_seal_cost`, and a date read in part is taken when a year, a date's
mark and `date_under_seal_min_chars` characters were read (`parse_crossed_dates`). Pages of
benchmarks/scanset_words.py through the real pipeline, and the bounds on hand-made lines."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/ holds the page generator

from docprep.analysis.dates import _crossed_date, parse_crossed_dates, parse_dates  # noqa: E402
from docprep.analysis.geometry import Box, mm_to_px  # noqa: E402
from docprep.analysis.ocr import TextLine  # noqa: E402
from docprep.analysis.seals import Seal  # noqa: E402
from docprep.analysis.words import _find_ringed, ring_bands, ring_rows  # noqa: E402
from docprep.profiles.loader import load_profile  # noqa: E402
from test_marks_realworld_words import hit, marks  # noqa: E402

S = load_profile().section("pdf").marks
RING = Box(300, 100, 160, 160)  # a 40 mm seal's ring at 100 dpi


def ring() -> Seal:
    return Seal(RING, "round", (40.0, 40.0), 1.0)


def line(text: str, x: int, right: int, y: int = 170) -> TextLine:
    return TextLine(text, Box.from_corners(x, y, right, y + 25))


def test_a_date_read_in_part_needs_a_year_a_mark_and_the_profiles_characters():
    assert S.date_under_seal_min_chars == 6
    for text in ("2025年月2日", "二〇二一年九", "2024月4", "20.2.1", "2021.2", "203/4/7", "223年3月7日"):  # 6 characters or more
        assert parse_crossed_dates(text, 6) == [(None, 0, len(text))], text
        assert parse_dates(text) == [], text  # none of them a whole date
    assert parse_crossed_dates("二〇二一年九", 7) == []  # one fewer than asked
    assert parse_crossed_dates("2023.5", 6) and not parse_crossed_dates("2023.", 6)  # a year and its mark alone
    assert not parse_crossed_dates("2023年", 6)
    assert parse_crossed_dates("二〇第二月二十七日", 6) == [(None, 3, 9)]  # 年 and the year's end under the seal
    assert parse_crossed_dates("二0乙第二月一十七日", 6) == [(None, 4, 10)]  # its 〇 read as 0, two in its place
    assert parse_crossed_dates("2年7月19日", 6) == [(None, 2, 7)]  # the year under the seal: a month and a day
    assert parse_crossed_dates("中023/10/3", 6) == [(None, 1, 9)]  # the year's 2 lost, the month and the day whole
    assert parse_crossed_dates("13月19日", 6) == parse_crossed_dates("023/10/32", 6) == []  # no such month, day
    assert parse_crossed_dates("十三月五日", 6) == parse_crossed_dates("二月三十日", 6) == []


def test_digits_alone_or_a_year_without_its_marks_are_no_date():
    for text in ("223.3", "20224", "2024725", "3301020012345", "2306", "23/41", "一二三年四月五", "2566-1234", "人事专用章"):
        assert parse_crossed_dates(text, 6) == [], text


def test_pieces_on_one_row_across_a_ring_are_joined_left_to_right():
    rows = ring_rows([line("致", 420, 440), line("与原件", 330, 380), line("人事处", 330, 400, 230)], (ring(),))
    assert [row.text for row in rows] == ["与原件致"]
    assert rows[0].box == Box.from_corners(330, 170, 440, 195)
    assert ring_rows([line("与原件", 100, 150), line("致", 180, 200)], (ring(),)) == []  # beside the ring


def test_words_a_ring_cuts_in_pieces_are_found_and_not_beside_it():
    assert _find_ringed([line("与原件", 330, 380), line("致", 420, 440)], (ring(),), S) is not None
    assert _find_ringed([line("与原件", 100, 150), line("致", 180, 200)], (ring(),), S) is None
    assert _find_ringed([line("与原件", 330, 380), line("致", 420, 440)], (), S) is None  # a colour page: no ring
    assert _find_ringed([line("杭州市第一人民医院", 300, 460)], (ring(),), S) is None  # the seal's own text


def test_a_date_read_in_part_counts_only_across_a_ring_and_near_the_words():
    words, near = Box(300, 130, 100, 25), mm_to_px(S.date_near_mm, 100)
    found = _crossed_date([line("2025年月2日", 320, 420)], (ring(),), words, near, S)
    assert found is not None and found.value is None and found.text == "2025年月2日"
    assert _crossed_date([line("2025年月2日", 40, 140)], (ring(),), words, near, S) is None  # no ring crosses it
    assert _crossed_date([line("2025年月2日", 320, 420)], (), words, near, S) is None  # a colour page


def test_the_bands_are_the_profiles_height_round_each_row_across_the_ring_then_down_the_ring():
    bands = ring_bands([line("与原件", 330, 380), line("2025", 330, 380, 220)], (ring(),), 100, S, (800, 800))
    height, reach = mm_to_px(S.ring_band_mm, 100), mm_to_px(S.date_near_mm, 100)
    assert bands[0].x == int(RING.x - reach) and abs(bands[0].h - height) <= 1
    assert abs(bands[0].y + bands[0].h / 2 - 182.5) <= 1 and abs(bands[1].y + bands[1].h / 2 - 232.5) <= 1
    down = bands[2:]  # then the whole ring, half a band apart, from its top to its bottom
    middles = [band.y + band.h / 2 for band in down]
    assert abs(middles[0] - RING.y) <= 1 and middles[-1] >= RING.bottom - height / 2
    assert all(0 < b - a <= height / 2 + 1 for a, b in zip(middles, middles[1:]))  # no row of half a band missed
    low = [TextLine("与原件", Box(330, y, 50, 10)) for y in (170, 176.5)]  # two rows, under a quarter band apart
    assert len(ring_bands(low, (ring(),), 100, S, (800, 800))) == len(down) + 1  # one band for both


def test_no_band_is_read_beyond_where_it_was_asked_for():
    assert ring_bands([], (ring(),), 100, S, (800, 800), within=Box(0, 500, 800, 100)) == []  # below the ring
    assert ring_bands([line("与原件", 100, 150)], (), 100, S, (800, 800)) == []  # no ring: a colour page


def test_words_a_ring_crosses_need_the_profiles_characters_read():
    """与原件数 (与原件一致 with the arc text over 一致): three characters right, two hidden, is the words; two
    right is not, nor three of a seven-character phrase (less than half of it: `min_match`)."""
    assert S.words_crossed_min_chars == 3
    assert _find_ringed([line("与原件数", 330, 420)], (ring(),), S) is not None
    assert _find_ringed([line("与原数", 330, 420)], (ring(),), S) is None  # two of five
    assert _find_ringed([line("复印件", 330, 420)], (ring(),), S) is None  # three of eight
    assert _find_ringed([line("与原件数", 100, 150)], (ring(),), S) is None  # no ring crosses it


@pytest.mark.parametrize("seed", [23, 59, 47, 89, 100137, 100017, 71, 131])
def test_words_and_a_date_a_one_bit_seal_crosses_are_found(seed):
    """Seed 23: the star over the month (2025年★月2日), read 2025年月2日: before, no date. Seed 59: the words and
    the date under the seal's arc text and star, read only as 核对 and 61 in the region round the ring; each row
    read alone gives 核对一致 and 2024.6.14 (before: neither). Seed 47: nothing of the date was read round the
    ring; the row under the words, read alone, gives 202107-12 (before: no date). Seed 89: 与原件数 and 与康件致,
    three characters of five (before `words_crossed_min_chars`: no words). Seed 100137: 核对无误 under the arc text,
    which no line read round the ring touched, read in a band down the ring (before: no words). Seed 100017: its
    date read as 2021:11.19 (before: no date). Seed 71: 二〇二一年二月二十七日 read as 二第二月七日 and
    二0乙第二月一十七日: a month and a day whose year the seal spoilt (before: no date). Seed 131: 2021.2.12 read as
    1021.2.7A, a date whose year was misread (before: no date)."""
    found, truth = marks("date-under-seal-bitonal", seed)
    assert hit(found.words, truth.words) and hit(found.date, truth.date)


def test_a_one_bit_seal_over_writing_that_is_no_date_gives_no_date(monkeypatch):
    """The same page with a telephone number written where the date was (and as the document's own date): the
    seal crosses digits and a dash, and no date is reported beside the words."""
    from benchmarks import scanset

    monkeypatch.setattr(scanset, "_date_text", lambda rng: "电话2566-1234")
    found, truth = marks("date-under-seal-bitonal", 23)
    assert hit(found.words, truth.words) and found.date is None
