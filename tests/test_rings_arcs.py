"""Seal rings on grey and one-bit scans that the outline tracing misses (issue 11, class 6): oval seals over text,
round rings broken into arcs by a one-bit threshold or crossed by text. `analysis.rings.arc_rings` finds them by
circles and squeezed circles of a seal's size, refitted on the ink near their rim and judged by how the fitted rim
stands out as a thin inked line (`ring_arc_*`, `ring_oval_squeeze` in [pdf.marks]). Generated pages are saved as a
scanner saves them and decoded at the seal finder's 100 dpi; the accuracy figures are benchmarks/accuracy_marks.py's."""
from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # benchmarks/ holds the page generator

from pdf_fixtures import pdf_from_images  # noqa: E402

from benchmarks.scanset import make_page  # noqa: E402
from docprep.analysis.ellipses import arc_inked, arc_trace, band_refit  # noqa: E402
from docprep.analysis.rings import arc_rings, find_rings, ring_limits  # noqa: E402
from docprep.profiles.loader import load_profile  # noqa: E402

S = load_profile().section("pdf").marks
PX_MM = 100 / 25.4
OFF = dataclasses.replace(S, ring_arc_min_trace=1.0 + 1e-6)  # the arc search finds nothing: the outline tracing alone


def decoded(case: str, seed: int) -> tuple[np.ndarray, object, float]:
    """A generated page (200 dpi) saved as its scanner saves it (grey JPEG or one bit a pixel, in a PDF), decoded at
    100 dpi; with its truth and the generated page's pixels per decoded pixel."""
    pdfium = pytest.importorskip("pypdfium2")
    scan = make_page(case, 200, seed)
    pdf = pdfium.PdfDocument(pdf_from_images([Image.fromarray(scan.rgb).convert(scan.store)], scan.dpi))
    rgb = np.asarray(pdf[0].render(scale=100 / 72).to_pil().convert("RGB"))
    return rgb, scan.truth, scan.rgb.shape[1] / rgb.shape[1]


def overlaps(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


@pytest.mark.parametrize("case, seed, shape", [
    ("bitonal-seal", 37, "oval"),  # an oval seal on a one-bit page, its ring broken and crossed by the date
    ("grey-seal", 108, "oval"),  # an oval seal on a grey page over a header's title and rule
    ("bitonal-seal", 81, "round"),  # a round ring a high one-bit threshold left in arcs
    ("bitonal-seal", 100021, "round"),  # a round ring half hidden under a word stamp and the date
])
def test_a_ring_the_outline_misses_is_found_by_its_arcs(case, seed, shape):
    """Pages of the benchmark that the outline tracing missed (it finds no ring on them, as before the arc search)
    carry a ring of the seal's shape where the seal was stamped."""
    rgb, truth, k = decoded(case, seed)
    assert find_rings(rgb, 100, OFF) == []
    [ring] = find_rings(rgb, 100, S)
    assert ring.shape == shape and 36 <= ring.size_mm[0] <= 50
    [stamped] = truth.seals
    assert overlaps([v * k for v in (ring.box.x, ring.box.y, ring.box.right, ring.box.bottom)], stamped)


@pytest.mark.parametrize("case, seed", [("bitonal-no-seal", 135), ("grey-no-seal", 2)])
def test_a_grey_page_without_a_seal_shows_no_ring_by_its_arcs(case, seed):
    """The unstamped pages the arc search scores highest on (a one-bit page in a double frame, a grey page under a
    header's title and rule): no ring."""
    rgb, truth, _ = decoded(case, seed)
    assert truth.seals == [] and find_rings(rgb, 100, S) == []


def _page_with_text() -> np.ndarray:
    """A grey page at 100 dpi: a double frame, a ruled table of text and lines of text (characters as small
    boxes with a stroke through)."""
    page = np.full((1169, 827, 3), 246, np.uint8)
    cv2.rectangle(page, (30, 30), (797, 1139), (40, 40, 40), 3)
    cv2.rectangle(page, (40, 40), (787, 1129), (40, 40, 40), 1)
    for y in range(120, 420, 22):  # text
        for x in range(90, 720, 17):
            cv2.rectangle(page, (x, y), (x + 12, y + 15), (35, 35, 35), 1)
            cv2.line(page, (x, y + 7), (x + 12, y + 7), (35, 35, 35), 1)
    for y in range(500, 760, 52):  # a table, its cells holding text
        cv2.line(page, (80, y), (740, y), (40, 40, 40), 2)
        for x in range(90, 730, 17):
            cv2.rectangle(page, (x, y + 16), (x + 12, y + 31), (35, 35, 35), 1)
    for x in (80, 300, 520, 740):
        cv2.line(page, (x, 500), (x, 708), (40, 40, 40), 2)
    return page


def _broken_oval(page: np.ndarray, center: tuple[int, int], axes: tuple[int, int], grey: int) -> None:
    """An oval seal as a one-bit threshold leaves it: its ring in arcs with gaps, a star and its text in specks."""
    for start in range(0, 360, 40):
        cv2.ellipse(page, center, axes, 0, start, start + 26, (grey,) * 3, 3)
    cx, cy = center
    cv2.circle(page, center, 14, (grey,) * 3, -1)
    for angle in np.radians(np.arange(-110, 111, 22)):
        x, y = int(cx + (axes[0] - 22) * np.sin(angle)), int(cy - (axes[1] - 18) * np.cos(angle))
        cv2.rectangle(page, (x - 5, y - 5), (x + 5, y + 5), (grey,) * 3, 1)


def test_a_drawn_broken_oval_over_text_is_found_and_text_alone_is_not():
    """An oval seal of 46 x 32 mm over lines of text, its ring a third missing: the outline tracing misses it, the arc
    search finds it as an oval; the same page unstamped, with its frame and table, shows no ring."""
    page = _page_with_text()
    assert find_rings(page, 100, S) == []
    _broken_oval(page, (420, 300), (90, 63), 60)
    assert find_rings(page, 100, OFF) == []
    [ring] = find_rings(page, 100, S)
    assert ring.shape == "oval" and 44 <= ring.size_mm[0] <= 48 and 30 <= ring.size_mm[1] <= 34
    assert overlaps((ring.box.x, ring.box.y, ring.box.right, ring.box.bottom), (330, 237, 510, 363))


def _ink(page: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray((page[..., 0] < 150).astype(np.uint8) * 255)


def test_a_ring_by_its_arcs_stands_out_by_ring_arc_min_trace_exactly():
    """The arc search keeps a ring whose fitted rim stands out by `ring_arc_min_trace` exactly, and not a hair
    above its measure."""
    page = _page_with_text()
    _broken_oval(page, (420, 300), (90, 63), 60)
    ink = _ink(page)
    diameter = (S.ring_diameter_mm[0] * PX_MM, S.ring_diameter_mm[1] * PX_MM)
    [found] = arc_rings(ink, diameter, ring_limits(S, PX_MM), S, PX_MM)
    measured = found.score
    assert measured > S.ring_arc_min_trace
    at = dataclasses.replace(S, ring_arc_min_trace=measured)
    assert [ring.score for ring in arc_rings(ink, diameter, ring_limits(at, PX_MM), at, PX_MM)] == [measured]
    above = dataclasses.replace(S, ring_arc_min_trace=measured + 1e-6)
    assert arc_rings(ink, diameter, ring_limits(above, PX_MM), above, PX_MM) == []


def test_the_arc_measures_on_a_drawn_ring():
    """`arc_inked`: the share of directions where ink lies on the ellipse and the paper `offset` beside is bare (a
    whole thin ring all round, a ring with a third cut away 2/3, a ring inside a solid disc 0); `arc_trace` less the
    share on the ellipses beside it; `band_refit` brings a loose circle onto the ring's arcs."""
    ink = np.zeros((300, 300), np.uint8)
    cv2.ellipse(ink, (150, 150), (100, 100), 0, 0, 360, 255, 2)
    ellipse = ((150.0, 150.0), (200.0, 200.0), 0.0)
    assert arc_inked(ellipse, ink, 4) == 1.0 and arc_trace(ellipse, ink, 4, 8) == 1.0
    beside = ink.copy()
    cv2.ellipse(beside, (150, 150), (108, 108), 0, 0, 360, 255, 2)  # a second ring 8 px out: as inked beside it
    assert arc_trace(ellipse, beside, 4, 8) == 0.0
    cut = ink.copy()
    cut[:, :150][np.abs(np.arange(300) - 150) < 87] = 0  # a third of the ring gone, to the left
    assert abs(arc_inked(ellipse, cut, 4) - 2 / 3) < 0.03
    disc = ink.copy()
    cv2.circle(disc, (150, 150), 106, 255, -1)
    assert arc_inked(ellipse, disc, 4) == 0.0
    ys, xs = np.nonzero(cut)
    refit = band_refit(((153.0, 146.0), (214.0, 214.0), 0.0), np.stack([xs, ys], 1).astype(np.float32),
                       (0.15, 0.08, 0.05))
    (cx, cy), axes, _ = refit
    assert abs(cx - 150) < 1 and abs(cy - 150) < 1 and all(abs(a - 200) < 2 for a in axes)


def test_ovals_are_searched_for_by_ring_oval_squeeze():
    """The drawn oval over text is found only with the squeezed searches: with `ring_oval_squeeze` [1, 1] (circles
    only, as before) it is missed."""
    page = _page_with_text()
    _broken_oval(page, (420, 300), (90, 63), 60)
    assert find_rings(page, 100, dataclasses.replace(S, ring_oval_squeeze=(1.0, 1.0))) == []
