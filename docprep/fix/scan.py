"""`docprep fix` for scans: photos of documents and scanner images (JPEG, PNG, TIFF with several pages, HEIC where
pillow-heif is installed) -> one PDF attachment that passes `docprep check`, or a refusal saying why it cannot.

Per page (every frame of a multi-page TIFF is a page):
- The EXIF orientation is applied, then the page is measured with the same code `check` uses (docprep.pagescan, at
  the profile's analysis resolution): it is turned upright (90/180/270) and straightened when it is tilted by at
  least [pdf.fix] deskew_degrees, within the page, which keeps its size (an A4 scan stays A4). The corners a
  straightening uncovers are filled with the colour of the page's own border (white on a white scan), not black, so
  they read as paper, not as ink.
- The page size comes from the image's resolution, so `check` sees the true dpi. An image that states none, or a
  resolution that would make a page longer than [pdf.fix] max_page_mm (phones write 72 dpi on 4000-pixel photos),
  is taken to show a sheet of [pdf.fix] paper_mm (A4's 297 mm) along its long side, and its resolution follows
  from its pixels: a 4000-pixel photo is ~340 dpi, a 1280-pixel picture forwarded through a chat app ~110 dpi
  (refused: too low), which a fixed default would have called 200. Pixels are never enlarged.
- A baseline JPEG whose pixels need no change is embedded as it is (DCTDecode): its coded image data is not
  decoded or re-encoded. Quarter turns go into the page's placement matrix; metadata segments are left out
  (EXIF with its GPS position, XMP, comments, data after the end of the image), so a clean JPEG (JFIF, no EXIF)
  is embedded byte for byte. Every other page is encoded as a JPEG at the profile's quality, colour kept as colour (seals
  are red) and grey as grey; one-bit scans stay one-bit (lossless Flate).
- With a size target (the smaller of [pdf.fix] max_bytes and [pdf] max_bytes that are set), a PDF over it is
  compressed: lower JPEG quality first, then fewer pixels, never below the profile's quality floor or [pdf.fix]
  min_dpi; each page keeps whichever of its original and re-encoded bytes is smaller. When even the floors do not
  fit, it is refused (pdf.file-size).

`images_to_pdf` is the pure conversion (bytes in, PDF bytes and per-page facts out). `fix_scans` reads the files,
converts, verifies the PDF with engine.check_pdf (any error left, e.g. pdf.low-resolution, which fixing
cannot mend, is a refusal: nothing is written; missing verification marks are HR's to add and are reported without
refusing) and writes it atomically. Inputs are never modified or overwritten.
"""
from __future__ import annotations

import hashlib
import io
import math
import os
import re
import warnings
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .. import __version__
from ..analysis.pagescan import ScanSettings, measure_page
from ..atomic import ensure_writable, write_atomic
from ..documents.images import to_8bit, to_srgb
from ..documents.sniff import IMAGE_EXTENSIONS, IMAGE_FORMATS, sniff
from ..engine.checkfile import check_pdf
from ..engine.verdicts import finding
from ..errors import UsageError
from ..i18n import Text
from ..model import FileReport, Finding, Problem, Severity
from ..paths import display_name, display_path, same_file
from ..profiles.loader import Profile
from ..rules import pdf_marks

try:  # HEIC/HEIF from phones, where the optional plugin is installed
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - optional
    pass

EXIF_ORIENTATION = 0x0112
# EXIF orientations that are pure clockwise quarter turns: they can go into the placement matrix of an embedded
# JPEG. The mirrored ones (2, 4, 5, 7) are applied to the pixels.
_EXIF_QUARTERS = {1: 0, 3: 2, 6: 1, 8: 3}
# JPEG segments kept in an embedded JPEG: JFIF (APP0), ICC profile (APP2, checked below), Adobe colour transform
# (APP14), and everything that codes the image. EXIF, XMP, MPF, Photoshop blocks and comments are left out.
_KEEP_APP = {0xE0, 0xEE}
_SCALE_STEP = 0.85  # compression scales pages down in steps of this factor
_QUALITY_STEP = 5


# --- results --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PageFacts:
    """What was done to one page."""

    source: str  # the input's name
    frame: int  # 1-based frame within the input (multi-page TIFF); 1 for single images
    size_px: tuple[int, int]  # pixels as shown on the page
    dpi: float
    dpi_source: str  # "image" (stated by the image) | "paper" (none believable: from [pdf.fix] paper_mm)
    exif_orientation: int
    turned: int  # clockwise degrees docprep turned the page to make it upright (after EXIF)
    deskewed: float  # degrees of tilt straightened (0.0: none)
    encoding: str  # "original" (the JPEG embedded without re-encoding) | "jpeg" | "bitonal" (Flate, 1 bit)
    quality: int | None  # JPEG quality of a re-encoded page
    image_bytes: int


@dataclass
class FixedScan:
    """One PDF made from the images, and what was done to each page."""

    data: bytes
    pages: list[PageFacts]
    limit: int = 0  # the size target applied (0: none)
    compressed: bool = False  # quality or resolution was lowered to meet the target


class ScanRefusal(Exception):
    """The images cannot become a passing PDF; `rule` and `problem` say why, `source` which input (None: the PDF)."""

    def __init__(self, rule: str, problem: Problem, source: str | None = None, pages: list[PageFacts] | None = None):
        super().__init__(rule, problem.message.en)
        self.rule, self.problem, self.source, self.pages = rule, problem, source, pages or []


def _refuse(rule: str, zh: str, en: str, measured=None, expected=None, source: str | None = None) -> ScanRefusal:
    return ScanRefusal(rule, Problem(Text(zh, en), measured, expected), source)


# --- reading the inputs ---------------------------------------------------------------------------------------

def _open(name: str, data: bytes, max_pixels: int) -> Image.Image:
    if not data:
        raise _refuse("file.unreadable", f"“{name}”是空文件（0 字节）。", f"'{name}' is empty (0 bytes).", 0,
                      "a decodable image", source=name)
    kind = sniff(data[:1024])
    if kind not in IMAGE_FORMATS:
        what = kind or "unknown"
        raise _refuse("file.unsupported", f"“{name}”不是图片（识别为：{what}）。只能把照片或扫描图像（JPG、PNG、TIFF、HEIC）合成 PDF。",
                      f"'{name}' is not an image (it looks like: {what}). Only photos and scanner images (JPG, PNG, "
                      "TIFF, HEIC) can be made into a PDF.", what, "an image", source=name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the profile's limit decides below
            image = Image.open(io.BytesIO(data))
            width, height = image.size
    except Image.DecompressionBombError:
        width = height = None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise _refuse("file.unreadable", f"“{name}”已损坏，无法解码（{exc}）。", f"'{name}' is damaged and cannot be "
                      f"decoded ({exc}).", str(exc), "a decodable image", source=name) from None
    if width is None or width * height > max_pixels:
        raise _refuse("file.unreadable", f"“{name}”的像素数超过上限 {max_pixels:,}（疑似“解压炸弹”），已拒绝解码。",
                      f"'{name}' has more pixels than the limit of {max_pixels:,} (a decompression bomb?); it was "
                      "not decoded.", [width, height] if width else "too many", f"<= {max_pixels} pixels",
                      source=name)
    return image


def _frames(image: Image.Image) -> int:
    return max(1, int(getattr(image, "n_frames", 1) or 1))


def jpeg_scan(data: bytes) -> tuple[bytes, bool] | None:
    """The JPEG with metadata segments left out, and whether it is baseline (SOF0, 8 bits, 1 or 3 components); None
    when its markers cannot be followed. The coded image data is copied unchanged."""
    if not data.startswith(b"\xff\xd8"):
        return None
    out, pos, baseline, n = bytearray(b"\xff\xd8"), 2, False, len(data)
    while pos + 4 <= n:
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        segment = data[pos:pos + 2 + length]
        if len(segment) < 2 + length or length < 2:
            return None
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # a start of frame
            baseline = marker == 0xC0 and segment[4] == 8 and segment[9] in (1, 3)
        if marker == 0xDA:  # start of scan: the coded data runs to EOI (0xFF bytes in it are stuffed or RSTn)
            end = pos + 2 + length
            while True:
                end = data.find(b"\xff", end)
                if end < 0 or end + 1 >= n:
                    return None
                following = data[end + 1]
                if following == 0xD9:
                    out += data[pos:end + 2]
                    return bytes(out), baseline
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    end += 2
                    continue
                return None  # another marker after the scan: a progressive or multi-scan JPEG
        keep = not (0xE0 <= marker <= 0xEF or marker == 0xFE) or marker in _KEEP_APP or (
            marker == 0xE2 and segment[4:16] == b"ICC_PROFILE\x00")
        if keep:
            out += segment
        pos += 2 + length
    return None


def _stated_dpi(image: Image.Image) -> tuple[float, float] | None:
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


def _normal_mode(image: Image.Image) -> Image.Image:
    """RGB (sRGB), L or 1; alpha goes onto white, 16-bit grey is scaled to 8 bits."""
    if image.mode == "1" or image.mode == "L":
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        return to_8bit(image)
    if image.mode == "LA":
        white = Image.new("L", image.size, 255)
        white.paste(image.getchannel("L"), mask=image.getchannel("A"))
        return white
    return to_srgb(image)


# --- one page -------------------------------------------------------------------------------------------------

@dataclass
class _Page:
    """A page ready to encode: facts, plus a way to make its upright pixels at a scale (decoded again each time,
    so a long document never holds more than one page of pixels)."""

    source: str
    frame: int
    dpi: float
    dpi_source: str
    exif: int
    turned: int
    deskewed: float
    kind: str  # rgb | gray | bitonal
    render: Callable[[float], Image.Image]
    original: bytes | None = None  # JPEG to embed unchanged
    original_quarters: int = 0  # clockwise quarter turns of the embedded original on the page
    original_size: tuple[int, int] = (0, 0)  # its stored pixels
    icc: bytes | None = None


def _prepare(name: str, data: bytes, image: Image.Image, frame: int, cfg, settings: ScanSettings) -> _Page:
    """Measure one frame and decide what to do with it."""
    fix = cfg.fix
    is_jpeg = image.format == "JPEG"
    stored = image.size
    exif = int(image.getexif().get(EXIF_ORIENTATION, 1) or 1) if frame == 0 else 1
    if exif not in range(1, 9):
        exif = 1
    quarter_exif = exif in (5, 6, 7, 8)
    shown = (stored[1], stored[0]) if quarter_exif else stored
    stated = _stated_dpi(image)
    if stated is not None and quarter_exif:
        stated = (stated[1], stated[0])
    size, dpi, dpi_source = shown, 0.0, "paper"
    if stated is not None:
        # one resolution for both axes: the lower; the other axis is scaled down to it (never up)
        dpi = min(stated)
        size = (max(1, round(shown[0] * dpi / stated[0])), max(1, round(shown[1] * dpi / stated[1])))
        dpi_source = "image"
        if max(size) / dpi > float(fix.max_page_mm) / 25.4:  # a page longer than that: not a scan's resolution
            size, dpi_source = shown, "paper"
    if dpi_source == "paper":
        dpi = max(size) / (float(fix.paper_mm) / 25.4)
    mode = image.mode
    kind = "bitonal" if mode == "1" else "gray" if mode in ("L", "LA", "I;16", "I;16B", "I;16L", "I") else "rgb"
    # what check measures: the upright page at the analysis resolution
    analysis_dpi = min(float(cfg.analysis_dpi), dpi)
    factor = analysis_dpi / dpi
    small = _pixels(name, data, frame, exif, size, factor, kind if kind != "bitonal" else "gray")
    rgb = np.asarray(small.convert("RGB"))
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    scan = measure_page(gray, analysis_dpi, settings)
    turn = scan.turn if scan.turn in (0, 90, 180, 270) else 0
    skew = 0.0
    if scan.skew is not None and not (scan.sideways and scan.turn is None):  # a sideways page of unknown way: left
        if abs(scan.skew) >= float(fix.deskew_degrees):
            skew = float(scan.skew)
    fill = _border_colour(rgb, kind)

    def render(scale: float) -> Image.Image:
        pixels = _pixels(name, data, frame, exif, size, scale, kind)
        if turn:
            pixels = pixels.transpose({90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180,
                                       270: Image.Transpose.ROTATE_90}[turn])
        if skew:
            pixels = _rotate(pixels, skew, fill)
        return pixels

    page = _Page(name, frame + 1, round(dpi, 2), dpi_source, exif, turn, round(skew, 2), kind, render)
    if is_jpeg and not skew and size == shown and exif in _EXIF_QUARTERS and image.mode in ("L", "RGB"):
        scanned = jpeg_scan(data)
        if scanned is not None and scanned[1]:
            page.original, page.original_size = scanned[0], stored
            page.original_quarters = (_EXIF_QUARTERS[exif] + turn // 90) % 4
            icc = image.info.get("icc_profile")  # kept as the page's colour space when it fits the JPEG's channels
            fits = icc and len(icc) > 128 and icc[16:20] == (b"GRAY" if page.kind == "gray" else b"RGB ")
            page.icc = icc if fits else None
    return page


def _pixels(name: str, data: bytes, frame: int, exif: int, size: tuple[int, int], scale: float, kind: str
            ) -> Image.Image:
    """The frame decoded, EXIF orientation applied, in its page mode, at `size` × `scale` (square pixels; rounded
    up, so a scaled page never measures under the resolution it was scaled to)."""
    target = size if scale == 1.0 else (max(1, math.ceil(size[0] * scale - 1e-9)),
                                        max(1, math.ceil(size[1] * scale - 1e-9)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if frame:
                image.seek(frame)
            if image.format == "JPEG" and scale < 1:
                want = (target[1], target[0]) if exif in (5, 6, 7, 8) else target
                image.draft(image.mode if image.mode in ("L", "RGB") else "RGB", want)  # decodes at 1/2, 1/4, 1/8
            image.load()
            if exif != 1:
                image = ImageOps.exif_transpose(image)
            if kind == "bitonal":
                image = image if image.mode == "1" else image.convert("1")
                if image.size != target:
                    grey = image.convert("L").resize(target, Image.LANCZOS)
                    image = grey.point(lambda v: 255 if v >= 128 else 0).convert("1")
                return image
            image = _normal_mode(image)
            if kind == "gray" and image.mode != "L":
                image = image.convert("L")
            if image.size != target:
                image = image.resize(target, Image.LANCZOS, reducing_gap=3.0)
            return image
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError) as exc:
        raise _refuse("file.unreadable", f"“{name}”的图像数据不完整或已损坏，无法解码（{exc}）。",
                      f"The image data of '{name}' is truncated or damaged and cannot be decoded ({exc}).", str(exc),
                      "a decodable image", source=name) from None


def _border_colour(rgb: np.ndarray, kind: str):
    """The median colour of the page's outer 2 %: what straightening fills the uncovered corners with."""
    h, w = rgb.shape[:2]
    band = max(1, round(min(h, w) * 0.02))
    ring = np.concatenate([rgb[:band].reshape(-1, 3), rgb[-band:].reshape(-1, 3), rgb[:, :band].reshape(-1, 3),
                           rgb[:, -band:].reshape(-1, 3)])
    colour = tuple(int(v) for v in np.median(ring, axis=0))
    if kind == "rgb":
        return colour
    level = int(round(0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2]))
    return 255 if kind == "bitonal" else level


def _rotate(image: Image.Image, degrees: float, fill) -> Image.Image:
    """Turned counter-clockwise by `degrees` (straightening a clockwise tilt) within its own canvas: the page keeps
    its size (an A4 scan stays A4; a grown canvas would be a larger, odd sheet), and what the tilt had pushed past
    the corners was already outside the scanned sheet."""
    if image.mode == "1":
        grey = image.convert("L").rotate(degrees, Image.BICUBIC, fillcolor=255)
        return grey.point(lambda v: 255 if v >= 128 else 0).convert("1")
    return image.rotate(degrees, Image.BICUBIC, fillcolor=fill)


# --- encoding and the PDF -------------------------------------------------------------------------------------

@dataclass
class _Placed:
    """One page image as written: its stream, how it is placed, and the facts that go with it."""

    data: bytes
    stored: tuple[int, int]
    space: str  # DeviceRGB | DeviceGray
    bits: int
    filter: str  # DCTDecode | FlateDecode
    quarters: int  # clockwise quarter turns of the stored image on the page
    dpi: float  # the page is sized so that its pixels have this resolution
    encoding: str
    quality: int | None
    icc: bytes | None = None

    @property
    def shown(self) -> tuple[int, int]:
        w, h = self.stored
        return (h, w) if self.quarters % 2 else (w, h)

    @property
    def page_pt(self) -> tuple[float, float]:
        w, h = self.shown
        return (w / self.dpi * 72, h / self.dpi * 72)


def _encode(page: _Page, pixels: Image.Image, quality: int, dpi: float) -> _Placed:
    if page.kind == "bitonal":
        return _Placed(zlib.compress(pixels.tobytes(), 9), pixels.size, "DeviceGray", 1, "FlateDecode", 0, dpi,
                       "bitonal", None)
    out = io.BytesIO()
    pixels.save(out, "JPEG", quality=quality, optimize=True, progressive=False)
    space = "DeviceGray" if pixels.mode == "L" else "DeviceRGB"
    return _Placed(out.getvalue(), pixels.size, space, 8, "DCTDecode", 0, dpi, "jpeg", quality)


def _original(page: _Page) -> _Placed:
    return _Placed(page.original, page.original_size, "DeviceGray" if page.kind == "gray" else "DeviceRGB", 8,
                   "DCTDecode", page.original_quarters, page.dpi, "original", None, page.icc)


def _num(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _placement(quarters: int, pw: float, ph: float) -> tuple[float, ...]:
    """The image matrix that shows the stored image turned `quarters` clockwise on a pw × ph page (points)."""
    return {0: (pw, 0, 0, ph, 0, 0), 1: (0, -ph, pw, 0, 0, ph), 2: (-pw, 0, 0, -ph, pw, ph),
            3: (0, ph, -pw, 0, pw, 0)}[quarters % 4]


def _write_pdf(images: list[_Placed]) -> bytes:
    """A minimal PDF: one image per page, page size from the image's pixels and resolution; streams written as
    given (a JPEG's bytes are not touched)."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"",
                            f"<< /Producer (docprep {__version__}) >>".encode()]
    kids = []
    for image in images:
        pw, ph = image.page_pt
        base = len(objects) + 1  # page, contents, image, [ICC profile]
        kids.append(f"{base} 0 R")
        space = f"/ColorSpace /{image.space}"
        extra = []
        if image.icc is not None:
            channels = 1 if image.space == "DeviceGray" else 3
            space = f"/ColorSpace [/ICCBased {base + 3} 0 R]"
            extra.append(_stream(f"/N {channels} /Alternate /{image.space}", image.icc))
        matrix = " ".join(_num(v) for v in _placement(image.quarters, pw, ph))
        content = f"q {matrix} cm /Im0 Do Q\n".encode()
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_num(pw)} {_num(ph)}] /Resources << "
                       f"/XObject << /Im0 {base + 2} 0 R >> >> /Contents {base + 1} 0 R >>".encode())
        objects.append(_stream("", content))
        objects.append(_stream(f"/Type /XObject /Subtype /Image /Width {image.stored[0]} /Height "
                               f"{image.stored[1]} {space} /BitsPerComponent {image.bits} /Filter /{image.filter}",
                               image.data))
        objects.extend(extra)
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(images)} >>".encode()
    return pdf_bytes(objects, "/Root 1 0 R /Info 3 0 R", file_id=True)


def pdf_bytes(objects: list[bytes], trailer: str, file_id: bool = False) -> bytes:
    """Objects (index i holds the body of object i+1) serialised with a correct cross-reference table and the
    given trailer entries; `file_id` adds an /ID derived from the content, so equal inputs give equal files."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    if file_id:
        digest = hashlib.blake2b(bytes(out), digest_size=16).hexdigest()
        trailer += f" /ID [<{digest}> <{digest}>]"
    out += f"trailer\n<< /Size {len(objects) + 1} {trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _stream(entries: str, data: bytes) -> bytes:
    return f"<< {entries} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def _facts(page: _Page, placed: _Placed) -> PageFacts:
    return PageFacts(page.source, page.frame, placed.shown, round(placed.dpi, 2), page.dpi_source, page.exif,
                     page.turned, page.deskewed, placed.encoding, placed.quality, len(placed.data))


# --- the whole document ---------------------------------------------------------------------------------------

def size_target(profile: Profile) -> int:
    """The size the made PDF must fit: the smaller of [pdf.fix] max_bytes and [pdf] max_bytes that are set."""
    cfg = profile.section("pdf")
    limits = [int(v) for v in (getattr(cfg.fix, "max_bytes", 0), getattr(cfg, "max_bytes", 0)) if v]
    return min(limits) if limits else 0


def images_to_pdf(images: list[tuple[str, bytes]], profile: Profile) -> FixedScan:
    """One PDF from the images in order (each frame of a multi-page TIFF a page). Raises ScanRefusal for an input
    that is no readable image, or a size target that cannot be met above the quality and resolution floors."""
    if not images:
        raise ValueError("images_to_pdf needs at least one image")
    cfg = profile.section("pdf")
    settings = ScanSettings.from_profile(cfg)
    pages: list[_Page] = []
    for name, data in images:
        image = _open(name, data, int(cfg.max_image_pixels))
        for frame in range(_frames(image)):
            try:
                if frame:
                    image.seek(frame)
                    w, h = image.size
                    if w * h > int(cfg.max_image_pixels):
                        raise _refuse("file.unreadable", f"“{name}”第 {frame + 1} 帧的像素数超过上限，已拒绝解码。",
                                      f"Frame {frame + 1} of '{name}' has more pixels than the limit; it was not "
                                      "decoded.", [w, h], f"<= {cfg.max_image_pixels} pixels", source=name)
                pages.append(_prepare(name, data, image, frame, cfg, settings))
            except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError) as exc:
                raise _refuse("file.unreadable", f"“{name}”的图像数据不完整或已损坏，无法解码（{exc}）。",
                              f"The image data of '{name}' is truncated or damaged ({exc}).", str(exc),
                              "a decodable image", source=name) from None
    low_q, high_q = (int(q) for q in cfg.fix.quality)
    placed = [_original(p) if p.original is not None else _encode(p, p.render(1.0), high_q, p.dpi) for p in pages]
    data = _write_pdf(placed)
    limit = size_target(profile)
    if not limit or len(data) <= limit:
        return FixedScan(data, [_facts(p, i) for p, i in zip(pages, placed)], limit)
    return _compress(pages, placed, data, limit, low_q, high_q, _dpi_floor(cfg))


def _dpi_floor(cfg) -> float:
    return max(float(cfg.fix.min_dpi), float(cfg.resolution.error_below_dpi))


def _compress(pages: list[_Page], before: list[_Placed], before_data: bytes, limit: int, low_q: int, high_q: int,
              floor: float) -> FixedScan:
    """Lower quality first, then fewer pixels (each page scaled by a common factor, none below `floor` dpi): the
    first that fits. Each page keeps whichever of its first version and the re-encoded one is smaller."""
    qualities = sorted(set(range(high_q, low_q - 1, -_QUALITY_STEP)) | {low_q}, reverse=True)
    smallest = len(before_data)
    scale = 1.0
    while True:
        scales = [1.0 if p.dpi <= floor else max(scale, floor / p.dpi) for p in pages]
        per_page: list[dict[int, _Placed]] = []
        for page, first, s in zip(pages, before, scales):
            if page.kind == "bitonal":  # lossless one-bit pages are as small as they get here
                per_page.append({q: first for q in qualities})
                continue
            pixels = page.render(s)
            options = {}
            for q in qualities:
                made = _encode(page, pixels, q, page.dpi * s)
                options[q] = first if s == 1.0 and len(first.data) <= len(made.data) else made
            per_page.append(options)
            del pixels
        for q in qualities:
            chosen = [options[q] for options in per_page]
            data = _write_pdf(chosen)
            smallest = min(smallest, len(data))
            if len(data) <= limit:
                return FixedScan(data, [_facts(p, i) for p, i in zip(pages, chosen)], limit, compressed=True)
        if all(s * p.dpi <= floor + 1e-6 or p.dpi <= floor for p, s in zip(pages, scales)):
            break
        scale *= _SCALE_STEP
    facts = [_facts(p, i) for p, i in zip(pages, before)]
    refusal = _refuse(
        "pdf.file-size",
        f"即使把 JPEG 质量降到 {low_q}、分辨率降到 {floor:g} dpi，PDF 仍有 {smallest:,} 字节，超过上限 {limit:,} 字节"
        "（再压缩印章和小字会看不清）。请把材料拆分成多个附件，或减少页数。",
        f"Even at JPEG quality {low_q} and {floor:g} dpi the PDF has {smallest:,} bytes, over the limit of {limit:,} "
        "(compressing further would blur seals and small print). Split it into several attachments or use fewer "
        "pages.", smallest, limit)
    refusal.pages = facts
    raise refusal


# --- files ----------------------------------------------------------------------------------------------------

@dataclass
class ScanFixResult:
    sources: list[str]
    output: str
    written: bool
    report: FileReport  # findings on the PDF made (or the refusal)
    pages: list[PageFacts] = field(default_factory=list)
    size_bytes: int | None = None
    limit: int = 0
    compressed: bool = False
    data: bytes | None = None  # the PDF, when it was asked for rather than written (fix_scans(write=False))

    def summary(self, lang: str) -> str:
        zh = lang == "zh"
        if self.written or self.data is not None:
            head = (f"已生成 {self.output}：{len(self.pages)} 页，{self.size_bytes:,} 字节" if zh else
                    f"Wrote {self.output}: {len(self.pages)} page(s), {self.size_bytes:,} bytes")
            if self.compressed:
                head += f"（已压缩到 {self.limit:,} 字节以内）" if zh else f" (compressed to fit {self.limit:,})"
        else:
            head = f"未生成：{self.output}（原因见下）" if zh else f"Not written: {self.output} (reasons below)"
        return "\n".join([head] + [_page_line(n, p, zh) for n, p in enumerate(self.pages, start=1)])


def _page_line(number: int, p: PageFacts, zh: bool) -> str:
    where = p.source + (f" #{p.frame}" if p.frame > 1 else "")
    done = []
    if p.turned:
        way = {90: ("顺时针转 90°", "turned 90° clockwise"), 180: ("转 180°", "turned 180°"),
               270: ("逆时针转 90°", "turned 90° counter-clockwise")}[p.turned]
        done.append(way[0] if zh else way[1])
    if p.deskewed:
        done.append(f"纠偏 {abs(p.deskewed):.1f}°" if zh else f"straightened {abs(p.deskewed):.1f}°")
    if p.encoding == "original":
        done.append("原 JPEG 直接嵌入（未重新编码）" if zh else "JPEG embedded as it is (not re-encoded)")
    elif p.encoding == "jpeg":
        done.append(f"JPEG 质量 {p.quality}" if zh else f"JPEG quality {p.quality}")
    else:
        done.append("黑白无损" if zh else "one-bit, lossless")
    dpi = f"{p.dpi:g} dpi" + (("（图像未注明可信的分辨率，按纸张尺寸估算）" if zh else
                               " (the image states no believable resolution: estimated from the paper size)")
                              if p.dpi_source == "paper" else "")
    w, h = p.size_px
    return (f"  第 {number} 页 ← {where}：{w}×{h} 像素，{dpi}，{'，'.join(done)}" if zh else
            f"  page {number} <- {where}: {w}×{h} px, {dpi}, {', '.join(done)}")


def _natural(name: str):
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def scan_sources(paths: list[Path]) -> list[Path]:
    """The image files to make pages of, in order: files as given; a folder's images (not its subfolders) in
    natural name order (page2 before page10)."""
    files: list[Path] = []
    for path in paths:
        shown = display_path(path)
        if not os.path.lexists(path):
            raise UsageError(Text(f"找不到“{shown}”。", f"no such file or folder: {shown}"))
        if path.is_dir():
            found = sorted((p for p in path.iterdir() if p.is_file() and not p.is_symlink()
                            and not p.name.startswith((".", "~$"))
                            and p.suffix.lower().lstrip(".") in IMAGE_EXTENSIONS), key=lambda p: _natural(p.name))
            if not found:
                raise UsageError(Text(f"文件夹“{shown}”里没有图片。", f"no images in the folder {shown}"))
            files.extend(found)
        else:
            files.append(path)
    return files


def _output_problem(output: Path, files: list[Path]) -> UsageError | None:
    shown = display_path(output)
    if any(same_file(source, output) for source in files):
        return UsageError(Text(f"输出“{shown}”会覆盖输入文件；请用 -o 另选输出位置。",
                               f"the output {shown} would overwrite the input; choose another -o"))
    if output.is_dir():
        return UsageError(Text(f"输出“{shown}”是文件夹；请给出以 .pdf 结尾的文件名。",
                               f"the output {shown} is a folder; give a file name ending in .pdf"))
    if output.suffix.lower() != ".pdf":
        return UsageError(Text(f"输出“{shown}”必须是 .pdf 文件：扫描图像合成一个 PDF。",
                               f"the output {shown} must be a .pdf file: scans become one PDF"))
    return None


def fix_scans(sources: list[Path], output: Path | None, profile: Profile, attachment: str | None = None,
              write: bool = True) -> ScanFixResult:
    """Make one PDF from the images (files, or folders of them) and write it to `output` (default: FIRST-fixed.pdf
    beside the first source) if it passes the profile's checks; otherwise write nothing and report why. With
    `write` False nothing is written either way and a passing PDF is returned in ScanFixResult.data. Inputs are
    never modified. `attachment` is the PDF's kind for the verification marks (default: from the output's name).
    UsageError: no sources, a missing one, an output that is one of them, a folder, or not .pdf, an unknown kind;
    OutputError: an output that cannot be written (checked before any work)."""
    if not sources:
        raise UsageError(Text("没有给出图片：请列出要合成 PDF 的图片文件（或其所在文件夹）。",
                              "no images given: name the image files (or a folder of them) to make the PDF from"))
    files = scan_sources([Path(s) for s in sources])
    if output is None:
        first = Path(sources[0])
        output = first.with_name(Path(display_name(first)).stem if first.is_file() else display_name(first))
        output = output.with_name(output.name + "-fixed.pdf")
    output = Path(output)
    problem = _output_problem(output, files)
    if problem is not None:
        raise problem
    if write:
        ensure_writable(output)
    shown_out = display_path(output) if write else "-"
    shown = [display_path(f) for f in files]
    images = []
    for path, name in zip(files, shown):
        try:
            images.append((name, path.read_bytes()))
        except OSError as exc:
            problem = Problem(Text(f"无法读取文件：{exc.strerror}。", f"Cannot read the file: {exc.strerror}."))
            return ScanFixResult(shown, shown_out, False, _refusal_report(name, None, "file.unreadable", problem,
                                                                          profile))
    try:
        fixed = images_to_pdf(images, profile)
    except ScanRefusal as refusal:
        where = refusal.source or shown_out
        sha = next((hashlib.sha256(d).hexdigest() for n, d in images if n == refusal.source), None)
        return ScanFixResult(shown, shown_out, False, _refusal_report(where, sha, refusal.rule, refusal.problem,
                                                                      profile, "other" if refusal.source else "pdf"),
                             refusal.pages)
    checked = check_pdf(display_name(output), fixed.data, profile, attachment)
    findings = checked.findings
    common = dict(pages=fixed.pages, size_bytes=len(fixed.data), limit=fixed.limit, compressed=fixed.compressed)
    # A missing seal, 核对无误 or date is HR's to add, not a scanning fault: reported, but the PDF is still written.
    if any(f.severity is Severity.ERROR and f.rule not in pdf_marks.RULE_IDS for f in findings):  # nothing written
        return ScanFixResult(shown, shown_out, False, FileReport(shown_out, "pdf", None, findings,
                                                                 attachment_kind=checked.kind), **common)
    if write:
        write_atomic(output, fixed.data)
    report = FileReport(shown_out, "pdf", hashlib.sha256(fixed.data).hexdigest(), findings,
                        attachment_kind=checked.kind)
    return ScanFixResult(shown, shown_out, write, report, **common, data=None if write else fixed.data)


def _refusal_report(shown: str, sha: str | None, rule: str, problem: Problem, profile: Profile,
                    kind: str = "other") -> FileReport:
    found = finding(profile, rule, problem)
    # A refusal is always an error, even where the profile lowered or disabled the rule for `check`.
    forced = Finding(rule, Severity.ERROR, problem.message, problem.measured, problem.expected)
    return FileReport(shown, kind, sha, [forced if found is None or found.severity is not Severity.ERROR else found])
