"""A copy's page taken apart by ink for reading: the writing without the red ink (the seal, a red word stamp), and
the red ink alone as dark text on white.

HR writes the words, the date and a signature in blue or black, and stamps the seal over them; many units stamp the
words themselves in red. The dark layer is what the recogniser reads first: red ink turned to paper, except where a
stroke under it shows through (a date the seal's ring crosses keeps its digits). The red layer is read where red
ink that is not a seal lies in a region already searched: the red words, a red date stamp."""
from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import cv2
import numpy as np

from . import ocr
from .geometry import Box, mm_to_px
from .redink import red_ink_mask

if TYPE_CHECKING:
    from .marks import MarkSettings
    from .seals import Seal


class InkLayers:
    """The reading layers of one page (RGB, uint8, at `dpi`), each made on first use and kept."""

    def __init__(self, rgb: np.ndarray, dpi: float, settings: MarkSettings):
        self.rgb, self.dpi, self.settings = rgb, dpi, settings
        self._read: dict[Box, list[ocr.TextLine]] = {}

    def read_dark(self, region: Box) -> list[ocr.TextLine]:
        """The lines OCR reads in a region of the writing (`dark`), or in a region read before that holds it:
        the date and the signature read round the words when the words' own region did not reach far enough."""
        for done, lines in self._read.items():
            if region.inside(done):
                return lines
        self._read[region] = ocr.read_region(self.dark, self.dpi, region, self.settings)
        return self._read[region]

    @cached_property
    def red_mask(self) -> np.ndarray:
        return red_ink_mask(self.rgb, self.settings)

    @cached_property
    def dark(self) -> np.ndarray:
        """Grey page for reading the writing: the red channel (red ink shows light there, blue and black ink dark),
        with red ink and its blurred fringe (`red_fringe_mm`) turned to paper, except pixels that are darker in the
        red channel than the red ink itself by `red_keep_under` grey levels: a stroke under the red ink (a date
        written before the seal was stamped across it) keeps its dark pixels."""
        gray = self.rgb[..., 0].copy()
        mask = self.red_mask
        fringe = int(mm_to_px(self.settings.red_fringe_mm, self.dpi))
        if fringe:
            mask = cv2.dilate(mask, np.ones((2 * fringe + 1, 2 * fringe + 1), np.uint8))
        red = mask > 0
        if red.any():
            red_level = float(np.median(gray[self.red_mask > 0])) if self.red_mask.any() else 255.0
            red &= gray >= red_level - self.settings.red_keep_under
        gray[red] = 255
        return gray

    @cached_property
    def red(self) -> np.ndarray:
        """The red ink alone as dark text on white paper: within the red mask, how much redder than the other two
        channels a pixel is, scaled so the red ink's own median is black; everything else white (black and blue
        strokes under the red ink are not red and stay out)."""
        out = np.full(self.rgb.shape[:2], 255, np.uint8)
        inside = self.red_mask > 0
        if not inside.any():
            return out
        r, g, b = (self.rgb[..., k][inside].astype(np.int16) for k in range(3))
        redness = np.maximum(0, r - np.maximum(g, b)).astype(np.float32)
        level = max(1.0, float(np.median(redness)))
        out[inside] = (255 - np.clip(redness * 255 / level, 0, 255)).astype(np.uint8)
        return out

    def free_red_blocks(self, blocks: list[Box], seals: list[Seal]) -> list[Box]:
        """The blocks of the red layer (from `words.ink_blocks`) that are more than a seal: red words, a red date,
        red ink joined to a seal. A block inside a seal's box (grown by the join of the blocks) is the seal alone."""
        join = mm_to_px(self.settings.ocr_block_join_mm, self.dpi)
        shape = self.rgb.shape
        return [block for block in blocks if not any(block.inside(seal.box.grown(join, shape)) for seal in seals)]
