"""Finding the sheet of paper in a photo of a document: the largest four-sided bright region, and how much of the
frame around it is something else (a desk, fingers, a room).

`find_sheet` works on a copy whose long side is SEARCH_SIDE pixels (GLANCE_SIDE for the check), whatever the
photo's size:
- paper is bright and colourless, so each pixel's darkest channel (low on a brown desk, a red seal or skin, high on
  paper in any light) is split in two by Otsu's threshold; closing fills the text and seals, opening drops specks;
- on a light desk under uneven light, paper in the shade is no brighter than desk in the light, and one threshold
  joins them. So each outline is scored by how much of it follows an edge of the picture (a sheet's own edge is a
  step, where light changes smoothly), and where that region's outline does not (EDGE_TRUSTED), the region is
  found again with the picture's edges cut out of it first (the sheet comes apart from the desk; the region is
  grown back by the cut's width): the outline that follows edges better is the sheet. Not the other way round:
  cut first, a frame printed near the paper's edge would cut its margin off;
- the largest bright region's outline is reduced to four corners (its convex hull, simplified until four remain);
- each side is then fitted as a straight line through the outline points near it (edges, robust to a finger over
  the edge or a torn corner), and the corners are where neighbouring lines meet.

It measures and does not judge: the share of the frame the sheet covers, the share of the frame's outer ring that
lies outside it, and how much brighter the paper is than what surrounds it. The profile's [pdf.sheet] (its schema:
analysis.settings.SHEET) says when that makes a photographed page (rules.pdf: pdf.photographed-page) and when `fix`
crops to the sheet (fix.sheet).
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# Definitions of the measurement, not limits of a verdict:
SEARCH_SIDE = 800  # long side, pixels, of the copy searched where the corners matter (fix cuts the sheet out)
GLANCE_SIDE = 400  # ... and where only the shares matter (check's pdf.photographed-page)
RING = 0.03  # the frame's outer ring: this share of its short side
EDGE_SIGMA = 1.5  # the darkest channel is smoothed this much (pixels of the copy searched) before edges are found
EDGE_LEVELS = (8, 20)  # Canny's hysteresis, grey levels: a sheet's edge on a light desk steps by 15-40, light by <2
EDGE_CUT = 1  # pixels cut on each side of an edge (and grown back)
EDGE_NEAR = 2  # a side's point this near an edge (pixels) lies on it
EDGE_TRUSTED = 0.9  # a threshold's outline following edges this much is the sheet's (0.93-1.0 on generated desks)
SIDE_BAND = 0.03  # outline points within this share of a side's length from it are fitted to it


@dataclass(frozen=True)
class Sheet:
    """A sheet found in a frame. Corners are (x, y) in the frame's pixels as measured: top-left, top-right,
    bottom-right, bottom-left."""

    corners: tuple[tuple[float, float], ...]
    frame: tuple[int, int]  # width, height measured
    coverage: float  # share of the frame inside the sheet
    border_outside: float  # share of the frame's outer ring outside the sheet
    contrast: float  # paper minus surround, grey levels of the darkest channel
    edge_share: float = 0.0  # share of the outline that follows an edge in the image (_edge_share)

    def scaled(self, factor_x: float, factor_y: float) -> np.ndarray:
        """The corners (4×2) in a frame of another size."""
        return np.asarray(self.corners, np.float64) * [factor_x, factor_y]

    def sides(self) -> tuple[float, float]:
        """Mean lengths of the top/bottom and the left/right sides, frame pixels."""
        c = np.asarray(self.corners)
        across = (np.hypot(*(c[1] - c[0])) + np.hypot(*(c[2] - c[3]))) / 2
        down = (np.hypot(*(c[3] - c[0])) + np.hypot(*(c[2] - c[1]))) / 2
        return float(across), float(down)

    def surrounded(self, cfg) -> bool:
        """A sheet with a surround by the profile's [pdf.sheet]: a photograph of the sheet, not a scan of it. On a
        light desk the paper is only a little brighter than the desk; then its outline must follow its edge."""
        distinct = self.contrast >= cfg.min_contrast or (self.contrast >= cfg.light_desk_contrast
                                                         and self.edge_share >= cfg.light_desk_edge_share)
        return (cfg.min_share <= self.coverage <= cfg.max_share and self.border_outside >= cfg.min_border and distinct
                and self.edge_share >= cfg.min_edge_share)


def _paperness(pixels: np.ndarray) -> np.ndarray:
    """The darkest channel, smoothed: high on paper whatever the light, low on colour and on dark things."""
    darkest = pixels if pixels.ndim == 2 else pixels.min(axis=2)
    return cv2.GaussianBlur(darkest, (5, 5), 0)


def _largest_bright(paper: np.ndarray, cut: np.ndarray | None = None) -> np.ndarray | None:
    """The outline (N×2) of the largest bright region after filling text and seals; with `cut` (edges), found
    with them cut out and grown back by the cut's width."""
    _, mask = cv2.threshold(paper, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    k = max(3, round(max(paper.shape) * 0.02) | 1)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    if cut is not None:
        mask[cv2.dilate(cut, np.ones((2 * EDGE_CUT + 1,) * 2, np.uint8)) > 0] = 0
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=4)
    if count < 2:
        return None
    largest = np.where(labels == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA])), 255, 0).astype(np.uint8)
    if cut is not None:
        largest = cv2.dilate(largest, np.ones((2 * EDGE_CUT + 3,) * 2, np.uint8))  # the cut and the edge's pixel
    contours, _ = cv2.findContours(largest, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    return max(contours, key=cv2.contourArea).reshape(-1, 2)


def _four_corners(outline: np.ndarray) -> np.ndarray | None:
    """Four corners of the outline's convex hull, simplified until four remain, in order TL, TR, BR, BL."""
    hull = cv2.convexHull(outline.reshape(-1, 1, 2))
    length = cv2.arcLength(hull, True)
    for share in (0.01, 0.02, 0.03, 0.05, 0.08):
        quad = cv2.approxPolyDP(hull, share * length, True).reshape(-1, 2)
        if len(quad) == 4:
            return _ordered(quad.astype(np.float64))
        if len(quad) < 4:
            return None
    return None


def _ordered(quad: np.ndarray) -> np.ndarray:
    """Corners in order top-left, top-right, bottom-right, bottom-left (clockwise from the one nearest the origin)."""
    centre = quad.mean(axis=0)
    angles = np.arctan2(quad[:, 1] - centre[1], quad[:, 0] - centre[0])
    quad = quad[np.argsort(angles)]  # clockwise on screen (y down), starting anywhere
    start = int(np.argmin(quad.sum(axis=1)))
    return np.roll(quad, -start, axis=0)


def _fitted(outline: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """Corners where lines fitted to the outline points along each side meet (a side with too few points keeps
    its rough corners)."""
    points = outline.astype(np.float64)
    lines = []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        direction = (b - a) / max(np.hypot(*(b - a)), 1e-9)
        rel = points - a
        along = rel @ direction
        off = np.abs(rel[:, 0] * direction[1] - rel[:, 1] * direction[0])
        length = np.hypot(*(b - a))
        near = (off <= SIDE_BAND * length + 1) & (along > 0.1 * length) & (along < 0.9 * length)
        if near.sum() < 10:
            lines.append((a, direction))
            continue
        vx, vy, x0, y0 = cv2.fitLine(points[near].astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        lines.append((np.array([x0, y0], np.float64), np.array([vx, vy], np.float64)))
    corners = []
    for i in range(4):
        (p, d), (q, e) = lines[i - 1], lines[i]
        det = d[0] * (-e[1]) - d[1] * (-e[0])
        if abs(det) < 1e-9:
            return quad
        t = ((q - p)[0] * (-e[1]) - (q - p)[1] * (-e[0])) / det
        corners.append(p + t * d)
    return np.asarray(corners)


def find_sheet(pixels: np.ndarray, side: int = SEARCH_SIDE) -> Sheet | None:
    """The largest four-sided bright region of a frame (RGB or grey), searched on a copy `side` pixels long, or
    None where there is none."""
    h, w = pixels.shape[:2]
    factor = min(1.0, side / max(h, w))
    small = pixels if factor == 1.0 else cv2.resize(pixels, (max(1, round(w * factor)), max(1, round(h * factor))),
                                                     interpolation=cv2.INTER_AREA)
    paper = _paperness(small)
    corners, edge_share = _quadrangle(_largest_bright(paper)), 0.0
    if corners is None or not _whole_frame(corners, paper.shape):  # a scan is paper to its edges: none to follow
        edges = cv2.Canny(cv2.GaussianBlur(paper, (0, 0), EDGE_SIGMA), *EDGE_LEVELS)
        edge_share = _edge_share(edges, corners) if corners is not None else 0.0
        if edge_share < EDGE_TRUSTED:
            cut = _quadrangle(_largest_bright(paper, edges))
            if cut is not None and (share := _edge_share(edges, cut)) > edge_share:
                corners, edge_share = cut, share
    if corners is None:
        return None
    inside = np.zeros(paper.shape, np.uint8)
    cv2.fillConvexPoly(inside, np.round(corners).astype(np.int32), 1)
    if not inside.any():  # corners of a degenerate outline (a sliver of an image)
        return None
    band = max(1, round(min(paper.shape) * RING))
    ring = np.ones(paper.shape, bool)
    ring[band:-band, band:-band] = False
    outside = inside == 0
    surround = paper[outside & ring] if (outside & ring).any() else paper[outside]
    contrast = float(np.median(paper[inside == 1]) - np.median(surround)) if surround.size else 0.0
    return Sheet(tuple((float(x) / factor, float(y) / factor) for x, y in corners), (w, h),
                 round(float(inside.mean()), 4), round(float(outside[ring].mean()), 4), round(contrast, 1), edge_share)


def _quadrangle(outline: np.ndarray | None) -> np.ndarray | None:
    """The four corners (4×2) of a region's outline, None where it has none."""
    if outline is None or len(outline) < 20:
        return None
    quad = _four_corners(outline)
    return None if quad is None else _fitted(outline, quad)


def _whole_frame(corners: np.ndarray, shape: tuple[int, ...]) -> bool:
    """Every corner within the frame's outer ring (RING) of the frame's own corner: the whole frame is paper."""
    h, w = shape[:2]
    frame = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64)
    return bool(np.hypot(*(corners - frame).T).max() <= RING * min(h, w))


def _edge_share(edges: np.ndarray, corners: np.ndarray) -> float:
    """The share of the four sides (sampled a pixel apart) that lies on an edge (within EDGE_NEAR pixels): a
    sheet's outline follows its own edge all round, a region cut by a threshold across smooth light does not."""
    near = cv2.dilate(edges, np.ones((2 * EDGE_NEAR + 1,) * 2, np.uint8)) > 0
    h, w = edges.shape
    points = []
    for a, b in zip(corners, np.roll(corners, -1, axis=0)):
        # a pixel apart, but no more points than the frame's perimeter: lines fitted to a sliver's outline can meet
        # far outside the frame (10^12 pixels away), and the points outside it are not counted anyway
        steps = int(min(max(2.0, np.hypot(*(b - a))), 2 * (w + h)))
        points.append(a + (b - a) * np.linspace(0, 1, steps, endpoint=False)[:, None])
    xy = np.round(np.concatenate(points)).astype(np.int64)
    xy = xy[(xy[:, 0] >= 0) & (xy[:, 0] < w) & (xy[:, 1] >= 0) & (xy[:, 1] < h)]
    return round(float(near[xy[:, 1], xy[:, 0]].mean()), 4) if len(xy) else 0.0
