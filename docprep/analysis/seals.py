"""Red seals (公章) on a page: red ink that closes into a round, oval or square outline of a seal's size.

A red title, table rules, underlines, ticks and a pen circle fail one of the tests below; a seal cut by the page
edge is judged on its visible part. Every threshold is a `MarkSettings` field (the profile's [pdf.marks])."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np

from .geometry import Box, px_per_mm
from .redink import red_ink_mask

if TYPE_CHECKING:
    from .marks import MarkSettings

# Fewer outline points than this (off the page edge) cannot carry an ellipse or rectangle fit.
MIN_FIT_POINTS = 12
# The same seal traced at two joins overlaps itself by more than this (intersection over the smaller box).
SAME_SEAL_OVERLAP = 0.5


@dataclass(frozen=True)
class Seal:
    """A seal found on the page: its box in page pixels (clipped to the page), shape, size and how seal-like it
    is (0-1)."""

    box: Box
    shape: str  # "round", "oval" or "square"
    size_mm: tuple[float, float]  # longest and shortest axis, including any part beyond the page edge
    score: float


def find_seals(rgb: np.ndarray, dpi: float, settings: MarkSettings) -> list[Seal]:
    """Red seals on a page, largest first. A seal is red ink that closes into a round, oval or square outline
    of seal size, with ink all along its rim and some ink inside (a star, text)."""
    mask = red_ink_mask(rgb, settings)
    if not mask.any():
        return []
    # Thin pale strokes survive when the mask, not the picture, is shrunk: a cell a quarter inked is ink.
    scale = min(1.0, settings.seal_dpi / dpi)
    if scale < 1.0:
        shrunk = cv2.resize(mask, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        mask = cv2.threshold(shrunk, settings.seal_cell_ink, 255, cv2.THRESH_BINARY)[1]
    px_mm = px_per_mm(dpi * scale)
    ring = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, _disc(settings.seal_ring_join_mm * px_mm))
    diameter = (settings.seal_diameter_mm[0] * px_mm, settings.seal_diameter_mm[1] * px_mm)
    seals: list[Seal] = []
    for join in dict.fromkeys(settings.seal_join_mm):
        closed = _close(mask, join * px_mm / 2)
        for contour in cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)[0]:
            x, y, w, h = cv2.boundingRect(contour)
            if max(w, h) < diameter[0] * settings.seal_min_visible:  # too small even for a seal mostly off the page
                continue
            judged = _judge(contour, mask, ring, diameter, settings)
            if judged is None:
                continue
            shape, size, score, corners = judged
            seal = Seal(Box.from_corners(*(int(round(v / scale)) for v in corners)), shape,
                        (round(size[0] / px_mm, 1), round(size[1] / px_mm, 1)), round(float(score), 3))
            # The same seal traced at both joins: keep the better tracing.
            same = [other for other in seals if other.box.overlap(seal.box) > SAME_SEAL_OVERLAP]
            if all(seal.score > other.score for other in same):
                seals = [other for other in seals if other not in same] + [seal]
    return sorted(seals, key=lambda seal: -seal.size_mm[0])


def _disc(diameter: float) -> np.ndarray:
    d = max(1, int(round(diameter)))
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (d, d))


def _close(mask: np.ndarray, radius: float) -> np.ndarray:
    """Morphological closing with a disc, by two distance transforms: as fast for a wide disc as a narrow one."""
    grown = (cv2.distanceTransform(cv2.bitwise_not(mask), cv2.DIST_L2, 3) <= radius).astype(np.uint8)
    return (cv2.distanceTransform(grown, cv2.DIST_L2, 3) > radius).astype(np.uint8) * 255


def _judge(contour, mask: np.ndarray, ring: np.ndarray, diameter: tuple[float, float], settings: MarkSettings):
    """Shape, size, score and box corners (x0, y0, x1, y1) of one red blob, or None when it is no seal."""
    blob, page, origin, free = _local_frame(contour, mask.shape)
    if len(free) < MIN_FIT_POINTS:
        return None
    fitted = _best_fit(blob, page, free)
    if fitted is None:
        return None
    kind, fit, outline, major, minor = fitted
    if fit < settings.seal_min_fit or not diameter[0] <= major <= diameter[1]:
        return None
    shape = _shape_name(kind, major / minor, settings)
    if shape is None:
        return None
    coverage = _ring_coverage(outline, page, origin, ring, mask, minor, settings)
    if coverage is None:
        return None
    ys, xs = np.nonzero(blob)
    ox, oy = origin
    return shape, (major, minor), fit * coverage, (ox + xs.min(), oy + ys.min(), ox + xs.max() + 1, oy + ys.max() + 1)


def _local_frame(contour, page_shape: tuple[int, int]):
    """The blob's outline filled in a local frame with room round it, which of that frame lies on the page, the
    frame's origin on the page, and the outline's points off the page edge (float32, local)."""
    height, width = page_shape
    x, y, w, h = cv2.boundingRect(contour)
    touches = x == 0 or y == 0 or x + w == width or y + h == height
    margin = max(w, h) if touches else 2  # room for the part of a cut seal beyond the page
    ox, oy = x - margin, y - margin
    # The outline is the blob's convex hull, so that words or a faded stretch crossing the ring do not open it.
    blob = np.zeros((h + 2 * margin, w + 2 * margin), np.uint8)
    cv2.fillPoly(blob, [cv2.convexHull(contour).reshape(-1, 2) - (ox, oy)], 1)
    page = np.zeros_like(blob)
    page[max(0, -oy):height - oy, max(0, -ox):width - ox] = 1
    pts = cv2.findContours(blob, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)[0][0].reshape(-1, 2)
    gx, gy = pts[:, 0] + ox, pts[:, 1] + oy
    # The page edge is not part of a cut seal's outline: fit on the rest.
    free = pts[(gx > 1) & (gx < width - 2) & (gy > 1) & (gy < height - 2)].astype(np.float32)
    return blob, page, (ox, oy), free


def _best_fit(blob: np.ndarray, page: np.ndarray, free: np.ndarray):
    """The ellipse or rectangle that fits the blob's visible part best: (kind, overlap, filled outline, longest
    axis, shortest axis), or None when neither can be fitted."""
    candidates = []
    center, axes, angle = cv2.fitEllipse(free)
    if min(axes) > 0:
        ellipse = np.zeros_like(blob)
        cv2.ellipse(ellipse, (center, axes, angle), 1, -1)
        candidates.append(("ellipse", _iou(blob, ellipse * page), ellipse, max(axes), min(axes)))
    rect = cv2.minAreaRect(free)
    if min(rect[1]) > 0:
        square = np.zeros_like(blob)
        cv2.fillPoly(square, [np.round(cv2.boxPoints(rect)).astype(np.int32)], 1)
        candidates.append(("rect", _iou(blob, square * page), square, max(rect[1]), min(rect[1])))
    return max(candidates, key=lambda c: c[1]) if candidates else None


def _shape_name(kind: str, aspect: float, settings: MarkSettings) -> str | None:
    """"square", "round" or "oval" for a fitted outline of this aspect, or None when it is too long for a seal."""
    if kind == "rect":
        return "square" if aspect <= settings.seal_square_max_aspect else None
    if aspect > settings.seal_max_aspect:
        return None
    return "round" if aspect <= settings.seal_round_max_aspect else "oval"


def _ring_coverage(outline: np.ndarray, page: np.ndarray, origin: tuple[int, int], ring: np.ndarray,
                   mask: np.ndarray, minor: float, settings: MarkSettings) -> float | None:
    """Share of the outline's visible part with ring ink in the band inward of it; None when too little of the
    outline is on the page, or the ring, the ink inside it or their contrast is not a seal's."""
    ox, oy = origin
    depth = cv2.distanceTransform(outline, cv2.DIST_L2, 3)  # distance inward from the outline
    edge = (depth > 0) & (depth <= 1)
    visible = edge & (page > 0)
    if visible.sum() < settings.seal_min_visible * edge.sum():
        return None
    # The ring: each visible edge pixel counts as inked when ring ink lies within the band inward of it.
    band = max(2.0, settings.seal_ring_band * minor / 2)
    rim = ((depth > 0) & (depth <= band)).astype(np.uint8)
    ring_rim = (_local(ring, ox, oy, outline.shape) * rim) * 255
    reach = cv2.distanceTransform(cv2.bitwise_not(ring_rim), cv2.DIST_L2, 3) <= band
    coverage = float((reach & visible).sum()) / float(visible.sum())
    core = (depth > 2 * band).astype(np.uint8) * page
    ink = _local(mask, ox, oy, outline.shape)
    inner_ink = float((ink * core).sum()) / max(1.0, float(core.sum()))
    rim_ink = float((ink * rim * page).sum()) / max(1.0, float((rim * page).sum()))
    contrast = (settings.seal_min_ring_contrast * inner_ink, settings.seal_max_ring_contrast * inner_ink)
    if (coverage < settings.seal_min_ring or inner_ink < settings.seal_min_inner_ink
            or not contrast[0] <= rim_ink <= contrast[1]):
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
