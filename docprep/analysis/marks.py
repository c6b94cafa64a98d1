"""Verification marks on a copy: the red official seal (公章), the words 核对无误 and the date beside them.

`find_marks` measures one page image (RGB, uint8) at its resolution with the finders of analysis.seals,
analysis.words and analysis.dates, and gives what it found in page points; the PDF family turns that into
findings. Every threshold is read from the profile's typed [pdf.marks] section (`MarkSettings`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ..profiles.schema import Setting
from .dates import date_zone, find_verification_date
from .geometry import Box
from .ocr import TextLine
from .seals import find_seals
from .words import find_verification


@dataclass(frozen=True)
class PageMarks:
    """What was found on one page of a copy and where it was looked for, in page points (boxes as findings
    carry them): the PDF family's rules and `--annotate` read this, never the pixels."""

    seals: tuple[Box, ...] = ()
    seal_checked: bool = True  # False on a grey scan: a red seal cannot be seen there (pdf.color says so)
    words_checked: bool = True  # False on a page that is not upright: lines cannot be read
    words: Box | None = None
    words_text: str | None = None
    words_source: str | None = None  # "text-layer" or "ocr"
    searched: tuple[Box, ...] = ()  # where the words were looked for
    date: Box | None = None
    date_text: str | None = None
    date_zone: Box | None = None  # where the date was looked for (round the words)


# The profile's [pdf.marks] section, typed and frozen (profiles.sections.PdfMarksSettings, generated from SETTINGS
# below): every finder reads its thresholds from it by attribute, and it hashes and travels to worker processes.
MarkSettings = Any


# The schema of the PDF family's [pdf.marks] table (what red ink, a seal, the words and their date are).
SETTINGS = {
    "red_hue_low": Setting("range", "red hues at the bottom of OpenCV's 0-179 hue circle", 0, 179),
    "red_hue_high": Setting("range", "red hues at the top of the hue circle (red wraps round)", 0, 179),
    "red_min_saturation": Setting("int", "least saturation (0-255) of red ink; faded seals are pale", 0, 255),
    "red_min_value": Setting("int", "least brightness (0-255) of red ink; darker is black text", 0, 255),
    "red_fringe_mm": Setting("float", "blurred edge of red ink whitened with it before reading words, mm", 0, 2),
    "seal_dpi": Setting("int", "resolution at which seals are measured", 30, 600),
    "seal_diameter_mm": Setting("range", "seal size in mm (longest axis)", 1, 300),
    "seal_cell_ink": Setting("int", "a shrunk mask cell counts as ink above this (0-255 share inked)", 0, 254),
    "seal_join_mm": Setting("range", "ink gaps bridged before tracing outlines (both tried; the wider joins a "
                            "faded seal's pieces), mm", 0, 30),
    "seal_ring_join_mm": Setting("float", "ink gaps bridged when following the ring, mm", 0, 10),
    "seal_max_aspect": Setting("float", "longest over shortest axis of a round or oval seal", 1, 5),
    "seal_square_max_aspect": Setting("float", "longest over shortest side of a square seal", 1, 5),
    "seal_round_max_aspect": Setting("float", "axes ratio up to which an ellipse is called round", 1, 5),
    "seal_min_fit": Setting("float", "least overlap (IoU) of the outline with its ellipse or rectangle", 0, 1),
    "seal_min_ring": Setting("float", "least share of the visible outline inked", 0, 1),
    "seal_ring_band": Setting("float", "outer band searched for the ring, share of the half-size", 0.01, 0.5),
    "seal_min_visible": Setting("float", "least share of a seal's outline inside the page", 0, 1),
    "seal_min_inner_ink": Setting("float", "least red share inside the ring", 0, 1),
    "seal_min_ring_contrast": Setting("float", "least red share of the rim band over the red share inside", 0, 100),
    "seal_max_ring_contrast": Setting("float", "greatest red share of the rim band over the red share inside", 0, 1000),
    "phrases": Setting("str-list", "verification words and their variants (none: no copy could ever pass)",
                       min_items=1),
    "min_match": Setting("float", "least similarity of read text to a phrase (1 = exact)", 0, 1),
    "ocr_dpi": Setting("int", "resolution at which regions are read", 72, 400),
    "ocr_near_seal_mm": Setting("float", "margin round a seal read for the words, mm", 0, 200),
    "ocr_block_dpi": Setting("int", "resolution at which ink blocks are found", 20, 300),
    "ocr_ink_contrast": Setting("int", "grey levels below the paper counted as ink for blocks", 1, 255),
    "ocr_block_join_mm": Setting("float", "ink this close joins into one block, mm", 0, 100),
    "ocr_block_min_mm": Setting("float", "smallest block read, mm", 0, 100),
    "ocr_block_pad_mm": Setting("float", "margin round an ink block read for the words, mm", 0, 50),
    "ocr_max_blocks": Setting("int", "pages with more ink blocks are read whole, in bands", 0, 100),
    "ocr_band_mm": Setting("float", "height of the bands in which the whole page is read, mm", 20, 1000),
    "ocr_box_threshold": Setting("float", "least detector confidence of a text line", 0, 1),
    "ocr_min_score": Setting("float", "least recogniser confidence of a read line", 0, 1),
    "ocr_threads": Setting("int", "onnxruntime threads per process (0 = its choice)", 0, 64),
    "ocr_max_page_share": Setting("float", "OCR reads at most this share of a page's area (a region that would "
                                  "pass it is skipped for a smaller one)", 0, 1),
    "date_near_mm": Setting("float", "greatest gap between the words and their date, mm", 0, 300),
}


def find_marks(rgb: np.ndarray, dpi: float, settings: MarkSettings, to_points: Callable[[Box], tuple],
               text_words: list[TextLine] | None = None, seal_visible: bool = True, upright: bool = True) -> PageMarks:
    """Seal, words and date on one page of a copy, with where they were looked for, in page points
    (`to_points` maps a pixel box). On a grey scan (`seal_visible` False) no seal is looked for: red cannot be
    told from black there; on a page that is not `upright` no words are read (the reader needs upright lines;
    pdf.rotation asks for the page to be turned first)."""
    def points(box: Box) -> Box:
        return Box(*to_points(box))

    seals = find_seals(rgb, dpi, settings) if seal_visible else []
    searched: list[Box] = []
    words = find_verification(rgb, dpi, settings, text_words, seals, searched) if upright else None
    date = zone = None
    if words is not None:
        date = find_verification_date(rgb, dpi, words, settings, text_words)
        zone = points(date_zone(words, dpi, settings, rgb.shape))
    return PageMarks(seals=tuple(points(seal.box) for seal in seals), seal_checked=seal_visible, words_checked=upright,
                     words=points(words.box) if words else None, words_text=words.text if words else None,
                     words_source=words.source if words else None, searched=tuple(points(box) for box in searched),
                     date=points(date.box) if date else None, date_text=date.text if date else None, date_zone=zone)
