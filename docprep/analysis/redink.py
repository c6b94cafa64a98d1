"""Red ink on a page: where it is (seals are red), and the page with it removed (words a seal covers can be read)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

from .geometry import mm_to_px

if TYPE_CHECKING:
    from .marks import MarkSettings

# Channel gains that differ by less than this factor leave the page as it is: a flatbed scan's warm paper differs by
# 1-4 %, a phone photo's cast by 10-45 % (benchmarks/scanset_seals.py).
PAPER_WHITE_MIN_CAST = 1.05


def red_ink_mask(rgb: np.ndarray, settings: MarkSettings) -> np.ndarray:
    """Pixels of red ink (uint8, 255 = red), judged on the page with its paper made white (`paper_white`)."""
    return red_on_white(paper_white(rgb, settings), settings)


def red_on_white(white: np.ndarray, settings: MarkSettings) -> np.ndarray:
    """Pixels of red ink on a page whose paper is white. Hue wraps round at 0/180 in OpenCV, so two ranges are
    joined; the brightness floor keeps dark, noisy black-text pixels out."""
    hsv = cv2.cvtColor(white, cv2.COLOR_RGB2HSV)
    saturation, value = settings.red_min_saturation, settings.red_min_value
    low = cv2.inRange(hsv, (settings.red_hue_low[0], saturation, value), (settings.red_hue_low[1], 255, 255))
    high = cv2.inRange(hsv, (settings.red_hue_high[0], saturation, value), (settings.red_hue_high[1], 255, 255))
    return cv2.bitwise_or(low, high)


def paper_white(rgb: np.ndarray, settings: MarkSettings) -> np.ndarray:
    """The page with each colour channel scaled so that the paper is white: the paper's level in a channel is its
    `paper_white_percentile` percentile over a sample of the page, and no channel is raised by more than
    `paper_white_max_gain`. A phone photo's bluish or yellowish cast is taken out this way before red is judged
    (pale pink seal ink under a cold light is otherwise purple, and yellowed paper orange)."""
    sample = rgb[::9, ::9].reshape(-1, 3)
    paper = np.percentile(sample, settings.paper_white_percentile, axis=0)
    gains = np.clip(255.0 / np.maximum(paper, 1.0), 1.0, settings.paper_white_max_gain)
    if float(gains.max() / gains.min()) < PAPER_WHITE_MIN_CAST:  # no cast: hue and saturation stay as they are
        return rgb
    table = np.clip(np.arange(256, dtype=np.float32)[:, None] * gains[None, :], 0, 255).astype(np.uint8)
    return cv2.LUT(rgb, table.reshape(256, 1, 3))


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
