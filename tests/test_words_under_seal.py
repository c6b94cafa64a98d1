"""Issue 11, class 1: red words that the seal crosses (red over red, the seal's ring and arc text through the
characters). The matcher's tolerance for the characters the seal hides (`words_under_seal_cost`, at least
`words_crossed_min_chars` read) on the lines a seal crosses only, the band of the red layer read for them
(`red_words_line_mm`, `red_words_band_mm`), and a page of benchmarks/scanset_words.py through the real pipeline."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/ holds the page generator

from docprep.analysis.geometry import Box, mm_to_px  # noqa: E402
from docprep.analysis.inklayers import InkLayers  # noqa: E402
from docprep.analysis.ocr import TextLine  # noqa: E402
from docprep.analysis.words import _find_across_reads, _find_crossed, match_phrase  # noqa: E402
from docprep.profiles.loader import load_profile  # noqa: E402
from test_marks_realworld_words import hit, marks  # noqa: E402

S = load_profile().section("pdf").marks
SEAL = Box(300, 100, 160, 160)


def crossed(text: str, x: int = 280, right: int = 480) -> TextLine:
    """A red line across the seal's box (or beside it, at other x)."""
    return TextLine(text, Box.from_corners(x, 170, right, 195))


def test_characters_the_seal_hides_cost_the_profiles_share():
    assert S.words_under_seal_cost == 0.5 and S.words_crossed_min_chars == 3
    found = _find_crossed([crossed("与朦件核戏免误")], (SEAL,), S)  # 3 of 7 hidden: 1 - 1.5 / 7
    assert found[1] == "与原件核对无误" and abs(found[2] - (1 - 1.5 / 7)) < 1e-9
    assert match_phrase("与朦件核戏免误", S.phrases)[1] < S.min_match  # as an edit each: not the words


def test_a_crossed_line_needs_the_least_characters_read():
    assert _find_crossed([crossed("与原件核")], (SEAL,), S) is not None  # 4 read, 3 hidden (unread)
    assert _find_crossed([crossed("与原神二致")], (SEAL,), S) is not None  # 3 of 与原件一致 read, 2 hidden
    assert _find_crossed([crossed("与大二致")], (SEAL,), S) is None  # 2 of 与原件一致 read: one fewer
    assert _find_crossed([crossed("与原件")], (SEAL,), S) is not None  # 3 of 5, the rest unread
    assert _find_crossed([crossed("复印件")], (SEAL,), S) is None  # 3 of 8: less than half (min_match)
    assert _find_crossed([crossed("人事专用章")], (SEAL,), S) is None  # the seal's own text
    assert _find_crossed([crossed("杭州市第一人民医院")], (SEAL,), S) is None


def test_a_line_no_seal_crosses_is_matched_as_any_other():
    assert _find_crossed([crossed("与朦件核戏免误", 40, 280)], (SEAL,), S) is None  # beside the seal: no excuse
    assert _find_crossed([crossed("与朦件核戏免误")], (), S) is None


def test_reads_of_one_crossed_line_count_a_character_read_in_any():
    """Three bands round one red line each lose other characters to the seal (reads of a generated page)."""
    assert S.red_words_band_more_mm == (6.0, 10.0)
    first, second = [crossed("另两件核对密")], [crossed("与"), crossed("核对", 400)]
    assert _find_crossed(first, (SEAL,), S) is None  # 件核对 of 7: 1 - 2.0 / 7 < min_match
    assert _find_across_reads([first], (SEAL,), S) is None
    found = _find_across_reads([first, second], (SEAL,), S)  # 与 from the second: 4 of 7 read, 1 - 1.5 / 7
    assert found[1] == "与原件核对无误" and abs(found[2] - (1 - 1.5 / 7)) < 1e-9
    assert found[0].text == "另两件核对密"  # the read holding most of the phrase gives the line


def test_reads_of_a_crossed_line_need_the_least_characters_between_them():
    assert _find_across_reads([[crossed("核对")], [crossed("对")]], (SEAL,), S) is None  # 2 of 核对无误
    assert _find_across_reads([[crossed("核对")], [crossed("无")]], (SEAL,), S) is not None  # 3 of 4
    assert _find_across_reads([[crossed("与原")], [crossed("原件")]], (SEAL,), S) is not None  # 3 of 与原件一致
    assert _find_across_reads([[crossed("核对", 40, 280)], [crossed("无误", 40, 280)]], (SEAL,), S) is None  # beside
    assert _find_across_reads([[crossed("浙江省建设")], [crossed("投资集团")]], (SEAL,), S) is None  # arc text


def test_a_dash_between_characters_is_one():
    assert match_phrase("与原件-致", S.phrases)[:2] == ("与原件一致", 1 - 0.25 / 5)


def red_page(line_y: int) -> np.ndarray:
    """A white page at 100 dpi with a red ring (40 mm) and a dense red line of 5 mm characters across it at
    `line_y`."""
    import cv2

    page = np.full((500, 600, 3), 250, np.uint8)
    cv2.circle(page, (300, 250), 78, (210, 40, 50), 3)
    line_h = int(mm_to_px(5, 100))
    for x in range(180, 420, 24):
        cv2.rectangle(page, (x, line_y), (x + 18, line_y + line_h), (210, 40, 50), -1)
    return page


def test_the_band_read_is_centred_on_the_densest_red_row():
    band = InkLayers(red_page(200), 100, S).red_words_band(Box(100, 100, 400, 300), S.red_words_band_mm)
    height = int(round(mm_to_px(S.red_words_band_mm, 100)))
    middle = 200 + mm_to_px(5, 100) / 2
    assert band.h == height and band.x == 100 and band.w == 400
    assert abs(band.y + band.h / 2 - middle) <= 2
    low = Box(100, 100, 400, height)
    assert InkLayers(red_page(200), 100, S).red_words_band(low, S.red_words_band_mm) is None  # no lower: none
    blank = np.full((500, 600, 3), 250, np.uint8)
    assert InkLayers(blank, 100, S).red_words_band(Box(100, 100, 400, 300), S.red_words_band_mm) is None  # no red ink


def test_red_words_the_seals_arc_text_runs_through_are_read():
    """与原件核对无误 stamped across the seal's upper half: its arc text (宁波市教育局) runs through 原, 无 and 误 and
    its ring through 与; read before as 宁 and 3. The line's band alone reads 与顾件核对笼国: 4 of 7 right."""
    found, truth = marks("red-word-stamp", 104)
    assert hit(found.words, truth.words), found.words_text
    assert hit(found.date, truth.date)


def test_red_words_read_in_part_in_each_band_are_read_together():
    """与原件核对无误 stamped over the seal's arc text (宁波市教育局): the 7.5 mm band read 另两件核对密 (3 of 7), the
    6 mm band 另再件核对变, the 10 mm band 另题体核对密误: 件, 核, 对 and 误 between them. And 与原件核对无误 read
    as 与 and 核对 in one band, 与原核对始 in another."""
    for seed in (233, 259):
        found, truth = marks("red-word-stamp", seed)
        assert hit(found.words, truth.words), (seed, found.words_text)


def test_the_region_round_a_large_seal_takes_at_most_its_share_of_the_budget():
    """Round a 46 mm seal, 45 mm on each side passed the page's OCR budget and the region was skipped: the words
    beside the seal were never read; and a region filling the budget left nothing for the words written further
    off (under a table the seal was stamped on). The margin is cut to fit `ocr_near_seal_share` of the budget;
    round a small seal it is the profile's."""
    from docprep.analysis.seals import Seal
    from docprep.analysis.words import _regions

    assert S.ocr_near_seal_mm == 45 and S.ocr_near_seal_share == 0.7
    gray = np.full((1169, 827), 250, np.uint8)  # A4 at 100 dpi
    near = mm_to_px(S.ocr_near_seal_mm, 100)
    share = S.ocr_near_seal_share * S.ocr_max_page_share * gray.size
    large = Seal(Box(300, 500, 240, 240), "round", (60.0, 60.0), 1.0)
    first = next(_regions(gray, 100, [large], S))
    assert share * 0.98 < first.area <= share
    assert 300 - near < first.x < 300 and first.inside(Box(0, 0, 827, 1169))
    unit = Seal(Box(300, 500, 165, 165), "round", (42.0, 42.0), 1.0)  # a unit seal: 36 mm round it
    assert share * 0.98 < next(_regions(gray, 100, [unit], S)).area <= share
    name = Seal(Box(300, 500, 79, 79), "round", (20.0, 20.0), 1.0)
    assert next(_regions(gray, 100, [name], S)) == name.box.grown(near, gray.shape)
    beside = Seal(Box(480, 500, 165, 165), "round", (42.0, 42.0), 1.0)  # two touching seals: the share between them
    first, second = list(_regions(gray, 100, [unit, beside], S))[:2]
    assert share * 0.45 < first.area <= share / 2 and share * 0.45 < second.area <= share / 2


def test_red_words_beside_a_large_seal_are_read():
    found, truth = marks("unsigned", 43)  # a 46 mm seal over the end of 与原件核对无误
    assert hit(found.words, truth.words), found.words_text


def test_a_date_written_under_a_grey_seal_keeps_its_blurred_strokes():
    """Class 6: read at 100 dpi a 0.4 mm pen stroke under a grey seal blurs to within 25 grey levels of the seal's
    ink, and was lifted with it (二〇日 for 二〇二一年五月十六日, 与原、 for the words); `ring_keep_under` 15 keeps it."""
    assert S.ring_keep_under == 15
    found, truth = marks("date-under-seal-grey", 136)
    assert found.rings and hit(found.words, truth.words), found.words_text
    assert hit(found.date, truth.date), found.date_text


def test_a_date_the_trimmed_reading_loses_is_read_with_the_region_whole():
    """A page whose words were read without their date is read again with every region whole (`ocr_trim_contrast`
    0, analysis.marks._read_whole): trimmed to its ink and 20 mm of paper, this page's region gives the detector
    an image in which the handwritten date 2024-10-12 is not found; whole, it is."""
    found, truth = marks("signed", 150)
    assert hit(found.words, truth.words), found.words_text
    assert hit(found.date, truth.date), found.date_text
