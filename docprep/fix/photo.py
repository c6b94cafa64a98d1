"""`docprep fix` for photos: upright, crop around the face, resize to a preset, sRGB baseline JPEG in the byte
window (by quality, then pixel size; never by padding), verified by the same checks before anything is written.

Each input is read once: its first bytes say what it is (engine.checkfile.classify), and a photo's bytes are read
on from the same handle."""
from __future__ import annotations

import hashlib
import io
import math
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from ..analysis.face import find_faces
from ..analysis.geometry import Box
from ..atomic import ensure_writable, write_atomic
from ..documents.images import decode, displayed_size, exif_orientation, open_image
from ..documents.sniff import extension, sniff
from ..engine.checkfile import check_photo_bytes, classify
from ..engine.walk import DOCUMENT_EXTENSIONS, Target, discover
from ..errors import UsageError
from ..i18n import Text
from ..model import Change, FileReport, FileType, Finding, LoadFailure, Problem, Severity
from ..numbers import rounded, versus
from ..paths import display_name, display_path, same_file
from ..profiles import Profile
from .backdrop import whiten
from .jpeg import without_metadata
from .refusal import Refusal, refusal_report, refuse, unreadable

__all__ = ["FixResult", "FixedPhoto", "Refusal", "fix_data", "fix_file", "fix_paths", "fix_photo_bytes"]
# The first bytes of a file, from which classify tells a photo from a PDF (as `check` reads them).
_HEAD = 1024


@dataclass
class FixedPhoto:
    data: bytes
    size: tuple[int, int]
    quality: int | None  # None where the input was kept
    findings: list[Finding] = field(default_factory=list)  # warnings left on the output
    kept: bool = False  # the input's own coded image: a JPEG that already passed every rule
    changes: list[Change] = field(default_factory=list)  # beyond crop and encoding: a backdrop made white


def _largest_face(rgb: np.ndarray, photo_cfg, scale: float) -> Box:
    """The one face to crop around, in the input's pixel frame (rgb's times `scale`). Faces in phone photos can be
    small: they are searched for down to [photo.fix] face_search_floor of the short side."""
    faces = find_faces(rgb, float(photo_cfg.fix.face_search_floor), photo_cfg.face.verify).scaled(scale)
    if not faces.frontal:
        raise refuse("photo.face", "找不到正面人脸，无法确定裁剪位置。请使用正面免冠照片。",
                     "No frontal face was found, so there is nowhere to crop around. Use a frontal, bare-headed photo.",
                     0, 1)
    if len(faces.frontal) > 1:  # the box shown: the second face, where the other person is
        n = len(faces.frontal)
        raise Refusal("photo.face", Problem(Text(f"找到 {n} 张人脸，无法确定裁剪哪一个。请使用单人照片。",
                                                 f"{n} faces were found; cannot tell which one to crop. Use a photo "
                                                 "of one person."), n, 1, box=faces.frontal[1].as_tuple()))
    return faces.frontal[0]


def _crop_box(face: Box, image_size: tuple[int, int], ratio: float, cfg, face_limit: float
              ) -> tuple[int, int, int, int]:
    """The crop (left, top, width, height) that puts the face where an ID photo has it, shrunk to fit the image."""
    img_w, img_h = image_size
    want_h = face.h / cfg.face_height
    fits_h = min(face.cy / cfg.face_center_y, (img_h - face.cy) / (1 - cfg.face_center_y),
                 2 * face.cx / ratio, 2 * (img_w - face.cx) / ratio)
    height = min(want_h, fits_h)
    if face.h / height > face_limit:
        share, limit = versus(face.h / height, face_limit, percent=True)
        raise refuse("photo.face",
                     f"人脸周围留白不足：能裁出的最大区域里人脸占 {share} 高度（上限 {limit}）。"
                     "请使用头部四周留有空间的照片。",
                     f"Too little room around the head: in the largest possible crop the face is {share} "
                     f"of the height (at most {limit}). Use a photo with space around the head.",
                     rounded(face.h / height, face_limit), face_limit)
    width = height * ratio
    left = int(round(face.cx - width / 2))
    top = int(round(face.cy - cfg.face_center_y * height))
    return max(0, left), max(0, top), int(width), int(height)


def _photo_jpeg(image: Image.Image, quality: int, dpi: int, subsampling: int) -> bytes:
    """The fixed photo as a baseline JPEG with optimised tables and the profile's DPI, and no other metadata."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True, progressive=False, dpi=(dpi, dpi),
               subsampling=subsampling)
    return out.getvalue()


def _fit_bytes(image: Image.Image, cfg, lo: int, hi: int) -> tuple[bytes, int] | None:
    """The highest quality whose file is at most `hi` bytes, if that file is at least `lo` bytes.
    Chroma at full resolution (4:4:4) is tried when 4:2:0 stays under `lo` even at the top quality."""
    q_lo, q_hi = int(cfg.quality[0]), int(cfg.quality[1])
    for subsampling in (2, 0):
        if len(_photo_jpeg(image, q_lo, cfg.dpi, subsampling)) > hi:
            return None
        best_q = q_lo
        low, high = q_lo + 1, q_hi
        while low <= high:  # sizes grow with quality: binary search for the largest fitting one
            mid = (low + high) // 2
            if len(_photo_jpeg(image, mid, cfg.dpi, subsampling)) <= hi:
                best_q, low = mid, mid + 1
            else:
                high = mid - 1
        data = _photo_jpeg(image, best_q, cfg.dpi, subsampling)
        if len(data) >= lo:
            return data, best_q
    return None


def fix_photo_bytes(name: str, data: bytes, profile: Profile, keep_background: bool = False) -> FixedPhoto:
    """Turn any readable photo into one that passes the profile, or raise Refusal saying why it cannot. A JPEG that
    already passes is returned as it is: re-encoding it could only lose detail, and cropping it could move it
    nearer a limit. A plain backdrop that photo.background refuses is made white ([photo.fix.backdrop]) unless
    `keep_background`."""
    kept = _kept_if_passing(name, data, profile)
    if kept is not None:
        return kept
    photo_cfg = profile.section("photo")
    cfg = photo_cfg.fix
    # The face is found on a reduced copy ([photo.fix] detection_long_side); the crop then comes from pixels
    # decoded only as large as it needs.
    source, full_size = _decode_at(name, data, photo_cfg.max_pixels, cfg.detection_long_side)
    try:
        face = _largest_face(np.asarray(source), photo_cfg, full_size[0] / source.width)
    except Refusal as refusal:
        raise Unfixable(refusal_report("", FileType.PHOTO, None, refusal.rule, refusal.problem).findings
                         + _background_findings(name, data, profile)) from None
    face_limit = photo_cfg.face.height_ratio[1]  # check's own limit: what passes check, fix may make
    tried = []
    for out_w, out_h in sorted((tuple(s) for s in cfg.sizes), key=lambda s: s[0] * s[1], reverse=True):
        left, top, width, height = _crop_box(face, full_size, out_w / out_h, cfg, face_limit)
        if out_h > height * cfg.max_upscale:
            tried.append((width, height))
            continue
        if source.width / full_size[0] < min(1.0, out_h / height):
            source, _ = _decode_at(name, data, photo_cfg.max_pixels, max(full_size) * out_h / height)
        scale = source.width / full_size[0]
        region = (left * scale, top * scale, min(source.width, (left + width) * scale),
                  min(source.height, (top + height) * scale))
        crop = source.resize((out_w, out_h), Image.LANCZOS, box=region)
        in_crop = Box((face.x * scale - region[0]) * out_w / (region[2] - region[0]),
                      (face.y * scale - region[1]) * out_h / (region[3] - region[1]),
                      face.w * scale * out_w / (region[2] - region[0]), face.h * scale * out_h / (region[3] - region[1]))
        fixed = _made(name, crop, in_crop, profile, keep_background)
        if fixed is None:
            tried.append((width, height))
            continue
        return fixed
    raise _nothing_fits(tried[-1], cfg, photo_cfg.file_size)


def _made(name: str, crop: Image.Image, face: Box, profile: Profile, keep_background: bool) -> FixedPhoto | None:
    """The crop encoded into the byte window and checked; where only photo.background (and what a backdrop
    changes) fails and `keep_background` is off, made white and checked again. None: no quality fits the window."""
    photo_cfg = profile.section("photo")
    size = photo_cfg.file_size
    fitted = _fit_bytes(crop, photo_cfg.fix, size.min_bytes, size.max_bytes)
    if fitted is None:
        return None
    findings = check_photo_bytes(_jpeg_name(name), fitted[0], profile)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    changes = []
    if not keep_background and any(f.rule == "photo.background" for f in errors):
        try:
            whitened = whiten(crop, face, photo_cfg.fix.backdrop)
        except Refusal as refusal:  # what check measured, then why the backdrop cannot be made white
            raise Unfixable(errors + refusal_report("", FileType.PHOTO, None, refusal.rule,
                                                     refusal.problem).findings) from None
        fitted = _fit_bytes(whitened.image, photo_cfg.fix, size.min_bytes, size.max_bytes)
        if fitted is None:
            return None
        findings = check_photo_bytes(_jpeg_name(name), fitted[0], profile)
        errors = [f for f in findings if f.severity is Severity.ERROR]
        changes = [whitened.change]
    if errors:
        raise Unfixable(errors)
    return FixedPhoto(fitted[0], crop.size, fitted[1], findings, changes=changes)


def _background_findings(name: str, data: bytes, profile: Profile) -> list[Finding]:
    """photo.background's verdict on the input as `check` gives it (from the border strips when not one face is
    found), reported beside a face refusal so that a room behind the person is not passed over in silence."""
    return [f for f in check_photo_bytes(_jpeg_name(name), data, profile)
            if f.rule == "photo.background" and f.severity is Severity.ERROR]


def _nothing_fits(last_crop: tuple[int, int], cfg, size) -> Refusal:
    """Why no preset could be made: the crop around the face too small even enlarged, or no quality in range."""
    smallest = min(cfg.sizes, key=lambda s: s[0] * s[1])
    crop_w, crop_h = last_crop
    if crop_h * cfg.max_upscale < smallest[1]:
        upscale, limit = versus(smallest[1] / crop_h, cfg.max_upscale, decimals=2)
        return refuse("photo.dimensions",
                      f"人脸周围可裁出的区域只有 {crop_w}×{crop_h} 像素，最小的目标尺寸 {smallest[0]}×{smallest[1]} "
                      f"需要放大 {upscale} 倍（上限 {limit} 倍）。请使用更大、更清晰的原图。",
                      f"The crop around the face is only {crop_w}×{crop_h} px; the smallest target "
                      f"{smallest[0]}×{smallest[1]} would need {upscale}× enlargement (at most {limit}×). Use a "
                      "larger original.",
                      [crop_w, crop_h], list(smallest))
    return refuse("photo.file-size",
                  f"在质量 {cfg.quality[0]}～{cfg.quality[1]} 的任何设置下都无法把文件大小放进 "
                  f"{size.min_bytes:,}～{size.max_bytes:,} 字节。",
                  f"No JPEG quality in {cfg.quality[0]}-{cfg.quality[1]} brings the file into "
                  f"{size.min_bytes:,}-{size.max_bytes:,} bytes.", None, [size.min_bytes, size.max_bytes])


def _kept_if_passing(name: str, data: bytes, profile: Profile) -> FixedPhoto | None:
    """The input when it is JPEG content with no error under the output's .jpg name (warnings stay): re-encoding
    could only lose detail. Its metadata (EXIF with a phone's GPS position, XMP, comments) is left out without
    re-encoding where the JPEG's markers allow and the result still passes."""
    if sniff(data[:_HEAD]) != "JPEG":
        return None
    findings = check_photo_bytes(_jpeg_name(name), data, profile)
    if any(f.severity is Severity.ERROR for f in findings):
        return None
    image = open_image(name, data, profile.section("photo").max_pixels)  # the header only: check just read it
    stripped = without_metadata(data)
    if stripped is not None and stripped.data != data:
        clean = check_photo_bytes(_jpeg_name(name), stripped.data, profile)
        if not any(f.severity is Severity.ERROR for f in clean):
            return FixedPhoto(stripped.data, image.size, None, clean, kept=True)
    return FixedPhoto(data, image.size, None, findings, kept=True)


def _decode_at(name: str, data: bytes, max_pixels, long_side: float) -> tuple[Image.Image, tuple[int, int]]:
    """The upright picture decoded with at least `long_side` pixels on its long side (all of them when it has
    fewer), and its full upright size."""
    try:
        image = open_image(name, data, max_pixels)
        full_size = displayed_size(image.size, exif_orientation(image))
        return decode(image, math.ceil(long_side)), full_size
    except LoadFailure as failure:
        raise Refusal(failure.rule, failure.problem) from None


class Unfixable(Refusal):
    """The fixed photo still fails checks that cropping and re-encoding cannot mend (e.g. a busy background), or no
    face can be cropped around (with the background's verdict beside it): a Refusal named by its first finding,
    with every finding in `findings`."""

    def __init__(self, findings: list[Finding]):
        first = findings[0]
        super().__init__(first.rule, Problem(first.message, first.measured, first.expected, box=first.box))
        self.findings = findings


def _jpeg_name(name: str) -> str:
    return Path(name).stem + ".jpg"


# --- files ----------------------------------------------------------------------------------------------------

@dataclass
class FixResult:
    """One photo's outcome; render.fix.photo_summary says it in words."""

    source: str
    output: str | None
    report: FileReport
    written: bool
    size: tuple[int, int] | None = None
    quality: int | None = None  # None where the input was kept as it is
    byte_count: int = 0
    data: bytes | None = None  # the fixed JPEG, when it was asked for rather than written (fix_file(output=None))


@dataclass(frozen=True)
class _Read:
    """A file read once: what it is (from its first bytes), its bytes (None where they were not wanted or could not
    be read) and why it could not be read."""

    kind: FileType
    data: bytes | None = None
    error: str | None = None


def _read(path: Path, skip: tuple[FileType, ...] = ()) -> _Read:
    """The file's head says what it is; the rest is read on from the same handle unless its kind is in `skip`."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEAD)
            kind = classify(path.name, head)
            return _Read(kind) if kind in skip else _Read(kind, head + handle.read())
    except OSError as exc:
        return _Read(classify(path.name, b""), error=exc.strerror or type(exc).__name__)


def _attempt(source: Path, read: _Read, profile: Profile, keep_background: bool) -> FixedPhoto | FixResult:
    """The fixed photo, or the result that refuses it (nothing to write)."""
    shown = display_path(source)
    if read.data is None:
        report = refusal_report(shown, FileType.PHOTO, None, "file.unreadable", unreadable(read.error))
        return FixResult(shown, None, report, False)
    sha = hashlib.sha256(read.data).hexdigest()
    try:
        return fix_photo_bytes(display_name(source), read.data, profile, keep_background)
    except Unfixable as unfixable:
        return FixResult(shown, None, FileReport(shown, FileType.PHOTO, sha, unfixable.findings), False)
    except Refusal as refusal:
        return FixResult(shown, None, refusal_report(shown, FileType.PHOTO, sha, refusal.rule, refusal.problem),
                         False)


def _deliver(source: Path, outcome: FixedPhoto | FixResult, output: Path | None) -> FixResult:
    """A fixed photo written atomically to `output`, or with `output` None kept in FixResult.data; a refusal as
    it is."""
    if isinstance(outcome, FixResult):
        return outcome
    if output is not None:
        write_atomic(output, outcome.data)
    out_shown = display_path(output) if output is not None else None
    report = FileReport(out_shown or "-", FileType.PHOTO, hashlib.sha256(outcome.data).hexdigest(), outcome.findings,
                        changes=outcome.changes)
    return FixResult(display_path(source), out_shown, report, output is not None, outcome.size, outcome.quality,
                     len(outcome.data), None if output is not None else outcome.data)


def fix_file(source: Path, output: Path | None, profile: Profile, keep_background: bool = False) -> FixResult:
    """Fix one photo into `output` (written atomically), or with `output` None into FixResult.data."""
    return _deliver(source, _attempt(source, _read(source), profile, keep_background), output)


def fix_data(shown: str, data: bytes, profile: Profile) -> FixResult:
    """fix_file for a photo read elsewhere (a member of a zipped application, `shown` its path as the report
    shows it): the fixed photo in FixResult.data."""
    return _deliver(Path(shown), _attempt(Path(shown), _Read(FileType.PHOTO, data), profile, False), None)


def _would_overwrite(out: Path) -> UsageError:
    return UsageError("would_overwrite", path=display_path(out))


def _not_a_photo(source: Path) -> UsageError:
    return UsageError("not_a_photo", path=display_path(source))


def _output_names(sources: list[Path], root: Path) -> list[Path]:
    """Relative output names (UTF-8, .jpg) for the photos of a folder, distinct even where two sources share a
    stem (照片/a.heic and 照片/a.png become a-heic.jpg and a-png.jpg) or differ only in case."""
    def parts(src: Path) -> tuple[Path, str, str]:
        relative = src.relative_to(root)
        folder = Path(*(display_name(part) for part in relative.parent.parts))
        name = display_name(src)
        stem, _, ext = name.rpartition(".") if "." in name[1:] else (name, "", "")
        return folder, stem, ext

    planned = [parts(src) for src in sources]
    base = Counter(str(folder / stem).lower() for folder, stem, _ in planned)
    used: set[str] = set()
    names = []
    for folder, stem, ext in planned:
        name = stem if base[str(folder / stem).lower()] == 1 or not ext else f"{stem}-{ext.lower()}"
        candidate, n = name, 1
        while str(folder / candidate).lower() in used:
            n += 1
            candidate = f"{name}-{n}"
        used.add(str(folder / candidate).lower())
        names.append(folder / f"{candidate}.jpg")
    return names


def _fix_folder(source: Path, output: Path | None, profile: Profile, keep_background: bool) -> list[FixResult]:
    """Every photo of a folder, each read once and fixed, then written under names made distinct across them
    all (so the fixed photos wait in memory, each within the profile's byte window, until the last is fixed)."""
    if output is not None and (output.is_file() or extension(output.name) in DOCUMENT_EXTENSIONS):
        raise UsageError("folder_needs_folder", path=display_path(source), output=display_path(output))
    out_dir = output or source.with_name(display_name(source) + "-fixed")
    ensure_writable(out_dir, folder=True)
    attempts = []
    for target in discover([source], profile, exclude=[out_dir]):
        if isinstance(target, Target):
            read = _read(target.path, skip=(FileType.PDF, FileType.OTHER))
            if read.kind is FileType.PHOTO:
                attempts.append((target.path, _attempt(target.path, read, profile, keep_background)))
    photos = [path for path, _ in attempts]
    outputs = [out_dir / name for name in _output_names(photos, source)]
    for src, out in zip(photos, outputs):
        if same_file(src, out):
            raise _would_overwrite(out)
    return [_deliver(src, outcome, out) for (src, outcome), out in zip(attempts, outputs)]


def fix_paths(source: Path, output: Path | None, profile: Profile, write: bool = True,
              keep_background: bool = False) -> list[FixResult]:
    """Fix one photo (output: a file, default NAME-fixed.jpg) or every photo in a folder (output: a folder,
    default FOLDER-fixed, same relative names; photos already in the output folder are not fixed again). Inputs
    are never overwritten; an output that cannot be written is refused before any work (OutputError). With
    `write` False (one photo only) nothing is written and the JPEG comes back in FixResult.data. With
    `keep_background` a coloured backdrop is refused (photo.background) rather than made white."""
    shown = display_path(source)
    if not os.path.lexists(source):
        raise UsageError("missing_path", path=shown)
    folder = source.is_dir() and not source.is_symlink()
    if not write and folder:
        raise UsageError("folder_to_stdout", path=shown)
    if folder:
        return _fix_folder(source, output, profile, keep_background)
    read = _read(source, skip=(FileType.PDF,))
    if read.kind is FileType.PDF:
        raise _not_a_photo(source)
    if not write:
        return [_deliver(source, _attempt(source, read, profile, keep_background), None)]
    out = output or source.with_name(Path(display_name(source)).stem + "-fixed.jpg")
    if out.is_dir():
        out = out / (Path(display_name(source)).stem + ".jpg")
    ensure_writable(out)
    if same_file(source, out):
        raise _would_overwrite(out)
    return [_deliver(source, _attempt(source, read, profile, keep_background), out)]
