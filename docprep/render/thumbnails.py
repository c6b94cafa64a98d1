"""Thumbnails for the HTML report (`check --format html`), made while a file is checked, from what the check has
open anyway: the photo's decoded pixels, and the PDF's open document with its pages already measured. The file is
never read or parsed again for them; a PDF page is drawn once more by PDFium, at thumbnail size only.

A page's thumbnail shows what docprep saw there as annotate.py draws it (the same pen and colours: seals green,
verification words blue, dates purple, searched areas grey, findings with a place red or orange), without the
lettering: at this size it could not be read, and the report's legend names the colours in its own language, so
the pictures are the same whatever language the report is in (and can be cached with the findings).

The sizes are presentation, not verdicts (as annotate's 100 dpi and the photo's 640-px analysis size): they live
here, not in the profile, so changing them does not change any profile's digest."""
from __future__ import annotations

import io
import logging

import numpy as np
from PIL import Image

from ..documents.pdf import PdfDocument
from ..documents.pdfpages import PdfPage
from ..model import Finding, Thumbnail
from .annotate import _boxed_on, _colour, _draw_marks, _Pen, _render

log = logging.getLogger(__name__)

PHOTO_BOX = (240, 320)  # an image's thumbnail fits in this (pixels): an ID photo is shown at 160 px wide
PAGE_WIDTH = 360  # a page's thumbnail is this wide (a portrait A4 page: 360 x 509 px, ~20-40 KB)
MAX_PAGES = 4  # pages shown per PDF: those with a finding first, then the first pages
QUALITY = 70  # JPEG quality: text stays legible, a page stays small (~13 KB for a portrait A4 scan)
# Colour kept at full resolution (4:4:4): with JPEG's usual 4:2:0 a 2-px coloured outline bleeds into the page and
# the seal's green, the words' blue and the date's purple become hard to tell apart (18 % more bytes).
SUBSAMPLING = 0


def image_thumbnail(pixels: np.ndarray) -> Thumbnail:
    """An image's decoded pixels (RGB, as displayed) as a thumbnail within PHOTO_BOX."""
    image = Image.fromarray(pixels).convert("RGB")
    image.thumbnail(PHOTO_BOX, Image.Resampling.LANCZOS)
    return _jpeg(image, None)


def page_thumbnails(document: PdfDocument, findings: list[Finding], limit: int = MAX_PAGES) -> list[Thumbnail]:
    """Thumbnails of up to `limit` analysed pages of an open document, in page order: the pages a finding names
    first, then the first pages. A page PDFium cannot draw gets none (its failure is a finding already)."""
    pages = list(document.pages())
    named = {f.page for f in findings if f.page is not None}
    chosen = sorted(sorted(pages, key=lambda p: (p.number not in named, p.number))[:limit], key=lambda p: p.number)
    thumbnails = []
    for page in chosen:
        pixels = _render(document, page, 72 * PAGE_WIDTH / page.size[0]) if page.size[0] > 0 else None
        if pixels is not None:
            thumbnails.append(_jpeg(_marked(page, pixels, findings), page.number))
    return thumbnails


class _Unlettered(_Pen):
    """annotate's pen without labels: boxes only (the report's legend names the colours)."""

    def label(self, rect, colour, text) -> None:
        return None


def _marked(page: PdfPage, pixels: np.ndarray, findings: list[Finding]) -> Image.Image:
    """The page with its marks and the findings placed on it outlined; no wider than PAGE_WIDTH."""
    image = Image.fromarray(pixels).convert("RGB")
    pen = _Unlettered.for_page(image, page.size)
    if page.marks is not None:
        _draw_marks(pen, page.marks, "en")  # no lettering is drawn: any catalogue language does
    for placed in (f for f in findings if _boxed_on(f, page.number)):
        pen.outline(placed.box, _colour(placed), placed.rule)
    image.thumbnail((PAGE_WIDTH, 4 * PAGE_WIDTH), Image.Resampling.LANCZOS)  # a tiny page box rendered large
    return image


def _jpeg(image: Image.Image, page: int | None) -> Thumbnail:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY, optimize=True, subsampling=SUBSAMPLING)
    return Thumbnail(out.getvalue(), image.width, image.height, page)
