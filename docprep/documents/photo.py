"""Decoding a photo once (header facts, EXIF orientation, pixels at analysis scale) and finding the face in it.

Both `check` and `fix` use this module; checks then only read the decoded `Photo`."""
from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageCms, ImageOps, JpegImagePlugin, UnidentifiedImageError

from ..i18n import Text
from ..model import LoadFailure, Problem
from .sniff import IMAGE_FORMATS, sniff

try:  # HEIC/HEIF from phones, where the optional plugin is installed
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - optional
    pass

EXIF_ORIENTATION = 0x0112
# What a photo.unreadable finding expects (its `expected` value).
DECODABLE = "a complete, decodable image"
# Longest side of the pixels that checks measure: the size at which a reviewer looks at an ID photo.
ANALYSIS_LONG_SIDE = 640
# The cascades' own window sizes: nothing smaller is found, and finer pixels than that only cost time.
FACE_WINDOW = 24
EYE_WINDOW = 20
# Eyes are searched in the face's upper half shrunk to this width: the smallest eye found is then 0.18 of the
# face width (eyes measure about 0.25), and the search takes a few milliseconds whatever the photo's size.
EYE_SEARCH_WIDTH = 112
# Faces are searched from large windows to small, in bands that halve, starting with faces this share of the
# short side and up: an ID photo's face is usually found at once, and the costly small windows are only visited
# down to half its size.
FIRST_BAND_FRACTION = 0.4
# Modes Image.reduce() takes: pictures decoded whole are shrunk in these before conversion to RGB.
REDUCIBLE_MODES = ("L", "LA", "RGB", "RGBA", "CMYK", "YCbCr")


@dataclass(frozen=True)
class Box:
    """A rectangle in the displayed (orientation-applied) full-size pixel frame."""

    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def scaled(self, factor: float) -> "Box":
        return Box(self.x * factor, self.y * factor, self.w * factor, self.h * factor)

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (round(self.x, 1), round(self.y, 1), round(self.w, 1), round(self.h, 1))


@dataclass(frozen=True)
class Faces:
    """What the face detector saw: frontal faces (largest first), and profile faces when no frontal one."""

    frontal: tuple[Box, ...]
    profile_only: bool
    eyes: tuple[Box, ...]  # in the largest frontal face, when two eyes were found


@dataclass(frozen=True)
class Photo:
    name: str
    data: bytes
    format: str  # Pillow's format name of the content
    size: tuple[int, int]  # displayed size (after EXIF orientation)
    stored_size: tuple[int, int]
    orientation: int
    mode: str
    icc_description: str | None
    pixels: np.ndarray  # RGB uint8, displayed orientation, at analysis scale
    scale: float  # pixels size / displayed size
    faces: Faces

    @property
    def is_jpeg(self) -> bool:
        return self.format == "JPEG"


def _fail(rule: str, zh: str, en: str, **extra) -> LoadFailure:
    return LoadFailure(rule, Problem(Text(zh, en), **extra))


def open_image(name: str, data: bytes, max_pixels) -> Image.Image:
    """Open image bytes with the header checked (format, size) but pixels not yet decoded. `max_pixels` is the
    profile's [photo.max_pixels]: `.jpeg` for JPEGs, which decode at reduced size, `.other` for formats decoded whole.

    Raises LoadFailure for content that is no image, a decompression bomb, or a broken header."""
    if not data:
        raise _fail("photo.unreadable", "文件是空的（0 字节）。", "The file is empty (0 bytes).", measured=0,
                    expected=DECODABLE)
    kind = sniff(data[:1024])
    if kind not in IMAGE_FORMATS:
        what = kind or "unknown data"
        raise _fail("photo.not-jpeg", f"文件内容不是图片（识别为：{what}），只是扩展名像照片。",
                    f"The content is not an image (it looks like: {what}); only the extension says photo.",
                    measured=what, expected="JPEG")
    limit = max_pixels.jpeg if kind == "JPEG" else max_pixels.other
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the profile's limit decides below
            # JPEGs are opened by their plugin directly: Image.open would apply Pillow's global pixel limit (179 M
            # at most), under what phones make, and a JPEG never needs all its pixels decoded here.
            image = JpegImagePlugin.JpegImageFile(io.BytesIO(data)) if kind == "JPEG" else Image.open(io.BytesIO(data))
            width, height = image.size
    except Image.DecompressionBombError as exc:
        claimed = re.search(r"\((\d+) pixels\)", str(exc))  # Pillow: "Image size (N pixels) exceeds limit ..."
        raise _too_many(f"{claimed.group(1) if claimed else 'too many'} pixels", limit, kind) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise _fail("photo.unreadable", f"图片文件已损坏，无法解码（{exc}）。",
                    f"The image file is damaged and cannot be decoded ({exc}).", measured=str(exc),
                    expected=DECODABLE) from None
    if width * height > limit:
        raise _too_many([width, height], limit, kind)
    return image


def _too_many(measured, limit: int, kind: str) -> LoadFailure:
    """Over the pixel limit: a JPEG over the one for photos (decoded at reduced size), any other format over the
    lower one for pictures that must be decoded whole — which the message names, since saving as JPEG helps."""
    pixels = f"{measured[0]}×{measured[1]} 像素" if isinstance(measured, list) else "像素数大得异常"
    pixels_en = f"{measured[0]}×{measured[1]} pixels" if isinstance(measured, list) else "an enormous pixel count"
    if kind == "JPEG":
        zh, en = "", ""
    else:
        zh = f"{kind} 图片必须整幅解码，像素上限比 JPEG 低；请另存为 JPEG 或缩小后再试。"
        en = (f" A {kind} image must be decoded whole, so its limit is lower than a JPEG's: save it as JPEG or "
              "scale it down.")
    return _fail("photo.unreadable",
                 f"图片有 {pixels}，超过上限 {limit:,} 像素（疑似“解压炸弹”），已拒绝解码。{zh}",
                 f"The image has {pixels_en}, over the limit of {limit:,} pixels (a decompression bomb?); it was not "
                 f"decoded.{en}", measured=measured, expected=f"<= {limit} pixels")


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
        ImageOps.exif_transpose(image, in_place=True)  # no full-size copy when there is nothing to turn
        upright = to_8bit(image)
        factor = max(upright.size) // long_side if long_side else 1
        if factor >= 2 and upright.mode in REDUCIBLE_MODES:
            upright = upright.reduce(factor)
        return to_srgb(upright)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise _fail("photo.unreadable", f"图片数据不完整或已损坏，无法解码（{exc}）。",
                    f"The image data is truncated or damaged and cannot be decoded ({exc}).", measured=str(exc),
                    expected=DECODABLE) from None


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


def icc_description(image: Image.Image) -> str | None:
    icc = image.info.get("icc_profile")
    if not icc:
        return None
    try:
        return ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc))).strip()
    except (ImageCms.PyCMSError, OSError):
        return "unreadable ICC profile"


def exif_orientation(image: Image.Image) -> int:
    return int(image.getexif().get(EXIF_ORIENTATION, 1) or 1)


def displayed_size(stored_size: tuple[int, int], orientation: int) -> tuple[int, int]:
    """Width and height as viewers show them: swapped when the EXIF orientation turns the picture a quarter."""
    return (stored_size[1], stored_size[0]) if orientation in (5, 6, 7, 8) else stored_size


def load_photo(name: str, data: bytes, max_pixels) -> Photo:
    """Decode once for every photo check: header facts, then pixels at analysis scale, then faces. `max_pixels`:
    the profile's [photo.max_pixels] (see open_image)."""
    image = open_image(name, data, max_pixels)
    stored_size = image.size
    orientation = exif_orientation(image)
    mode, fmt, icc = image.mode, image.format or "unknown", icc_description(image)
    rgb = decode(image, ANALYSIS_LONG_SIDE)
    size = displayed_size(stored_size, orientation)
    pixels = np.asarray(rgb)
    if max(pixels.shape[:2]) > ANALYSIS_LONG_SIDE * 1.5:
        factor = ANALYSIS_LONG_SIDE / max(pixels.shape[:2])
        pixels = cv2.resize(pixels, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    scale = pixels.shape[1] / size[0]
    faces = find_faces(pixels)
    return Photo(name, data, fmt, size, stored_size, orientation, mode, icc, pixels, scale,
                 Faces(tuple(b.scaled(1 / scale) for b in faces.frontal), faces.profile_only,
                       tuple(b.scaled(1 / scale) for b in faces.eyes)))


@lru_cache(maxsize=None)
def _cascade(name: str) -> cv2.CascadeClassifier:
    """Haar cascades ship inside opencv-python-headless 4.x: nothing is downloaded."""
    classifier = cv2.CascadeClassifier(cv2.data.haarcascades + name)
    if classifier.empty():  # pragma: no cover - a broken OpenCV install
        raise RuntimeError(f"OpenCV cascade {name} is missing from {cv2.data.haarcascades}")
    return classifier


def _frontal_faces(small: np.ndarray, min_side: int) -> list[Box]:
    """Frontal faces of at least `min_side` pixels, largest first, without those under half the largest. The same
    faces one search of every window size would give, but windows under half the largest face are never tried."""
    cascade = _cascade("haarcascade_frontalface_default.xml")
    accepted: list[list[int]] = []
    boxes: list[Box] = []
    upper, lower = 0, max(min_side, int(min(small.shape) * FIRST_BAND_FRACTION))
    while True:
        found = cascade.detectMultiScale(small, scaleFactor=1.1, minNeighbors=0, minSize=(lower, lower),
                                         maxSize=(upper - 1, upper - 1) if upper else (0, 0))
        accepted.extend([int(v) for v in f] for f in found)
        if accepted:  # what detectMultiScale does with minNeighbors=5, over every band searched so far
            grouped, _ = cv2.groupRectangles(accepted, 5, 0.2)
            boxes = sorted((Box(*(float(v) for v in g)) for g in grouped), key=lambda b: b.w * b.h, reverse=True)
        needed = max(min_side, int(boxes[0].w / 2)) if boxes else min_side
        if needed >= lower:
            return [b for b in boxes if b.w >= boxes[0].w / 2]
        upper, lower = lower, max(needed, lower // 2)


def find_faces(rgb: np.ndarray, min_face_fraction: float = 0.12) -> Faces:
    """Frontal faces at least `min_face_fraction` of the short side (boxes in rgb's pixel frame), largest first;
    smaller ones under half the largest are dropped as detector noise. Eyes of the largest face, for the
    frontal-pose measure."""
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    # Searched on a copy just large enough that the smallest face sought fills the detector's window.
    factor = min(1.0, FACE_WINDOW / (min(gray.shape) * min_face_fraction))
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA) if factor < 1 else gray
    min_side = max(FACE_WINDOW, int(min(small.shape) * min_face_fraction))
    boxes = _frontal_faces(small, min_side)
    if not boxes:
        profile = _cascade("haarcascade_profileface.xml").detectMultiScale(
            small, scaleFactor=1.1, minNeighbors=5, minSize=(min_side, min_side))
        flipped = _cascade("haarcascade_profileface.xml").detectMultiScale(
            cv2.flip(small, 1), scaleFactor=1.1, minNeighbors=5, minSize=(min_side, min_side))
        return Faces((), len(profile) + len(flipped) > 0, ())
    boxes = [b.scaled(1 / factor) for b in boxes]
    return Faces(tuple(boxes), False, _find_eyes(gray, boxes[0]))


def _find_eyes(gray: np.ndarray, face: Box) -> tuple[Box, ...]:
    """Two eyes in the upper half of the face, left to right, or none when the detector is unsure."""
    x0, y0 = int(face.x), int(face.y)
    upper = gray[y0:y0 + int(face.h * 0.55), x0:x0 + int(face.w)]
    if upper.size == 0:
        return ()
    factor = min(1.0, EYE_SEARCH_WIDTH / upper.shape[1])
    if factor < 1:
        upper = cv2.resize(upper, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    found = _cascade("haarcascade_eye.xml").detectMultiScale(
        upper, scaleFactor=1.1, minNeighbors=6, minSize=(EYE_WINDOW, EYE_WINDOW),
        maxSize=(int(upper.shape[1] * 0.4),) * 2)
    if len(found) != 2:
        return ()
    eyes = sorted((Box(x0 + float(ex) / factor, y0 + float(ey) / factor, float(ew) / factor, float(eh) / factor)
                   for ex, ey, ew, eh in found), key=lambda b: b.x)
    if eyes[1].x < eyes[0].x + eyes[0].w * 0.8:  # overlapping: one eye found twice
        return ()
    return tuple(eyes)
