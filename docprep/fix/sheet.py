"""A photographed sheet made into a page (the scan fix, fix.pages): the sheet found in the photo
(analysis.sheet) is cut out and its perspective corrected to the shape of the paper format it matches, then its
lighting is evened and its paper whitened. The cut also turns the page upright and straightens it (as fix.pages
measured it): one warp, one resampling of the photo.

- Format: the sheet's long/short ratio (mean lengths of opposite sides) is compared with [pdf.sheet] formats_mm;
  the first format listed whose ratio is within aspect_tolerance is taken (A4, A5 and B5 share one shape, so the
  order decides; the photo cannot tell their sizes apart), and the page gets that format's shape and size: its
  resolution is the sheet's long side in pixels over the format's long side. A sheet of no listed shape keeps its
  own shape and is sized by [pdf.fix] paper_mm along its long side. Pixels are never enlarged.
- Light: the paper's own level is estimated per channel (the brightest values in windows a fifteenth of the page
  wide, smoothed: text, lines and the seal's strokes are narrower than that and do not count), and every pixel is
  divided by it, so a shadowed corner and a lamp's warm cast become the same white. Levels are then stretched so
  that [pdf.sheet] white_point of the paper level is white; a pixel the stretch would push past white is scaled
  whole rather than clipped channel by channel, so every colour keeps its hue and saturation: the red seal stays
  the red it was printed in (the lamp's warm cast is taken off it with the paper's).
"""
from __future__ import annotations

import math

import cv2
import numpy as np

from ..analysis.sheet import Sheet

LIGHT_SIDE = 240  # long side, pixels, at which the paper's level is estimated (light varies slowly)
LIGHT_WINDOW = 1 / 15  # of the long side: wider than any stroke, narrower than the light's changes
# A phone's main camera (24-28 mm equivalent) has a focal length of about 0.6 of the frame's diagonal; a focal
# length measured outside FOCAL_RANGE of the diagonal is the noise of a nearly parallel pair of sides.
PHONE_FOCAL = 0.6
# A pixel whose weakest channel is below this share of its strongest is coloured (its hue is worth keeping exactly).
COLOURED = 0.8
# The cut is drawn this share of the sheet's size inside the corners found: a corner found a pixel or two out would
# otherwise leave a sliver of desk along an edge (which `check` takes for content cut off). Sheets have margins.
INSET = 0.006
FOCAL_RANGE = (0.3, 3.0)


def match_format(long_px: float, short_px: float, formats: tuple, tolerance: float) -> tuple[int, int] | None:
    """The first format ([short, long] mm) whose long/short ratio is within `tolerance` of the sheet's."""
    ratio = long_px / max(short_px, 1e-9)
    for short_mm, long_mm in formats:
        if abs(ratio / (long_mm / short_mm) - 1) <= tolerance:
            return short_mm, long_mm
    return None


def sheet_aspect(corners: np.ndarray, centre: tuple[float, float], diagonal: float) -> float:
    """Width over height of the rectangle whose perspective picture the corners (TL, TR, BR, BL) are, for a camera
    centred on `centre` (Zhang and He, "Whiteboard scanning and image enhancement", 2007). The focal length comes
    from the two vanishing points where they give a believable one; where a pair of sides is parallel in the
    picture (the phone leant straight back) they cannot, and a phone's main camera is taken (PHONE_FOCAL)."""
    m1, m2, m4, m3 = (np.array([x - centre[0], y - centre[1], 1.0]) for x, y in corners)
    k2 = np.dot(np.cross(m1, m4), m3) / np.dot(np.cross(m2, m4), m3)
    k3 = np.dot(np.cross(m1, m4), m2) / np.dot(np.cross(m3, m4), m2)
    n2, n3 = k2 * m2 - m1, k3 * m3 - m1
    denominator = n2[2] * n3[2]
    focal2 = -(n2[0] * n3[0] + n2[1] * n3[1]) / denominator if abs(denominator) > 1e-12 else -1.0
    if not (FOCAL_RANGE[0] ** 2 <= focal2 / diagonal ** 2 <= FOCAL_RANGE[1] ** 2):
        focal2 = (PHONE_FOCAL * diagonal) ** 2
    width = (n2[0] ** 2 + n2[1] ** 2) / focal2 + n2[2] ** 2
    height = (n3[0] ** 2 + n3[1] ** 2) / focal2 + n3[2] ** 2
    return float(np.sqrt(width / height))


def sheet_page(sheet: Sheet, shown: tuple[int, int], cfg) -> tuple[np.ndarray, tuple[int, int], float, bool]:
    """Where the sheet's corners are in the shown image (4×2), the page's pixels (width, height), its dpi, and
    whether a listed format gave them (False: its own shape, sized by [pdf.fix] paper_mm). `cfg` is [pdf]."""
    fw, fh = sheet.frame
    corners = sheet.scaled(shown[0] / fw, shown[1] / fh)
    corners = corners + (corners.mean(axis=0) - corners) * 2 * INSET
    across, down = (side * shown[0] / fw for side in sheet.sides())
    aspect = sheet_aspect(corners, (shown[0] / 2, shown[1] / 2), float(np.hypot(*shown)))
    long_px = max(across, down)
    short_px = long_px / max(aspect, 1 / aspect)
    across, down = (long_px, short_px) if aspect >= 1 else (short_px, long_px)
    found = match_format(long_px, short_px, cfg.sheet.formats_mm, float(cfg.sheet.aspect_tolerance))
    if found is not None:
        short_px = long_px * found[0] / found[1]
        dpi = long_px / (found[1] / 25.4)
    else:
        dpi = long_px / (float(cfg.fix.paper_mm) / 25.4)
    long_side, short_side = max(1, round(long_px)), max(1, round(short_px))
    size = (long_side, short_side) if across > down else (short_side, long_side)
    return corners, size, dpi, found is not None


def _upright_corners(size: tuple[int, int], turned: int, degrees: float) -> tuple[np.ndarray, tuple[int, int]]:
    """Where the corners of a page of `size` (TL, TR, BR, BL) go when it is turned `turned` degrees clockwise and
    then `degrees` counter-clockwise within its own canvas about its centre (as Page.render turns and straightens a
    page), and the canvas's size."""
    w, h = size
    rect = np.float64([[0, 0], [w, 0], [w, h], [0, h]])
    x, y = rect[:, 0], rect[:, 1]
    turns = {0: (x, y), 90: (h - y, x), 180: (w - x, h - y), 270: (y, w - x)}
    x, y = turns[turned]
    out = (h, w) if turned in (90, 270) else (w, h)
    cx, cy = out[0] / 2, out[1] / 2
    c, s = np.cos(np.radians(degrees)), np.sin(np.radians(degrees))
    return np.column_stack([cx + (x - cx) * c + (y - cy) * s, cy - (x - cx) * s + (y - cy) * c]), out


def straighten(frame, corners: np.ndarray, size: tuple[int, int], turned: int = 0, degrees: float = 0.0
               ) -> np.ndarray:
    """The sheet cut out of `frame` (pixels, grey or RGB; corners in its pixels: TL, TR, BR, BL) onto a page of
    `size` pixels, turned `turned` degrees clockwise and straightened by `degrees` (counter-clockwise) in the same
    warp: one resampling, not three. The corners the straightening uncovers show what lies beyond the cut in the
    photo; `fill_uncovered` paints them."""
    pixels = np.asarray(frame)
    target, (w, h) = _upright_corners(size, turned, degrees)
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target.astype(np.float32))
    flags = cv2.INTER_AREA if w * h < pixels.shape[0] * pixels.shape[1] / 4 else cv2.INTER_LINEAR
    return cv2.warpPerspective(pixels, matrix, (w, h), flags=flags, borderMode=cv2.BORDER_REPLICATE)


def fill_uncovered(pixels: np.ndarray, size: tuple[int, int], turned: int, degrees: float, fill) -> np.ndarray:
    """`pixels` (straighten's page, writable) with the corners that straightening by `degrees` uncovered painted
    `fill` (the paper's colour)."""
    if degrees:
        inside, (w, h) = _upright_corners(size, turned, degrees)
        canvas = np.float64([[-2, -2], [w + 2, -2], [w + 2, h + 2], [-2, h + 2]])
        colour = tuple(fill) if isinstance(fill, tuple) else (int(fill),)
        cv2.fillPoly(pixels, [np.round(canvas).astype(np.int32), np.round(inside).astype(np.int32)], colour)
    return pixels


def paper_level(pixels: np.ndarray) -> np.ndarray:
    """The paper's level under each pixel (same shape), per channel: the page's light, without its ink."""
    h, w = pixels.shape[:2]
    factor = min(1.0, LIGHT_SIDE / max(h, w))
    small = cv2.resize(pixels, (max(1, round(w * factor)), max(1, round(h * factor))), interpolation=cv2.INTER_AREA)
    k = max(3, round(max(small.shape[:2]) * LIGHT_WINDOW) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    level = cv2.blur(cv2.dilate(small, kernel), (k, k))
    return cv2.resize(level, (w, h), interpolation=cv2.INTER_LINEAR)


def clean_paper(image, white_point: float) -> np.ndarray:
    """Lighting evened and paper whitened (grey or RGB), hues and saturation kept: a coloured pixel whose brightest
    channel the stretch pushed past white is scaled down whole instead of clipped (clipping red alone at 255 while
    green and blue still rise would make the seal paler). Paper and near-white pixels are simply clipped."""
    pixels = np.asarray(image)
    level = cv2.max(paper_level(pixels), 1)
    scale = 255.0 / white_point
    evened = cv2.divide(pixels, level, scale=scale)
    if evened.ndim == 3:
        ys, xs = _clipped_colours(evened)
        exact = pixels[ys, xs].astype(np.float32) * scale / level[ys, xs]
        exact *= np.minimum(1.0, 255.0 / exact.max(axis=1, initial=1.0))[:, None]
        evened[ys, xs] = np.round(exact).astype(np.uint8)
    return evened


def _clipped_colours(evened: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of the coloured pixels (weakest channel under COLOURED of white) with a channel at white:
    every other pixel has all its channels below white, or all at COLOURED or above (two passes of inRange)."""
    floor = math.ceil(COLOURED * 255)
    plain = cv2.bitwise_or(cv2.inRange(evened, (0, 0, 0), (254, 254, 254)),
                           cv2.inRange(evened, (floor, floor, floor), (255, 255, 255)))
    found = cv2.findNonZero(cv2.bitwise_not(plain))
    if found is None:
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    return found[:, 0, 1], found[:, 0, 0]
