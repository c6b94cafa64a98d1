"""The person apart from a plain backdrop, with no downloaded model: the backdrop's colour is fitted from the
picture's border (a smooth surface, so a backdrop lit darker to one side or downwards is still plain), GrabCut
(OpenCV) separates the person seeded by the face box, and at the person's edge an alpha matte is solved from the
pixel's colour between the fitted backdrop and the person's own colour nearby (hair lets the backdrop through).

Measurements only: `fix.backdrop` decides what to do with them. Every limit comes from [photo.fix.backdrop]."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .geometry import Box

_TERMS = 5  # the backdrop surface: 1, x, y, x², xy (no y²: it would bend wildly below the sampled strips)


@dataclass(frozen=True)
class Backdrop:
    """The backdrop fitted from the border: its colour at every pixel (RGB float32), how far the border strays
    from it (ΔE at the profile's quantile) and its median colour."""

    colour: np.ndarray
    residual: float
    median: tuple[int, int, int]


def _lab(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.ascontiguousarray(rgb, dtype=np.float32) / 255, cv2.COLOR_RGB2LAB)


def _distance(rgb: np.ndarray, backdrop: np.ndarray) -> np.ndarray:
    """ΔE (CIE76) between each pixel and the backdrop's colour there."""
    return np.linalg.norm(_lab(rgb) - _lab(backdrop), axis=-1)


def border_strips(shape: tuple[int, int], face: Box, cfg) -> np.ndarray:
    """The top strip and the side strips down to the face's chin level: where an ID photo shows only backdrop."""
    h, w = shape
    band = max(1, int(round(w * cfg.border_share)))
    depth = int(min(h, max(band, face.y + face.h * cfg.side_depth)))
    strips = np.zeros((h, w), bool)
    strips[:band] = True
    strips[:depth, :band] = True
    strips[:depth, w - band:] = True
    return strips


def _design(xs: np.ndarray, ys: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    x, y = xs / shape[1] - 0.5, ys / shape[0] - 0.5
    return np.stack([np.ones_like(x), x, y, x * x, x * y], axis=-1)


def fit_backdrop(rgb: np.ndarray, face: Box, cfg) -> Backdrop:
    """A smooth colour surface fitted to the border strips (refitted once without the strips' worst quarter: hair
    or a shoulder reaching a strip), and the distance of the strips, smoothed, from it."""
    h, w = rgb.shape[:2]
    ys, xs = np.nonzero(border_strips((h, w), face, cfg))
    # sampled smoothed: a phone's sensor noise is no structure, a picture on the wall is
    smooth = cv2.GaussianBlur(rgb, (0, 0), cfg.noise_blur) if cfg.noise_blur > 0 else rgb
    samples = smooth[ys, xs].astype(np.float32)
    design = _design(xs.astype(np.float32), ys.astype(np.float32), (h, w))
    keep = np.ones(len(samples), bool)
    for _ in range(2):
        coefficients = np.linalg.lstsq(design[keep], samples[keep], rcond=None)[0]
        fitted = np.clip(design @ coefficients, 0, 255)
        error = np.linalg.norm(samples - fitted, axis=1)
        keep = error <= np.quantile(error, 0.75)
    grid_y, grid_x = np.mgrid[0:h, 0:w].astype(np.float32)
    surface = np.clip(_design(grid_x, grid_y, (h, w)) @ coefficients, 0, 255).astype(np.float32)
    distances = _distance(samples[None], fitted[None].astype(np.float32))[0]
    residual = float(np.quantile(distances, cfg.residual_share))
    median = tuple(int(v) for v in np.median(samples, axis=0))
    return Backdrop(surface, residual, median)


def _seeds(rgb: np.ndarray, face: Box, backdrop: np.ndarray, cfg) -> np.ndarray:
    """GrabCut's starting labels: probably backdrop or person by colour distance from the fitted backdrop, surely
    backdrop in the border strips where the colour agrees, surely the person on the face's centre and the neck and
    chest below it."""
    h, w = rgb.shape[:2]
    distance = _distance(rgb, backdrop)
    seeds = np.where(distance < cfg.backdrop_distance, cv2.GC_PR_BGD, cv2.GC_PR_FGD).astype(np.uint8)
    seeds[border_strips((h, w), face, cfg) & (distance < cfg.backdrop_distance)] = cv2.GC_BGD
    core = face.w * 0.3
    left, right = int(max(0, face.cx - core)), int(face.cx + core)
    seeds[int(max(0, face.cy - core)):int(face.cy + core), left:right] = cv2.GC_FGD
    seeds[int(min(h, face.bottom)):, left:right] = cv2.GC_FGD
    return seeds


def person_mask(rgb: np.ndarray, face: Box, backdrop: Backdrop, cfg) -> np.ndarray:
    """The person as a boolean mask: GrabCut from the seeds on a copy [photo.fix.backdrop] work_side pixels long,
    then the part joined to the face, with enclosed backdrop-coloured areas (a jacket's shine, a pattern) filled,
    brought back to the picture's size (the matte then refines the edge at full size)."""
    h, w = rgb.shape[:2]
    factor = min(1.0, cfg.work_side / max(h, w))
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    small = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA) if factor < 1 else rgb
    small_face = face.scaled(small.shape[1] / w)
    seeds = _seeds(small, small_face, cv2.resize(backdrop.colour, size, interpolation=cv2.INTER_AREA), cfg)
    models = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.grabCut(np.ascontiguousarray(small[..., ::-1]), seeds, None, *models, cfg.iterations, cv2.GC_INIT_WITH_MASK)
    person = _joined((seeds == cv2.GC_FGD) | (seeds == cv2.GC_PR_FGD), small_face)
    person = _filled(person, cfg.max_hole_share).astype(np.float32)
    return cv2.resize(person, (w, h), interpolation=cv2.INTER_LINEAR) >= 0.5


def _joined(person: np.ndarray, face: Box) -> np.ndarray:
    """The parts of `person` joined to the face, and those rising from the bottom edge (the shoulders, where a
    collar or a strap the backdrop's colour parts them from the rest); the others are specks of the backdrop."""
    count, labels = cv2.connectedComponents(person.astype(np.uint8), connectivity=4)
    h, w = person.shape
    keep = set(np.unique(labels[-1])) | {labels[int(min(face.cy, h - 1)), int(min(face.cx, w - 1))]}
    keep.discard(0)
    return np.isin(labels, list(keep)).astype(np.uint8) if count > 1 else person.astype(np.uint8)


def _filled(person: np.ndarray, max_share: float) -> np.ndarray:
    """Backdrop areas that touch neither the top nor a side of the picture (under the arms, in the clothes) and are
    smaller than `max_share` of it become the person."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(1 - person, connectivity=4)
    h, w = person.shape
    filled = person.astype(bool)
    for label in range(1, count):
        x, y, bw, bh, area = stats[label]
        touches = x == 0 or y == 0 or x + bw == w
        if not touches and area < max_share * h * w:
            filled |= labels == label
    return filled


def alpha_matte(rgb: np.ndarray, person: np.ndarray, face: Box, backdrop: Backdrop, cfg) -> np.ndarray:
    """Alpha (float32, 0-1): 1 inside the person, 0 on the backdrop, and in a band at the edge the share of the
    person's colour in the pixel, C = αF + (1 - α)B, with F the person's colour nearby (the mean of the inner
    person around) and B the fitted backdrop there. Where F is too near B to tell them apart the edge is feathered."""
    radius = max(1, int(round(face.w * cfg.edge_band)))
    reach = max(radius, int(round(face.w * cfg.hair_reach)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    mask = person.astype(np.uint8)
    inner = cv2.erode(mask, kernel)
    band = (cv2.dilate(mask, kernel) > 0) & (inner == 0)
    # beyond the band, up to `reach`, only what solves as a mix of the two: stray hairs, not the backdrop's noise
    beyond = (cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1,) * 2)) > 0) & ~band \
        & (mask == 0)
    size = (2 * (reach + radius) + 2 * radius + 1,) * 2
    weight = cv2.blur(inner.astype(np.float32), size)
    colour = rgb.astype(np.float32)
    near = cv2.blur(colour * inner[..., None], size) / np.maximum(weight, 1e-6)[..., None]
    apart = near - backdrop.colour
    separation = np.linalg.norm(apart, axis=-1)
    raw = np.sum((colour - backdrop.colour) * apart, axis=-1) / np.maximum(separation ** 2, 1e-6)
    # how far the pixel lies off the line from the backdrop to the person's colour: far off, it is no mix of them
    off_line = np.linalg.norm(colour - backdrop.colour - raw[..., None] * apart, axis=-1)
    low, high = cfg.alpha_floor
    solved = np.clip((raw - low) / max(high - low, 1e-6), 0, 1)
    feathered = cv2.GaussianBlur(mask.astype(np.float32), (0, 0), radius / 2)
    trusted = (weight > 1e-3) & (separation >= cfg.min_separation) & (off_line <= cfg.max_off_line)
    alpha = mask.astype(np.float32)
    alpha[band] = np.where(trusted, solved, feathered)[band]
    alpha[beyond] = np.where(trusted, solved, 0)[beyond]
    return alpha


def composite(rgb: np.ndarray, alpha: np.ndarray, backdrop: Backdrop, white: int) -> np.ndarray:
    """The picture on a backdrop of grey level `white`: C + (1 - α)(W - B), which is αF + (1 - α)W for a pixel
    that was αF + (1 - α)B, so the old backdrop's colour leaves the edge with it (no halo)."""
    out = rgb.astype(np.float32) + (1 - alpha)[..., None] * (np.float32(white) - backdrop.colour)
    out[alpha <= 0] = white  # the backdrop itself: plain, without its noise
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)
