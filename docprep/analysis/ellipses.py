"""Ellipses on a page: those traced by long arcs of an ink shape's outline, and how clearly a ring of ink follows
one. The seal finders (analysis.seals for red seals, analysis.rings for a seal's ring on a grey scan) judge what
these find; this module only measures, in the pixels it is given."""
from __future__ import annotations

import cv2
import numpy as np

# Fewer outline points than this (off the page edge) cannot carry an ellipse or rectangle fit.
MIN_FIT_POINTS = 12
# Arcs tried for ellipses: these shares of an outline, from this many starting points along it, each fitted on
# this many points spread along the arc; the fitted ellipse's rim is judged in this many sectors.
ARC_SPANS = (0.25, 0.4, 0.6, 1.0)
ARC_STARTS = 12
ARC_SAMPLE = 24
ARC_SECTORS = 36
# Outline points on which the share traced is judged (a few hundred: a sector holds several), and the best
# traced fits refitted on all the points near them.
ARC_SCORED = 360
ARC_REFITS = 6
# Directions round a ring, and concentric ellipses in its rim band, on which its ink is followed (`ring_trace`).
RING_DIRECTIONS = 180
RING_STEPS = 12


def arc_ellipses(points: np.ndarray, size: tuple[float, float], max_aspect: float, tolerance: float,
                 min_arc: float, page_shape: tuple[int, int]) -> list[tuple]:
    """Ellipses of a seal's `size` (longest axis, pixels; axes at most `max_aspect` apart) traced along at least
    `min_arc` of their rim on the page by an outline (points in order along it; a point within `tolerance` of the
    radius traces it), as (share traced, ellipse in OpenCV's form ((cx, cy), (axis, axis), angle)), best traced
    first; near-copies of a better one are left out. Each arc tried gives an ellipse and a circle (steadier on a short
    arc); the best traced are refitted on all the outline points near them (an arc's fit is loose)."""
    n = len(points)
    if n < MIN_FIT_POINTS:
        return []
    scored = points[::max(1, n // ARC_SCORED)]  # the share traced is judged on a few hundred points
    starts = [(start, int(span * n)) for span in ARC_SPANS if int(span * n) >= MIN_FIT_POINTS
              for start in (range(0, n, max(1, n // ARC_STARTS)) if span < 1 else (0,))]
    if not starts:
        return []
    index = np.array([(start + np.linspace(0, m - 1, ARC_SAMPLE)).astype(int) % n for start, m in starts])
    samples = points[index]
    fits = [cv2.fitEllipse(sample) for sample in samples] + _circles(samples)
    fits = [fit for fit in fits if _sized(fit, size, max_aspect)]
    shares = _traced(scored, fits, tolerance, page_shape)
    kept: list[tuple] = []
    for i in np.argsort(-shares)[:ARC_REFITS]:
        ellipse, share = fits[i], float(shares[i])
        near = points[_near(points, ellipse, 2 * tolerance)]
        refit = cv2.fitEllipse(near) if len(near) >= MIN_FIT_POINTS else None
        candidates = [(share, ellipse)]
        if refit is not None and _sized(refit, size, max_aspect):
            candidates.append((float(_traced(scored, [refit], tolerance, page_shape)[0]), refit))
        for traced, candidate in candidates:
            if traced >= min_arc and not any(_same_ellipse(candidate, other) for _, other in kept):
                kept.append((traced, candidate))
    return sorted(kept, key=lambda fit: -fit[0])


def _circles(samples: np.ndarray) -> list[tuple]:
    """The least-squares circle through each sample of points (k, m, 2), in OpenCV's ellipse form (zero-sized
    where the points lie in a line)."""
    x, y = samples[..., 0].astype(np.float64), samples[..., 1].astype(np.float64)
    a = np.stack([x, y, np.ones_like(x)], axis=2)
    normal = np.einsum("kmi,kmj->kij", a, a)
    rhs = np.einsum("kmi,km->ki", a, -(x * x + y * y))
    ok = np.abs(np.linalg.det(normal)) > 1e-9
    solved = np.zeros_like(rhs)
    solved[ok] = np.linalg.solve(normal[ok], rhs[ok][..., None])[..., 0]
    cx, cy = -solved[:, 0] / 2, -solved[:, 1] / 2
    r = np.sqrt(np.maximum(cx * cx + cy * cy - solved[:, 2], 0)) * ok
    return [((float(u), float(v)), (float(2 * w), float(2 * w)), 0.0) for u, v, w in zip(cx, cy, r)]


def _sized(ellipse, size: tuple[float, float], max_aspect: float) -> bool:
    (_, _), axes, _ = ellipse
    return min(axes) > 0 and size[0] <= max(axes) <= size[1] and max(axes) <= max_aspect * min(axes)


def _radial(points: np.ndarray, ellipse) -> tuple[np.ndarray, np.ndarray]:
    """Each point's distance from the ellipse's centre over the ellipse's own radius in its direction (1 on the
    rim), and its angle round the ellipse (its parametric angle, -pi..pi)."""
    (cx, cy), (d1, d2), angle = ellipse
    t = np.radians(angle)
    dx, dy = points[:, 0] - cx, points[:, 1] - cy
    u = (dx * np.cos(t) + dy * np.sin(t)) / (d1 / 2)
    v = (-dx * np.sin(t) + dy * np.cos(t)) / (d2 / 2)
    return np.hypot(u, v), np.arctan2(v, u)


def _near(points: np.ndarray, ellipse, tolerance: float) -> np.ndarray:
    return np.abs(_radial(points, ellipse)[0] - 1) <= tolerance


def _traced(points: np.ndarray, ellipses: list, tolerance: float, page_shape: tuple[int, int]) -> np.ndarray:
    """For each ellipse, the share of its rim on the page (in ARC_SECTORS sectors) that outline points lie on."""
    if not ellipses:
        return np.zeros(0)
    e = np.array([(cx, cy, d1 / 2, d2 / 2, np.radians(angle)) for (cx, cy), (d1, d2), angle in ellipses])
    cx, cy, a, b, t = (e[:, i:i + 1] for i in range(5))
    dx, dy = points[None, :, 0] - cx, points[None, :, 1] - cy
    u = (dx * np.cos(t) + dy * np.sin(t)) / a
    v = (-dx * np.sin(t) + dy * np.cos(t)) / b
    on = np.abs(np.hypot(u, v) - 1) <= tolerance
    sector = ((np.arctan2(v, u) + np.pi) / (2 * np.pi) * ARC_SECTORS).astype(int) % ARC_SECTORS
    traced = np.zeros((len(ellipses), ARC_SECTORS), bool)
    rows = np.broadcast_to(np.arange(len(ellipses))[:, None], sector.shape)
    traced[rows[on], sector[on]] = True
    middle = -np.pi + (np.arange(ARC_SECTORS) + 0.5) * 2 * np.pi / ARC_SECTORS
    mu, mv = np.cos(middle)[None, :] * a, np.sin(middle)[None, :] * b
    x, y = cx + mu * np.cos(t) - mv * np.sin(t), cy + mu * np.sin(t) + mv * np.cos(t)
    visible = (x >= 0) & (y >= 0) & (x < page_shape[1]) & (y < page_shape[0])
    return (traced & visible).sum(axis=1) / np.maximum(1, visible.sum(axis=1))


def _same_ellipse(a, b) -> bool:
    (ax, ay), (a1, a2), _ = a
    (bx, by), (b1, b2), _ = b
    size = min(a1, a2, b1, b2)
    return np.hypot(ax - bx, ay - by) < 0.25 * size and abs(max(a1, a2) - max(b1, b2)) < 0.25 * size


def ring_trace(ellipse, ring: np.ndarray, band: float) -> float:
    """How much a ring stands out round an ellipse: the share of RING_DIRECTIONS directions in which the ring mask
    is inked on the best of RING_STEPS concentric ellipses from just outside the rim to the inner edge of its rim
    band (`band`: a share of the half-size), less that share on the emptiest of them. A seal's ring is inked nearly all round on one of them, and the
    paper between the ring and the seal's text is nearly empty on another; lines of text crossed by a circle are
    inked alike on all. The ellipse is first refitted on the ring's outer edge (the outermost ink in each
    direction), so that a loose fit does not split the ring over several of them."""
    shares = _rim_ink(rim_refit(ellipse, ring, band), ring, band)[0].mean(axis=1)
    return float(shares.max() - shares.min())


def rim_refit(ellipse, ring: np.ndarray, band: float):
    """The ellipse refitted on a ring's outer edge: the outermost ink in each direction on the concentric ellipses
    of `_rim_ink` (the ellipse itself where too few directions are inked)."""
    inked, x, y = _rim_ink(ellipse, ring, band)
    first = np.argmax(inked, axis=0)  # the outermost inked step in each direction
    edge = np.stack([x[first, np.arange(RING_DIRECTIONS)], y[first, np.arange(RING_DIRECTIONS)]], axis=1)
    edge = edge[inked.any(axis=0)].astype(np.float32)
    if len(edge) < MIN_FIT_POINTS:
        return ellipse
    refit = cv2.fitEllipse(edge)
    return refit if min(refit[1]) > 0 else ellipse


def _rim_ink(ellipse, ring: np.ndarray, band: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Whether the ring mask is inked at each of RING_STEPS concentric ellipses (from 1.03 of the rim inward to
    the inner edge of its band) in each of RING_DIRECTIONS directions, and where those points are (off the page:
    not inked)."""
    _, (d1, d2), _ = ellipse
    scales = np.linspace(1.03, 1 - 2 * band, RING_STEPS)[:, None]
    x, y = _round(ellipse, d1 / 2 * scales, d2 / 2 * scales)
    return _inked_at(ring, x, y), x, y


def _round(ellipse, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pixels in RING_DIRECTIONS directions round an ellipse's centre, turned as it is, on the ellipses of
    half-axes a and b (columns: one row of directions for each)."""
    (cx, cy), _, angle = ellipse
    t = np.radians(angle)
    theta = np.linspace(0, 2 * np.pi, RING_DIRECTIONS, endpoint=False)
    u, v = np.cos(theta) * a, np.sin(theta) * b
    return (np.rint(cx + u * np.cos(t) - v * np.sin(t)).astype(int),
            np.rint(cy + u * np.sin(t) + v * np.cos(t)).astype(int))


def _inked_at(mask: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Whether a mask is inked at each of these pixels (off the page: not inked)."""
    inside = (x >= 0) & (y >= 0) & (x < mask.shape[1]) & (y < mask.shape[0])
    inked = np.zeros(inside.shape, bool)
    inked[inside] = mask[y[inside], x[inside]] > 0
    return inked


def band_refit(ellipse, points: np.ndarray, tolerances: tuple[float, ...]):
    """The ellipse refitted on the ink points (x, y; float32) lying near its rim, within each of `tolerances`
    (shares of its radius, widest first) in turn: a ring broken into arcs (a one-bit threshold, text crossing it)
    still leaves its pieces on one ellipse, which the outermost ink in each direction (`rim_refit`) does not follow
    where the ring is missing. None when too few points lie near it."""
    for tolerance in tolerances:
        near = points[_near(points, ellipse, tolerance)]
        if len(near) < MIN_FIT_POINTS:
            return None
        refit = cv2.fitEllipse(near)
        if min(refit[1]) <= 0:
            return None
        ellipse = refit
    return ellipse


def arc_inked(ellipse, ink: np.ndarray, offset: float) -> float:
    """How much of a ring is inked where an ellipse fitted to it runs, as a thin line: the share of RING_DIRECTIONS
    directions in which the ink lies on the ellipse (to a pixel) and the paper `offset` pixels outside and inside it
    is bare. Text crossing the ellipse is inked beside it too, and a ring broken by a one-bit threshold keeps its
    arcs; its gaps are not bridged (bridging them bridges the gaps between characters as well)."""
    _, (d1, d2), _ = ellipse
    shifts = np.array([-1.0, 0.0, 1.0, -offset, offset])[:, None]
    inked = _inked_at(ink, *_round(ellipse, d1 / 2 + shifts, d2 / 2 + shifts))
    return float((inked[:3].any(axis=0) & ~inked[3] & ~inked[4]).mean())


def arc_trace(ellipse, ink: np.ndarray, offset: float, beside: float) -> float:
    """How much a thin ring stands out where an ellipse fitted to its arcs runs: its share inked (`arc_inked`) less
    the larger of that share on the ellipses `beside` pixels outside and inside it. A seal's ring is inked as a thin
    line there and hardly beside it (paper, the seal's text further in); text crossed by an ellipse is inked alike
    on all three."""
    (cx, cy), (d1, d2), angle = ellipse
    shifted = [arc_inked(((cx, cy), (d1 + 2 * s, d2 + 2 * s), angle), ink, offset) for s in (-beside, beside)]
    return arc_inked(ellipse, ink, offset) - max(shifted)

