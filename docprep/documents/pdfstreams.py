"""A page image's stream judged before it is decoded: emptied (nothing but zero bytes), cut short (fewer bytes than
its declared width × height need, a JPEG that stops before its end), or a flate bomb (a few KiB inflating to far more
than its pixels need). Readers show the missing part of a short stream as a grey or black band, which, measured,
would pass for a dark scan (pdf.exposure): it is damage (pdf.unreadable), said as such.

How many bytes a pixel takes is in the image's dictionary (/BitsPerComponent, /ColorSpace, a PNG predictor in
/DecodeParms), which PDFium does not show; pypdf reads it (`image_layouts`). Only the raw stream is read, and a flate
stream is inflated a chunk at a time, counted and not kept, no further than twice what its pixels need: a bomb costs
no memory. Other codecs (JBIG2, CCITT, JPEG 2000) carry no length to check; their decoders judge them when the page
is read.
"""
from __future__ import annotations

import io
import logging
import math
import zlib
from dataclasses import dataclass

from PIL import Image

from ..i18n import Text
from .images import DECODE_ERRORS, decoder_reason

log = logging.getLogger(__name__)

ZERO_CHECK_BYTES = 1 << 20  # a zeroed stream is recognised from its first MiB (reading more only costs time)
INFLATE_CHUNK = 1 << 16  # bytes inflated at a time while counting (the most ever held)
# A stream inflating to more than this many times what its pixels need is a bomb: a PNG predictor adds one byte a
# row, nothing legitimate adds more (a limit of the format, not a verdict on a scan).
BOMB_FACTOR = 2
# Bits a pixel takes at most (16-bit CMYK), for the bomb limit of an image whose dictionary pypdf could not read.
MAX_PIXEL_BITS = 64
JPEG_START_OF_SCAN, JPEG_END = b"\xff\xda", b"\xff\xd9"
_COMPONENTS = {"/DeviceGray": 1, "/CalGray": 1, "/G": 1, "/Indexed": 1, "/I": 1, "/Separation": 1,
               "/DeviceRGB": 3, "/CalRGB": 3, "/RGB": 3, "/Lab": 3, "/DeviceCMYK": 4, "/CMYK": 4}


@dataclass(frozen=True)
class Layout:
    """How an image's pixels are stored, from its dictionary."""

    bits_per_pixel: int  # components × bits per component
    row_extra: int = 0  # bytes a PNG predictor adds to each row

    def needed(self, width: int, height: int) -> tuple[int, int]:
        """(bytes a row takes, bytes the whole image takes)."""
        row = math.ceil(width * self.bits_per_pixel / 8) + self.row_extra
        return row, row * height


def stream_damage(raw: bytes, filters: tuple[str, ...], pixels: tuple[int, int], layout: Layout | None
                  ) -> Text | None:
    """Why an image stream of `pixels` (width, height) with `filters` cannot show its picture, or None. Its data
    length is judged where the codec fixes it: unfiltered or flate data holds `layout`'s bytes a row (a stream
    missing a whole row or more is short; flate inflating past BOMB_FACTOR times that is a bomb), a JPEG ends with
    its end marker."""
    if not raw:
        return Text("页面图像没有数据（图像流为空）", "a page image has no data (its stream is empty)")
    width, height = pixels
    if not raw[:ZERO_CHECK_BYTES].strip(b"\x00"):
        return Text(f"页面图像（{width}×{height} 像素）的数据全是 0 字节，已被清空，阅读器里显示为一片灰色或空白",
                    f"a page image ({width}×{height} px) holds nothing but zero bytes: its data was blanked out, and "
                    "readers show a grey or empty band")
    if filters == ("DCTDecode",):
        return _jpeg_cut_short(raw, pixels)
    if filters == ("FlateDecode",):
        most = (layout or Layout(MAX_PIXEL_BITS, 1)).needed(width, height)[1] * BOMB_FACTOR
        have = inflated_length(raw, most + 1)
        if have is not None and have > most:
            return Text(f"页面图像（{width}×{height} 像素）的压缩数据解压后超过 {most:,} 字节，远多于其像素所需（疑似“解压炸弹”），未解码",
                        f"a page image's compressed data ({width}×{height} px) inflates to over {most:,} bytes, far "
                        "more than its pixels need (a decompression bomb?); it was not decoded")
    elif filters == ():
        have = len(raw)
    else:
        return None
    return None if layout is None or have is None else _short(have, pixels, layout)


def _short(have: int, pixels: tuple[int, int], layout: Layout) -> Text | None:
    width, height = pixels
    row, needed = layout.needed(width, height)
    if have > needed - row:
        return None
    missing = (needed - have) // row
    return Text(f"页面图像（{width}×{height} 像素）的数据不完整：只有 {have:,} 字节，完整应有 {needed:,} 字节（缺 {missing:,} 行以上），"
                "缺少的部分在阅读器里显示为黑色或灰色（数据在传输或保存时被截断）",
                f"a page image ({width}×{height} px) is cut short: its data holds {have:,} of the {needed:,} bytes "
                f"its pixels need ({missing:,} rows or more missing), and readers show the missing part black or grey "
                "(the data was cut off in transfer or saving)")


def _jpeg_cut_short(raw: bytes, pixels: tuple[int, int]) -> Text | None:
    """A JPEG stream with no picture data, or whose last scan never reaches the end marker (entropy-coded data
    cannot hold FF D9: a marker byte in it is stuffed)."""
    scan = raw.rfind(JPEG_START_OF_SCAN)
    if scan >= 0 and raw.find(JPEG_END, scan) >= 0:
        return None
    width, height = pixels
    what = ("没有图像数据（缺少扫描段）", "holds no picture data (it has no scan)") if scan < 0 else \
        ("在结尾前中断（缺少 JPEG 结束标记）", "stops before its end (the JPEG end marker is missing)")
    return Text(f"页面图像（JPEG，{width}×{height} 像素）的数据{what[0]}，缺少的部分在阅读器里显示为黑色或灰色（数据在传输或保存时被截断）",
                f"a page image (JPEG, {width}×{height} px) {what[1]}, and readers show the missing part black or grey "
                "(the data was cut off in transfer or saving)")


def jpeg_failure(raw: bytes) -> Text | None:
    """Why a JPEG stream does not decode (a damaged table, garbage data), found by decoding it at 1/8 scale (every
    byte is still read), or None: for an image PDFium renders, which draws what it cannot decode as nothing."""
    try:
        with Image.open(io.BytesIO(raw)) as image:
            image.draft(image.mode, (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
    except DECODE_ERRORS as exc:
        reason = decoder_reason(exc)
        return Text(f"页面图像（JPEG）无法解码（{reason}），阅读器里显示为空白或残缺", f"the page image (JPEG) cannot be decoded "
                    f"({reason}), and readers show it blank or in pieces")
    return None


def inflated_length(raw: bytes, limit: int) -> int | None:
    """How many bytes a zlib (flate) stream inflates to, counted up to `limit` at most; None for data that is not
    a plain zlib stream (a preset dictionary), which readers may still decode their own way. The adler-32 checksum
    is not verified (readers ignore it); a stream that breaks off or turns to garbage counts what came before."""
    if len(raw) < 2 or raw[0] & 0x0F != 8 or ((raw[0] << 8) | raw[1]) % 31:
        return 0  # no zlib header: nothing of it inflates
    if raw[1] & 0x20:
        return None
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate after the two header bytes
    data, count = raw[2:], 0
    try:
        while count < limit and not inflater.eof:
            out = inflater.decompress(data, min(INFLATE_CHUNK, limit - count))
            data = inflater.unconsumed_tail
            if not out and not data:
                break
            count += len(out)
    except zlib.error:
        pass  # garbage from here on: readers stop decoding where zlib does
    return count


# --- the images' dictionaries, through pypdf ----------------------------------------------------------------------

def image_layouts(reader, index: int, depth: int) -> dict[tuple[int, int], Layout]:
    """(width, height) -> Layout of the images page `index` (0-based) draws, through forms `depth` deep, as pypdf
    reads their dictionaries; a size two images share with different layouts is left out, and so is everything
    where pypdf cannot read the page (a damaged structure): no layout, no length judged."""
    found: dict[tuple[int, int], Layout | None] = {}
    if reader is not None:
        try:
            _collect(reader.pages[index].get("/Resources"), depth, found, set())
        except Exception as exc:  # pypdf on a damaged structure (any of its exceptions, or a recursion too deep)
            log.debug("image dictionaries of page %d not read: %s", index + 1, exc)
    return {size: layout for size, layout in found.items() if layout is not None}


def _resolved(value):
    return value.get_object() if value is not None and hasattr(value, "get_object") else value


def _collect(resources, depth: int, found: dict, seen: set) -> None:
    xobjects = _resolved((_resolved(resources) or {}).get("/XObject"))
    for reference in (xobjects or {}).values():
        xobject = _resolved(reference)
        if id(xobject) in seen or not hasattr(xobject, "get"):
            continue
        seen.add(id(xobject))
        if xobject.get("/Subtype") == "/Image":
            size = (int(xobject.get("/Width", 0)), int(xobject.get("/Height", 0)))
            layout = _layout(xobject)
            found[size] = layout if found.get(size, layout) == layout else None
        elif xobject.get("/Subtype") == "/Form" and depth > 0:
            _collect(xobject.get("/Resources"), depth - 1, found, seen)


def _layout(image) -> Layout | None:
    """An image dictionary's bits a pixel and predictor bytes a row; None where it does not say."""
    mask = _resolved(image.get("/ImageMask"))
    if getattr(mask, "value", mask) is True:
        components, bits = 1, 1
    else:
        components, bits = _components(_resolved(image.get("/ColorSpace"))), _resolved(image.get("/BitsPerComponent"))
    if not components or bits not in (1, 2, 4, 8, 16):
        return None
    parameters = _resolved(image.get("/DecodeParms"))
    if isinstance(parameters, list):
        parameters = _resolved(parameters[0]) if parameters else None
    predictor = _resolved(parameters.get("/Predictor", 1)) if hasattr(parameters, "get") else 1
    return Layout(components * int(bits), 1 if isinstance(predictor, int) and predictor >= 10 else 0)


def _components(space) -> int | None:
    """Colour components of a colour space (a name or an array); None where it cannot be told."""
    if isinstance(space, list) and space:
        family = _resolved(space[0])
        if family == "/ICCBased" and len(space) > 1:
            count = _resolved(_resolved(space[1]).get("/N"))
            return int(count) if isinstance(count, int) and 1 <= count <= 32 else None
        if family == "/DeviceN" and len(space) > 1:
            return len(_resolved(space[1])) or None
        return _COMPONENTS.get(family)
    return _COMPONENTS.get(space)
