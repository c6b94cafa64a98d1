"""The scan fix's page images and the PDF made of them, written by img2pdf: it embeds a JPEG's bytes as they are
(DCTDecode) and a PNG's compressed data as it is (Flate), sizes each page from the resolution it is given, and
turns a page with /Rotate.

img2pdf takes one rotation and one layout for a whole call, where each page here has its own turn and resolution,
so each page is made alone and the pages are joined with pikepdf (img2pdf's own PDF engine), their streams copied
undecoded."""
from __future__ import annotations

import io
from dataclasses import dataclass
from enum import Enum

import img2pdf
import pikepdf
from PIL import Image

from .. import __version__
from .pages import Page, PageColour


class PageEncoding(str, Enum):
    """How a page's image is stored in the PDF."""

    ORIGINAL = "original"  # the input's JPEG, not re-encoded (metadata left out)
    JPEG = "jpeg"  # re-encoded as JPEG
    BITONAL = "bitonal"  # one bit per pixel, lossless (Flate)


@dataclass(frozen=True)
class EncodedPage:
    """One page image as written: the image file img2pdf embeds, how it is placed, and the facts that go with it."""

    data: bytes  # a JPEG, or a one-bit PNG
    stored: tuple[int, int]  # its pixels as stored
    quarters: int  # clockwise quarter turns of the stored image on the page
    dpi: float  # the page is sized so that its pixels have this resolution
    encoding: PageEncoding
    quality: int | None  # JPEG quality of a re-encoded page

    @property
    def shown(self) -> tuple[int, int]:
        w, h = self.stored
        return (h, w) if self.quarters % 2 else (w, h)


def encode_page_pixels(page: Page, pixels: Image.Image, quality: int, dpi: float) -> EncodedPage:
    """A page's pixels as the image the PDF stores: one-bit pages as a lossless PNG (Flate in the PDF), others as
    a baseline JPEG at `quality`, colour kept as colour and grey as grey."""
    out = io.BytesIO()
    if page.colour is PageColour.BITONAL:
        pixels.save(out, "PNG", compress_level=9)
        return EncodedPage(out.getvalue(), pixels.size, 0, dpi, PageEncoding.BITONAL, None)
    pixels.save(out, "JPEG", quality=quality, optimize=True, progressive=False)
    return EncodedPage(out.getvalue(), pixels.size, 0, dpi, PageEncoding.JPEG, quality)


def original_image(page: Page) -> EncodedPage:
    """The page's own JPEG, embedded as it is and turned by the page's rotation."""
    return EncodedPage(page.original, page.original_size, page.original_quarters, page.dpi, PageEncoding.ORIGINAL,
                       None)


_ROTATIONS = {0: img2pdf.Rotation["0"], 1: img2pdf.Rotation["90"], 2: img2pdf.Rotation["180"],
              3: img2pdf.Rotation["270"]}


def _one_page(image: EncodedPage) -> bytes:
    return img2pdf.convert(image.data, layout_fun=img2pdf.get_fixed_dpi_layout_fun((image.dpi, image.dpi)),
                           rotation=_ROTATIONS[image.quarters % 4], engine=img2pdf.Engine.internal, nodate=True)


def write_pdf(images: list[EncodedPage]) -> bytes:
    """One PDF, a page per image in order. Equal inputs give equal files (no dates; the /ID comes from the
    content)."""
    parts = [pikepdf.open(io.BytesIO(_one_page(image))) for image in images]
    try:
        with pikepdf.new() as merged:
            for part in parts:
                merged.pages.extend(part.pages)
            merged.docinfo["/Producer"] = f"docprep {__version__}"
            out = io.BytesIO()
            merged.save(out, deterministic_id=True, stream_decode_level=pikepdf.StreamDecodeLevel.none)
            return out.getvalue()
    finally:
        for part in parts:
            part.close()
