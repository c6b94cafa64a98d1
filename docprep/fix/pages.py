"""One page of the scan fix: its resolution, how it is turned upright and straightened (measured with the code
`check` uses, analysis.pagescan), its colour, and its pixels made again at any scale.

The page size comes from the image's resolution, so `check` sees the true dpi. An image that states none, or a
resolution that would make a page longer than [pdf.fix] max_page_mm (phones write 72 dpi on 4000-pixel photos), is
taken to show a sheet of [pdf.fix] paper_mm along its long side, and its resolution follows from its pixels.
A photo of a sheet with a desk or fingers round it (analysis.sheet, by the profile's [pdf.sheet]) becomes the sheet
alone, its perspective corrected to the paper format it matches and its light evened (fix.sheet); the format sizes
it. Pixels are never enlarged."""
from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum

import cv2
import numpy as np
from PIL import Image, ImageOps

from ..analysis.pagescan import ScanSettings, measure_page
from ..analysis.sheet import SEARCH_SIDE, find_sheet
from ..documents.images import (
    DECODE_ERRORS,
    damaged,
    displayed_size,
    exif_orientation,
    open_image,
    page_mode,
    seek_frame,
)
from ..model import LoadFailure
from .jpeg import without_metadata
from .refusal import ScanRefusal
from .sheet import clean_paper, fill_uncovered, sheet_page, straighten

# EXIF orientations that are pure clockwise quarter turns: they can go into the page's rotation with the JPEG
# embedded as it is. The mirrored ones (2, 4, 5, 7) are applied to the pixels.
EXIF_QUARTERS = {1: 0, 3: 2, 6: 1, 8: 3}
_GREY_MODES = ("L", "LA", "I;16", "I;16B", "I;16L", "I")
_UPRIGHT = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}
# The paper's colour is the median of the page's outer band of this share of its short side: it fills the corners
# straightening uncovers. A measurement of the scan, not a verdict: any band inside the sheet gives the same colour.
BORDER_BAND = 0.02
# One-bit pixels are scaled and turned in grey, then cut back to one bit at mid-grey.
_BITONAL_CUT = 128


class PageColour(str, Enum):
    """How a page's pixels are kept: colour stays colour (seals are red), grey stays grey, one bit stays one bit."""

    RGB = "rgb"
    GRAY = "gray"
    BITONAL = "bitonal"


class DpiSource(str, Enum):
    """Where a page's resolution came from."""

    IMAGE = "image"  # stated by the image
    PAPER = "paper"  # none believable: from [pdf.fix] paper_mm and the image's pixels
    SHEET = "sheet"  # a photographed sheet: from the paper format its shape matches ([pdf.sheet] formats_mm)


@dataclass
class Page:
    """A page ready to encode: what was decided, and how to make its upright pixels at a scale (decoded again
    each time, so a long document never holds more than one page of pixels; a photographed sheet's photo, decoded
    whole when the sheet was found, is kept until the page is first made at full scale)."""

    source: str  # the input's name
    frame: int  # 1-based frame within the input (multi-page TIFF); 1 for single images
    dpi: float
    dpi_source: DpiSource
    exif: int  # the EXIF orientation applied
    turned: int  # clockwise degrees turned to make it upright (after EXIF)
    deskewed: float  # degrees of tilt straightened, as measured (0.0: none)
    colour: PageColour
    size: tuple[int, int]  # upright pixels at scale 1
    fill: object = 255  # what straightening fills uncovered corners with: the paper's colour
    data: bytes = field(default=b"", repr=False)  # the input file
    max_pixels: int = 0
    original: bytes | None = None  # the JPEG to embed as it is (metadata left out)
    original_quarters: int = 0  # clockwise quarter turns of the embedded original on the page
    original_size: tuple[int, int] = (0, 0)  # its stored pixels
    sheet: np.ndarray | None = field(default=None, repr=False)  # a photographed sheet's corners in the shown image
    photo_size: tuple[int, int] = (0, 0)  # the shown image's pixels, where the page is a sheet cut out of it
    white_point: float = 1.0  # [pdf.sheet] white_point, for a photographed sheet
    photo: np.ndarray | None = field(default=None, repr=False)  # the sheet's photo as shown, decoded once

    def render(self, scale: float) -> Image.Image:
        """The upright, straightened page at `scale` of its size (a photographed sheet: cut out, turned and
        straightened in one warp; its decoded photo is let go after the full-scale page is made)."""
        if self.sheet is not None:
            pixels = page_pixels(self, scale, self.colour, upright=True)
            if scale == 1.0:
                self.photo = None
            return pixels
        pixels = page_pixels(self, scale, self.colour)
        if self.turned:
            pixels = pixels.transpose(_UPRIGHT[self.turned])
        if self.deskewed:
            pixels = _rotate(pixels, self.deskewed, self.fill)
        return pixels


def stated_dpi(image: Image.Image) -> tuple[float, float] | None:
    """The resolution the image states, or None when it states none that can be a resolution."""
    dpi = image.info.get("dpi")
    try:
        x, y = float(dpi[0]), float(dpi[1])
    except (TypeError, ValueError, IndexError):
        return None
    if not (x > 1 and y > 1) or math.isnan(x) or math.isnan(y):
        return None

    def tidy(v: float) -> float:  # PNG stores dots per metre: 7874 reads as 199.9996
        return float(round(v)) if abs(v - round(v)) < 0.05 else round(v, 2)

    return tidy(x), tidy(y)


def _resolution(image: Image.Image, shown: tuple[int, int], quarter_exif: bool, fix
                ) -> tuple[tuple[int, int], float, DpiSource]:
    """The page's pixels (one resolution for both axes: the lower stated one; the other axis is scaled down to
    it, never up), its dpi, and where that came from."""
    stated = stated_dpi(image)
    if stated is not None:
        if quarter_exif:
            stated = (stated[1], stated[0])
        dpi = min(stated)
        size = (max(1, round(shown[0] * dpi / stated[0])), max(1, round(shown[1] * dpi / stated[1])))
        if max(size) / dpi <= float(fix.max_page_mm) / 25.4:  # a longer page: not a scan's resolution
            return size, dpi, DpiSource.IMAGE
    return shown, max(shown) / (float(fix.paper_mm) / 25.4), DpiSource.PAPER


def _find_sheet(page: Page, cfg) -> None:
    """A photographed sheet with a surround becomes the page: its corners, pixels and resolution (fix.sheet)."""
    shown = page.size
    small = page_pixels(page, min(1.0, 1.25 * SEARCH_SIDE / max(shown)), page.colour)
    sheet = find_sheet(np.asarray(small))
    if sheet is None or not sheet.surrounded(cfg.sheet):
        return
    corners, size, dpi, matched = sheet_page(sheet, shown, cfg)
    # the photo is decoded whole once, here: the page is measured on a copy of it and then made of it
    page.photo = _decoded_array(page, shown)
    # a resolution the image states is the camera's, not the paper's (the distance to the sheet decides that)
    page.sheet, page.photo_size, page.size, page.dpi = corners, shown, size, dpi
    page.dpi_source = DpiSource.SHEET if matched else DpiSource.PAPER
    page.white_point = float(cfg.sheet.white_point)


def _measure(page: Page, cfg, settings: ScanSettings) -> None:
    """Turn and tilt as `check` measures them on the upright page at the analysis resolution; the paper colour."""
    analysis_dpi = min(float(cfg.analysis_dpi), page.dpi)
    small = page_pixels(page, analysis_dpi / page.dpi,
                        PageColour.GRAY if page.colour is PageColour.BITONAL else page.colour)
    rgb = np.asarray(small.convert("RGB"))
    scan = measure_page(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), analysis_dpi, settings)
    page.turned = scan.turn if scan.turn in (0, 90, 180, 270) else 0
    # a sideways page whose way up is unknown is left as it is
    if scan.skew is not None and not (scan.sideways and scan.turn is None):
        if abs(scan.skew) >= float(cfg.fix.deskew_degrees):
            page.deskewed = float(scan.skew)
    page.fill = _border_colour(rgb, page.colour)


def prepare_page(name: str, data: bytes, image: Image.Image, frame: int, cfg, settings: ScanSettings) -> Page:
    """Measure one frame (0-based, `image` already at it) and decide what to do with it."""
    stored = image.size
    exif = exif_orientation(image) if frame == 0 else 1
    if exif not in range(1, 9):
        exif = 1
    shown = displayed_size(stored, exif)
    size, dpi, dpi_source = _resolution(image, shown, exif in (5, 6, 7, 8), cfg.fix)
    colour = (PageColour.BITONAL if image.mode == "1" else PageColour.GRAY if image.mode in _GREY_MODES
              else PageColour.RGB)
    page = Page(name, frame + 1, dpi, dpi_source, exif, 0, 0.0, colour, size, data=data,
                max_pixels=int(cfg.max_image_pixels))
    if colour is not PageColour.BITONAL:
        _find_sheet(page, cfg)
    _measure(page, cfg, settings)
    page.dpi = round(page.dpi, 2)  # the page is sized by this resolution
    if (image.format == "JPEG" and not page.deskewed and page.sheet is None and size == shown and exif in EXIF_QUARTERS
            and image.mode in ("L", "RGB")):
        _embed_as_it_is(page, data, image, stored)
    return page


def _embed_as_it_is(page: Page, data: bytes, image: Image.Image, stored: tuple[int, int]) -> None:
    """A baseline JPEG whose pixels need no change goes in as it is, metadata left out; its ICC profile stays
    where it fits the JPEG's channels (it becomes the page's colour space)."""
    icc = image.info.get("icc_profile")
    fits = bool(icc) and len(icc) > 128 and icc[16:20] == (b"GRAY" if page.colour is PageColour.GRAY else b"RGB ")
    clean = without_metadata(data, keep_icc=fits)
    if clean is not None and clean.baseline:
        page.original, page.original_size = clean.data, stored
        page.original_quarters = (EXIF_QUARTERS[page.exif] + page.turned // 90) % 4


def page_pixels(page: Page, scale: float, colour: PageColour, upright: bool = False) -> Image.Image:
    """The frame decoded, EXIF orientation applied, in `colour`, at the page's size × `scale` (square pixels;
    rounded up, so a scaled page never measures under the resolution it was scaled to); a photographed sheet cut
    out of it and cleaned, and with `upright` also turned and straightened as decided. Raises ScanRefusal
    (photo.unreadable) for data that does not decode."""
    if page.sheet is None:
        return _decoded(page, page.size, scale, colour)
    if page.photo is not None and colour is page.colour:
        photo = _halved(page.photo, scale)
    else:
        photo = np.asarray(_decoded(page, page.photo_size, scale, colour))
    size = _scaled(page.size, scale)
    corners = page.sheet * [photo.shape[1] / page.photo_size[0], photo.shape[0] / page.photo_size[1]]
    turned, degrees = (page.turned, page.deskewed) if upright else (0, 0.0)
    pixels = clean_paper(straighten(photo, corners, size, turned, degrees), page.white_point)
    return Image.fromarray(fill_uncovered(pixels, size, turned, degrees, page.fill))


def _scaled(size: tuple[int, int], scale: float) -> tuple[int, int]:
    return size if scale == 1.0 else (max(1, math.ceil(size[0] * scale - 1e-9)),
                                      max(1, math.ceil(size[1] * scale - 1e-9)))


def _decoded(page: Page, size: tuple[int, int], scale: float, colour: PageColour) -> Image.Image:
    target = _scaled(size, scale)
    with refusing_undecodable(page.source):
        image = open_image(page.source, page.data, page.max_pixels)
        seek_frame(image, page.frame - 1, page.max_pixels)
        if image.format == "JPEG" and scale < 1:
            want = (target[1], target[0]) if page.exif in (5, 6, 7, 8) else target
            image.draft(image.mode if image.mode in ("L", "RGB") else "RGB", want)  # decodes at 1/2, 1/4, 1/8
        image.load()
        if page.exif != 1:
            image = ImageOps.exif_transpose(image)
        return _in_colour(image, target, colour)


# EXIF orientations 2-8 undone on an array, as ImageOps.exif_transpose undoes them on an image
_EXIF_UNDO = {2: lambda a: cv2.flip(a, 1), 3: lambda a: cv2.rotate(a, cv2.ROTATE_180), 4: lambda a: cv2.flip(a, 0),
              5: cv2.transpose, 6: lambda a: cv2.rotate(a, cv2.ROTATE_90_CLOCKWISE),
              7: lambda a: cv2.flip(cv2.transpose(a), -1), 8: lambda a: cv2.rotate(a, cv2.ROTATE_90_COUNTERCLOCKWISE)}


def _decoded_array(page: Page, size: tuple[int, int]) -> np.ndarray:
    """The frame decoded whole, as an array in the page's colour (a photographed sheet's photo): a JPEG in RGB or
    grey without an ICC profile straight from OpenCV's decoder (the same libjpeg-turbo, the same pixels as
    Pillow's, without copying them out of a Pillow image), anything else through Pillow (_decoded)."""
    with refusing_undecodable(page.source):
        image = open_image(page.source, page.data, page.max_pixels)
        plain = (image.format == "JPEG" and page.frame == 1 and not image.info.get("icc_profile")
                 and (image.mode, page.colour) in (("RGB", PageColour.RGB), ("L", PageColour.GRAY)))
    if plain:
        flags = (cv2.IMREAD_COLOR_RGB if page.colour is PageColour.RGB else cv2.IMREAD_GRAYSCALE)
        pixels = cv2.imdecode(np.frombuffer(page.data, np.uint8), flags | cv2.IMREAD_IGNORE_ORIENTATION)
        if pixels is not None:
            pixels = _EXIF_UNDO[page.exif](pixels) if page.exif != 1 else pixels
            if pixels.shape[1::-1] == size:
                return pixels
    return np.asarray(_decoded(page, size, 1.0, page.colour))


def _halved(photo: np.ndarray, scale: float) -> np.ndarray:
    """The photo halved (each pixel the mean of four) while that keeps it at least `scale` of its size: a warp
    from it to `scale` then samples no more than every other pixel."""
    while scale <= 0.5 and min(photo.shape[:2]) >= 2:
        photo = cv2.resize(photo, (photo.shape[1] // 2, photo.shape[0] // 2), interpolation=cv2.INTER_LINEAR)
        scale *= 2
    return photo


@contextmanager
def refusing_undecodable(source: str):
    """The opener's LoadFailures and decoder errors of one input, as the scan fix's refusal of it."""
    try:
        yield
    except LoadFailure as failure:
        raise ScanRefusal(failure.rule, failure.problem, source) from None
    except DECODE_ERRORS as exc:
        failure = damaged(exc)
        raise ScanRefusal(failure.rule, failure.problem, source) from None


def _in_colour(image: Image.Image, target: tuple[int, int], colour: PageColour) -> Image.Image:
    if colour is PageColour.BITONAL:
        image = image if image.mode == "1" else image.convert("1")
        if image.size != target:
            image = _to_one_bit(image.convert("L").resize(target, Image.LANCZOS))
        return image
    image = page_mode(image)
    if colour is PageColour.GRAY and image.mode != "L":
        image = image.convert("L")
    if image.size != target:
        image = image.resize(target, Image.LANCZOS, reducing_gap=3.0)
    return image


def _to_one_bit(grey: Image.Image) -> Image.Image:
    return grey.point(lambda v: 255 if v >= _BITONAL_CUT else 0).convert("1")


def _border_colour(rgb: np.ndarray, colour: PageColour):
    """The median colour of the page's outer band: what straightening fills the uncovered corners with."""
    h, w = rgb.shape[:2]
    band = max(1, round(min(h, w) * BORDER_BAND))
    ring = np.concatenate([rgb[:band].reshape(-1, 3), rgb[-band:].reshape(-1, 3), rgb[:, :band].reshape(-1, 3),
                           rgb[:, -band:].reshape(-1, 3)])
    median = tuple(int(v) for v in np.median(ring, axis=0))
    if colour is PageColour.RGB:
        return median
    level = int(round(0.299 * median[0] + 0.587 * median[1] + 0.114 * median[2]))
    return 255 if colour is PageColour.BITONAL else level


def _rotate(image: Image.Image, degrees: float, fill) -> Image.Image:
    """Turned counter-clockwise by `degrees` (straightening a clockwise tilt) within its own canvas (bicubic): the
    page keeps its size (an A4 scan stays A4; a grown canvas would be a larger, odd sheet), and what the tilt had
    pushed past the corners was already outside the scanned sheet."""
    if image.mode == "1":
        return _to_one_bit(_rotate(image.convert("L"), degrees, 255))
    w, h = image.size
    matrix = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), degrees, 1.0)
    return Image.fromarray(cv2.warpAffine(np.asarray(image), matrix, (w, h), flags=cv2.INTER_CUBIC,
                                          borderMode=cv2.BORDER_CONSTANT, borderValue=fill))
