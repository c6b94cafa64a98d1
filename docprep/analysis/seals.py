"""Red seals (公章) on a page: red ink that closes into a round, oval or square outline of a seal's size.

Long straight red runs (table rules, a certificate's double border, a notice's red header rule) are taken out first.
Each red shape is then judged whole; a shape that is not one seal (two seals touching, a seal joined to a red
title) is searched for ellipses traced by long arcs of its outline, each checked as a seal on its own, and what is
left of the shape is judged again (a square name seal beside a round one). A red title, underlines, ticks and a pen
circle fail one of the tests below; a seal cut by the page edge is judged on its visible part. Every threshold is a
`MarkSettings` field (the profile's [pdf.marks])."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import cv2
import numpy as np

from .ellipses import MIN_FIT_POINTS, arc_ellipses, rim_refit, ring_trace
from .geometry import Box, px_per_mm
from .redink import paper_white, red_on_white

if TYPE_CHECKING:
    from .marks import MarkSettings

# The same seal traced twice (at two joins, or whole and by its arcs) overlaps itself by more than this (IoU).
SAME_SEAL_OVERLAP = 0.5
# A box this much inside another (intersection over its own area) lies within it.
MOSTLY_INSIDE = 0.8
# A circle found in a shrunk mask is this much larger before it is refitted on its ring's outer edge: the search
# finds it to a pixel or two of the shrunk mask, and the refit looks for the ring inward from just outside it.
CIRCLE_GROW = 1.06
# Ellipses judged as seals in one shape, best traced first (two or three seals overlap in a row at most).
MAX_ARC_TRIES = 8


@dataclass(frozen=True)
class Seal:
    """A seal found on the page: its box in page pixels (clipped to the page), shape, size and how seal-like it
    is (0-1)."""

    box: Box
    shape: str  # "round", "oval" or "square"
    size_mm: tuple[float, float]  # longest and shortest axis, including any part beyond the page edge
    score: float


class RingLimits(NamedTuple):
    """What a seal's rim must look like in a mask of its ink (from the profile: red seals or grey rings)."""

    min_ring: float  # least share of the visible outline with ring ink in the band inward of it
    band: float  # that band's width, share of the half-size
    min_visible: float  # least share of the outline on the page
    min_inner: float  # least ink share inside the ring
    contrast: tuple[float, float]  # rim band's ink share over the inside's: least and greatest
    min_fit: float  # least overlap of a whole shape with its ellipse or rectangle
    min_arc: float  # least share of an ellipse's visible rim traced by a shape's outline
    arc_tolerance: float  # outline points this close to an ellipse (share of its radius) trace it
    arc_min_major: float  # least longest axis of a seal found by its arcs, in the mask's pixels
    arc_min_ring: float  # least share of its visible outline inked, for a seal found by its arcs
    max_aspect: float  # longest over shortest axis of a round or oval seal
    round_aspect: float  # up to this an ellipse is round, beyond it oval
    square_aspect: float  # longest over shortest side of a square seal
    min_trace: float = 0.0  # least share of directions round a ring in which one ellipse near its rim is inked
    oval_min_minor: float = 0.0  # least shortest axis of an oval seal, in the mask's pixels
    circle_scale: float = 0.0  # shapes that hold no seal are searched for circles in the mask shrunk by this (0: not)
    circle_votes: float = 0.0  # least votes of the circle search (OpenCV's Hough accumulator threshold)


class Traced(NamedTuple):
    """A seal traced in a mask, in its pixels: shape, (longest, shortest axis), score, box corners (x0, y0, x1, y1),
    the share of its rim inked, and its rim as an ellipse when it was found by its arcs."""

    shape: str
    size: tuple[float, float]
    score: float
    corners: tuple
    ring: float
    ellipse: tuple | None = None


def red_limits(settings: MarkSettings, px_mm: float) -> RingLimits:
    return RingLimits(settings.seal_min_ring, settings.seal_ring_band, settings.seal_min_visible,
                      settings.seal_min_inner_ink, (settings.seal_min_ring_contrast, settings.seal_max_ring_contrast),
                      settings.seal_min_fit, settings.seal_min_arc, settings.seal_arc_tolerance,
                      settings.seal_arc_min_mm * px_mm, settings.seal_arc_min_ring,
                      settings.seal_max_aspect, settings.seal_round_max_aspect, settings.seal_square_max_aspect,
                      settings.seal_min_trace, settings.seal_oval_min_mm * px_mm,
                      min(1.0, settings.seal_circle_dpi / (px_mm * 25.4)), settings.seal_circle_votes)


def find_seals(rgb: np.ndarray, dpi: float, settings: MarkSettings) -> list[Seal]:
    """Red seals on a page, largest first. A seal is red ink that closes into a round, oval or square outline
    of seal size, with ink all along its rim and some ink inside (a star, text)."""
    white = paper_white(rgb, settings)
    mask = red_on_white(white, settings)
    if not mask.any():
        return []
    # Thin pale strokes survive when the mask, not the picture, is shrunk: a cell a quarter inked is ink.
    scale = min(1.0, settings.seal_dpi / dpi)
    px_mm = px_per_mm(dpi * scale)
    length = settings.seal_line_mm * px_mm
    # Lines are found in all warm ink round the red (red over green and blue): thin brown or red rules are only
    # partly red to the mask. Black and blue ink stay out: a text line beside a square seal would lengthen its side.
    near = _around(mask, length / scale)
    ink = np.zeros_like(mask)
    red, green, blue = cv2.split(white[near])
    ink[near] = cv2.threshold(cv2.subtract(red, cv2.max(green, blue)), settings.seal_line_chroma - 1, 255,
                              cv2.THRESH_BINARY)[1]
    if scale < 1.0:
        mask, ink = (cv2.threshold(cv2.resize(m, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA),
                                   settings.seal_cell_ink, 255, cv2.THRESH_BINARY)[1] for m in (mask, ink))
    mask = cv2.bitwise_and(mask, cv2.bitwise_not(straight_lines(ink, length)))
    diameter = (settings.seal_diameter_mm[0] * px_mm, settings.seal_diameter_mm[1] * px_mm)
    found = trace_seals(mask, settings.seal_ring_join_mm * px_mm, [j * px_mm for j in settings.seal_join_mm],
                        diameter, red_limits(settings, px_mm), squares=True)
    return as_seals(found, scale, px_mm)


def beside_words(seals: list[Seal], words: Box, settings: MarkSettings) -> list[Seal]:
    """The seals that are not the frame of the verification words' own red stamp: a red word stamp whose end a seal
    covers is cut there, and what is left of its frame (核对无 in three sides of a rectangle) is as square as a name
    seal. A seal whose box the words' box covers by more than `seal_words_max_share` of its area holds the words:
    a seal stamped over the words covers far more than their line."""
    def covered(box: Box) -> float:  # the share of the seal's box under the words' box
        return box.overlap(words) * min(box.area, words.area) / box.area if box.area else 0.0

    return [seal for seal in seals if covered(seal.box) <= settings.seal_words_max_share]


def as_seals(found: list[Traced], scale: float, px_mm: float) -> list[Seal]:
    """Seals traced in a mask shrunk by `scale` (`px_mm` of its pixels in a millimetre), in page pixels, largest
    first."""
    seals = [Seal(Box.from_corners(*(int(round(v / scale)) for v in seal.corners)), seal.shape,
                  (round(seal.size[0] / px_mm, 1), round(seal.size[1] / px_mm, 1)), round(float(seal.score), 3))
             for seal in found]
    return sorted(seals, key=lambda seal: -seal.size_mm[0])


def straight_lines(ink: np.ndarray, length: float, widest: float | None = None) -> np.ndarray:
    """Where an ink mask holds straight horizontal or vertical runs of `length` pixels or longer (rules, borders;
    no stretch of a seal's ring or frame is that straight), grown by a pixel so that their blurred edge goes with
    them; with `widest`, only runs at most that many pixels wide (a row of bold print on a coarse copy is a run as
    long, as wide as its characters are high). The ink is grown by a pixel first, so that a line tilted by a degree
    or two (a scan, a photo) still holds a straight run that long, and a line broken by a pixel is whole."""
    k = int(round(length))
    lines = np.zeros_like(ink)
    if k < 3 or max(ink.shape) < k or not ink.any():
        return lines
    near = _around(ink, 1)
    grown = cv2.dilate(ink[near], np.ones((3, 3), np.uint8))
    across = int(np.ceil(widest)) + 3 if widest is not None else 0  # a grown run is 2 pixels wider than its ink

    def opened(mask: np.ndarray, kernel: np.ndarray) -> np.ndarray:  # nothing beyond the part is ink
        return cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel, borderType=cv2.BORDER_CONSTANT, borderValue=0)

    for along, wide in ((np.ones((1, k), np.uint8), np.ones((across, 1), np.uint8)),
                        (np.ones((k, 1), np.uint8), np.ones((1, across), np.uint8))):
        run = opened(grown, along)
        if across:
            run = cv2.bitwise_and(run, cv2.bitwise_not(opened(run, wide)))
        lines[near] |= run
    return lines


def trace_seals(mask: np.ndarray, ring_join: float, joins: list[float], diameter: tuple[float, float],
                limits: RingLimits, squares: bool) -> list[Traced]:
    """Seals in a 0/255 ink mask, in its pixels. The mask is closed at each join (pixels) and every shape of seal
    size judged whole and, unless it is one round seal, by its arcs (`squares`: a square frame counts as a seal
    too); `ring_join` (pixels) bridges gaps in the ring itself."""
    ring = np.zeros_like(mask)
    near = _around(mask, ring_join + 2)
    ring[near] = cv2.morphologyEx(mask[near], cv2.MORPH_CLOSE, _disc(ring_join))
    found: list[Traced] = []
    unexplained = np.zeros_like(mask)  # shapes large enough for a unit seal that its seals found do not fill
    for join in dict.fromkeys(joins):
        closed = _close(mask, join / 2)
        for contour in cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)[0]:
            x, y, w, h = cv2.boundingRect(contour)
            # Shapes too small or too thin even for a seal mostly off the page are not judged.
            if max(w, h) >= diameter[0] * limits.min_visible <= min(w, h) * limits.max_aspect:
                seals = _shape_seals(contour, mask, ring, diameter, limits, squares)
                found += seals
                if min(w, h) >= limits.arc_min_major and not _filled((x, y, x + w, y + h), seals,
                                                                      limits.arc_min_major / 2):
                    unexplained[y:y + h, x:x + w] = 255
    if limits.circle_scale and unexplained.any():
        found += _circle_seals(mask, ring, unexplained, diameter, limits)
    return _choose(found)


def _filled(box: tuple, seals: list[Traced], margin: float) -> bool:
    """Whether the seals found in a shape fill its box (x0, y0, x1, y1) to within `margin` pixels on every side:
    otherwise a second seal may lie in what is left (two seals overlapping, one traced)."""
    if not seals:
        return False
    x0, y0 = min(seal.corners[0] for seal in seals), min(seal.corners[1] for seal in seals)
    x1, y1 = max(seal.corners[2] for seal in seals), max(seal.corners[3] for seal in seals)
    return box[0] >= x0 - margin and box[1] >= y0 - margin and box[2] <= x1 + margin and box[3] <= y1 + margin


def _circle_seals(mask: np.ndarray, ring: np.ndarray, where: np.ndarray, diameter: tuple[float, float],
                  limits: RingLimits) -> list[Traced]:
    """Round seals whose outline is lost in a larger shape (a seal over a red title, or over text on a grey scan,
    where ink joins it on every side): circles of a unit seal's size found by the Hough transform in the shrunk
    mask, in each box of `where`, each refitted on its ring's outer edge and judged as a seal."""
    seals: list[Traced] = []
    s = limits.circle_scale
    radii = (max(limits.arc_min_major, diameter[0]) * s / 2, diameter[1] * s / 2)
    for contour in cv2.findContours(where, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0]:
        x, y, w, h = cv2.boundingRect(contour)
        small = cv2.resize(mask[y:y + h, x:x + w], None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
        circles = cv2.HoughCircles(cv2.GaussianBlur(small, (0, 0), 1), cv2.HOUGH_GRADIENT, dp=1, minDist=radii[0],
                                   param1=100, param2=limits.circle_votes, minRadius=int(radii[0]),
                                   maxRadius=int(np.ceil(radii[1])))
        for cx, cy, r in [] if circles is None else circles[0][:MAX_ARC_TRIES]:
            d = 2 * r / s * CIRCLE_GROW
            circle = ((x + cx / s, y + cy / s), (d, d), 0.0)
            judged = judge_ellipse(rim_refit(circle, ring, limits.band), mask, ring, limits)
            if judged is not None and judged.ring >= limits.arc_min_ring:
                seals.append(judged)
    return seals


def _shape_seals(contour, mask: np.ndarray, ring: np.ndarray, diameter: tuple[float, float], limits: RingLimits,
                 squares: bool) -> list[Traced]:
    """The seal an ink shape is taken whole, and the seals traced by its arcs, with what is left of the shape
    judged again (a square name seal beside a round one). A shape judged one round seal is not taken apart: two
    seals side by side make an oval or a longer shape."""
    whole = _judge(contour, mask, ring, diameter, limits, squares)
    if whole is not None and whole.shape == "round":
        return [whole]
    seals = [] if whole is None else [whole]
    arcs = _arc_seals(_free_points(contour, mask.shape), mask, ring, diameter, limits)
    if not arcs:
        return seals
    x, y, w, h = cv2.boundingRect(contour)
    rest = np.zeros((h, w), np.uint8)
    cv2.drawContours(rest, [contour], -1, 255, -1, offset=(-x, -y))
    hidden = tuple((seal.ellipse, max(2, int(limits.band * min(seal.ellipse[1])))) for seal in arcs)
    for ((cx, cy), axes, angle), grow in hidden:
        cv2.ellipse(rest, ((cx - x, cy - y), axes, angle), 0, -1)
        cv2.ellipse(rest, ((cx - x, cy - y), axes, angle), 0, grow)
    for part in cv2.findContours(rest, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE, offset=(x, y))[0]:
        if max(cv2.boundingRect(part)[2:]) >= diameter[0] * limits.min_visible:
            judged = _judge(part, mask, ring, diameter, limits, squares, hidden)
            seals += [judged] if judged is not None else []
    return seals + arcs


def _arc_seals(points: np.ndarray, mask: np.ndarray, ring: np.ndarray, diameter: tuple[float, float],
               limits: RingLimits) -> list[Traced]:
    """Seals whose rims are ellipses traced by an outline's arcs (each judged on its own: `_choose` settles which
    of them overlap as one seal, or hold two), scored by their ring and how much of it the outline traces."""
    seals: list[Traced] = []
    size = (max(limits.arc_min_major, diameter[0]), diameter[1])
    for traced, ellipse in arc_ellipses(points, size, limits.max_aspect, limits.arc_tolerance, limits.min_arc,
                                        mask.shape)[:MAX_ARC_TRIES]:
        judged = judge_ellipse(ellipse, mask, ring, limits)
        if judged is not None and judged.ring >= limits.arc_min_ring:
            seals.append(judged._replace(score=judged.ring * traced))
    return seals


def _choose(found: list[Traced]) -> list[Traced]:
    """One tracing of each seal from all those found (at each join, whole and by arcs): the best scored of those
    that overlap as one seal; then no shape holding two seals whose rings are inked as fully as its own (two seals
    side by side traced whole, or by an ellipse round both) or one that is also better scored (an ellipse round a
    seal and a red title), and no tracing lying within seals whose rings are inked more fully (half an oval, a
    circle where two seals overlap)."""
    best: list[Traced] = []
    for seal in sorted(found, key=lambda s: -s.score):
        if all(_iou_box(seal.corners, other.corners) <= SAME_SEAL_OVERLAP for other in best):
            best.append(seal)
    def held(seal: Traced) -> list[Traced]:  # the seals inside this one whose rings are inked as fully
        return [other for other in best if other is not seal and other.ring >= seal.ring
                and _inside(other.corners, seal.corners) >= MOSTLY_INSIDE]

    kept = [seal for seal in best if len(held(seal)) < 2 and all(other.score < seal.score for other in held(seal))]
    return [seal for seal in kept
            if sum(_inside(seal.corners, other.corners) for other in kept
                   if other is not seal and other.ring > seal.ring) < MOSTLY_INSIDE]


def _free_points(contour, page_shape: tuple[int, int]) -> np.ndarray:
    """An outline's points (float32, in order along it) that are off the page edge."""
    height, width = page_shape
    pts = contour.reshape(-1, 2)
    keep = (pts[:, 0] > 1) & (pts[:, 0] < width - 2) & (pts[:, 1] > 1) & (pts[:, 1] < height - 2)
    return pts[keep].astype(np.float32)


def judge_ellipse(ellipse, mask: np.ndarray, ring: np.ndarray, limits: RingLimits):
    """The seal whose rim is this ellipse (OpenCV's form), or None when its ring, the ink inside or their contrast
    is not a seal's."""
    (cx, cy), axes, angle = ellipse
    major, minor = max(axes), min(axes)
    if limits.min_trace and ring_trace(ellipse, ring, limits.band) < limits.min_trace:
        return None
    half = int(np.ceil(major / 2)) + 2
    ox, oy = int(cx) - half, int(cy) - half
    outline = np.zeros((2 * half + 1, 2 * half + 1), np.uint8)
    cv2.ellipse(outline, ((cx - ox, cy - oy), axes, angle), 1, -1)
    height, width = mask.shape
    page = np.zeros_like(outline)
    page[max(0, -oy):height - oy, max(0, -ox):width - ox] = 1
    coverage = _ring_coverage(outline, page, (ox, oy), ring, mask, minor, limits)
    if coverage is None:
        return None
    ys, xs = np.nonzero(outline * page)
    corners = (ox + xs.min(), oy + ys.min(), ox + xs.max() + 1, oy + ys.max() + 1)
    shape = _shape_name("ellipse", major, minor, limits)
    return None if shape is None else Traced(shape, (major, minor), coverage, corners, coverage, ellipse)


def _disc(diameter: float) -> np.ndarray:
    d = max(1, int(round(diameter)))
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (d, d))


def _close(mask: np.ndarray, radius: float) -> np.ndarray:
    """Morphological closing with a disc, by two distance transforms (as fast for a wide disc as a narrow one), on
    the part of the mask round its ink only."""
    out = np.zeros_like(mask)
    if not mask.any():
        return out
    near = _around(mask, radius + 2)
    grown = (cv2.distanceTransform(cv2.bitwise_not(mask[near]), cv2.DIST_L2, 3) <= radius).astype(np.uint8)
    out[near] = (cv2.distanceTransform(grown, cv2.DIST_L2, 3) > radius).astype(np.uint8) * 255
    return out


def _around(mask: np.ndarray, margin: float) -> tuple[slice, slice]:
    """The rows and columns of a page-sized mask within `margin` pixels of its ink's bounding box."""
    x, y, w, h = cv2.boundingRect(mask)
    m = int(np.ceil(margin))
    return slice(max(0, y - m), y + h + m), slice(max(0, x - m), x + w + m)


def _judge(contour, mask: np.ndarray, ring: np.ndarray, diameter: tuple[float, float], limits: RingLimits,
           squares: bool, hidden: tuple = ()):
    """The seal one ink shape is, taken whole, or None when it is no seal. `hidden`: (ellipse, width) of seals
    already found that hide part of this one, as the page edge does."""
    blob, page, origin, free = _local_frame(contour, mask.shape, hidden)
    if len(free) < MIN_FIT_POINTS:
        return None
    fitted = _best_fit(blob, page, free, squares)
    if fitted is None:
        return None
    kind, fit, outline, major, minor, local = fitted
    if fit < limits.min_fit or not diameter[0] <= major <= diameter[1]:
        return None
    shape = _shape_name(kind, major, minor, limits)
    if shape is None:
        return None
    ox, oy = origin
    ellipse = None if local is None else ((local[0][0] + ox, local[0][1] + oy), local[1], local[2])
    if ellipse is not None and limits.min_trace and ring_trace(ellipse, ring, limits.band) < limits.min_trace:
        return None
    coverage = _ring_coverage(outline, page, origin, ring, mask, minor, limits)
    if coverage is None:
        return None
    ys, xs = np.nonzero(blob)
    corners = (ox + xs.min(), oy + ys.min(), ox + xs.max() + 1, oy + ys.max() + 1)
    return Traced(shape, (major, minor), fit * coverage, corners, coverage)


def _local_frame(contour, page_shape: tuple[int, int], hidden: tuple = ()):
    """The blob's outline filled in a local frame with room round it, which of that frame can be seen (on the page,
    not under a `hidden` seal), the frame's origin on the page, and the outline's points away from what cannot be
    seen (float32, local)."""
    height, width = page_shape
    x, y, w, h = cv2.boundingRect(contour)
    touches = x == 0 or y == 0 or x + w == width or y + h == height or bool(hidden)
    margin = max(w, h) if touches else 2  # room for the part of a cut seal beyond the page
    ox, oy = x - margin, y - margin
    # The outline is the blob's convex hull, so that words or a faded stretch crossing the ring do not open it.
    blob = np.zeros((h + 2 * margin, w + 2 * margin), np.uint8)
    cv2.fillPoly(blob, [cv2.convexHull(contour).reshape(-1, 2) - (ox, oy)], 1)
    page = np.zeros_like(blob)
    page[max(0, -oy):height - oy, max(0, -ox):width - ox] = 1
    for ((cx, cy), axes, angle), grow in hidden:
        cv2.ellipse(page, ((cx - ox, cy - oy), axes, angle), 0, -1)
        cv2.ellipse(page, ((cx - ox, cy - oy), axes, angle), 0, grow)
    pts = cv2.findContours(blob, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)[0][0].reshape(-1, 2)
    # The page edge or another seal's rim is not part of this seal's outline: fit on the rest.
    unseen = cv2.dilate(1 - page, np.ones((5, 5), np.uint8))
    free = pts[unseen[pts[:, 1], pts[:, 0]] == 0].astype(np.float32)
    return blob, page, (ox, oy), free


def _best_fit(blob: np.ndarray, page: np.ndarray, free: np.ndarray, squares: bool):
    """The ellipse or rectangle (`squares`) that fits the blob's visible part best: (kind, overlap, filled outline,
    longest axis, shortest axis, the ellipse in local pixels or None), or None when neither can be fitted."""
    candidates = []
    center, axes, angle = cv2.fitEllipse(free)
    if min(axes) > 0:
        ellipse = np.zeros_like(blob)
        cv2.ellipse(ellipse, (center, axes, angle), 1, -1)
        candidates.append(("ellipse", _iou(blob, ellipse * page), ellipse, max(axes), min(axes), (center, axes, angle)))
    rect = cv2.minAreaRect(free)
    if squares and min(rect[1]) > 0:
        square = np.zeros_like(blob)
        cv2.fillPoly(square, [np.round(cv2.boxPoints(rect)).astype(np.int32)], 1)
        candidates.append(("rect", _iou(blob, square * page), square, max(rect[1]), min(rect[1]), None))
    return max(candidates, key=lambda c: c[1]) if candidates else None


def _shape_name(kind: str, major: float, minor: float, limits: RingLimits) -> str | None:
    """"square", "round" or "oval" for a fitted outline of these axes, or None when it is too long for a seal, or an
    oval too narrow for one (a word stamp's oval frame)."""
    aspect = major / minor
    if kind == "rect":
        return "square" if aspect <= limits.square_aspect else None
    if aspect > limits.max_aspect:
        return None
    if aspect <= limits.round_aspect:
        return "round"
    return "oval" if minor >= limits.oval_min_minor else None


def _ring_coverage(outline: np.ndarray, page: np.ndarray, origin: tuple[int, int], ring: np.ndarray,
                   mask: np.ndarray, minor: float, limits: RingLimits) -> float | None:
    """Share of the outline's visible part with ring ink in the band inward of it; None when too little of the
    outline is on the page, or the ring, the ink inside it or their contrast is not a seal's."""
    ox, oy = origin
    depth = cv2.distanceTransform(outline, cv2.DIST_L2, 3)  # distance inward from the outline
    edge = (depth > 0) & (depth <= 1)
    visible = edge & (page > 0)
    if visible.sum() < limits.min_visible * edge.sum():
        return None
    # The ring: each visible edge pixel counts as inked when ring ink lies within the band inward of it.
    band = max(2.0, limits.band * minor / 2)
    rim = ((depth > 0) & (depth <= band)).astype(np.uint8)
    ring_rim = (_local(ring, ox, oy, outline.shape) * rim) * 255
    reach = cv2.distanceTransform(cv2.bitwise_not(ring_rim), cv2.DIST_L2, 3) <= band
    coverage = float((reach & visible).sum()) / float(visible.sum())
    core = (depth > 2 * band).astype(np.uint8) * page
    ink = _local(mask, ox, oy, outline.shape)
    inner_ink = float((ink * core).sum()) / max(1.0, float(core.sum()))
    rim_ink = float((ink * rim * page).sum()) / max(1.0, float((rim * page).sum()))
    contrast = (limits.contrast[0] * inner_ink, limits.contrast[1] * inner_ink)
    if coverage < limits.min_ring or inner_ink < limits.min_inner or not contrast[0] <= rim_ink <= contrast[1]:
        return None
    return coverage


def _local(arr: np.ndarray, ox: int, oy: int, shape: tuple[int, int]) -> np.ndarray:
    """The part of a page-sized 0/255 mask under a local frame at (ox, oy), as 0/1; zero beyond the page."""
    out = np.zeros(shape, np.uint8)
    y0, x0 = max(0, oy), max(0, ox)
    part = arr[y0:oy + shape[0], x0:ox + shape[1]]
    out[y0 - oy:y0 - oy + part.shape[0], x0 - ox:x0 - ox + part.shape[1]] = part > 0
    return out


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.count_nonzero(a | b)
    return np.count_nonzero(a & b) / union if union else 0.0


def _inside(a: tuple, b: tuple) -> float:
    """Share of (x0, y0, x1, y1) box a that lies in box b."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h / max(1, (a[2] - a[0]) * (a[3] - a[1])) if w > 0 and h > 0 else 0.0


def _iou_box(a: tuple, b: tuple) -> float:
    """Intersection over union of two (x0, y0, x1, y1) boxes."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)
