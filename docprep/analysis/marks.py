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
from .inklayers import InkLayers
from .ocr import TextLine
from .rings import find_rings
from .seals import find_seals
from .signature import find_signature, signature_zone
from .words import find_verification


@dataclass(frozen=True)
class PageMarks:
    """What was found on one page of a copy and where it was looked for, in page points (boxes as findings
    carry them): the PDF family's rules and `--annotate` read this, never the pixels."""

    seals: tuple[Box, ...] = ()
    seal_checked: bool = True  # False on a grey scan: a red seal cannot be seen there (pdf.color says so)...
    rings: tuple[Box, ...] = ()  # ...but a seal's impression can: rings in its dark ink (analysis.rings)
    words_checked: bool = True  # False on a page that is not upright: lines cannot be read
    words: Box | None = None
    words_text: str | None = None
    words_source: str | None = None  # "text-layer" or "ocr"
    searched: tuple[Box, ...] = ()  # where the words were looked for
    date: Box | None = None
    date_text: str | None = None
    date_zone: Box | None = None  # where the date was looked for (round the words)
    signature: Box | None = None  # the verifier's handwriting beside the words (analysis.signature)
    signature_zone: Box | None = None  # where it was looked for (round the words)


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
    "red_keep_under": Setting("int", "red-ink pixels darker than the red ink's own median by this many grey levels "
                              "(red channel) are a stroke under it and kept when the red is removed", 0, 255),
    "ring_keep_under": Setting("int", "on a grey scan, ink inside a seal's ring darker than the ring's own ink by this "
                               "many grey levels is a stroke under the seal and kept when the seal's ink is removed "
                               "before reading", 0, 255),
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
    "paper_white_percentile": Setting("float", "brightness percentile of each colour channel taken as the paper's "
                                      "level when a colour cast is evened out before red is judged", 50, 100),
    "paper_white_max_gain": Setting("float", "greatest factor by which one colour channel is raised to make the "
                                    "paper white", 1, 4),
    "seal_line_mm": Setting("float", "straight red runs this long or longer (rules, borders, a header rule) are "
                            "taken out before seals are traced, mm", 1, 1000),
    "seal_line_chroma": Setting("int", "ink whose red channel exceeds both others by this much (0-255) is warm: "
                                "red or brown lines are looked for in it", 1, 255),
    "seal_min_arc": Setting("float", "least share of an ellipse's rim traced by the outline of a red shape that "
                            "is not one seal (touching seals, a seal on a red title) to be tried as a seal", 0, 1),
    "seal_arc_tolerance": Setting("float", "outline points this close to an ellipse trace it, share of its "
                                  "radius", 0, 1),
    "seal_arc_min_mm": Setting("float", "least longest axis of a seal found by the arcs of a larger red shape, mm",
                               1, 300),
    "seal_arc_min_ring": Setting("float", "least share of the visible outline inked, for a seal found by the arcs of "
                                 "a larger red shape", 0, 1),
    "seal_circle_dpi": Setting("int", "resolution at which a red shape holding no seal (a seal over a red title), or "
                               "the ink of a grey scan, is searched for a round seal's circle", 20, 300),
    "seal_circle_votes": Setting("float", "least votes for a circle in that search (the Hough accumulator "
                                 "threshold: lower finds fainter rings and tries more circles)", 1, 1000),
    "seal_min_trace": Setting("float", "least share of directions round a round or oval red seal in which one "
                              "ellipse along its rim is inked, over that share on the emptiest just inside it (a "
                              "word stamp joined to a date stamp is inked alike on all)", 0, 1),
    "seal_oval_min_mm": Setting("float", "least shortest axis of an oval seal (or ring on a grey scan), mm: a word "
                                "stamp's oval frame is narrower", 0, 300),
    "ring_ink_contrast": Setting("int", "grey levels below the paper counted as ink when a grey scan is searched "
                                 "for a seal's ring", 1, 255),
    "ring_diameter_mm": Setting("range", "size of a seal's ring on a grey scan in mm (longest axis): unit seals",
                                1, 300),
    "ring_join_mm": Setting("float", "ink gaps bridged before tracing outlines on a grey scan, tried before the "
                            "two of seal_join_mm (text is ink there too: a narrow join keeps it apart), mm", 0, 30),
    "ring_min_ring": Setting("float", "least share of a ring's visible outline inked on a grey scan", 0, 1),
    "ring_min_contrast": Setting("float", "least ink share of a ring's rim band over the ink share inside it on a "
                                 "grey scan (text under the seal is ink there too)", 0, 100),
    "ring_min_arc": Setting("float", "least share of a ring's rim traced by the outline of an ink shape on a grey "
                            "scan", 0, 1),
    "ring_min_trace": Setting("float", "least share of directions round a ring in which one ellipse along its rim "
                              "is inked, over that share on the emptiest ellipse just inside it (text crossed by "
                              "circles is inked alike on all)", 0, 1),
    "phrases": Setting("str-list", "verification words and their variants (none: no copy could ever pass)",
                       min_items=1),
    "min_match": Setting("float", "least similarity of read text to a phrase (1 = exact)", 0, 1),
    "words_under_seal_min_chars": Setting("int", "red words that stop at a seal's edge (running on under its ring "
                                          "and text) are matched on the characters read before or after it, when "
                                          "at least this many were read", 1, 20),
    "ocr_dpi": Setting("int", "resolution at which regions are read", 72, 400),
    "ocr_near_seal_mm": Setting("float", "margin round a seal read for the words, mm", 0, 200),
    "ocr_block_dpi": Setting("int", "resolution at which ink blocks are found", 20, 300),
    "ocr_ink_contrast": Setting("int", "grey levels below the paper counted as ink for blocks", 1, 255),
    "ocr_block_join_mm": Setting("float", "ink this close joins into one block, mm", 0, 100),
    "ocr_block_min_mm": Setting("float", "smallest block read, mm", 0, 100),
    "ocr_block_pad_mm": Setting("float", "margin round an ink block read for the words, mm", 0, 50),
    "ocr_trim_contrast": Setting("int", "grey levels below the paper counted as ink when a region's blank margins "
                                 "are left out before it is read (the reader's cost grows with the area); 0: every "
                                 "region is read whole", 0, 255),
    "ocr_trim_margin_mm": Setting("float", "paper kept round the ink of a region given to the reader, mm (with less, "
                                  "the detector more often takes close lines for one)", 0, 300),
    "ocr_max_blocks": Setting("int", "pages with more ink blocks are read whole, in bands", 0, 100),
    "ocr_band_mm": Setting("float", "height of the bands in which the whole page is read, mm", 20, 1000),
    "ocr_box_threshold": Setting("float", "least detector confidence of a text line", 0, 1),
    "ocr_min_score": Setting("float", "least recogniser confidence of a read line", 0, 1),
    "ocr_threads": Setting("int", "onnxruntime threads per process (0 = its choice)", 0, 64),
    "ocr_max_page_share": Setting("float", "OCR reads at most this share of a page's area (a region that would "
                                  "pass it is skipped for a smaller one)", 0, 1),
    "date_near_mm": Setting("float", "greatest gap between the words and their date, mm", 0, 300),
    "signature_near_mm": Setting("float", "greatest gap between the words and the verifier's signature, mm", 0, 300),
    "signature_min_mm": Setting("float", "least size of the handwriting taken for a signature (specks, dots), mm",
                                0, 100),
    "signature_rule_mm": Setting("float", "straight strokes this long are rules or frames, not handwriting, mm",
                                 1, 100),
    "signature_max_name_chars": Setting("int", "read text beside the words (words, dates and labels left out) "
                                        "up to this many characters may be a signed name; longer is text", 0, 50),
    "signature_labels": Setting("str-list", "labels written or printed before a signature (核对人：); never "
                                "a signature themselves"),
}


def find_marks(rgb: np.ndarray, dpi: float, settings: MarkSettings, to_points: Callable[[Box], tuple],
               text_words: list[TextLine] | None = None, seal_visible: bool = True, upright: bool = True) -> PageMarks:
    """Seal, words and date on one page of a copy, with where they were looked for, in page points
    (`to_points` maps a pixel box). On a grey scan (`seal_visible` False) no red seal is looked for: red cannot be
    told from black there; a seal's ring-shaped impression is looked for instead (`rings`). On a page that is not
    `upright` no words are read (the reader needs upright lines; pdf.rotation asks for the page to be turned
    first)."""
    def points(box: Box) -> Box:
        return Box(*to_points(box))

    seals = find_seals(rgb, dpi, settings) if seal_visible else []
    found_rings = () if seal_visible else tuple(find_rings(rgb, dpi, settings))
    rings = tuple(points(ring.box) for ring in found_rings)
    searched: list[Box] = []
    layers = InkLayers(rgb, dpi, settings, found_rings)  # a grey seal's ink is lifted off the writing
    near = seals if seal_visible else list(found_rings)  # the words are read round the seal first
    words = find_verification(rgb, dpi, settings, text_words, near, searched, layers) if upright else None
    date = zone = signature = signed_zone = None
    if words is not None:
        date = find_verification_date(rgb, dpi, words, settings, text_words, layers)
        zone = points(date_zone(words, dpi, settings, rgb.shape))
        signature = find_signature(layers, words, date, settings)
        signed_zone = points(signature_zone(words.box, dpi, settings, rgb.shape))
    return PageMarks(seals=tuple(points(seal.box) for seal in seals), seal_checked=seal_visible, rings=rings,
                     words_checked=upright, words=points(words.box) if words else None,
                     words_text=words.text if words else None,
                     words_source=words.source if words else None, searched=tuple(points(box) for box in searched),
                     date=points(date.box) if date else None, date_text=date.text if date else None, date_zone=zone,
                     signature=points(signature) if signature else None, signature_zone=signed_zone)
