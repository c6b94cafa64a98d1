"""Opening an image once, the same way for checking and fixing: the header checked before any pixel is decoded
(format by content, the profile's pixel limit against decompression bombs), pixels decoded as small as the work
allows (JPEG draft mode), the EXIF orientation applied, 16-bit grey scaled, colour converted to sRGB. HEIC/HEIF
from phones opens where the optional pillow-heif is installed. The photo check, the photo fix and the scan fix (every
frame of a multi-page TIFF) all open images here."""
from __future__ import annotations

import io
import re
import warnings
from functools import lru_cache

import numpy as np
from PIL import Image, ImageCms, JpegImagePlugin, UnidentifiedImageError

from ..i18n import Text
from ..model import LoadFailure, Problem
from .sniff import IMAGE_FORMATS, sniff

EXIF_ORIENTATION = 0x0112
# What a photo.unreadable finding expects (its `expected` value).
DECODABLE = "a complete, decodable image"
# Modes Image.reduce() takes: pictures decoded whole are shrunk in these before conversion to RGB.
REDUCIBLE_MODES = ("L", "LA", "RGB", "RGBA", "CMYK", "YCbCr")
# What Pillow raises for pixel data that does not decode (cut short, damaged, or past a frame's end).
DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError)


@lru_cache(maxsize=1)
def _open_heif() -> bool:
    """Lets Pillow open HEIC/HEIF from phones, where the optional pillow-heif is installed: registered the first
    time such a file is met, since importing the plugin costs every run's start (a cached check included) some
    25 ms. Whether it is installed."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:  # pragma: no cover - optional
        return False
    register_heif_opener()
    return True


def _fail(rule: str, zh: str, en: str, **extra) -> LoadFailure:
    return LoadFailure(rule, Problem(Text(zh, en), **extra))


def _pixel_limit(max_pixels, kind: str | None) -> tuple[int, bool]:
    """The most pixels an image of this format may have, and whether that is the lower limit of formats decoded
    whole. `max_pixels`: one limit for every format (an int, e.g. [pdf] max_image_pixels), or the profile's
    [photo.max_pixels] (`.jpeg` for JPEGs, which decode at reduced size, `.other` for formats decoded whole)."""
    if isinstance(max_pixels, int):
        return max_pixels, False
    return (int(max_pixels.jpeg), False) if kind == "JPEG" else (int(max_pixels.other), True)


def open_image(name: str, data: bytes, max_pixels) -> Image.Image:
    """Open image bytes with the header checked (format, size) but pixels not yet decoded; `max_pixels` as in
    _pixel_limit.

    Raises LoadFailure for content that is no image, a decompression bomb, or a broken header."""
    if not data:
        raise _fail("photo.unreadable", "文件是空的（0 字节）。", "The file is empty (0 bytes).", measured=0,
                    expected=DECODABLE)
    kind = sniff(data[:1024])
    if kind == "HEIF":
        _open_heif()
    if kind not in IMAGE_FORMATS:
        what = kind or "unknown data"
        raise _fail("photo.not-jpeg", f"文件内容不是图片（识别为：{what}），只是扩展名像照片。",
                    f"The content is not an image (it looks like: {what}); only the extension says photo.",
                    measured=what, expected="JPEG")
    limit, decoded_whole = _pixel_limit(max_pixels, kind)
    try:
        with warnings.catch_warnings():
            # Pillow warns of a large image (the profile's limit decides below) and of corrupt EXIF data (which the
            # check ignores, as viewers do): about the file, none of it for stderr.
            warnings.simplefilter("ignore")
            # JPEGs are opened by their plugin directly: Image.open would apply Pillow's global pixel limit (179 M
            # at most), under what phones make, and a JPEG never needs all its pixels decoded here.
            image = JpegImagePlugin.JpegImageFile(io.BytesIO(data)) if kind == "JPEG" else Image.open(io.BytesIO(data))
            width, height = image.size
    except Image.DecompressionBombError as exc:
        claimed = re.search(r"\((\d+) pixels\)", str(exc))  # Pillow: "Image size (N pixels) exceeds limit ..."
        raise _too_many(f"{claimed.group(1) if claimed else 'too many'} pixels", limit, kind if decoded_whole else None
                        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        reason = decoder_reason(exc)
        raise _fail("photo.unreadable", f"图片文件已损坏，无法解码（{reason}）。",
                    f"The image file is damaged and cannot be decoded ({reason}).", measured=reason,
                    expected=DECODABLE) from None
    if width * height > limit:
        raise _too_many([width, height], limit, kind if decoded_whole else None)
    return image


def _too_many(measured, limit: int, whole_format: str | None, frame: int | None = None) -> LoadFailure:
    """Over the pixel limit. `whole_format` names a format over the lower limit of pictures that must be decoded
    whole (the message says so, since saving as JPEG helps); `frame` a page of a multi-page image past the first."""
    pixels = f"{measured[0]}×{measured[1]} 像素" if isinstance(measured, list) else "像素数大得异常"
    pixels_en = f"{measured[0]}×{measured[1]} pixels" if isinstance(measured, list) else "an enormous pixel count"
    where, where_en = (f"第 {frame} 帧", f"Frame {frame} of the image") if frame else ("", "The image")
    if whole_format is None:
        zh, en = "", ""
    else:
        zh = f"{whole_format} 图片必须整幅解码，像素上限比 JPEG 低；请另存为 JPEG 或缩小后再试。"
        en = (f" A {whole_format} image must be decoded whole, so its limit is lower than a JPEG's: save it as JPEG "
              "or scale it down.")
    return _fail("photo.unreadable",
                 f"图片{where}有 {pixels}，超过上限 {limit:,} 像素（疑似“解压炸弹”），已拒绝解码。{zh}",
                 f"{where_en} has {pixels_en}, over the limit of {limit:,} pixels (a decompression bomb?); it was "
                 f"not decoded.{en}", measured=measured, expected=f"<= {limit} pixels")


def frame_count(image: Image.Image) -> int:
    """Frames of a multi-page image (a TIFF's pages); 1 for any other picture."""
    return max(1, int(getattr(image, "n_frames", 1) or 1))


def seek_frame(image: Image.Image, index: int, max_pixels) -> None:
    """Move a multi-page image to frame `index` (0-based), refusing one over the pixel limit (`max_pixels` as in
    _pixel_limit) before it is decoded: each frame has its own size."""
    if index:
        try:
            image.seek(index)
        except DECODE_ERRORS as exc:
            raise damaged(exc) from None
    width, height = image.size
    limit, decoded_whole = _pixel_limit(max_pixels, image.format)
    if width * height > limit:
        raise _too_many([width, height], limit, image.format if decoded_whole else None, frame=index + 1)


def decoder_reason(exc: Exception) -> str:
    """What the decoder said, without Python's object reprs ("cannot identify image file <_io.BytesIO object at
    0x7f…>" becomes "cannot identify image file"): the same file gives the same message every run."""
    return re.sub(r"\s*<[^<>]* object at 0x[0-9a-fA-F]+>", "", str(exc)).strip() or type(exc).__name__


def damaged(exc: Exception) -> LoadFailure:
    """Pixels that fail to decode: truncated or damaged data."""
    reason = decoder_reason(exc)
    return _fail("photo.unreadable", f"图片数据不完整或已损坏，无法解码（{reason}）。",
                 f"The image data is truncated or damaged and cannot be decoded ({reason}).", measured=reason,
                 expected=DECODABLE)


def decode(image: Image.Image, long_side: int | None) -> Image.Image:
    """Decode pixels, orientation applied, as RGB; when long_side is given, at no more than twice it: JPEGs decode
    reduced (draft mode, 1/2 to 1/8), other formats are decoded whole and then reduced before any RGB copy."""
    try:
        if long_side is not None and image.format == "JPEG":
            w, h = image.size
            factor = long_side / max(w, h)
            if factor < 1:
                image.draft("RGB", (max(1, int(w * factor)), max(1, int(h * factor))))
        image.load()
        turn = _TRANSPOSE.get(exif_orientation(image))
        upright = to_8bit(image.transpose(turn) if turn is not None else image)  # no copy when there is no turn
        factor = max(upright.size) // long_side if long_side else 1
        if factor >= 2 and upright.mode in REDUCIBLE_MODES:
            upright = upright.reduce(factor)
        return to_srgb(upright)
    except DECODE_ERRORS as exc:
        raise damaged(exc) from None


def to_8bit(image: Image.Image) -> Image.Image:
    """16- and 32-bit integer grey (PNG I;16, TIFF) as 8-bit L: the top 8 bits when values exceed 255, else as they
    are (8-bit data in a wide container). Pillow's own convert() clips at 255, turning a 16-bit photo white."""
    if image.mode not in ("I;16", "I;16B", "I;16L", "I"):
        return image
    values = np.asarray(image).astype(np.int64)
    shift = 8 if values.max(initial=0) > 255 else 0
    return Image.fromarray(np.clip(values >> shift, 0, 255).astype(np.uint8))


def to_srgb(image: Image.Image) -> Image.Image:
    """RGB pixels in sRGB: embedded ICC profiles (CMYK, Adobe RGB) are converted, alpha goes onto white, 16-bit grey
    is scaled to 8 bits."""
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError):
            pass  # a broken profile: fall back to a plain conversion below
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return to_8bit(image).convert("RGB")


def page_mode(image: Image.Image) -> Image.Image:
    """The pixels in the mode a document page keeps: one-bit and 8-bit grey as they are, 16-bit grey as 8-bit,
    grey with alpha onto white as grey, everything else sRGB (to_srgb)."""
    if image.mode in ("1", "L") or (image.mode == "RGB" and not image.info.get("icc_profile")):
        return image  # already a page's pixels (RGB without a profile is taken as sRGB, as to_srgb takes it)
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        return to_8bit(image)
    if image.mode == "LA":
        white = Image.new("L", image.size, 255)
        white.paste(image.getchannel("L"), mask=image.getchannel("A"))
        return white
    return to_srgb(image)


def icc_description(image: Image.Image) -> str | None:
    icc = image.info.get("icc_profile")
    if not icc:
        return None
    try:
        return ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc))).strip()
    except (ImageCms.PyCMSError, OSError):
        return "unreadable ICC profile"


# How each EXIF orientation (2-8) is undone, as viewers (and ImageOps.exif_transpose) undo it.
_TRANSPOSE = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
              5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
              8: Image.Transpose.ROTATE_90}


def exif_orientation(image: Image.Image) -> int:
    """The EXIF orientation, 1-8: 1 where there is none, or where it is junk (a value out of range, an EXIF block
    that is no TIFF structure), as viewers read it. Formats whose EXIF may follow the pixels (PNG) are decoded to
    read it: pixels that do not decode raise LoadFailure (photo.unreadable) here, rather than an exception now and
    half-decoded pixels later (Pillow's second load of a failed image returns what it got)."""
    if image.format != "JPEG":
        try:
            image.load()
        except DECODE_ERRORS as exc:
            raise damaged(exc) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow's "Corrupt EXIF data" is about the file, not for stderr
            value = image.getexif().get(EXIF_ORIENTATION, 1)
    except DECODE_ERRORS:  # a broken EXIF block: viewers ignore it, and so does the check
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def displayed_size(stored_size: tuple[int, int], orientation: int) -> tuple[int, int]:
    """Width and height as viewers show them: swapped when the EXIF orientation turns the picture a quarter."""
    return (stored_size[1], stored_size[0]) if orientation in (5, 6, 7, 8) else stored_size
