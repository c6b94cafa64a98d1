"""Verification marks on a copy: the red official seal (公章), the words 核对无误 and the date beside them.

`find_marks` measures one page image (RGB, uint8) at its resolution with the finders of analysis.seals,
analysis.words and analysis.dates, and gives what it found in page points; the PDF family turns that into
findings. Every threshold is read from the profile's typed [pdf.marks] section (`MarkSettings`)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable

import numpy as np

from .dates import date_zone, find_verification_date
from .geometry import Box
from .inklayers import InkLayers
from .ocr import TextLine
from .rings import find_rings
from .seals import beside_words, find_seals
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


# The profile's [pdf.marks] section, typed and frozen (profiles.sections.PdfMarksSettings, generated from the schema
# analysis.settings.MARKS): every finder reads its thresholds from it by attribute, and it hashes and travels to
# worker processes.
MarkSettings = Any


def _read_whole(rgb: np.ndarray, dpi: float, settings: MarkSettings, text_words: list[TextLine] | None,
                near: list, rings: tuple) -> tuple | None:
    """The words and their date read again with every region given whole (`ocr_trim_contrast` 0), on a page whose
    words were read without a date beside them: trimming a region changes what the detector sees, and a date on the
    edge of being read is now and then lost to it. Only such pages pay for the second reading; a page without any
    words (an original taken for a copy) does not. None when the second reading finds no date either."""
    whole = replace(settings, ocr_trim_contrast=0)
    layers = InkLayers(rgb, dpi, whole, rings)
    words = find_verification(rgb, dpi, whole, text_words, near, [], layers)
    seals = tuple(seal.box for seal in near)
    date = find_verification_date(rgb, dpi, words, whole, text_words, layers, seals) if words is not None else None
    return (words, date, layers) if date is not None else None


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
        date = find_verification_date(rgb, dpi, words, settings, text_words, layers, tuple(seal.box for seal in near))
        if date is None and words.source == "ocr" and settings.ocr_trim_contrast:
            again = _read_whole(rgb, dpi, settings, text_words, near, found_rings)
            words, date, layers = again or (words, date, layers)
        seals = beside_words(seals, words.box, settings)  # not the words' own stamp, cut short by a seal
        zone = points(date_zone(words, dpi, settings, rgb.shape))
        signature = find_signature(layers, words, date, settings)
        signed_zone = points(signature_zone(words.box, dpi, settings, rgb.shape))
    return PageMarks(seals=tuple(points(seal.box) for seal in seals), seal_checked=seal_visible, rings=rings,
                     words_checked=upright, words=points(words.box) if words else None,
                     words_text=words.text if words else None,
                     words_source=words.source if words else None, searched=tuple(points(box) for box in searched),
                     date=points(date.box) if date else None, date_text=date.text if date else None, date_zone=zone,
                     signature=points(signature) if signature else None, signature_zone=signed_zone)
