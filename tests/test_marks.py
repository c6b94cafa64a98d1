"""Verification marks (docprep/analysis: seals, words, dates, red ink, OCR) on generated certificate scans (benchmarks/scanset.py) and on the
real scans in ../shared/real-scans. Pages are made at 150 dpi to keep OCR quick."""
from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # benchmarks/ holds the page generator

from benchmarks.scanset import make_page  # noqa: E402
from docprep.analysis import ocr  # noqa: E402
from docprep.analysis.dates import find_verification_date, parse_dates  # noqa: E402
from docprep.analysis.geometry import Box  # noqa: E402
from docprep.analysis.settings import MARKS as SETTINGS  # noqa: E402
from docprep.analysis.ocr import TextLine  # noqa: E402
from docprep.analysis.redink import red_ink_mask, remove_red  # noqa: E402
from docprep.analysis.seals import find_seals  # noqa: E402
from docprep.analysis.words import find_verification, match_phrase  # noqa: E402
from docprep.profiles.loader import load_profile  # noqa: E402

DPI = 150
S = load_profile().section("pdf").marks
REAL_SCANS = ROOT.parent / "shared" / "real-scans"


def overlaps(box: Box, truth) -> bool:
    """A box found against a rectangle of the page generator's truth, (x0, y0, x1, y1)."""
    return min(box.right, truth[2]) > max(box.x, truth[0]) and min(box.bottom, truth[3]) > max(box.y, truth[1])


@pytest.fixture(scope="module")
def pages():
    """Each page made once per test module."""
    cache = {}

    def get(case: str, seed: int = 1):
        if (case, seed) not in cache:
            cache[case, seed] = make_page(case, DPI, seed)
        return cache[case, seed]

    return get


@pytest.mark.parametrize("case, shape", [
    ("clean", "round"), ("faded", "round"), ("cut", "round"), ("oval", "oval"), ("square", "square"),
    ("over-words", "round"), ("no-words", "round"),
])
def test_seal_found(pages, case, shape):
    page = pages(case)
    seals = find_seals(page.rgb, DPI, S)
    assert len(seals) == 1, seals
    assert overlaps(seals[0].box, page.truth.seals[0])
    assert seals[0].shape == shape
    assert S.seal_diameter_mm[0] <= seals[0].size_mm[0] <= S.seal_diameter_mm[1]


def test_cut_seal_is_measured_whole(pages):
    """Part of the seal lies beyond the page edge; its size is still the whole seal's."""
    page = pages("cut")
    seal = find_seals(page.rgb, DPI, S)[0]
    height, width = page.rgb.shape[:2]
    assert seal.box.x == 0 or seal.box.right == width or seal.box.bottom == height
    visible_mm = min(seal.box.w, seal.box.h) * 25.4 / DPI
    assert seal.size_mm[0] > visible_mm + 3


@pytest.mark.parametrize("case", ["red-title", "red-table", "red-pen"])
def test_red_ink_without_a_seal(pages, case):
    page = pages(case)
    assert np.count_nonzero(red_ink_mask(page.rgb, S)) > 500  # the red is there ...
    assert find_seals(page.rgb, DPI, S) == []  # ... and is no seal


def test_grayscale_page_shows_no_seal(pages):
    """A grey scan of a sealed page: the seal cannot be told from the words, so none is reported (the PDF
    family says pdf.color instead)."""
    page = pages("grayscale")
    assert np.count_nonzero(red_ink_mask(page.rgb, S)) == 0
    assert find_seals(page.rgb, DPI, S) == []


def test_red_ink_wraps_round_the_hue_circle():
    swatch = np.array([[[220, 40, 20], [220, 20, 60], [40, 40, 40], [120, 40, 200], [245, 240, 235]]], np.uint8)
    assert (red_ink_mask(swatch, S)[0] > 0).tolist() == [True, True, False, False, False]


def test_remove_red_whitens_seal_ink_and_keeps_writing():
    rgb = np.full((20, 30, 3), 245, np.uint8)
    rgb[:, :10] = (210, 40, 50)  # seal ink
    rgb[:, 10:20] = (30, 30, 35)  # black text
    rgb[:, 20:] = (30, 50, 150)  # blue ballpoint
    gray = remove_red(rgb, DPI, S)
    assert gray[:, :8].min() == 255
    assert gray[:, 12:18].max() < 80 and gray[:, 22:].max() < 80


@pytest.mark.parametrize("case", ["clean", "over-words"])
def test_words_found_by_ocr(pages, case):
    """With the seal beside the words and with the seal printed over them."""
    page = pages(case)
    found = find_verification(page.rgb, DPI, S)
    assert found is not None and found.source == "ocr"
    assert overlaps(found.box, page.truth.words)
    assert found.phrase in page.truth.words_text.replace("，", "")


def test_words_read_only_near_the_seal(pages, monkeypatch):
    """OCR reads the neighbourhood of the seal first and stops there when the words are in it."""
    page = pages("clean")
    read = []
    real = ocr.read_region
    monkeypatch.setattr(ocr, "read_region", lambda *a: read.append(a[2]) or real(*a))
    seals = find_seals(page.rgb, DPI, S)
    assert find_verification(page.rgb, DPI, S, seals=seals) is not None
    assert len(read) == 1
    region = read[0]
    assert region.x <= seals[0].box.x and region.right >= seals[0].box.right


def test_only_the_inked_part_of_a_region_is_given_to_the_reader(pages, monkeypatch):
    """The detector's cost grows with the area it is given: the blank paper round the words (here the words of a
    page pasted on a sheet 200 mm square) is left out but for `ocr_trim_margin_mm`, and the lines still come back
    where they are on the sheet."""
    page = pages("clean")
    real, given = ocr.engine(), []

    def reader(image, **options):
        given.append(image.shape[:2])
        return real(image, **options)

    monkeypatch.setattr(ocr, "engine", lambda threads=0: reader)
    x0, y0, x1, y1 = page.truth.words
    pad = 8
    words = remove_red(page.rgb, DPI, S)[y0 - pad:y1 + pad, x0 - pad:x1 + pad]
    side = round(200 * DPI / 25.4)
    sheet = np.full((side, side), int(np.median(words)), np.uint8)
    at = (side // 2, side // 3)  # where the words go on the sheet (x, y)
    sheet[at[1]:at[1] + words.shape[0], at[0]:at[0] + words.shape[1]] = words
    lines = ocr.read_region(sheet, DPI, Box(0, 0, side, side), S)
    [(h, w)] = given
    # the margin on both sides, a pixel more, and paper to the detector's stride
    kept = (S.ocr_dpi / 25.4) * 2 * S.ocr_trim_margin_mm + 2 + ocr.DETECTOR_STRIDE
    scale = S.ocr_dpi / DPI
    assert h <= words.shape[0] * scale + kept and w <= words.shape[1] * scale + kept
    assert h % ocr.DETECTOR_STRIDE == 0 == w % ocr.DETECTOR_STRIDE  # padded, not squeezed, to the stride
    truth = (at[0] + pad, at[1] + pad, at[0] + pad + x1 - x0, at[1] + pad + y1 - y0)
    assert any(overlaps(line.box, truth) and match_phrase(line.text, S.phrases) for line in lines), lines


def test_with_no_trim_contrast_the_region_is_read_whole(monkeypatch):
    real, given = ocr.engine(), []
    reader = lambda image, **options: given.append(image.shape[:2]) or real(image, **options)  # noqa: E731
    monkeypatch.setattr(ocr, "engine", lambda threads=0: reader)
    sheet = np.full((300, 500), 240, np.uint8)
    sheet[140:150, 200:300] = 20
    ocr.read_region(sheet, 100, Box(0, 0, 500, 300), replace(S, ocr_trim_contrast=0))
    assert given == [(300, 500)]


def test_a_blank_region_is_not_read(monkeypatch):
    monkeypatch.setattr(ocr, "engine", lambda threads=0: pytest.fail("blank paper was given to the reader"))
    paper = np.full((600, 600), 235, np.uint8)
    paper[::7, ::5] = 235 - S.ocr_trim_contrast + 1  # paper grain lighter than ink
    assert ocr.read_region(paper, 100, Box(0, 0, 600, 600), S) == []


def test_no_words_no_verification(pages):
    assert find_verification(pages("no-words").rgb, DPI, S) is None


def test_date_near_the_words(pages):
    page = pages("clean")
    words = find_verification(page.rgb, DPI, S)
    found = find_verification_date(page.rgb, DPI, words, S)
    assert found is not None and overlaps(found.box, page.truth.date)
    assert not overlaps(found.box, page.truth.issue_date)


def test_no_date_beside_the_words(pages):
    """The page still carries the document's own issue date, far from the words: it does not count."""
    page = pages("no-date")
    words = find_verification(page.rgb, DPI, S)
    assert words is not None
    assert find_verification_date(page.rgb, DPI, words, S) is None


def line(text, x0, y0, x1, y1):
    return TextLine(text, Box.from_corners(x0, y0, x1, y1))


def test_text_layer_first(monkeypatch):
    """Words from a PDF text layer are used as they are: no OCR."""
    monkeypatch.setattr(ocr, "read_region", lambda *a: pytest.fail("OCR ran although the text layer had the words"))
    rgb = np.full((2339, 1654, 3), 250, np.uint8)
    words = [line("兹证明张伟同志", 200, 400, 700, 440), line("2019年6月30日", 1200, 900, 1450, 940),
             line("与原件", 200, 1600, 320, 1640), line("核对无误", 322, 1602, 480, 1642),
             line("2024.3.5", 210, 1660, 380, 1700)]
    found = find_verification(rgb, 200, S, text_words=words, seals=[])
    assert found.source == "text-layer" and found.phrase == "与原件核对无误"
    assert found.box == Box.from_corners(200, 1600, 480, 1642)
    when = find_verification_date(rgb, 200, found, S, text_words=words)
    assert when.value == date(2024, 3, 5) and when.box[1] == 1660
    # Without the note's own date, the document's issue date (60 mm away) is not taken for it.
    assert find_verification_date(rgb, 200, found, S, text_words=words[:4]) is None


@pytest.mark.parametrize("text, phrase", [
    ("与原件核对无误", "与原件核对无误"), ("核对无误核对人：", "核对无误"), ("经核对无误", "经核对无误"),
    ("复印件与原件一致", "复印件与原件一致"), ("已核对，与原件一致", "与原件一致"), ("核 对 无 误", "核对无误"),
    ("与原件核对天误", "与原件核对无误"),  # 无 read as 天
    ("校对无误", "校对无误"), ("核对一玫", "核对一致"),
])
def test_phrase_variants(text, phrase):
    found = match_phrase(text, S.phrases)
    assert found[0] == phrase and found[1] >= S.min_match


@pytest.mark.parametrize("text", [
    "经审核，符合学士学位授予条件，授予学士学位。", "该同志在本年度继续教育中完成规定学时，考核合格。", "核对人：", "原件", "证书编号：475978003195",
])
def test_not_the_words(text):
    found = match_phrase(text, S.phrases)
    assert found is None or found[1] < S.min_match


@pytest.mark.parametrize("text, value", [
    ("2024年3月5日", date(2024, 3, 5)), ("2024.3.5", date(2024, 3, 5)), ("2024-03-05", date(2024, 3, 5)),
    ("2024/3/5", date(2024, 3, 5)), ("二〇二四年三月五日", date(2024, 3, 5)), ("二O二一年十月十七日", date(2021, 10, 17)),
    ("二〇二三年十二月三十一日", date(2023, 12, 31)), ("核对人：张伟 2024.12.1", date(2024, 12, 1)),
    ("20234.16", date(2023, 4, 16)), ("2024/8127", date(2024, 8, 27)), ("2024·1.10", date(2024, 1, 10)),
    ("二0二二年月十一日", None),  # the month lost in reading: still a date, of unknown value
    ("3024.3.17", None), ("202g/7/12", None), ("1021.2.7A", None),  # the year misread: a date, of unknown value
])
def test_dates(text, value):
    assert [found[0] for found in parse_dates(text)] == [value]


@pytest.mark.parametrize("text", ["2024年12月", "2024.13.5", "证书编号：202312345678", "2023年2月30日", "年  月  日",
                                  "3024.13.17", "ZJ12.3.4", "202g/7-12", "0571-8812-3456"])
def test_not_dates(text):
    assert parse_dates(text) == []


def test_settings_are_the_typed_profile_section():
    """The finders read the profile's own [pdf.marks] section: every key of the schema, frozen, hashable (lists
    became tuples), so it travels to worker processes as it is."""
    assert set(SETTINGS) == set(vars(S))
    assert isinstance(S.phrases, tuple) and isinstance(S.seal_diameter_mm, tuple)
    hash(S)


@pytest.mark.skipif(not REAL_SCANS.is_dir(), reason="../shared/real-scans is not beside this clone")
@pytest.mark.parametrize("name", ["linn.pdf", "c02-22.pdf", "epson.pdf"])
def test_real_scans_carry_no_seal(name):
    """Real scans without any seal (see ../shared/real-scans/SOURCES.md): none is found."""
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(str(REAL_SCANS / name))
    rgb = np.asarray(pdf[0].render(scale=DPI / 72).to_pil().convert("RGB"))
    assert find_seals(rgb, DPI, S) == []


def test_pool_workers_read_with_one_thread_where_the_profile_leaves_it_open(monkeypatch):
    """`check -j N` workers call share_cores(): `ocr_threads = 0` then means one thread, not one per core."""
    monkeypatch.setattr(ocr, "_process_threads", 0)
    assert ocr.engine(0) is not ocr.engine(1)
    ocr.share_cores()
    assert ocr.engine(0) is ocr.engine(1)
    assert ocr.engine(2) is not ocr.engine(1)  # a count the profile sets is kept


def test_each_line_keeps_its_own_characters_when_the_reader_leaves_some_out():
    """RapidOCR drops the character results of a line none of whose characters got a box: the lines after it
    keep theirs (not the dropped line's neighbour's, nor none), and a line without results gets none."""
    quad = [[0, 0], [10, 0], [10, 10], [0, 10]]
    words = [(("核", 0.9, quad), ("对", 0.9, quad)), (("2", 0.9, quad), ("0", 0.9, quad), ("2", 0.9, quad))]
    texts = ["核对", "与原件一致", "202"]
    assert ocr.line_characters(texts, words) == [words[0], (), words[1]]
    assert ocr.line_characters(texts, None) == [(), (), ()]
    assert ocr.line_characters(["核对", "ab"], words[:1] + [(("a", 1, quad), ("b", 1, quad))]) == \
        [words[0], (("a", 1, quad), ("b", 1, quad))]
