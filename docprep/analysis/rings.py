"""Seal impressions on a grey or black-and-white scan: where red cannot be seen, a seal still shows as a ring.

A reviewer looking at a grey copy sees whether a seal was stamped: a round or oval ring of a unit seal's size with
a star and text inside. `find_rings` looks for that shape in all the dark ink of the page, with the red seal
finder's tracing (analysis.seals) held to its own [pdf.marks] `ring_*` thresholds: the ring must be inked nearly
all round (text crossing it is ink too), and only ellipses count (a square frame of text lines could be a table).
Where no ring's outline is traced (an oval seal over text, a ring that a one-bit threshold broke into arcs or text
crossed), `arc_rings` searches the ink's long shapes for circles and squeezed circles of a seal's size and judges
the ellipse fitted to the ink near each by how its rim stands out as a thin inked line. It finds that a seal was
stamped, not that it is red or whose it is: pdf.color still says the scan cannot show the colour."""
from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

from .ellipses import arc_trace, band_refit
from .geometry import px_per_mm
from .seals import RingLimits, Seal, Traced, _shape_name, as_seals, straight_lines, trace_seals

if TYPE_CHECKING:
    from .marks import MarkSettings


def ring_limits(settings: MarkSettings, px_mm: float) -> RingLimits:
    return RingLimits(settings.ring_min_ring, settings.seal_ring_band, settings.seal_min_visible,
                      settings.seal_min_inner_ink, (settings.ring_min_contrast, settings.seal_max_ring_contrast),
                      settings.seal_min_fit, settings.ring_min_arc, settings.seal_arc_tolerance,
                      settings.ring_diameter_mm[0] * px_mm, settings.ring_min_ring, settings.seal_max_aspect,
                      settings.seal_round_max_aspect, settings.seal_square_max_aspect, settings.ring_min_trace,
                      settings.seal_oval_min_mm * px_mm, min(1.0, settings.seal_circle_dpi / (px_mm * 25.4)),
                      settings.seal_circle_votes)


def find_rings(rgb: np.ndarray, dpi: float, settings: MarkSettings) -> list[Seal]:
    """Seal-shaped impressions in a grey page's dark ink (RGB with equal channels, or grey), largest first: rings
    of `ring_diameter_mm` with ink all round and inside. Their shape is "round" or "oval"."""
    grey = rgb if rgb.ndim == 2 else np.ascontiguousarray(rgb[..., 1])
    scale = min(1.0, settings.seal_dpi / dpi)
    if scale < 1.0:
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    paper = float(np.percentile(grey[::7, ::7], settings.paper_white_percentile))
    ink = cv2.inRange(grey, 0, max(0.0, paper - settings.ring_ink_contrast))
    if not ink.any():
        return []
    px_mm = px_per_mm(dpi * scale)
    ink = cv2.bitwise_and(ink, cv2.bitwise_not(straight_lines(ink, settings.seal_line_mm * px_mm)))
    diameter = (settings.ring_diameter_mm[0] * px_mm, settings.ring_diameter_mm[1] * px_mm)
    joins = [j * px_mm for j in (settings.ring_join_mm, *settings.seal_join_mm)]
    limits = ring_limits(settings, px_mm)
    found = trace_seals(ink, settings.seal_ring_join_mm * px_mm, joins, diameter, limits, squares=False)
    if not found:
        found = arc_rings(ink, diameter, limits, settings, px_mm)
    return as_seals(found, scale, px_mm)


# Ink points near a candidate's rim are refitted within these shares of its radius in turn (a circle the search
# found, or one stretched back into an oval, lies within a fifth of the ring; each pass leaves out more of the text
# beside it).
REFIT_TOLERANCES = (0.2, 0.1, 0.05, 0.03)
# Circles tried per search (round, then each squeeze lying and standing), most votes first.
MAX_CANDIDATES = 24


def arc_rings(ink: np.ndarray, diameter: tuple[float, float], limits: RingLimits, settings: MarkSettings,
              px_mm: float) -> list[Traced]:
    """Rings the outline tracing misses (an oval seal over text, a ring broken into arcs by a one-bit threshold or
    crossed by text): circles of a seal's size found by the Hough transform in the ink shrunk to
    `seal_circle_dpi`, and in the ink squeezed by `ring_oval_squeeze` across and along (an oval seal is then nearly
    round), each refitted on the ink near its rim (`ellipses.band_refit`) and judged by how that fitted rim stands
    out as a thin inked line (`ellipses.arc_trace`: `ring_arc_offset_mm`, `ring_arc_beside_mm`,
    `ring_arc_min_trace`). Judging the fitted curve's arcs, not the ink's connected outline, keeps a ring whose
    pieces no longer join. The best one, or none."""
    s = limits.circle_scale
    small = cv2.GaussianBlur(cv2.resize(_long_shapes(ink, settings.ring_arc_min_mm * px_mm), None, fx=s, fy=s,
                                        interpolation=cv2.INTER_AREA), (0, 0), 1)
    spans = (settings.ring_arc_offset_mm * px_mm, settings.ring_arc_beside_mm * px_mm)
    best: Traced | None = None
    low, high = settings.ring_oval_squeeze
    for fx, fy in dict.fromkeys([(1.0, 1.0)] + [pair for f in (low, high) for pair in ((f, 1.0), (1.0, f))]):
        for ellipse in _hough(small, (fx, fy), diameter, limits)[:MAX_CANDIDATES]:
            (cx, cy), (d1, d2), angle = ellipse
            ellipse = ((cx / s, cy / s), (d1 / s, d2 / s), angle)
            judged = _judge_arcs(ellipse, ink, diameter, limits, settings.ring_arc_min_trace, spans)
            if judged is not None and (best is None or judged.score > best.score):
                best = judged
    return [] if best is None else [best]


def _long_shapes(ink: np.ndarray, least: float) -> np.ndarray:
    """The ink shapes at least `least` pixels across (a ring's arcs, titles, lines), without the smaller ones (body
    text, specks), which would give the circle search votes everywhere."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    long = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) >= least
    long[0] = False  # the paper
    return long[labels].astype(np.uint8) * 255


def _hough(small: np.ndarray, squeeze: tuple[float, float], diameter: tuple[float, float],
           limits: RingLimits) -> list[tuple]:
    """Circles of a seal's size in the shrunk ink squeezed by (fx, fy), as ellipses in the shrunk ink's pixels
    (OpenCV's form), most votes first."""
    fx, fy = squeeze
    image = small if fx == fy == 1.0 else cv2.resize(small, None, fx=fx, fy=fy, interpolation=cv2.INTER_AREA)
    s, shortest = limits.circle_scale, min(fx, fy)
    radii = (diameter[0] * s * shortest / 2, diameter[1] * s * shortest / 2)
    circles = cv2.HoughCircles(image, cv2.HOUGH_GRADIENT, dp=1, minDist=radii[0], param1=100,
                               param2=limits.circle_votes, minRadius=int(radii[0]), maxRadius=int(np.ceil(radii[1])))
    return [((cx / fx, cy / fy), (2 * r / fx, 2 * r / fy), 0.0) for cx, cy, r in
            ([] if circles is None else circles[0])]


def _judge_arcs(ellipse, ink: np.ndarray, diameter: tuple[float, float], limits: RingLimits,
                min_trace: float, spans: tuple[float, float]) -> Traced | None:
    """The ring fitted near this ellipse, judged by how its arcs stand out (see `arc_rings`; `spans`: where the paper
    beside the ring must be bare, and where the ellipses it is compared with run, pixels) and by the ink inside it
    (a star, text: `limits.min_inner`), or None."""
    (cx, cy), axes, _ = ellipse
    reach = max(axes) / 2 * (1 + REFIT_TOLERANCES[0]) + 2
    x0, y0 = max(0, int(cx - reach)), max(0, int(cy - reach))
    near = cv2.findNonZero(ink[y0:int(cy + reach) + 1, x0:int(cx + reach) + 1])
    if near is None:
        return None
    local = (near.reshape(-1, 2) + (x0, y0)).astype(np.float32)
    fitted = band_refit(ellipse, local, REFIT_TOLERANCES)
    if fitted is None:
        return None
    (cx, cy), axes, angle = fitted
    major, minor = max(axes), min(axes)
    shape = _shape_name("ellipse", major, minor, limits)
    if shape is None or not diameter[0] <= major <= diameter[1]:
        return None
    traced = arc_trace(fitted, ink, *spans)
    if traced < min_trace:
        return None
    x, y, w, h = cv2.boundingRect(cv2.ellipse2Poly((round(cx), round(cy)), (int(axes[0] / 2), int(axes[1] / 2)),
                                                   round(angle), 0, 360, 5))
    corners = (max(0, x), max(0, y), min(ink.shape[1], x + w), min(ink.shape[0], y + h))
    box = ink[corners[1]:corners[3], corners[0]:corners[2]]
    core = np.zeros_like(box)
    inner = (axes[0] * (1 - 2 * limits.band), axes[1] * (1 - 2 * limits.band))
    cv2.ellipse(core, ((cx - corners[0], cy - corners[1]), inner, angle), 1, -1)
    if not core.any() or float(box[core > 0].mean()) / 255 < limits.min_inner:
        return None
    return Traced(shape, (major, minor), traced, corners, traced, fitted)
