"""One page of a loaded PDF, read and measured the first time a check asks (docprep.documents.pdf opens the file).

The page's largest image is decoded (JPEG at reduced scale straight from its stream, other codecs through PDFium),
turned as it is placed on the page and scaled to the analysis resolution; a page that is not one scanned image is
rendered by PDFium instead. Scan quality is measured on grey, which a JPEG gives from its luma alone; colour is
decoded only where it is judged (copies: the red seal, pdf.color), never for an original. Only the measurements
(`PageScan`) are kept, so a 400-page file holds one page of pixels at a time. What real damage makes the parsers and
decoders raise (PDFium's errors, a JPEG that does not decode, an image stream emptied or cut short:
docprep.documents.pdfstreams) becomes the page's `failure` (pdf.unreadable), never a traceback; any other exception
is a bug and propagates (the engine reports file.check-failed), so it is never mistaken for a verdict on the file.
The OCR runtime failing while the marks are looked for leaves the page's marks unjudged, and says so
(`marks_unjudged`: pdf.marks-unjudged).

Coordinates: boxes are (x, y, width, height) in PDF points, origin at the top-left corner of the page as displayed
(after /Rotate), y growing downwards — the way a reader sees the page.
"""
from __future__ import annotations

import ctypes
import hashlib
import io
import logging
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from ..analysis.geometry import Box
from ..analysis.marks import MarkSettings, PageMarks, find_marks
from ..analysis.ocr import OcrUnavailable, TextLine
from ..analysis.pagescan import PageScan, ScanSettings, is_blank, is_grey, measure_page
from ..i18n import Text
from .images import DECODE_ERRORS, decoder_reason
from .pdfstreams import image_layouts, jpeg_failure, stream_damage

log = logging.getLogger(__name__)

# Limits of the implementation, not verdicts (the thresholds that judge a page are in the profile's [pdf] section).
MAX_RENDER_SIDE = 4000  # pixels; huge page boxes are rendered at a lower resolution rather than exhausting memory
DECODED_KEPT = 4  # scaled images kept for later pages that repeat them (a letterhead, a scanner's blank page)
UPRIGHT_DEGREES = 0.05  # off a quarter turn by less is rounding in the placement matrix, not a tilted image
OBJECT_DEPTH = 4  # form XObjects nested deeper are not searched for images (scanners write none)


@dataclass(frozen=True)
class PlacedImage:
    """The largest image on a page and how it is placed."""

    pixels: tuple[int, int]  # stored width × height
    dpi: float  # effective resolution on the page: the lower of the two axes
    dpi_xy: tuple[float, float]
    box: tuple[float, float, float, float]  # displayed page points
    coverage: float  # share of the page's area
    axis_aligned: bool  # placed upright, sideways, mirrored or upside down, but not at an angle
    filters: tuple[str, ...]


@dataclass
class PdfPage:
    """One page: facts from the structure, and what was measured on its pixels."""

    number: int  # 1-based
    size: tuple[float, float]  # displayed width × height in points
    rotate: int  # the page's /Rotate
    image: PlacedImage | None = None
    image_count: int = 0
    text_chars: int = 0  # characters in the text layer (PDFium)
    text: str | None = None  # page 1 only: its text layer (what tells an application's attachment kind)
    source: str = "none"  # how the pixels were got: image | render | none (nothing drawn on the page)
    scan: PageScan | None = None
    failure: Text | None = None  # the page's pixels could not be read (pdf.unreadable)
    marks: PageMarks | None = None  # verification marks, measured on copies only (docprep.analysis.marks)
    marks_unjudged: Text | None = None  # why the marks were not judged: the OCR runtime failed (pdf.marks-unjudged)
    _origin: tuple[float, float] = (0.0, 0.0)  # page points of analysis pixel (0, 0)
    _scale: tuple[float, float] = (1.0, 1.0)  # page points per analysis pixel

    def to_points(self, box_px: tuple[int, int, int, int]) -> tuple[float, float, float, float]:
        """An analysis-pixel box as displayed page points."""
        x, y, w, h = box_px
        (ox, oy), (sx, sy) = self._origin, self._scale
        return (round(ox + x * sx, 1), round(oy + y * sy, 1), round(w * sx, 1), round(h * sy, 1))


class PageReader:
    """Reads the pages of one open document, one at a time, with what they share: the profile's [pdf] settings,
    the verification marks asked for ("every-page", "once" or "none"), and the last few decoded images, so pages
    that repeat an image decode it once. `structure` is pypdf's reader of the same bytes (None where it failed):
    what it says of an image's dictionary tells a stream cut short (docprep.documents.pdfstreams). `kind` gives
    the document's attachment kind (an original's colour is never judged, so never decoded)."""

    def __init__(self, name: str, pdf: pdfium.PdfDocument | None, cfg: Any,
                 marks_needed: str = "none", mark_settings: MarkSettings | None = None, structure: Any = None,
                 kind: Callable[[], str] = lambda: "unknown"):
        self.name = name
        self.kind = kind  # the document's attachment kind, as the checks set it before reading pages
        self.pdf = pdf
        self.structure = structure
        self.cfg = cfg  # the profile's [pdf] section
        self.marks_needed = marks_needed
        self.mark_settings = mark_settings
        self.marks_complete = False  # "once": a page already carries seal, words and date; later pages are not read
        self.decoded: dict = {}  # raw-stream hash, size and grey or not -> scaled pixels, stored grey or not

    def read(self, index: int) -> PdfPage:
        """Page `index` (0-based) measured; a page that cannot be read comes back with its `failure`."""
        try:
            page = self.pdf[index]
        except pdfium.PdfiumError as exc:  # PDFium refuses the page object itself
            return PdfPage(index + 1, (0.0, 0.0), 0, failure=_reason_text("页面对象无法读取", "the page object cannot be read",
                                                                          exc))
        try:
            width, height = page.get_size()
            result = PdfPage(index + 1, (round(width, 2), round(height, 2)), int(page.get_rotation()))
            try:
                self._measure(page, result)
            except PAGE_DAMAGE as exc:  # the file's damage is a finding; any other exception is a bug and propagates
                log.debug("page %d: %s", index + 1, exc, exc_info=True)
                result.failure = _reason_text("页面内容无法解码", "the page's content cannot be decoded", exc)
                result.scan = None
            return result
        finally:
            page.close()
            _return_freed_memory()

    def render(self, number: int, dpi: float) -> np.ndarray:
        """Page `number` (1-based) as displayed, RGB at `dpi` (for pictures of what was found, not for checks)."""
        page = self.pdf[number - 1]
        try:
            return render_page(page, dpi, page.get_size())[0]
        finally:
            page.close()

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()
            self.pdf = None
        self.structure = None
        self.decoded.clear()

    def _measure(self, page: pdfium.PdfPage, result: PdfPage) -> None:
        """The page's facts from its objects, then the pixels that stand for it measured (and, on a copy, its
        verification marks looked for)."""
        cfg = self.cfg
        text_runs = _read_text_layer(page, result, self._wants_marks())
        images, other_visible = _page_objects(page, result)
        largest = _largest_image(images, result, int(cfg.resolution.min_image_side))
        target_dpi = float(cfg.analysis_dpi)
        if not images and not other_visible:  # nothing is drawn: blank without rendering (long files of empty pages)
            result.source = "none"
            result.scan = _nothing_drawn(result.size, target_dpi)
            return
        raws, failure = _image_streams(images, cfg, lambda: image_layouts(self.structure, result.number - 1,
                                                                          OBJECT_DEPTH))
        if failure is not None:
            result.failure = failure
            return
        scan = largest[1] if largest is not None else None
        scan_like = scan is not None and scan.coverage >= float(cfg.resolution.min_image_coverage)
        if _shows_the_page(largest, result, other_visible, float(cfg.full_page_coverage)):
            gray, rgb, stored_gray, dpi = self._image_as_page(largest, raws[id(largest[0])], result, target_dpi)
        else:
            _decodable_jpegs(images, raws)  # PDFium renders a JPEG it cannot decode as nothing: no blank page
            floor = float(cfg.min_analysis_dpi)
            dpi = max(floor, min(target_dpi, scan.dpi)) if scan_like else target_dpi
            pixels, dpi = render_page(page, dpi, result.size)
            result.source = "render"
            result._scale = (result.size[0] / pixels.shape[1], result.size[1] / pixels.shape[0])
            gray, rgb, stored_gray = cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY), pixels, False
        self._measure_pixels(result, gray, rgb if self._needs_colour() else None, stored_gray, dpi, scan_like,
                             text_runs)

    def _image_as_page(self, largest: tuple, raw: bytes, result: PdfPage,
                       target_dpi: float) -> tuple[np.ndarray, np.ndarray | None, bool, float]:
        """The page's one image, decoded at its own resolution or the analysis one, whichever is lower: grey, colour
        (where needed), whether it is stored without colour, and the resolution."""
        obj, placed = largest
        dpi = min(target_dpi, placed.dpi)
        gray, rgb, stored_gray = self._image_pixels(obj, raw, placed, dpi, result, self._needs_colour())
        result.source = "image"
        x, y, w, h = placed.box
        result._origin = (x, y)
        result._scale = (w / gray.shape[1], h / gray.shape[0])
        return gray, rgb, stored_gray, dpi

    def _measure_pixels(self, result: PdfPage, gray: np.ndarray, rgb: np.ndarray | None, stored_gray: bool,
                        dpi: float, scan_like: bool, text_runs: list[TextLine]) -> None:
        """Scan quality of the page's grey pixels; its colour (`rgb`, given where the kind needs the marks) is judged
        only where it is a scan."""
        if not scan_like:
            stored_gray = None  # not a scan: no verdict on its colour
        result.scan = measure_page(gray, dpi, ScanSettings.from_profile(self.cfg), rgb=rgb, stored_gray=stored_gray)
        if self._wants_marks() and not is_blank(result.scan, self.cfg):
            self._find_marks(result, gray if rgb is None else rgb, dpi, text_runs)

    def _wants_marks(self) -> bool:
        return self.marks_needed != "none" and not self.marks_complete

    def _needs_colour(self) -> bool:
        """Colour pixels are decoded only where something looks at them: the marks (the seal is red), and pdf.color
        on a kind that needs the marks (whether a copy can show its seal; judged even with the mark rules off).
        Scan quality is measured on grey, which a JPEG decodes without its colour: an original's is never decoded."""
        cfg = self.cfg
        return self.marks_needed != "none" or (bool(cfg.color.seal_required) and self.kind() not in cfg.kinds.originals)

    def _find_marks(self, result: PdfPage, pixels: np.ndarray, dpi: float, text_runs: list[TextLine]) -> None:
        """The verification marks on a page of a copy, from the pixels already decoded for measuring it."""
        rgb = pixels if pixels.ndim == 3 else cv2.cvtColor(pixels, cv2.COLOR_GRAY2RGB)
        (ox, oy), (sx, sy) = result._origin, result._scale
        words = [TextLine(run.text, Box.from_corners(
                     int((run.box.x - ox) / sx), int((run.box.y - oy) / sy),
                     int(math.ceil((run.box.right - ox) / sx)), int(math.ceil((run.box.bottom - oy) / sy))))
                 for run in text_runs]
        try:
            result.marks = find_marks(rgb, dpi, self.mark_settings, result.to_points, words,
                                      seal_visible=not is_grey(result.scan, self.cfg),
                                      upright=result.scan.turn in (0, None) and not result.scan.sideways)
        except OcrUnavailable as exc:  # the runtime's failure, not the PDF's: this page's marks are not judged
            log.warning("%s, page %d: the verification marks were not judged: %s", self.name, result.number, exc)
            log.debug("the OCR runtime's failure", exc_info=exc)
            result.marks_unjudged = _short_text(exc)
            return
        found = result.marks
        if self.marks_needed == "once" and found.seals and found.words and found.date:
            self.marks_complete = True

    def _image_pixels(self, obj, raw: bytes, placed: PlacedImage, dpi: float, result: PdfPage,
                      colour: bool) -> tuple[np.ndarray, np.ndarray | None, bool]:
        """The page's one image as displayed, at `dpi`: its grey pixels, with `colour` its colour pixels too (None
        where it is stored without colour), and whether it is stored without colour."""
        stored_w, stored_h = placed.pixels
        turns, mirror = _quarter_turns_and_mirror(obj, result)
        # target size of the stored image so that, once turned, it shows at `dpi` on the page
        size = (max(1, round(stored_w * dpi / placed.dpi_xy[0])), max(1, round(stored_h * dpi / placed.dpi_xy[1])))
        digest = hashlib.blake2b(raw, digest_size=16).digest()
        gray, stored_gray = self._scaled(obj, raw, digest, size, grey=True)
        rgb = self._scaled(obj, raw, digest, size, grey=False)[0] if colour and not stored_gray else None
        return _as_shown(gray, turns, mirror), None if rgb is None else _as_shown(rgb, turns, mirror), stored_gray

    def _scaled(self, obj, raw: bytes, digest: bytes, size: tuple[int, int], grey: bool) -> tuple[np.ndarray, bool]:
        """The stored image at `size`, grey or colour, and whether it is stored grey: decoded once (also across
        pages that repeat it)."""
        key = (digest, size, grey)
        kept = self.decoded.get(key)
        if kept is None:
            stored, stored_gray = _decode_image(obj, raw, size, grey)
            if stored.size and int(stored.max()) == 0:
                raise _Damaged(Text("页面图像解码后全为 0（图像数据被清空），显示为一片灰色或黑色", "the page image decodes to "
                                    "nothing but zeros (its data was blanked out) and shows as a grey or black area"))
            if stored.shape[1] != size[0] or stored.shape[0] != size[1]:
                stored = cv2.resize(stored, size, interpolation=cv2.INTER_AREA)
            if len(self.decoded) >= DECODED_KEPT:
                self.decoded.pop(next(iter(self.decoded)))
            self.decoded[key] = kept = (stored, stored_gray)
        return kept


def _as_shown(pixels: np.ndarray, turns: int, mirror: bool) -> np.ndarray:
    """Stored pixels turned (clockwise quarter turns) and mirrored as the page shows them."""
    shown = np.rot90(pixels, -turns) if turns else pixels
    if mirror:
        shown = shown[:, ::-1]
    return np.ascontiguousarray(shown)


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, where the C library is glibc (Linux); None elsewhere."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):  # Windows (no CDLL(None)), macOS and musl (no malloc_trim)
        return None


def _return_freed_memory() -> None:
    """Give the memory freed while measuring a page back to the system. glibc keeps freed blocks in its heaps for
    reuse, and the buffers of OCR and of page-sized arrays, each of another size, leave them fragmented: without
    this a worker reading a 50-page copy at 300 dpi grew by about 8 MB a page (to 760 MB); with it, it stays
    near 400 MB. Trimming costs well under a millisecond a page."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def render_page(page: pdfium.PdfPage, dpi: float, size: tuple[float, float]) -> tuple[np.ndarray, float]:
    """The page as displayed, RGB, and the resolution it was rendered at: `dpi`, or lower where the page box is so
    large that its pixels would pass MAX_RENDER_SIDE."""
    w, h = size
    dpi = min(dpi, MAX_RENDER_SIDE / max(w / 72, h / 72, 1e-6))
    bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
    pixels = np.array(bitmap.to_numpy()[..., :3])  # copied: the bitmap's memory belongs to PDFium
    del bitmap
    return pixels, dpi


def _read_text_layer(page: pdfium.PdfPage, result: PdfPage, with_runs: bool) -> list[TextLine]:
    """Counts the text layer's characters into `result`; with `with_runs`, returns its runs in displayed points
    (typed verification words count as marks). A broken text layer does not make the page unreadable."""
    text_runs: list[TextLine] = []
    try:
        textpage = page.get_textpage()
        try:
            result.text_chars = max(0, textpage.count_chars())
            if result.text_chars and result.number == 1:
                result.text = textpage.get_text_range()
            if result.text_chars and with_runs:
                text_runs = _text_runs(textpage, result, page.get_cropbox())
        finally:
            textpage.close()
    except pdfium.PdfiumError:
        result.text_chars = 0
    return text_runs


def _largest_image(images: list, result: PdfPage, min_side: int) -> tuple | None:
    """Counts the page's images large enough to be scans into `result`, notes the largest's placement there, and
    returns it with its page object (None when there is none)."""
    candidates = [i for i in images if min(i[1].pixels) >= min_side]
    result.image_count = len(candidates)
    largest = max(candidates, key=lambda i: i[1].box[2] * i[1].box[3], default=None)
    if largest is not None:
        result.image = largest[1]
    return largest


def _nothing_drawn(size: tuple[float, float], dpi: float) -> PageScan:
    """The measurements of a page on which nothing is drawn: blank paper."""
    w, h = size
    return PageScan(dpi=dpi, size_px=(int(w / 72 * dpi), int(h / 72 * dpi)), paper=255.0, ink_fraction=0.0,
                    ink_contrast=0.0, text_components=0)


def _image_streams(images: list, cfg: Any, layouts: Callable[[], dict]) -> tuple[dict, Text | None]:
    """The raw streams of the page's scan-sized images by object id, or why the page cannot be read: an image
    claiming more pixels than the profile allows is refused undecoded, a stream emptied or cut short shows a grey
    or black band, no scan to measure, and a flate bomb is refused (docprep.documents.pdfstreams, which judges
    lengths by the images' `layouts`, read from the structure only when a stream's length needs them)."""
    raws, known = {}, None
    min_side = int(cfg.resolution.min_image_side)
    for obj, placed in images:
        w, h = placed.pixels
        if w * h > cfg.max_image_pixels:  # a decompression bomb would exhaust memory
            return raws, Text(f"页面图像声称有 {w}×{h} 像素，超过上限 {cfg.max_image_pixels:,}（疑似“解压炸弹”），未解码",
                              f"a page image claims {w}×{h} pixels, over the limit of {cfg.max_image_pixels:,} "
                              "(a decompression bomb?); it was not decoded")
        if min(placed.pixels) < min_side:
            continue
        raws[id(obj)] = raw = bytes(obj.get_data(decode_simple=False))
        if known is None and placed.filters in ((), ("FlateDecode",)):
            known = layouts()
        failure = stream_damage(raw, placed.filters, placed.pixels, (known or {}).get(placed.pixels))
        if failure is not None:
            return raws, failure
    return raws, None


def _decodable_jpegs(images: list, raws: dict) -> None:
    """Raises _Damaged for a scan-sized JPEG on the page that does not decode (docprep.documents.pdfstreams)."""
    for obj, placed in images:
        if placed.filters == ("DCTDecode",) and id(obj) in raws:
            failure = jpeg_failure(raws[id(obj)])
            if failure is not None:
                raise _Damaged(failure)


def _shows_the_page(largest: tuple | None, result: PdfPage, other_visible: bool, full_page: float) -> bool:
    """One upright image in plain colours, alone on the page and covering at least `full_page` of it, is the page:
    its own pixels are measured (its edges are the page's edges), without rendering."""
    if largest is None or other_visible or result.image_count != 1:
        return False
    obj, placed = largest
    return placed.coverage >= full_page and placed.axis_aligned and _plain_colours(obj)


class _Damaged(Exception):
    """A page image that cannot show its picture (it decodes to zeros, or its decoder refuses it): `reason` says
    why, for pdf.unreadable."""

    def __init__(self, reason: Text):
        super().__init__(reason.en)
        self.reason = reason


# What real damage makes reading a page raise: PDFium's errors (it parses and decodes the page), and an image that
# cannot show its picture. Anything else is docprep's bug.
PAGE_DAMAGE = (pdfium.PdfiumError, _Damaged)
DETAIL_CHARS = 160  # of an exception's text in a finding (the rest is in the log)


def _reason_text(zh: str, en: str, exc: Exception) -> Text:
    if isinstance(exc, _Damaged):
        return exc.reason
    detail = str(exc).strip() or type(exc).__name__
    return Text(f"{zh}（{detail}）", f"{en} ({detail})")


def _short_text(exc: OcrUnavailable) -> Text:
    """What the OCR runtime said, shortened for a finding (the traceback goes to the log)."""
    detail = " ".join(str(exc).split())
    if len(detail) > DETAIL_CHARS:
        detail = detail[:DETAIL_CHARS - 1] + "…"
    return Text(detail, detail)


# --- page geometry ----------------------------------------------------------------------------------------------

def _matrix(obj) -> np.ndarray:
    """The object's full transform to page space (3×3, PDF row-vector convention), through enclosing forms."""
    total = np.eye(3)
    current = obj
    while current is not None:
        a, b, c, d, e, f = current.get_matrix().get()
        total = total @ np.array([[a, b, 0.0], [c, d, 0.0], [e, f, 1.0]])
        current = current.container
    return total


def _to_display(result: PdfPage, page_box: tuple[float, float, float, float], points: np.ndarray) -> np.ndarray:
    """Page-space points (N×2) to displayed coordinates: top-left origin, y down, /Rotate applied."""
    left, bottom, right, top = page_box
    x = points[:, 0] - left
    y = top - points[:, 1]
    w, h = right - left, top - bottom
    turn = result.rotate % 360
    if turn == 90:
        x, y = h - y, x
    elif turn == 180:
        x, y = w - x, h - y
    elif turn == 270:
        x, y = y, w - x
    return np.stack([x, y], axis=1)


def _image_axes(obj, result: PdfPage, page_box) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where the stored image's top-left, top-right and bottom-left corners show on the page (3×2, displayed
    points), and its u axis (along a pixel row) and v axis (down a column) as displayed vectors."""
    # corners of the stored image: top-left pixel is unit-square (0, 1); u runs right, v runs down
    corners = np.array([[0.0, 1.0, 1.0], [1.0, 1.0, 1.0], [0.0, 0.0, 1.0]]) @ _matrix(obj)
    shown = _to_display(result, page_box, corners[:, :2])
    return shown, shown[1] - shown[0], shown[2] - shown[0]


def _text_runs(textpage, result: PdfPage, page_box) -> list[TextLine]:
    """The text layer as runs of characters on one line (PDFium merges them), boxes in displayed points."""
    runs = []
    for index in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(index)
        text = textpage.get_text_bounded(left, bottom, right, top).strip()
        if text:
            corners = _to_display(result, page_box, np.array([[left, bottom], [right, top]], dtype=float))
            (x0, y0), (x1, y1) = corners.min(axis=0), corners.max(axis=0)
            runs.append(TextLine(text, Box.from_corners(float(x0), float(y0), float(x1), float(y1))))
    return runs


def _page_objects(page: pdfium.PdfPage, result: PdfPage) -> tuple[list, bool]:
    """The page's images with their placement, and whether anything else visible is drawn."""
    images, other_visible = [], False
    page_box = page.get_cropbox()
    page_area = max(result.size[0] * result.size[1], 1e-6)
    for obj in page.get_objects(max_depth=OBJECT_DEPTH):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            try:
                placed = _placed_image(obj, result, page_box, page_area)
            except pdfium.PdfiumError:
                continue
            images.append((obj, placed))
        elif obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT:
            if pdfium_c.FPDFTextObj_GetTextRenderMode(obj.raw) != pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE:
                other_visible = True  # visible text (an OCR layer is drawn invisible)
        elif obj.type in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_SHADING):
            other_visible = True
    return images, other_visible


def _placed_image(obj, result: PdfPage, page_box, page_area: float) -> PlacedImage:
    width, height = obj.get_px_size()
    shown, right, down = _image_axes(obj, result, page_box)
    len_u, len_v = float(np.hypot(*right)), float(np.hypot(*down))
    dpi_u = width / (len_u / 72) if len_u > 0 else 0.0
    dpi_v = height / (len_v / 72) if len_v > 0 else 0.0
    all_corners = np.vstack([shown, shown[1] + down])
    x0, y0 = all_corners.min(axis=0)
    x1, y1 = all_corners.max(axis=0)
    pw, ph = result.size
    cx0, cy0, cx1, cy1 = max(0.0, x0), max(0.0, y0), min(pw, x1), min(ph, y1)
    visible = max(0.0, cx1 - cx0) * max(0.0, cy1 - cy0)
    angle = math.degrees(math.atan2(right[1], right[0])) % 90
    aligned = min(angle, 90 - angle) < UPRIGHT_DEGREES and len_u > 0 and len_v > 0
    try:
        filters = tuple(obj.get_filters())
    except pdfium.PdfiumError:
        filters = ()
    return PlacedImage((width, height), round(min(dpi_u, dpi_v), 2), (round(dpi_u, 2), round(dpi_v, 2)),
                       (round(float(x0), 1), round(float(y0), 1), round(float(x1 - x0), 1), round(float(y1 - y0), 1)),
                       round(visible / page_area, 4), bool(aligned), filters)


def _quarter_turns_and_mirror(obj, result: PdfPage) -> tuple[int, bool]:
    """Clockwise quarter turns and a left-right mirror that show the stored image as it appears on the page."""
    _, right, down = _image_axes(obj, result, obj.page.get_cropbox())
    # direction of the stored image's u axis as displayed: 0 = right, 1 = down, 2 = left, 3 = up
    u_dir = int(round(math.degrees(math.atan2(right[1], right[0])) / 90)) % 4
    v_dir = int(round(math.degrees(math.atan2(down[1], down[0])) / 90)) % 4
    # after turning the image u_dir quarters clockwise, u points right and v points down unless mirrored
    mirrored = (v_dir - u_dir) % 4 == 3
    return u_dir, mirrored


# --- image decoding ---------------------------------------------------------------------------------------------

# Colour spaces whose decoded bitmap is the picture as shown. Stencil masks (no colour space: their bits say where
# a fill colour is painted), indexed, CMYK, separations and the rest are rendered instead.
_PLAIN_SPACES = {pdfium_c.FPDF_COLORSPACE_DEVICEGRAY, pdfium_c.FPDF_COLORSPACE_DEVICERGB,
                 pdfium_c.FPDF_COLORSPACE_CALGRAY, pdfium_c.FPDF_COLORSPACE_CALRGB, pdfium_c.FPDF_COLORSPACE_ICCBASED}


def _plain_colours(obj) -> bool:
    try:
        return obj.get_metadata().colorspace in _PLAIN_SPACES
    except pdfium.PdfiumError:
        return False


def draft_request(size: tuple[int, int], target: tuple[int, int]) -> tuple[int, int]:
    """The size to ask JPEG draft mode for, so that it decodes at the smallest scale (1/2, 1/4, 1/8) whose pixels,
    ceil(size / scale), still cover `target`. Pillow picks the scale by floor division, size // asked: asked for
    the target itself, a 2339-pixel side (A4 at 200 dpi) wanted at 1170 would be decoded whole (2339 // 1170 = 1),
    though half of it, 1170, is exactly enough."""
    scale = 1
    while scale < 8 and all(-(-side // (2 * scale)) >= want for side, want in zip(size, target)):
        scale *= 2
    return (max(1, size[0] // scale), max(1, size[1] // scale))


def _decode_image(obj, raw: bytes, target: tuple[int, int], grey: bool) -> tuple[np.ndarray, bool]:
    """Stored pixels at or above `target` size, grey (2-D) with `grey`, else as stored (grey 2-D or RGB); and whether
    the image is stored without colour. JPEGs decode at reduced scale through Pillow's draft mode (no full-size
    decode), and grey straight from their luma (colour is neither decoded nor converted); other codecs (JBIG2,
    CCITT, Flate, JPEG 2000) through PDFium."""
    filters = [f for f in obj.get_filters() if f not in pdfium.PdfImage.SIMPLE_FILTERS]
    if filters == ["DCTDecode"]:
        data = bytes(obj.get_data(decode_simple=True))
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.mode in ("L", "RGB"):
                    stored_gray = image.mode == "L"
                    image.draft("L" if grey else image.mode, draft_request(image.size, target))
                    image.load()  # a truncated or corrupt JPEG raises here: that is a page that cannot be read
                    return np.asarray(image), stored_gray
        except DECODE_ERRORS as exc:
            reason = decoder_reason(exc)
            raise _Damaged(Text(f"页面图像（JPEG）无法解码（{reason}）", f"the page image (JPEG) cannot be decoded ({reason})")
                           ) from exc
    bitmap = obj.get_bitmap(render=False)  # PDFium owns its memory and frees it with the object
    array = np.array(bitmap.to_numpy())
    if array.ndim == 2:
        return array, True
    colours = array[..., :3]
    if grey:
        return cv2.cvtColor(colours, cv2.COLOR_RGB2GRAY if bitmap.rev_byteorder else cv2.COLOR_BGR2GRAY), False
    return (np.ascontiguousarray(colours) if bitmap.rev_byteorder else cv2.cvtColor(colours, cv2.COLOR_BGR2RGB)), False
