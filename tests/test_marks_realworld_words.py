"""Issue 11, classes 1 and 5 and the verifier's signature, through the real pipeline: a page of each case family of
benchmarks/scanset_words.py saved as a scanner PDF, loaded as docprep loads a copy (load_pdf, every page) and its
marks read from `page.marks`, as benchmarks/accuracy_marks.py does; pdf.missing-signature through check_pdf_bytes.
The signature finder's own limits (distance, size, rules, labels) on drawn pages, without OCR."""
from __future__ import annotations

import sys
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # benchmarks/ holds the page generator

from pdf_fixtures import pdf_from_images  # noqa: E402

from benchmarks.scanset import make_page  # noqa: E402
from docprep.analysis.geometry import Box, mm_to_px  # noqa: E402
from docprep.analysis.inklayers import InkLayers  # noqa: E402
from docprep.analysis.ocr import TextLine  # noqa: E402
from docprep.analysis.seals import Seal  # noqa: E402
from docprep.analysis.signature import find_signature  # noqa: E402
from docprep.analysis.words import Verification, _find_cut  # noqa: E402
from docprep.documents.pdf import load_pdf  # noqa: E402
from docprep.engine import check_pdf_bytes  # noqa: E402
from docprep.profiles.loader import load_profile  # noqa: E402

PROFILE = load_profile()
CFG = PROFILE.section("pdf")
S = CFG.marks
DPI = 200


def marks(case: str, seed: int):
    """The page's marks as docprep finds them on a one-page copy, and the generator's truth (pixels at DPI)."""
    scan = make_page(case, DPI, seed)
    stored = Image.fromarray(scan.rgb).convert(scan.store)  # grey and one-bit scans stored as a scanner does
    with load_pdf("copy.pdf", pdf_from_images([stored], DPI), CFG, "every-page") as document:
        [page] = list(document.pages())
    return page.marks, scan.truth


def hit(box, truth) -> bool:
    """A found box (page points) overlaps a truth rectangle (x0, y0, x1, y1 in pixels at DPI)."""
    if box is None or truth is None:
        return False
    x0, y0, x1, y1 = (v * DPI / 72 for v in (box[0], box[1], box[0] + box[2], box[1] + box[3]))
    return min(x1, truth[2]) > max(x0, truth[0]) and min(y1, truth[3]) > max(y0, truth[1])


def test_words_stamped_in_red_are_read():
    """与原件核对无误 in a red rubber stamp over the seal: read in the red ink alone."""
    found, truth = marks("red-word-stamp", 12)  # the seal across the stamp, its ring and arc text through the words
    assert hit(found.words, truth.words), (found.words_text, truth.words_text)
    assert hit(found.date, truth.date)


def test_a_date_under_the_seal_keeps_its_strokes():
    """The seal's ring crosses the written date: its strokes under the red ink are kept, and the date is read."""
    found, truth = marks("date-under-seal", 1)
    assert hit(found.words, truth.words)
    assert hit(found.date, truth.date), (found.date_text, truth.date_text)


def test_a_date_written_under_a_grey_seal_is_read():
    """Class 6: on a grey scan the seal's ring is lifted off the writing (its ink is lighter than the pen's), so the
    digits it crosses are read; before, the ring's grey ink joined the digits and the date was lost."""
    found, truth = marks("date-under-seal-grey", 1)
    assert found.rings and not found.seals
    assert hit(found.words, truth.words)
    assert hit(found.date, truth.date), (found.date_text, truth.date_text)


def test_words_stamped_in_red_whose_end_is_under_the_seal_are_read_up_to_it():
    """The seal's ring and arc text over 对无误 of 与原件核对无误: read without the seal, 与原件核对 is matched on
    the beginning of the phrase."""
    found, truth = marks("red-word-stamp", 10)
    assert hit(found.words, truth.words), found.words_text


def test_a_signature_beside_the_words_is_found():
    found, truth = marks("signed", 14)  # a name written after 核对人：, 25-35 mm from the words
    assert hit(found.signature, truth.signature)


def test_labels_printed_rules_words_and_date_are_no_signature():
    found, truth = marks("unsigned", 35)  # printed: words, 核对人： and an empty rule after it, the date
    assert truth.signature is None and found.words is not None and found.date is not None
    assert found.signature is None
    assert found.signature_zone is not None


def test_red_ink_that_is_no_words_is_not_read_as_words():
    """A red title: the words found are HR's, not the red ink's; a seal alone gives no words (its red ink is read
    and holds none)."""
    found, truth = marks("red-title", 1)
    assert hit(found.words, truth.words)
    found, _ = marks("no-words", 1)
    assert found.words is None and found.signature is None


@lru_cache(maxsize=None)
def checked(case: str, seed: int) -> tuple:
    """The findings of a one-page copy of the case, checked once per test session."""
    data = pdf_from_images([Image.fromarray(make_page(case, DPI, seed).rgb)], DPI)
    return tuple(check_pdf_bytes("copy.pdf", data, PROFILE))


def findings(case: str, seed: int) -> list[tuple[str, int | None]]:
    return [(f.rule, f.page) for f in checked(case, seed)]


def test_pdf_missing_signature_fails_an_unsigned_copy_and_passes_a_signed_one():
    assert findings("unsigned", 35) == [("pdf.missing-signature", 1)]
    assert findings("signed", 14) == []


def test_pdf_missing_signature_is_a_warning_that_says_where_it_looked():
    [finding] = checked("unsigned", 35)
    assert finding.rule == "pdf.missing-signature" and finding.severity.value == "warning"
    assert finding.box is not None and 0 < finding.box[2] * finding.box[3] < 595 * 842 / 4
    assert "35" in finding.message("zh") and "35 mm" in finding.message("en")


# --- the finder's limits on drawn pages (no OCR: the words' box is given) -------------------------------------------

WORDS = Box(200, 300, 150, 25)  # pixels at 100 dpi: a 38 x 6 mm line of words


def page_with(*strokes) -> np.ndarray:
    page = np.full((1169, 827, 3), 245, np.uint8)
    cv2.rectangle(page, (WORDS.x + 5, WORDS.y + 5), (int(WORDS.right) - 5, int(WORDS.bottom) - 5), (30, 30, 30), 3)
    for points in strokes:
        cv2.polylines(page, [np.asarray(points, np.int32)], False, (30, 40, 150), 2)
    return page


def scribble(x: float, y: float, width_mm: float = 15.0) -> list[tuple[int, int]]:
    """A wavy pen stroke starting at (x, y) pixels, `width_mm` long, 5 mm high."""
    xs = np.linspace(0, mm_to_px(width_mm, 100), 60)
    return [(int(x + u), int(y + 10 * np.sin(u / 6))) for u in xs]


def signature(page: np.ndarray, settings=S, lines=()) -> Box | None:
    verification = Verification(WORDS, "核对无误", "核对无误", 1.0, "ocr", tuple(lines), Box(0, 0, 827, 1169))
    return find_signature(InkLayers(page, 100, settings), verification, None, settings)


def test_a_scribble_within_reach_is_a_signature_and_one_beyond_is_not():
    near = mm_to_px(S.signature_near_mm, 100)
    inside = WORDS.right + near - mm_to_px(4, 100)  # 4 mm of it inside the reach (more than signature_min_mm)
    assert signature(page_with(scribble(inside, WORDS.y + 10))) is not None
    beyond = WORDS.right + near + mm_to_px(1, 100)
    assert signature(page_with(scribble(beyond, WORDS.y + 10))) is None


def test_the_reach_is_the_profiles():
    page = page_with(scribble(WORDS.right + mm_to_px(20, 100), WORDS.y + 10))
    assert signature(page, replace(S, signature_near_mm=24.0)) is not None
    assert signature(page, replace(S, signature_near_mm=19.0)) is None


def test_specks_and_rules_are_no_signature():
    dot = [(WORDS.right + 40, WORDS.y + 10), (WORDS.right + 43, WORDS.y + 10)]  # 1 mm: a speck
    rule = [(WORDS.right + 40, WORDS.bottom), (WORDS.right + 140, WORDS.bottom)]  # 25 mm straight: a line to sign on
    assert signature(page_with(dot, rule)) is None
    size = mm_to_px(S.signature_min_mm, 100)
    short = [(WORDS.right + 40, WORDS.y + 10), (WORDS.right + 40 + size * 0.5, WORDS.y + 10 + size * 0.5)]
    long = [(WORDS.right + 40, WORDS.y + 10), (WORDS.right + 40 + size, WORDS.y + 10 + size)]
    assert signature(page_with(short)) is None  # with the pen's width, under the least size
    assert signature(page_with(long)) is not None


def test_a_label_or_a_sentence_read_beside_the_words_is_text():
    stroke = scribble(WORDS.right + 20, WORDS.y + 5, 12)
    xs, ys = [p[0] for p in stroke], [p[1] for p in stroke]
    box = Box.from_corners(min(xs) - 2, min(ys) - 2, max(xs) + 2, max(ys) + 2)
    page = page_with(stroke)
    assert signature(page, lines=[TextLine("核对人：", box)]) is None
    assert signature(page, lines=[TextLine("以上复印件属实", box)]) is None  # longer than a name: text
    assert signature(page, lines=[TextLine("张伟", box)]) is not None  # a name read beside the words


def test_strokes_beyond_the_region_read_send_only_their_rows_to_the_reader(monkeypatch):
    """A scribble beyond the region the words were read in: the rows of the zone that hold it are read (across the
    zone, so a line there is read whole), not the whole zone, and the scribble is still the signature."""
    read = []
    real = InkLayers.read_dark
    monkeypatch.setattr(InkLayers, "read_dark", lambda self, region: read.append(region) or real(self, region))
    page = page_with(scribble(WORDS.right + 20, WORDS.y + 5, 12))
    verification = Verification(WORDS, "核对无误", "核对无误", 1.0, "ocr", (), WORDS.grown(5, page.shape))
    found = find_signature(InkLayers(page, 100, S), verification, None, S)
    zone = WORDS.grown(mm_to_px(S.signature_near_mm, 100), page.shape)
    [strip] = read
    assert (strip.x, strip.right) == (zone.x, zone.right) and strip.h < zone.h / 2
    assert found is not None and found.x >= WORDS.right


# --- the seal taken off the writing and the red ink (no OCR) -----------------------------------------------------

def grey_seal(stroke: int) -> tuple[np.ndarray, Seal]:
    """A grey page (paper 240) at 100 dpi with a seal's ring (grey 100, 40 mm) and a pen stroke of grey `stroke`
    across it."""
    page = np.full((600, 600, 3), 240, np.uint8)
    cv2.circle(page, (300, 300), 78, (100, 100, 100), 4)
    cv2.line(page, (150, 300), (450, 300), (stroke,) * 3, 3)
    return page, Seal(Box(220, 220, 161, 161), "round", (40.0, 40.0), 1.0)


def test_a_grey_seal_is_lifted_off_the_writing_and_a_darker_stroke_under_it_kept():
    keep = S.ring_keep_under
    page, seal = grey_seal(100 - keep - 1)
    dark = InkLayers(page, 100, S, (seal,)).dark
    assert dark[300 - 78, 300] == 240  # the ring's ink: paper
    assert dark[300, 300] == 100 - keep - 1  # the stroke under it: kept
    page, seal = grey_seal(100 - keep)  # as dark as the ring less ring_keep_under: the seal's
    assert InkLayers(page, 100, S, (seal,)).dark[300, 300] == 240
    assert InkLayers(page, 100, S).dark[300 - 78, 300] == 100  # no ring found: nothing lifted


def test_a_one_bit_seal_is_left_as_it_is():
    page, seal = grey_seal(100)
    page[page < 200] = 0  # a one-bit scan: seal and pen the same black
    dark = InkLayers(page, 100, S, (seal,)).dark
    assert dark[300 - 78, 300] == 0 and dark[300, 300] == 0


SEAL = Box(400, 100, 160, 160)


def line(text: str, x: int, right: int) -> TextLine:
    return TextLine(text, Box.from_corners(x, 170, right, 195))


def test_words_that_stop_at_a_seal_are_matched_on_the_characters_read():
    least = S.words_under_seal_min_chars
    assert least == 4
    assert _find_cut([line("与原件核对", 250, 395)], (SEAL,), S)[1] == "与原件核对"  # before the seal: a beginning
    assert _find_cut([line("核对无误", 565, 660)], (SEAL,), S)[1] == "核对无误"  # after it: an end
    assert _find_cut([line("与原件核", 280, 395)], (SEAL,), S) is not None  # exactly the least
    assert _find_cut([line("与原件", 300, 395)], (SEAL,), S) is None  # one fewer
    assert _find_cut([line("与原件核对", 100, 240)], (SEAL,), S) is None  # far from the seal: no excuse
    assert _find_cut([line("专业技术资格", 250, 395)], (SEAL,), S) is None  # not the words
