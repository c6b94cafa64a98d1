"""Rectangles and lengths on a page or photo: one box type and one millimetre-to-pixel conversion for all analysis.

A `Box` is (x, y, w, h) from the top-left corner, the form a finding's box takes in the reports, so a box in page
points drops into `Finding.box` as it is. Pixel boxes of the analysis hold whole pixels where they index an image."""
from __future__ import annotations

import math
from typing import NamedTuple

MM_PER_INCH = 25.4


def px_per_mm(dpi: float) -> float:
    """Pixels in one millimetre at `dpi`."""
    return dpi / MM_PER_INCH


def mm_to_px(mm: float, dpi: float) -> float:
    """A length in millimetres as pixels at `dpi` (not rounded: callers round as their use needs)."""
    return mm * dpi / MM_PER_INCH


class Box(NamedTuple):
    """A rectangle: left and top edge, width and height (pixels or page points, as its maker says)."""

    x: float
    y: float
    w: float
    h: float

    @classmethod
    def from_corners(cls, x0: float, y0: float, x1: float, y1: float) -> "Box":
        return cls(x0, y0, x1 - x0, y1 - y0)

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def area(self) -> float:
        return self.w * self.h

    def scaled(self, factor: float) -> "Box":
        return Box(self.x * factor, self.y * factor, self.w * factor, self.h * factor)

    def as_tuple(self) -> tuple[float, float, float, float]:
        """Rounded to a tenth, as findings carry it."""
        return (round(self.x, 1), round(self.y, 1), round(self.w, 1), round(self.h, 1))

    def grown(self, by: float, shape: tuple[int, ...], by_y: float | None = None) -> "Box":
        """This box with a margin of `by` round it (`by_y` above and below, when given), in whole pixels inside an
        image of `shape` (rows, columns)."""
        by_y = by if by_y is None else by_y
        return clip(self.x - by, self.y - by_y, self.right + by, self.bottom + by_y, shape)

    def inside(self, outer: "Box") -> bool:
        return (self.x >= outer.x and self.y >= outer.y and self.right <= outer.right
                and self.bottom <= outer.bottom)

    def gap(self, other: "Box") -> float:
        """Distance to another box (0 when they touch or overlap)."""
        dx = max(0, max(self.x, other.x) - min(self.right, other.right))
        dy = max(0, max(self.y, other.y) - min(self.bottom, other.bottom))
        return math.hypot(dx, dy)

    def overlap(self, other: "Box") -> float:
        """Intersection over the smaller box's area."""
        w = min(self.right, other.right) - max(self.x, other.x)
        h = min(self.bottom, other.bottom) - max(self.y, other.y)
        if w <= 0 or h <= 0:
            return 0.0
        return w * h / min(self.area, other.area)


def clip(x0: float, y0: float, x1: float, y1: float, shape: tuple[int, ...]) -> Box:
    """The rectangle between two corners, in whole pixels (truncated) inside an image of `shape` (rows, columns)."""
    rows, columns = shape[:2]
    left, top = max(0, int(x0)), max(0, int(y0))
    return Box.from_corners(left, top, min(columns, int(x1)), min(rows, int(y1)))
