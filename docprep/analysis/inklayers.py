"""A copy's page taken apart by ink for reading: the writing without the red ink (the seal, a red word stamp), and
the red ink alone as dark text on white.

HR writes the words, the date and a signature in blue or black, and stamps the seal over them; many units stamp the
words themselves in red. The dark layer is what the recogniser reads first: red ink turned to paper, except where a
stroke under it shows through (a date the seal's ring crosses keeps its digits). The red layer is read where red
ink that is not a seal lies in a region already searched: the red words, a red date stamp.

On a grey scan there is no red to remove, but a seal's impression (a ring, analysis.rings) is still lighter than the
pen: inside each ring, ink about as light as the ring's own is the seal's and is turned to paper, and strokes
darker than it by `ring_keep_under` grey levels are the writing under it (the date written before the seal was
stamped across it). A one-bit scan keeps everything: its seal and its pen are the same black."""
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

    def __init__(self, rgb: np.ndarray, dpi: float, settings: MarkSettings, rings: tuple[Seal, ...] = ()):
        self.rgb, self.dpi, self.settings, self.rings = rgb, dpi, settings, rings
        self._read: dict[tuple[str, Box], list[ocr.TextLine]] = {}
        self._bands: dict[Box, list[ocr.TextLine]] = {}

    def read_dark(self, region: Box) -> list[ocr.TextLine]:
        """The lines OCR reads in a region of the writing (`dark`), or in a region read before that holds it:
        the date and the signature read round the words when the words' own region did not reach far enough."""
        return self._read_layer("dark", region)

    def read_red(self, region: Box) -> list[ocr.TextLine]:
        """The lines OCR reads in a region of the red ink alone (`red`): a date stamped in red beside the words.
        Nothing is read where the region holds no red ink."""
        x0, y0, x1, y1 = int(region.x), int(region.y), int(region.right), int(region.bottom)
        if not self.red_mask[y0:y1, x0:x1].any():
            return []
        return self._read_layer("red", region)

    def read_band(self, band: Box) -> list[ocr.TextLine]:
        """The lines OCR reads in a band across a seal's ring (`words.ring_bands`) of the writing read alone, never
        taken from a larger region read before (the seal's text above and below is what reading it alone leaves
        out); read once for the words and their date."""
        if band not in self._bands:
            self._bands[band] = ocr.read_region(self.dark, self.dpi, band, self.settings)
        return self._bands[band]

    def _read_layer(self, name: str, region: Box) -> list[ocr.TextLine]:
        for (layer, done), lines in self._read.items():
            if layer == name and region.inside(done):
                return lines
        self._read[name, region] = ocr.read_region(getattr(self, name), self.dpi, region, self.settings)
        return self._read[name, region]

    @cached_property
    def red_mask(self) -> np.ndarray:
        return red_ink_mask(self.rgb, self.settings)

    @cached_property
    def dark(self) -> np.ndarray:
        """Grey page for reading the writing: the red channel (red ink shows light there, blue and black ink dark),
        with red ink and its blurred fringe (`red_fringe_mm`) turned to paper (its `paper_white_percentile`), except pixels that are darker in the
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
        # The paper's own level, not white: ink whiter than the paper round it reads as white text on grey.
        gray[red] = np.uint8(np.percentile(gray[::7, ::7], self.settings.paper_white_percentile))
        for ring in self.rings:
            self._lift_seal(gray, ring.box)
        return gray

    def _lift_seal(self, gray: np.ndarray, box: Box) -> None:
        """Turn a grey seal's own ink inside its ring's ellipse (`box`) to paper, in place: ink lighter than the
        ring's level (`_ring_level`) less `ring_keep_under` is the seal's, darker ink is kept. On a one-bit scan the
        seal is as black as the pen: nothing is lifted."""
        x0, y0, x1, y1 = int(box.x), int(box.y), int(box.right), int(box.bottom)
        crop = gray[y0:y1, x0:x1]
        found = self._ring_level(crop)
        if found is not None:
            reach, level, paper, ink = found
            crop[ink & (crop >= level - self.settings.ring_keep_under) & (reach <= 1)] = np.uint8(paper)

    def _ring_level(self, crop: np.ndarray) -> tuple[np.ndarray, float, float, np.ndarray] | None:
        """In the box of a grey seal's ring: each pixel's reach (1 on the ellipse, 0 at its centre), the ring's level
        (the median of the ink in its rim band, `seal_ring_band`), the paper's level and where the ink is; None where
        there is no ring ink, or one level of ink only (a one-bit scan: the seal cannot be told from the pen)."""
        if crop.size == 0:
            return None
        h, w = crop.shape
        yy, xx = np.ogrid[:h, :w]
        reach = ((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2
        paper = float(np.percentile(crop, self.settings.paper_white_percentile))
        ink = crop < paper - self.settings.ring_ink_contrast
        rim = ink & (reach > (1 - self.settings.seal_ring_band) ** 2) & (reach <= 1)
        if not rim.any():
            return None
        level = float(np.median(crop[rim]))
        return None if level <= float(crop[ink].min()) else (reach, level, paper, ink)

    @cached_property
    def grey_seal(self) -> np.ndarray:
        """Where a grey seal is by a wider margin than `dark` lifts it (uint8, 255 there): within each ring's
        ellipse grown by `seal_arc_tolerance` (its ring's blurred outer edge), what is lighter than the ring's
        level less `signature_ring_under`. The seal's darker spots (an uneven stamp pad) are kept in `dark` as
        strokes under it, and the faint edges of its lifted ink stay too; the signature finder leaves out strokes
        that lie wholly here: a pen's strokes are darker somewhere."""
        out = np.zeros(self.rgb.shape[:2], np.uint8)
        gray = self.rgb[..., 0]
        grow = 1 + self.settings.seal_arc_tolerance
        for ring in self.rings:
            b = ring.box
            found = self._ring_level(gray[int(b.y):int(b.bottom), int(b.x):int(b.right)])
            if found is None:
                continue
            wide = b.grown(b.w / 2 * (grow - 1), gray.shape, b.h / 2 * (grow - 1))
            x0, y0, x1, y1 = int(wide.x), int(wide.y), int(wide.right), int(wide.bottom)
            yy, xx = np.ogrid[y0:y1, x0:x1]
            within = ((xx - b.cx) / (b.w / 2 * grow)) ** 2 + ((yy - b.cy) / (b.h / 2 * grow)) ** 2 <= 1
            out[y0:y1, x0:x1][within & (gray[y0:y1, x0:x1] >= found[1] - self.settings.signature_ring_under)] = 255
        return out

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

    def red_apart(self, seals: tuple[Box, ...]) -> np.ndarray:
        """The red layer with each seal's ellipse (its box, grown by `seal_arc_tolerance` of its half-size: how far
        a seal's outline strays from its ellipse) turned to paper: red words that a seal's ring and arc text cross, read up to the
        ring. (Words across the seal's middle are lost here; they are read in `red` itself.)"""
        out = self.red.copy()
        for box in seals:
            grow = 1 + self.settings.seal_arc_tolerance
            centre = (int(round(box.x + box.w / 2)), int(round(box.y + box.h / 2)))
            axes = (int(round(box.w / 2 * grow)), int(round(box.h / 2 * grow)))
            cv2.ellipse(out, centre, axes, 0, 0, 360, 255, -1)
        return out

    def red_words_band(self, region: Box, height_mm: float) -> Box | None:
        """The band of `region` round its densest row of red ink (a window of `red_words_line_mm`), `height_mm`
        high: a red word stamp's line where a seal crosses it. Read alone, the seal's arc text and ring above and
        below the line are cut off and the reader finds the line; only the parts within the band are left over
        the characters. None where the region holds no red ink or is lower than the band."""
        x0, y0, x1, y1 = int(region.x), int(region.y), int(region.right), int(region.bottom)
        rows = (self.red_mask[y0:y1, x0:x1] > 0).mean(axis=1) if x1 > x0 else np.zeros(0)
        window = max(1, int(round(mm_to_px(self.settings.red_words_line_mm, self.dpi))))
        height = int(round(mm_to_px(height_mm, self.dpi)))
        if len(rows) <= height or not rows.any():
            return None
        middle = y0 + int(np.argmax(np.convolve(rows, np.ones(window) / window, mode="same")))
        top = min(max(y0, middle - height // 2), y1 - height)
        return Box(x0, top, x1 - x0, height)

    def free_red_blocks(self, blocks: list[Box], seals: list[Seal]) -> list[Box]:
        """The blocks of the red layer (from `words.ink_blocks`) that are more than a seal: red words, a red date,
        red ink joined to a seal. A block inside a seal's box (grown by the join of the blocks) is the seal alone."""
        join = mm_to_px(self.settings.ocr_block_join_mm, self.dpi)
        shape = self.rgb.shape
        return [block for block in blocks if not any(block.inside(seal.box.grown(join, shape)) for seal in seals)]
