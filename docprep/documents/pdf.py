"""Loading a PDF once for every check: structure from pypdf, pages and pixels from PDFium, each checked against
the other, because one parser's silence proves nothing (some truncated files open in one reader with zero pages
and no error; an image stream of zeros parses everywhere and shows as a grey or white band).

`load_pdf` parses the bytes and raises LoadFailure for files that cannot be checked further (pdf.not-pdf,
pdf.unreadable, pdf.encrypted, pdf.empty). Pages are measured lazily, one at a time, the first time a check asks:
the page's largest image is decoded (JPEG at reduced scale straight from its stream, other codecs through PDFium),
turned as it is placed on the page and scaled to the analysis resolution; a page that is not one scanned image is
rendered by PDFium instead. Only the measurements (`PageScan`) are kept, so a 400-page file holds one page of
pixels at a time. Every parser exception becomes a finding; none escapes as a traceback.

Coordinates: boxes are (x, y, width, height) in PDF points, origin at the top-left corner of the page as displayed
(after /Rotate), y growing downwards — the way a reader sees the page.
"""
from __future__ import annotations

import hashlib
import io
import logging
import math
import re
import warnings
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Iterator

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from ..analysis.marks import MarkSettings, PageMarks, TextLine, find_marks
from ..analysis.pagescan import PageScan, ScanSettings, is_blank, is_grey, measure_page
from ..i18n import Text
from ..model import LoadFailure, Problem
from .sniff import sniff

log = logging.getLogger(__name__)

MIN_IMAGE_SIDE = 8  # images smaller than this (1×1 placeholders, spacers) are not scans
FULL_PAGE = 0.9  # an image covering this share of the page is the page: it is analysed without rendering
MAX_RENDER_SIDE = 4000  # pixels; huge page boxes are rendered at a lower resolution rather than exhausting memory
ZERO_CHECK_BYTES = 1 << 20  # a zeroed stream is recognised from its first MiB


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
    source: str = "none"  # how the pixels were got: image | render | none (nothing drawn on the page)
    scan: PageScan | None = None
    failure: Text | None = None  # the page's pixels could not be read (pdf.unreadable)
    marks: PageMarks | None = None  # verification marks, measured on copies only (docprep.marks)
    _origin: tuple[float, float] = (0.0, 0.0)  # page points of analysis pixel (0, 0)
    _scale: tuple[float, float] = (1.0, 1.0)  # page points per analysis pixel

    def to_points(self, box_px: tuple[int, int, int, int]) -> tuple[float, float, float, float]:
        """An analysis-pixel box as displayed page points."""
        x, y, w, h = box_px
        (ox, oy), (sx, sy) = self._origin, self._scale
        return (round(ox + x * sx, 1), round(oy + y * sy, 1), round(w * sx, 1), round(h * sy, 1))

    @property
    def is_scan(self) -> bool:
        return self.image is not None


@dataclass
class PdfDocument:
    name: str
    size_bytes: int
    page_count: int
    version: str | None
    active_content: list[Text] = field(default_factory=list)
    damage: list[Text] = field(default_factory=list)  # the file is broken, though parts of it can be read
    owner_password_only: bool = False
    analysed_pages: int = 0
    settings: SimpleNamespace | None = None
    kind: str = "unknown"  # the attachment kind (docprep.kinds), for messages
    marks_needed: str = "none"  # verification marks on a copy: "every-page", "once" or "none"
    mark_settings: MarkSettings | None = None
    _marks_complete: bool = False  # "once": a page already carries seal, words and date; later pages are not read
    _pdf: pdfium.PdfDocument | None = None
    _pages: dict = field(default_factory=dict)
    _decoded: dict = field(default_factory=dict)  # raw-stream hash and size -> scaled pixels (repeated images)

    def pages(self) -> Iterator[PdfPage]:
        """The analysed pages, measured on first use and cached (measurements only, not pixels)."""
        for index in range(self.analysed_pages):
            if index not in self._pages:
                self._pages[index] = self._load_page(index)
            yield self._pages[index]

    def render(self, number: int, dpi: float) -> np.ndarray:
        """Page `number` (1-based) as displayed, RGB at `dpi` (for pictures of what was found, not for checks)."""
        page = self._pdf[number - 1]
        try:
            w, h = page.get_size()
            dpi = min(dpi, MAX_RENDER_SIDE / max(w / 72, h / 72, 1e-6))
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
            pixels = np.array(bitmap.to_numpy()[..., :3])
            del bitmap
            return pixels
        finally:
            page.close()

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None
        self._decoded.clear()

    def __enter__(self) -> "PdfDocument":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- one page -------------------------------------------------------------------------------------------

    def _load_page(self, index: int) -> PdfPage:
        try:
            page = self._pdf[index]
        except Exception as exc:  # PDFium refuses the page object itself
            return PdfPage(index + 1, (0.0, 0.0), 0, failure=_reason_text("页面对象无法读取", "the page object cannot be read",
                                                                          exc))
        try:
            width, height = page.get_size()
            result = PdfPage(index + 1, (round(width, 2), round(height, 2)), int(page.get_rotation()))
            try:
                self._read_page(page, result)
            except Exception as exc:  # every parser or decoder failure is a finding, not a traceback
                log.debug("page %d: %s", index + 1, exc, exc_info=True)
                result.failure = _reason_text("页面内容无法解码", "the page's content cannot be decoded", exc)
                result.scan = None
            return result
        finally:
            page.close()

    def _read_page(self, page: pdfium.PdfPage, result: PdfPage) -> None:
        cfg = self.settings
        text_runs: list[TextLine] = []  # the text layer's runs, in displayed page points
        try:
            textpage = page.get_textpage()
            try:
                result.text_chars = max(0, textpage.count_chars())
                if result.text_chars and self._wants_marks():
                    text_runs = _text_runs(textpage, result, page.get_cropbox())
            finally:
                textpage.close()
        except pdfium.PdfiumError:  # a broken text layer does not make the page unreadable
            result.text_chars = 0
        images, other_visible = _page_objects(page, result)
        candidates = [i for i in images if min(i[1].pixels) >= MIN_IMAGE_SIDE]
        result.image_count = len(candidates)
        largest = max(candidates, key=lambda i: i[1].box[2] * i[1].box[3], default=None)
        if largest is not None:
            result.image = largest[1]
        target_dpi = float(cfg.analysis_dpi)
        settings = ScanSettings.from_profile(cfg)
        if not images and not other_visible:
            # nothing is drawn: blank without rendering (fast on long files of empty pages)
            result.source = "none"
            w, h = result.size
            result.scan = PageScan(dpi=target_dpi, size_px=(int(w / 72 * target_dpi), int(h / 72 * target_dpi)),
                                   paper=255.0, ink_fraction=0.0, ink_contrast=0.0, text_components=0)
            return
        raws = {}
        for obj, placed in images:
            w, h = placed.pixels
            if w * h > cfg.max_image_pixels:  # refused undecoded: a decompression bomb would exhaust memory
                result.failure = Text(f"页面图像声称有 {w}×{h} 像素，超过上限 {cfg.max_image_pixels:,}（疑似“解压炸弹”），未解码",
                                      f"a page image claims {w}×{h} pixels, over the limit of {cfg.max_image_pixels:,} "
                                      "(a decompression bomb?); it was not decoded")
                return
            if min(placed.pixels) < MIN_IMAGE_SIDE:
                continue
            raws[id(obj)] = raw = bytes(obj.get_data(decode_simple=False))
            failure = _zeroed(raw, placed)
            if failure is not None:
                result.failure = failure
                return
        scan_like = largest is not None and largest[1].coverage >= float(cfg.resolution.min_image_coverage)
        if (largest is not None and largest[1].coverage >= FULL_PAGE and largest[1].axis_aligned
                and not other_visible and len(candidates) == 1 and _plain_colours(largest[0])):
            obj, placed = largest
            dpi = min(target_dpi, placed.dpi)
            pixels = self._image_pixels(obj, raws[id(obj)], placed, dpi, result)
            result.source = "image"
            x, y, w, h = placed.box
            result._origin = (x, y)
            result._scale = (w / pixels.shape[1], h / pixels.shape[0])
        else:
            dpi = target_dpi
            if scan_like:
                dpi = max(36.0, min(dpi, largest[1].dpi))
            w, h = result.size
            dpi = min(dpi, MAX_RENDER_SIDE / max(w / 72, h / 72, 1e-6))
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
            pixels = np.array(bitmap.to_numpy()[..., :3])  # copied: the bitmap's memory belongs to PDFium
            del bitmap
            result.source = "render"
            result._scale = (w / pixels.shape[1], h / pixels.shape[0])
        if pixels.ndim == 2:
            gray, rgb, stored_gray = pixels, None, True
        else:
            gray, rgb, stored_gray = cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY), pixels, False
        if not scan_like:
            stored_gray = None  # not a scan: no verdict on its colour
        result.scan = measure_page(gray, dpi, settings, rgb=rgb, stored_gray=stored_gray)
        if self._wants_marks() and not is_blank(result.scan, cfg):
            self._find_marks(result, gray if rgb is None else rgb, dpi, text_runs)

    def _wants_marks(self) -> bool:
        return self.marks_needed != "none" and not self._marks_complete

    def _find_marks(self, result: PdfPage, pixels: np.ndarray, dpi: float, text_runs: list[TextLine]) -> None:
        """The verification marks on a page of a copy, from the pixels already decoded for measuring it."""
        rgb = pixels if pixels.ndim == 3 else cv2.cvtColor(pixels, cv2.COLOR_GRAY2RGB)
        (ox, oy), (sx, sy) = result._origin, result._scale
        words = [TextLine(run.text, (int((run.box[0] - ox) / sx), int((run.box[1] - oy) / sy),
                                     int(math.ceil((run.box[2] - ox) / sx)), int(math.ceil((run.box[3] - oy) / sy))))
                 for run in text_runs]
        try:
            result.marks = find_marks(rgb, dpi, self.mark_settings, result.to_points, words,
                                      seal_visible=not is_grey(result.scan, self.settings),
                                      upright=result.scan.turn in (0, None) and not result.scan.sideways)
        except Exception as exc:  # the OCR runtime failing is not the PDF's fault: say so, judge no marks here
            log.warning("%s, page %d: the verification marks could not be looked for (%s); the page is not judged "
                        "for them", self.name, result.number, exc)
            return
        m = result.marks
        if self.marks_needed == "once" and m.seals and m.words and m.date:
            self._marks_complete = True

    def _image_pixels(self, obj, raw: bytes, placed: PlacedImage, dpi: float, result: PdfPage) -> np.ndarray:
        """The page's one image as displayed, at `dpi`: decoded once (also across pages that repeat it)."""
        stored_w, stored_h = placed.pixels
        turns, mirror = _placement(obj, result)
        # target size of the stored image so that, once turned, it shows at `dpi` on the page
        along_u = placed.dpi_xy[0]
        along_v = placed.dpi_xy[1]
        out_w = max(1, round(stored_w * dpi / along_u))
        out_h = max(1, round(stored_h * dpi / along_v))
        key = (hashlib.blake2b(raw, digest_size=16).digest(), out_w, out_h)
        scaled = self._decoded.get(key)
        if scaled is None:
            stored = _decode_image(obj, raw, (out_w, out_h))
            if stored.size and int(stored.max()) == 0:
                raise _ZeroImage()
            if stored.shape[1] != out_w or stored.shape[0] != out_h:
                scaled = cv2.resize(stored, (out_w, out_h), interpolation=cv2.INTER_AREA)
            else:
                scaled = stored
            if len(self._decoded) >= 4:
                self._decoded.pop(next(iter(self._decoded)))
            self._decoded[key] = scaled
        shown = np.rot90(scaled, -turns) if turns else scaled
        if mirror:
            shown = shown[:, ::-1]
        return np.ascontiguousarray(shown)


class _ZeroImage(Exception):
    """An image whose decoded pixels are all zero: an emptied stream, not a scan."""


def _reason_text(zh: str, en: str, exc: Exception) -> Text:
    if isinstance(exc, _ZeroImage):
        return Text("页面图像解码后全为 0（图像数据被清空），显示为一片灰色或黑色", "the page image decodes to nothing but "
                    "zeros (its data was blanked out) and shows as a grey or black area")
    detail = str(exc).strip() or type(exc).__name__
    return Text(f"{zh}（{detail}）", f"{en} ({detail})")


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


def _text_runs(textpage, result: PdfPage, page_box) -> list[TextLine]:
    """The text layer as runs of characters on one line (PDFium merges them), boxes in displayed points
    (x0, y0, x1, y1)."""
    runs = []
    for index in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(index)
        text = textpage.get_text_bounded(left, bottom, right, top).strip()
        if text:
            corners = _to_display(result, page_box, np.array([[left, bottom], [right, top]], dtype=float))
            (x0, y0), (x1, y1) = corners.min(axis=0), corners.max(axis=0)
            runs.append(TextLine(text, (float(x0), float(y0), float(x1), float(y1))))
    return runs


def _page_objects(page: pdfium.PdfPage, result: PdfPage) -> tuple[list, bool]:
    """The page's images with their placement, and whether anything else visible is drawn."""
    images, other_visible = [], False
    page_box = page.get_cropbox()
    page_area = max(result.size[0] * result.size[1], 1e-6)
    for obj in page.get_objects(max_depth=4):
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
    m = _matrix(obj)
    # corners of the stored image: top-left pixel is unit-square (0, 1); u runs right, v runs down
    corners = np.array([[0.0, 1.0, 1.0], [1.0, 1.0, 1.0], [0.0, 0.0, 1.0]]) @ m
    shown = _to_display(result, page_box, corners[:, :2])
    right, down = shown[1] - shown[0], shown[2] - shown[0]
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
    aligned = min(angle, 90 - angle) < 0.05 and len_u > 0 and len_v > 0
    try:
        filters = tuple(obj.get_filters())
    except pdfium.PdfiumError:
        filters = ()
    return PlacedImage((width, height), round(min(dpi_u, dpi_v), 2), (round(dpi_u, 2), round(dpi_v, 2)),
                       (round(float(x0), 1), round(float(y0), 1), round(float(x1 - x0), 1), round(float(y1 - y0), 1)),
                       round(visible / page_area, 4), bool(aligned), filters)


def _placement(obj, result: PdfPage) -> tuple[int, bool]:
    """Clockwise quarter turns and a left-right mirror that show the stored image as it appears on the page."""
    page_box = obj.page.get_cropbox()
    corners = np.array([[0.0, 1.0, 1.0], [1.0, 1.0, 1.0], [0.0, 0.0, 1.0]]) @ _matrix(obj)
    shown = _to_display(result, page_box, corners[:, :2])
    right, down = shown[1] - shown[0], shown[2] - shown[0]
    # direction of the stored image's u axis as displayed: 0 = right, 1 = down, 2 = left, 3 = up
    u_dir = int(round(math.degrees(math.atan2(right[1], right[0])) / 90)) % 4
    v_dir = int(round(math.degrees(math.atan2(down[1], down[0])) / 90)) % 4
    # after turning the image u_dir quarters clockwise, u points right and v points down unless mirrored
    mirrored = (v_dir - u_dir) % 4 == 3
    return u_dir, mirrored


# Colour spaces whose decoded bitmap is the picture as shown. Stencil masks (no colour space: their bits say where
# a fill colour is painted), indexed, CMYK, separations and the rest are rendered instead.
_PLAIN_SPACES = {pdfium_c.FPDF_COLORSPACE_DEVICEGRAY, pdfium_c.FPDF_COLORSPACE_DEVICERGB,
                 pdfium_c.FPDF_COLORSPACE_CALGRAY, pdfium_c.FPDF_COLORSPACE_CALRGB, pdfium_c.FPDF_COLORSPACE_ICCBASED}


def _plain_colours(obj) -> bool:
    try:
        return obj.get_metadata().colorspace in _PLAIN_SPACES
    except pdfium.PdfiumError:
        return False


def _zeroed(raw: bytes, placed: PlacedImage) -> Text | None:
    """An image stream that is empty or nothing but zero bytes (blanked out in transfer or by a broken tool)."""
    if not raw:
        return Text("页面图像没有数据（图像流为空）", "a page image has no data (its stream is empty)")
    head = raw[:ZERO_CHECK_BYTES]
    if not head.strip(b"\x00"):
        return Text(f"页面图像（{placed.pixels[0]}×{placed.pixels[1]} 像素）的数据全是 0 字节，已被清空，阅读器里显示为一片灰色或空白",
                    f"a page image ({placed.pixels[0]}×{placed.pixels[1]} px) holds nothing but zero bytes: its data "
                    "was blanked out, and readers show a grey or empty band")
    return None


def _decode_image(obj, raw: bytes, target: tuple[int, int]) -> np.ndarray:
    """Stored pixels (grey 2-D or RGB), at or above `target` size. JPEGs decode at reduced scale through Pillow's
    draft mode (no full-size decode); other codecs (JBIG2, CCITT, Flate, JPEG 2000) through PDFium."""
    filters = [f for f in obj.get_filters() if f not in pdfium.PdfImage.SIMPLE_FILTERS]
    if filters == ["DCTDecode"]:
        data = bytes(obj.get_data(decode_simple=True))
        with Image.open(io.BytesIO(data)) as image:
            if image.mode in ("L", "RGB"):
                image.draft(image.mode, target)
                image.load()  # a truncated or corrupt JPEG raises here: that is a page that cannot be read
                return np.asarray(image)
    bitmap = obj.get_bitmap(render=False)  # PDFium owns its memory and frees it with the object
    array = np.array(bitmap.to_numpy())
    if array.ndim == 2:
        return array
    bgr = array[..., :3]
    return np.ascontiguousarray(bgr) if bitmap.rev_byteorder else cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


# --- the whole file ---------------------------------------------------------------------------------------------

def _fail(rule: str, zh: str, en: str, **extra) -> LoadFailure:
    return LoadFailure(rule, Problem(Text(zh, en), **extra))


def _empty() -> LoadFailure:
    return _fail("pdf.empty", "PDF 里没有任何页面。请重新扫描或导出，确认文件里有内容。",
                 "The PDF has no pages. Scan or export it again and check that it has content.",
                 measured=0, expected=">= 1 page")


class _Captured(logging.Handler):
    """pypdf reports repairs through logging; they are collected, not printed."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _open_pypdf(data: bytes):
    """(reader or None, page count or None, needs a password, error text or None, repair messages)."""
    import pypdf

    logger = logging.getLogger("pypdf")
    handler, propagate = _Captured(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
                needs_password = False
                if reader.is_encrypted:
                    try:
                        needs_password = reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED
                    except Exception:  # unsupported or broken encryption dictionary
                        needs_password = True
                if needs_password:
                    return reader, None, True, None, handler.messages
                return reader, len(reader.pages), False, None, handler.messages
            except Exception as exc:
                return None, None, False, f"{type(exc).__name__}: {exc}", handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _open_pdfium(data: bytes):
    """(document or None, page count or None, needs a password, error text or None)."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = re.search(r"\(PDFium: (.*?)\)", str(exc))
        return None, None, exc.err_code == pdfium_c.FPDF_ERR_PASSWORD, reason.group(1) if reason else str(exc)
    except Exception as exc:
        return None, None, False, f"{type(exc).__name__}: {exc}"
    try:
        return pdf, len(pdf), False, None
    except Exception as exc:
        pdf.close()
        return None, None, False, f"{type(exc).__name__}: {exc}"


def _ends_properly(data: bytes) -> bool:
    """A complete PDF ends with %%EOF (trailing whitespace, NULs or a little junk allowed)."""
    return b"%%EOF" in data[-2048:].rstrip(b"\x00\r\n\t \x0c")[-1100:]


_ACTION_KINDS = {"/JavaScript": ("JavaScript 脚本", "JavaScript"), "/Launch": ("启动外部程序的动作", "a launch action"),
                 "/ImportData": ("导入数据的动作", "an import-data action"),
                 "/GoToE": ("跳转到嵌入文件的动作", "a go-to-embedded-file action")}


def _actions(action, where: tuple[str, str], found: list[Text], depth: int = 0) -> None:
    """Dangerous kinds in an action dictionary and its /Next chain."""
    if depth > 8:
        return
    try:
        action = action.get_object()
    except Exception:
        return
    if isinstance(action, list):
        for item in action:
            _actions(item, where, found, depth + 1)
        return
    if not hasattr(action, "get"):
        return
    kind = action.get("/S")
    if kind in _ACTION_KINDS:
        zh, en = _ACTION_KINDS[kind]
        found.append(Text(f"{where[0]}中有{zh}", f"{en} in {where[1]}"))
    if "/Next" in action:
        _actions(action["/Next"], where, found, depth + 1)


def _additional_actions(holder, where: tuple[str, str], found: list[Text]) -> None:
    aa = holder.get("/AA")
    if aa is None:
        return
    try:
        for trigger in aa.get_object().values():
            _actions(trigger, where, found)
    except Exception:
        return


def _active_content(reader, pdf: pdfium.PdfDocument | None, data: bytes, page_limit: int) -> list[Text]:
    """JavaScript, launch actions and embedded files, from pypdf's structure walk and PDFium's counts (and, if
    pypdf failed, a plain search of the uncompressed bytes)."""
    found: list[Text] = []
    if reader is not None:
        try:
            root = reader.trailer["/Root"].get_object()
            names = root.get("/Names")
            names = names.get_object() if names is not None else {}
            if "/JavaScript" in names:
                found.append(Text("文档级 JavaScript 脚本（打开文件即运行）", "document-level JavaScript (runs on opening)"))
            if "/EmbeddedFiles" in names:
                found.append(Text("嵌入的附件文件", "embedded files"))
            if "/OpenAction" in root:
                _actions(root["/OpenAction"], ("打开文件时的动作", "the action run on opening"), found)
            _additional_actions(root, ("文档事件动作", "document event actions"), found)
            form = root.get("/AcroForm")
            if form is not None and "/XFA" in form.get_object():
                found.append(Text("XFA 动态表单（可含脚本）", "an XFA dynamic form (may run scripts)"))
            for number, page in enumerate(reader.pages[:page_limit], start=1):
                _additional_actions(page, (f"第 {number} 页的页面动作", f"page {number}'s actions"), found)
                for annot in page.get("/Annots") or []:
                    annot = annot.get_object()
                    where = (f"第 {number} 页的注释", f"an annotation on page {number}")
                    if annot.get("/Subtype") == "/FileAttachment":
                        found.append(Text(f"第 {number} 页附有文件", f"a file attached on page {number}"))
                    if "/A" in annot:
                        _actions(annot["/A"], where, found)
                    _additional_actions(annot, where, found)
        except Exception as exc:  # a broken structure: fall through to the other readers' evidence
            log.debug("active-content walk stopped: %s", exc)
    elif any(token in data for token in (b"/JavaScript", b"/Launch", b"/EmbeddedFile")):
        found.append(Text("文件中出现脚本、启动动作或嵌入文件的标记", "markers of scripts, launch actions or embedded files"))
    if pdf is not None:
        scripts = pdfium_c.FPDFDoc_GetJavaScriptActionCount(pdf.raw)
        files = pdfium_c.FPDFDoc_GetAttachmentCount(pdf.raw)
        if scripts > 0 and not any("JavaScript" in t.en for t in found):
            found.append(Text(f"{scripts} 段文档级 JavaScript 脚本", f"{scripts} document-level JavaScript action(s)"))
        if files > 0 and not any("embedded files" in t.en for t in found):
            found.append(Text(f"{files} 个嵌入的附件文件", f"{files} embedded file(s)"))
    unique: dict[str, Text] = {}
    for text in found:
        unique.setdefault(text.en, text)
    return list(unique.values())


def load_pdf(name: str, data: bytes, cfg: SimpleNamespace, marks: str = "none") -> PdfDocument:
    """Parse a PDF's bytes once with two readers and decide whether it can be checked. Pages are measured later,
    lazily (PdfDocument.pages()), with the verification marks where `marks` asks for them ("every-page" or
    "once": the document is a copy). The caller closes the document."""
    if not data:
        raise _fail("pdf.unreadable", "文件是空的（0 字节），没有任何内容。", "The file is empty (0 bytes).", measured=0)
    kind = sniff(data[:1024])
    if kind != "PDF":
        what = {"JPEG": "JPEG 图片", "PNG": "PNG 图片", "HTML": "网页（HTML）", "ZIP/Office": "Word/Excel 等 Office 文档或 ZIP",
                "Office (OLE)": "旧版 Office 文档（.doc/.xls）", "text": "纯文本"}.get(kind, kind or "无法识别的数据")
        what_en = {"HTML": "a web page (HTML)", "ZIP/Office": "an Office document or ZIP archive",
                   "Office (OLE)": "an old Office document (.doc/.xls)", "text": "plain text"}.get(
            kind, f"a {kind} image" if kind in ("JPEG", "PNG", "GIF", "BMP", "TIFF", "WEBP", "HEIF")
            else "unrecognised data")
        raise _fail("pdf.not-pdf", f"文件内容不是 PDF，而是{what}（只是扩展名为 .pdf）。请用扫描软件或“打印为 PDF”重新生成 PDF。",
                    f"The content is not a PDF but {what_en} (only the name says .pdf). Make a real PDF with the "
                    "scanner software or 'Print to PDF'.", measured=kind or "unknown", expected="PDF")
    reader, pypdf_pages, pypdf_password, pypdf_error, repairs = _open_pypdf(data)
    pdf, pdfium_pages, pdfium_password, pdfium_error = _open_pdfium(data)
    if pdfium_password and not (reader.is_encrypted if reader is not None else b"/Encrypt" in data):
        pdfium_password = False  # PDFium's error code is process-wide and can be stale from an earlier file
    if pypdf_password or pdfium_password:
        if pdf is not None:
            pdf.close()
        raise _fail("pdf.encrypted", "PDF 设置了打开密码，审核人员和平台都无法打开。请去掉密码后重新导出（或重新扫描）。",
                    "The PDF needs a password to open; neither the platform nor the reviewers can open it. Remove the "
                    "password and export it again (or scan again).", measured="user password", expected="none")
    if pdf is None and reader is not None and pypdf_pages == 0 and _ends_properly(data):
        raise _empty()  # PDFium refuses a document without pages; pypdf reads it whole and finds none
    if pdf is None:
        cut = not _ends_properly(data)
        raise _fail("pdf.unreadable",
                    "PDF 已损坏，无法打开" + ("：文件末尾缺少 %%EOF 结束标记，是在复制或下载时被截断的" if cut else "") +
                    f"（PDFium：{pdfium_error}；pypdf：{pypdf_error or f'{pypdf_pages} 页'}）。请从原件重新扫描或重新导出。",
                    "The PDF is damaged and cannot be opened" + (": it lacks the %%EOF end marker, so it was cut short "
                                                                  "while copying or downloading" if cut else "") +
                    f" (PDFium: {pdfium_error}; pypdf: {pypdf_error or f'{pypdf_pages} pages'}). Scan or export it "
                    "again from the original.", measured="truncated" if cut else "damaged", expected="a readable PDF")
    damage: list[Text] = []
    if not _ends_properly(data):
        damage.append(Text("文件末尾缺少 %%EOF 结束标记：文件被截断（复制或下载不完整），后面的页面可能丢失",
                           "the file does not end with the %%EOF marker: it was cut short (an incomplete copy or "
                           "download), and pages at the end may be missing"))
    if reader is None:
        damage.append(Text(f"文件结构损坏，pypdf 无法解析（{pypdf_error}）", f"the structure is broken: pypdf cannot parse "
                                                                      f"it ({pypdf_error})"))
    elif pypdf_pages != pdfium_pages:
        damage.append(Text(f"页面树损坏：两个解析器读到的页数不同（PDFium {pdfium_pages} 页，pypdf {pypdf_pages} 页）",
                           f"the page tree is broken: two readers count different pages (PDFium {pdfium_pages}, "
                           f"pypdf {pypdf_pages})"))
    if not pdfium_pages and not pypdf_pages:
        pdf.close()
        if damage:  # a damaged file that shows no pages has lost them; it is not an empty PDF
            raise _fail("pdf.unreadable", f"PDF 已损坏，读不到任何页面（{damage[0].zh}）。请重新扫描或导出。",
                        f"The PDF is damaged and shows no pages ({damage[0].en}). Scan or export it again.",
                        measured=0, expected=">= 1 page")
        raise _empty()
    if not pdfium_pages:
        pdf.close()
        raise _fail("pdf.unreadable", f"PDF 页面无法读取：pypdf 读到 {pypdf_pages} 页，PDFium 读到 0 页（文件损坏）。请重新生成。",
                    f"The PDF's pages cannot be read: pypdf counts {pypdf_pages}, PDFium none (the file is damaged). "
                    "Make it again.", measured=0, expected=pypdf_pages)
    limit = int(cfg.max_analysed_pages)
    version = None
    try:
        version = reader.pdf_header[5:] if reader is not None else None
    except Exception:
        version = None
    owner_only = bool(reader is not None and reader.is_encrypted)
    document = PdfDocument(name=name, size_bytes=len(data), page_count=pdfium_pages, version=version,
                           damage=damage, owner_password_only=owner_only, analysed_pages=min(pdfium_pages, limit),
                           settings=cfg, marks_needed=marks,
                           mark_settings=MarkSettings.from_profile(cfg.marks) if marks != "none" else None, _pdf=pdf)
    document.active_content = _active_content(reader, pdf, data, limit)
    if repairs:
        log.debug("pypdf repaired %s: %s", name, "; ".join(repairs[:5]))
    return document
