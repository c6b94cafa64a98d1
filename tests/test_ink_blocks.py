"""Where the words are read on a page without a seal: the ink blocks (`words.ink_blocks`), lowest first. A printed
frame round a certificate, or a table's rules, would join every line it holds into one block the size of the page,
read in bands from the bottom until the OCR budget is spent: the words higher up were never read (one-bit pages of
benchmarks/scanset_seals.py, bitonal-no-seal seed 3). Straight runs of `ocr_rule_mm` are left out first."""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/ holds the page generator

from docprep.analysis.geometry import Box, mm_to_px  # noqa: E402
from docprep.analysis.words import ink_blocks  # noqa: E402
from docprep.profiles.loader import load_profile  # noqa: E402
from test_marks_realworld_words import hit, marks  # noqa: E402

S = load_profile().section("pdf").marks
DPI = 100
A4 = (mm_to_px(297, DPI), mm_to_px(210, DPI))


def page() -> np.ndarray:
    return np.full((int(A4[0]), int(A4[1])), 255, np.uint8)


def text(gray: np.ndarray, x_mm: float, y_mm: float, rows: int, chars: int) -> Box:
    """Rows of 4 mm 'characters' (inked squares 1 mm apart), 7 mm a row; their box in pixels."""
    px = mm_to_px(1, DPI)
    for r in range(rows):
        for c in range(chars):
            x, y = int((x_mm + 5 * c) * px), int((y_mm + 7 * r) * px)
            gray[y:y + int(4 * px), x:x + int(4 * px)] = 0
    return Box(x_mm * px, y_mm * px, (5 * chars - 1) * px, (7 * rows - 3) * px)


def framed_page() -> tuple[np.ndarray, Box, Box]:
    gray = page()
    px = mm_to_px(1, DPI)
    gray[int(8 * px):-int(8 * px), int(8 * px):int(9 * px)] = 0  # a frame 8 mm in, 1 mm wide
    gray[int(8 * px):-int(8 * px), -int(9 * px):-int(8 * px)] = 0
    gray[int(8 * px):int(9 * px), int(8 * px):-int(8 * px)] = 0
    gray[-int(9 * px):-int(8 * px), int(8 * px):-int(8 * px)] = 0
    return gray, text(gray, 30, 40, 5, 20), text(gray, 40, 180, 2, 6)


def test_a_frame_round_the_page_is_no_block_and_the_text_inside_it_is():
    gray, body, note = framed_page()
    blocks = ink_blocks(gray, DPI, S)
    assert len(blocks) == 2
    assert blocks[0].overlap(note) > 0 and blocks[1].overlap(body) > 0  # the lowest first
    assert all(block.w < A4[1] / 2 + 1 or block.h < A4[0] / 2 for block in blocks)


def test_without_taking_rules_out_the_frame_is_a_block_the_size_of_the_page():
    gray, _body, _note = framed_page()
    blocks = ink_blocks(gray, DPI, replace(S, ocr_rule_mm=1000))
    assert blocks[0].w > A4[1] * 0.9 and blocks[0].h > A4[0] * 0.9  # the lowest: read first, in bands


def test_a_run_of_the_profiles_length_is_a_rule_and_a_shorter_one_is_ink():
    assert S.ocr_rule_mm == 40
    px = mm_to_px(1, DPI)
    for length, blocks in ((40, 0), (37, 1)):
        gray = page()
        gray[int(100 * px):int(101 * px), int(50 * px):int((50 + length) * px)] = 0
        assert len(ink_blocks(gray, DPI, S)) == blocks, length
        gray = page()  # upright as well as across
        gray[int(100 * px):int((100 + length) * px), int(50 * px):int(51 * px)] = 0
        assert len(ink_blocks(gray, DPI, S)) == blocks, length


def test_a_rule_is_at_most_the_profiles_width_and_a_wider_run_is_a_row_of_print():
    assert S.ocr_rule_width_mm == 3.5
    px = mm_to_px(1, DPI)
    for width, blocks in ((3, 0), (5, 1)):  # a certificate's thick outer rule; a row of 5 mm characters, joined
        gray = page()
        gray[int(100 * px):int((100 + width) * px), int(50 * px):int(150 * px)] = 0
        assert len(ink_blocks(gray, DPI, S)) == blocks, width


def test_the_words_inside_a_one_bit_certificates_frame_are_found():
    """A dithered one-bit page with no seal (bitonal-no-seal, seed 3): its printed frame made the whole page one
    block, of which the OCR budget read the bottom 90 mm; the words and the date 100 mm up were never read."""
    found, truth = marks("bitonal-no-seal", 3)
    assert hit(found.words, truth.words) and hit(found.date, truth.date)
