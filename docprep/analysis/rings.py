"""Seal impressions on a grey or black-and-white scan: where red cannot be seen, a seal still shows as a ring.

A reviewer looking at a grey copy sees whether a seal was stamped: a round or oval ring of a unit seal's size with
a star and text inside. `find_rings` looks for that shape in all the dark ink of the page, with the red seal
finder's tracing (analysis.seals) held to its own [pdf.marks] `ring_*` thresholds: the ring must be inked nearly
all round (text crossing it is ink too), and only ellipses count (a square frame of text lines could be a table).
It finds that a seal was stamped, not that it is red or whose it is: pdf.color still says the scan cannot show
the colour."""
from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

from .geometry import px_per_mm
from .seals import RingLimits, Seal, as_seals, straight_lines, trace_seals

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
    found = trace_seals(ink, settings.seal_ring_join_mm * px_mm, joins, diameter, ring_limits(settings, px_mm),
                        squares=False)
    return as_seals(found, scale, px_mm)
