"""What the photo rules measure on a decoded ID photo (at the analysis scale): its colourfulness, the background
beside and above the head, and the face's grey pixels and sharpness. Measurements only: rules.photo judges them by
the profile's [photo] limits. The rules import this module inside the checks that take these measurements, so that
importing the rules (a run whose every file is cached) imports neither NumPy nor OpenCV."""
from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

if TYPE_CHECKING:  # a measurement of the decoded photo; analysis does not import the documents layer
    from ..documents.photo import Photo


def lab(rgb: np.ndarray) -> np.ndarray:
    """CIE Lab of RGB uint8 pixels, unrounded (L 0-100, a* and b* about -128-127)."""
    return cv2.cvtColor(rgb.astype(np.float32) / 255, cv2.COLOR_RGB2LAB)


def colourfulness(rgb: np.ndarray, top_share: float) -> float:
    """The Lab chroma that the most colourful `top_share` of the pixels reach: skin, lips and clothes in a colour
    photo, a grey level's rounding noise in a black-and-white one. A face large enough for photo.face covers more
    of the picture than the share measured, so a photo with plain clothes on white is still judged by its skin.
    Every other pixel of every other row is enough (a quarter of the time): colour areas are far larger than that."""
    values = lab(rgb[::2, ::2])
    chroma = cv2.magnitude(np.ascontiguousarray(values[..., 1]), np.ascontiguousarray(values[..., 2])).ravel()
    rank = min(chroma.size - 1, int(chroma.size * (1 - top_share)))
    return float(np.partition(chroma, rank)[rank])


def background_mask(photo: Photo, area) -> tuple[np.ndarray, str]:
    """Pixels (analysis scale) that show the background: beside and above the head, where a person is not.
    Without one face (none, or several), the top band and the upper side bands. `area`: the profile's
    [photo.background.mask]."""
    h, w = photo.pixels.shape[:2]
    mask = np.zeros((h, w), np.uint8)
    if len(photo.faces.frontal) == 1:
        face = photo.faces.frontal[0].scaled(photo.scale)
        # down to the chin only: shoulders and collars vary too much to be sampled as background
        mask[:int(min(h, face.y + face.h * area.chin_depth))] = 1
        # the head with hair and ears: an ellipse generously larger than the detector's box
        cv2.ellipse(mask, (int(face.cx), int(face.y + face.h * area.head_center)),
                    (int(face.w * area.head_half_width), int(face.h * area.head_half_height)), 0, 0, 360, 0, -1)
        where = "around-head"
    else:
        band_h, band_w = max(1, int(h * area.edge_band)), max(1, int(w * area.edge_band))
        depth = int(h * area.edge_depth)
        mask[:band_h] = 1
        mask[:depth, :band_w] = 1
        mask[:depth, w - band_w:] = 1
        where = "edges"
    return mask.astype(bool), where


def background_spread(gray: np.ndarray, mask: np.ndarray, cells: int, min_share: float) -> float:
    """Grey-level spread between the background's brightest and darkest areas (medians of a cells×cells grid,
    counting cells at least `min_share` background), so stray hair at the mask's edge does not count but a shadow
    or an object does."""
    h, w = gray.shape
    medians = []
    for row in range(cells):
        for col in range(cells):
            window = (slice(row * h // cells, (row + 1) * h // cells), slice(col * w // cells, (col + 1) * w // cells))
            inside = mask[window]
            if inside.size and inside.mean() >= min_share:  # a 1-pixel-high photo has empty rows of cells
                medians.append(float(np.median(gray[window][inside])))
    return max(medians) - min(medians) if len(medians) > 1 else 0.0


def background_figures(photo: Photo, limits) -> tuple[float, float, float, str] | None:
    """The background's median brightness, its tint (Lab chroma of its median a* and b*), its spread
    (background_spread) and where it was sampled ("around-head" or "edges"); None when fewer than the profile's
    [photo.background] min_pixels show it. `limits`: that section."""
    mask, where = background_mask(photo, limits.mask)
    if mask.sum() < limits.min_pixels:
        return None
    gray = cv2.cvtColor(photo.pixels, cv2.COLOR_RGB2GRAY)
    colour = lab(photo.pixels[mask].reshape(1, -1, 3)).reshape(-1, 3)
    brightness = float(np.median(gray[mask]))
    tint = float(np.hypot(np.median(colour[:, 1]), np.median(colour[:, 2])))
    return brightness, tint, background_spread(gray, mask, limits.spread_grid, limits.spread_min_share), where


def face_gray(photo: Photo, inner: float = 1.0) -> np.ndarray | None:
    """The largest face as grey pixels (analysis scale), optionally only its central part."""
    if not photo.faces.frontal:
        return None
    box = photo.faces.frontal[0].scaled(photo.scale)
    mx, my = box.w * (1 - inner) / 2, box.h * (1 - inner) / 2
    crop = photo.pixels[int(box.y + my):int(box.y + box.h - my), int(box.x + mx):int(box.x + box.w - mx)]
    return cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY) if crop.size else None


def sharpness_score(gray: np.ndarray) -> float:
    """Laplacian energy over intensity variance at a fixed 128 px scale: scale- and contrast-independent, so a
    dim sharp face is not called blurry and a high-contrast blurry one is not called sharp."""
    face128 = cv2.resize(gray, (128, 128), interpolation=cv2.INTER_AREA).astype(np.float32)
    contrast = float(face128.var())
    if contrast < 1:
        return 0.0
    return float(cv2.Laplacian(face128, cv2.CV_32F).var() / contrast)
