"""Red ink on a page: where it is (seals are red), and the page with it removed (words a seal covers can be read)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

from .geometry import mm_to_px

if TYPE_CHECKING:
    from .marks import MarkSettings


def red_ink_mask(rgb: np.ndarray, settings: MarkSettings) -> np.ndarray:
    """Pixels of red ink (uint8, 255 = red). Hue wraps round at 0/180 in OpenCV, so two ranges are joined;
    the brightness floor keeps dark, noisy black-text pixels out."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    saturation, value = settings.red_min_saturation, settings.red_min_value
    low = cv2.inRange(hsv, (settings.red_hue_low[0], saturation, value), (settings.red_hue_low[1], 255, 255))
    high = cv2.inRange(hsv, (settings.red_hue_high[0], saturation, value), (settings.red_hue_high[1], 255, 255))
    return cv2.bitwise_or(low, high)


def remove_red(rgb: np.ndarray, dpi: float, settings: MarkSettings) -> np.ndarray:
    """Grey page with red ink turned to paper white, for reading words that a seal covers. The red channel
    already shows red ink as light and black or blue ink as dark; red pixels, and their blurred fringe where
    it is a pixel wide or more (`red_fringe_mm`), are then set to white: a wider fringe would eat into black
    strokes beside the seal (a date's 日 becomes 6 at 100 dpi)."""
    gray = rgb[..., 0].copy()
    mask = red_ink_mask(rgb, settings)
    fringe = int(mm_to_px(settings.red_fringe_mm, dpi))
    if fringe:
        mask = cv2.dilate(mask, np.ones((2 * fringe + 1, 2 * fringe + 1), np.uint8))
    gray[mask > 0] = 255
    return gray
