"""`docprep fix` for photos: upright, crop around the face, resize to a preset, sRGB baseline JPEG in the byte
window (by quality, then pixel size; never by padding), verified by the same checks before anything is written."""
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

from ..atomic import ensure_writable, write_atomic
from ..documents.images import decode, displayed_size, exif_orientation, open_image
from ..documents.photo import Box, find_faces
from ..documents.sniff import extension, sniff
from ..engine.checkfile import check_photo_bytes, classify
from ..engine.walk import DOCUMENT_EXTENSIONS, Target, discover
from ..errors import UsageError
from ..i18n import Text
from ..model import FileReport, Finding, LoadFailure, Problem, Severity
from ..numbers import rounded, versus
from ..paths import display_name, display_path, read_head, same_file
from ..profiles.loader import Profile
from .scan import jpeg_scan

# Faces in phone photos can be small: they are searched for down to this share of the short side, on a copy
# decoded (JPEG draft mode) to at least this long side, whose short side still gives such a face the detector's
# 24 px even in a 2:1 picture.
FIX_MIN_FACE_FRACTION = 0.06
FIX_DETECTION_LONG_SIDE = 900


@dataclass
class Refusal(Exception):
    rule: str
    problem: Problem

    def __str__(self) -> str:
        return f"{self.rule}: {self.problem.message.en}"


@dataclass
class FixedPhoto:
    data: bytes
    size: tuple[int, int]
    quality: int | None  # None where the input was kept
    findings: list[Finding] = field(default_factory=list)  # warnings left on the output
    kept: bool = False  # the input's own coded image: a JPEG that already passed every rule


def _refuse(rule: str, zh: str, en: str, measured=None, expected=None) -> Refusal:
    return Refusal(rule, Problem(Text(zh, en), measured, expected))


def _largest_face(rgb: np.ndarray) -> Box:
    """The one face to crop around, in rgb's pixel frame."""
    faces = find_faces(rgb, FIX_MIN_FACE_FRACTION)
    if not faces.frontal:
        raise _refuse("photo.face", "找不到正面人脸，无法确定裁剪位置。请使用正面免冠照片。",
                      "No frontal face was found, so there is nowhere to crop around. Use a frontal, bare-headed photo.",
                      0, 1)
    if len(faces.frontal) > 1:
        raise _refuse("photo.face", f"找到 {len(faces.frontal)} 张人脸，无法确定裁剪哪一个。请使用单人照片。",
                      f"{len(faces.frontal)} faces were found; cannot tell which one to crop. Use a photo of one person.",
                      len(faces.frontal), 1)
    return faces.frontal[0]


def _crop_box(face: Box, image_size: tuple[int, int], ratio: float, cfg, face_limit: float) -> tuple[int, int, int, int]:
    """The crop (left, top, width, height) that puts the face where an ID photo has it, shrunk to fit the image."""
    img_w, img_h = image_size
    want_h = face.h / cfg.face_height
    fits_h = min(face.cy / cfg.face_center_y, (img_h - face.cy) / (1 - cfg.face_center_y),
                 2 * face.cx / ratio, 2 * (img_w - face.cx) / ratio)
    height = min(want_h, fits_h)
    if face.h / height > face_limit:
        share, limit = versus(face.h / height, face_limit, percent=True)
        raise _refuse("photo.face",
                      f"人脸周围留白不足：能裁出的最大区域里人脸占 {share} 高度（上限 {limit}）。"
                      "请使用头部四周留有空间的照片。",
                      f"Too little room around the head: in the largest possible crop the face is {share} "
                      f"of the height (at most {limit}). Use a photo with space around the head.",
                      rounded(face.h / height, face_limit), face_limit)
    width = height * ratio
    left = int(round(face.cx - width / 2))
    top = int(round(face.cy - cfg.face_center_y * height))
    return max(0, left), max(0, top), int(width), int(height)


def _encode(image: Image.Image, quality: int, dpi: int, subsampling: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True, progressive=False, dpi=(dpi, dpi),
               subsampling=subsampling)
    return out.getvalue()


def _fit_bytes(image: Image.Image, cfg, lo: int, hi: int) -> tuple[bytes, int] | None:
    """The highest quality whose file is at most `hi` bytes, if that file is at least `lo` bytes.
    Chroma at full resolution (4:4:4) is tried when 4:2:0 stays under `lo` even at the top quality."""
    q_lo, q_hi = int(cfg.quality[0]), int(cfg.quality[1])
    for subsampling in (2, 0):
        if len(_encode(image, q_lo, cfg.dpi, subsampling)) > hi:
            return None
        best_q = q_lo
        low, high = q_lo + 1, q_hi
        while low <= high:  # sizes grow with quality: binary search for the largest fitting one
            mid = (low + high) // 2
            if len(_encode(image, mid, cfg.dpi, subsampling)) <= hi:
                best_q, low = mid, mid + 1
            else:
                high = mid - 1
        data = _encode(image, best_q, cfg.dpi, subsampling)
        if len(data) >= lo:
            return data, best_q
    return None


def fix_photo_bytes(name: str, data: bytes, profile: Profile) -> FixedPhoto:
    """Turn any readable photo into one that passes the profile, or raise Refusal saying why it cannot. A JPEG that
    already passes is returned as it is: re-encoding it could only lose detail, and cropping it could move it
    nearer a limit."""
    kept = _kept_if_passing(name, data, profile)
    if kept is not None:
        return kept
    photo_cfg = profile.section("photo")
    cfg = photo_cfg.fix
    # The face is found on a reduced copy; the crop then comes from pixels decoded only as large as it needs.
    source, full_size = _decode_at(name, data, photo_cfg.max_pixels, FIX_DETECTION_LONG_SIDE)
    face = _largest_face(np.asarray(source)).scaled(full_size[0] / source.width)
    face_limit = photo_cfg.face.height_ratio[1]  # check's own limit: what passes check, fix may make
    size = photo_cfg.file_size
    tried = []
    for out_w, out_h in sorted((tuple(s) for s in cfg.sizes), key=lambda s: s[0] * s[1], reverse=True):
        left, top, width, height = _crop_box(face, full_size, out_w / out_h, cfg, face_limit)
        if out_h > height * cfg.max_upscale:
            tried.append((out_w, out_h, width, height))
            continue
        if source.width / full_size[0] < min(1.0, out_h / height):
            source, _ = _decode_at(name, data, photo_cfg.max_pixels, max(full_size) * out_h / height)
        scale = source.width / full_size[0]
        region = (left * scale, top * scale, min(source.width, (left + width) * scale),
                  min(source.height, (top + height) * scale))
        crop = source.resize((out_w, out_h), Image.LANCZOS, box=region)
        fitted = _fit_bytes(crop, cfg, size.min_bytes, size.max_bytes)
        if fitted is None:
            tried.append((out_w, out_h, width, height))
            continue
        out, quality = fitted
        findings = check_photo_bytes(_jpeg_name(name), out, profile)
        errors = [f for f in findings if f.severity is Severity.ERROR]
        if errors:
            raise _Unfixable(errors)
        return FixedPhoto(out, (out_w, out_h), quality, findings)
    smallest = min(cfg.sizes, key=lambda s: s[0] * s[1])
    crop_w, crop_h = tried[-1][2], tried[-1][3]
    if crop_h * cfg.max_upscale < smallest[1]:
        upscale, limit = versus(smallest[1] / crop_h, cfg.max_upscale, decimals=2)
        raise _refuse("photo.dimensions",
                      f"人脸周围可裁出的区域只有 {crop_w}×{crop_h} 像素，最小的目标尺寸 {smallest[0]}×{smallest[1]} "
                      f"需要放大 {upscale} 倍（上限 {limit} 倍）。请使用更大、更清晰的原图。",
                      f"The crop around the face is only {crop_w}×{crop_h} px; the smallest target {smallest[0]}×{smallest[1]} "
                      f"would need {upscale}× enlargement (at most {limit}×). Use a larger original.",
                      [crop_w, crop_h], list(smallest))
    raise _refuse("photo.file-size",
                  f"在质量 {cfg.quality[0]}～{cfg.quality[1]} 的任何设置下都无法把文件大小放进 "
                  f"{size.min_bytes:,}～{size.max_bytes:,} 字节。", f"No JPEG quality in {cfg.quality[0]}-{cfg.quality[1]} "
                  f"brings the file into {size.min_bytes:,}-{size.max_bytes:,} bytes.", None, [size.min_bytes, size.max_bytes])


def _kept_if_passing(name: str, data: bytes, profile: Profile) -> FixedPhoto | None:
    """The input when it is JPEG content with no error under the output's .jpg name (warnings stay): re-encoding
    could only lose detail. Its metadata (EXIF with a phone's GPS position, XMP, comments) is left out without
    re-encoding where the JPEG's markers allow and the result still passes."""
    if sniff(data[:1024]) != "JPEG":
        return None
    findings = check_photo_bytes(_jpeg_name(name), data, profile)
    if any(f.severity is Severity.ERROR for f in findings):
        return None
    image = open_image(name, data, profile.section("photo").max_pixels)  # the header only: check just read it
    stripped = jpeg_scan(data)
    if stripped is not None and stripped[0] != data:
        clean = check_photo_bytes(_jpeg_name(name), stripped[0], profile)
        if not any(f.severity is Severity.ERROR for f in clean):
            return FixedPhoto(stripped[0], image.size, None, clean, kept=True)
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


class _Unfixable(Exception):
    """The fixed photo still fails checks that cropping and re-encoding cannot mend (e.g. a blue background)."""

    def __init__(self, findings: list[Finding]):
        super().__init__([f.rule for f in findings])
        self.findings = findings


def _jpeg_name(name: str) -> str:
    return Path(name).stem + ".jpg"


@dataclass
class FixResult:
    source: str
    output: str | None
    report: FileReport
    written: bool
    size: tuple[int, int] | None = None
    quality: int | None = None
    byte_count: int = 0
    data: bytes | None = None  # the fixed JPEG, when it was asked for rather than written (fix_file(output=None))

    def summary(self, lang: str) -> str:
        if self.size is None:
            return (f"未生成：{self.source}（原因见下）" if lang == "zh"
                    else f"Not written: {self.source} (reasons below)")
        w, h = self.size
        n = self.byte_count
        where = self.output or ("标准输出" if lang == "zh" else "standard output")
        if self.quality is None:  # the input already passed: its image kept as it was
            return (f"已生成 {where}：{w}×{h} 像素，{n:,} 字节（原照片已符合要求，图像未重新编码，仅去掉元数据）"
                    if lang == "zh" else f"Wrote {where}: {w}×{h} px, {n:,} bytes (the photo already passed: its "
                    "image is not re-encoded, only metadata is left out)")
        return (f"已生成 {where}：{w}×{h} 像素，{n:,} 字节，JPEG 质量 {self.quality}" if lang == "zh"
                else f"Wrote {where}: {w}×{h} px, {n:,} bytes, JPEG quality {self.quality}")


def fix_file(source: Path, output: Path | None, profile: Profile) -> FixResult:
    """Fix one photo into `output` (written atomically), or with `output` None into FixResult.data."""
    shown = display_path(source)
    try:
        data = source.read_bytes()
    except OSError as exc:
        problem = Problem(Text(f"无法读取文件：{exc.strerror}。", f"Cannot read the file: {exc.strerror}."))
        return FixResult(shown, None, _refusal_report(shown, None, "file.unreadable", problem), False)
    sha = hashlib.sha256(data).hexdigest()
    try:
        fixed = fix_photo_bytes(display_name(source), data, profile)
    except Refusal as refusal:
        return FixResult(shown, None, _refusal_report(shown, sha, refusal.rule, refusal.problem), False)
    except _Unfixable as unfixable:
        return FixResult(shown, None, FileReport(shown, "photo", sha, unfixable.findings), False)
    if output is not None:
        write_atomic(output, fixed.data)
    out_shown = display_path(output) if output is not None else None
    out_report = FileReport(out_shown or "-", "photo", hashlib.sha256(fixed.data).hexdigest(), fixed.findings)
    return FixResult(shown, out_shown, out_report, output is not None, fixed.size, fixed.quality, len(fixed.data),
                     None if output is not None else fixed.data)


def _refusal_report(shown: str, sha: str | None, rule: str, problem: Problem) -> FileReport:
    """A refusal is always an error, even where the profile lowered or disabled the rule for `check`."""
    refusal = Finding(rule, Severity.ERROR, problem.message, problem.measured, problem.expected, problem.page,
                      problem.box)
    return FileReport(shown, "photo", sha, [refusal])


def _would_overwrite(out: Path) -> UsageError:
    shown = display_path(out)
    return UsageError(Text(f"输出“{shown}”会覆盖输入文件；请用 -o 另选输出位置。",
                           f"the output {shown} would overwrite the input; choose another -o"))


def _not_a_photo(source: Path) -> UsageError:
    shown = display_path(source)
    return UsageError(Text(
        f"“{shown}”是 PDF，不是照片。fix 把照片修正为证件照，或把图片合成 PDF（-o 文件名.pdf）；检查 PDF 请用：docprep check {shown}",
        f"'{shown}' is a PDF, not a photo. fix makes ID photos from photos, or one PDF from images (-o NAME.pdf); "
        f"to check a PDF: docprep check {shown}"))


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


def _folder_pairs(source: Path, output: Path | None, profile: Profile) -> list[tuple[Path, Path]]:
    if output is not None and (output.is_file() or extension(output.name) in DOCUMENT_EXTENSIONS):
        shown = display_path(output)
        raise UsageError(Text(f"“{display_path(source)}”是文件夹，修正后的照片会写入一个文件夹：-o 请给出文件夹，而不是“{shown}”。",
                              f"'{display_path(source)}' is a folder, so the fixed photos go into a folder: -o must "
                              f"name a folder, not '{shown}'."))
    out_dir = output or source.with_name(display_name(source) + "-fixed")
    ensure_writable(out_dir, folder=True)
    photos = [t.path for t in discover([source], profile, exclude=[out_dir])
              if isinstance(t, Target) and classify(t.path.name, read_head(t.path)) == "photo"]
    return [(src, out_dir / name) for src, name in zip(photos, _output_names(photos, source))]


def fix_paths(source: Path, output: Path | None, profile: Profile, write: bool = True) -> list[FixResult]:
    """Fix one photo (output: a file, default NAME-fixed.jpg) or every photo in a folder (output: a folder,
    default FOLDER-fixed, same relative names; photos already in the output folder are not fixed again). Inputs
    are never overwritten; an output that cannot be written is refused before any work (OutputError). With
    `write` False (one photo only) nothing is written and the JPEG comes back in FixResult.data."""
    shown = display_path(source)
    if not os.path.lexists(source):
        raise UsageError(Text(f"找不到“{shown}”。", f"no such file or folder: {shown}"))
    folder = source.is_dir() and not source.is_symlink()
    if not write and folder:
        raise UsageError(Text(f"“{shown}”是文件夹：只有单张照片能输出到标准输出。",
                              f"'{shown}' is a folder: only one photo can go to standard output"))
    if not folder and classify(source.name, read_head(source)) == "pdf":
        raise _not_a_photo(source)
    if not write:
        return [fix_file(source, None, profile)]
    if folder:
        pairs = _folder_pairs(source, output, profile)
    else:
        out = output or source.with_name(Path(display_name(source)).stem + "-fixed.jpg")
        if out.is_dir():
            out = out / (Path(display_name(source)).stem + ".jpg")
        ensure_writable(out)
        pairs = [(source, out)]
    for src, out in pairs:
        if same_file(src, out):
            raise _would_overwrite(out)
    return [fix_file(src, out, profile) for src, out in pairs]

