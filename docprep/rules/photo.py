"""ID-photo rules: file facts (format, bytes, pixels, ratio) and picture facts (background, face, sharpness, light).

Each check is a plain function of a decoded `Photo` and the profile's [photo] settings."""
from __future__ import annotations

from fractions import Fraction
from typing import Iterator

import cv2
import numpy as np

from ..analysis.docimage import SETTINGS as DOCUMENT_SETTINGS
from ..documents.photo import Box, Photo
from ..documents.sniff import extension
from ..i18n import Text
from ..model import Problem, Severity
from ..numbers import limit_text, rounded, versus
from ..profiles.schema import Setting, lower_extensions, ordered
from .registry import RuleFamily

S = Setting
SETTINGS = {
    "extensions": S("str-list", "allowed file extensions (any case, with or without the dot: \".JPG\" is read as "
                                "jpg)", min_items=1, normalize=lower_extensions),
    "max_pixels": {  # images with more pixels are refused undecoded (decompression bombs)
        "jpeg": S("int", "most pixels of a JPEG (decoded at reduced size, so memory stays small)", min=1),
        "other": S("int", "most pixels of any other format (PNG, TIFF, HEIC ...: decoded whole, about 4 bytes a "
                   "pixel)", min=1),
    },
    "file_size": {
        "min_bytes": S("int", "smallest allowed file size in bytes (inclusive)", min=0),
        "max_bytes": S("int", "largest allowed file size in bytes (inclusive)", min=1),
        "notice": S("str", "the platform's own words for the size window, quoted in messages", required=False),
        "kilo": S("int", "how the notice's K is read: 1024 or 1000 bytes", choices=(1000, 1024)),
    },
    "dimensions": {
        "min_width": S("int", "smallest width in pixels", min=1),
        "min_height": S("int", "smallest height in pixels", min=1),
        "exact": S("size-list", "allowed exact [width, height] sizes; empty list = any size above the minimum",
                   required=False),
    },
    "aspect_ratio": S("range", "allowed width/height, both ends included", min=0.1, max=10),
    "color": {
        "top_share": S("float", "share of the most colourful pixels whose chroma is measured", min=0.0001, max=0.5),
        "min_chroma": S("float", "Lab chroma those pixels reach at least; below it the photo is black and white",
                        min=0),
    },
    "background": {
        "min_brightness": S("float", "median grey level of the background (0-255) at least", min=0, max=255),
        "max_tint": S("float", "colour distance of the median background from neutral grey (Lab a*/b*)", min=0),
        "max_spread": S("float", "grey levels between the background's brightest and darkest areas", min=0),
    },
    "face": {
        "height_ratio": S("range", "face height / photo height (detector box, brows to chin)", min=0, max=1),
        "max_width_ratio": S("float", "face width / photo width at most: the detector's square box stops growing "
                             "at the photo's sides, so a head too large shows here first", min=0, max=1),
        "max_center_offset": S("float", "horizontal offset of the face centre from the photo centre, / width", min=0),
        "min_headroom": S("float", "space above the face box, in face heights, for the hair and top margin", min=0),
        "max_eye_offset": S("float", "offset of the eyes' midpoint from the face centre, / face width (turned head)",
                            min=0),
        "max_roll_degrees": S("float", "tilt of the eye line in degrees", min=0),
    },
    "sharpness": {
        "min_score": S("float", "contrast-normalised Laplacian energy of the face at 128 px", min=0),
    },
    "exposure": {
        "face_brightness": S("range", "mean grey level of the central face area", min=0, max=255),
        "max_side_difference": S("float", "brightness difference between the face's halves, / face brightness", min=0),
    },
    "document": DOCUMENT_SETTINGS,  # telling a picture of a document from an ID photo (docprep.docimage)
    "fix": {
        "sizes": S("size-list", "output [width, height] presets for `docprep fix`, largest first"),
        "dpi": S("int", "DPI written into the fixed JPEG", min=72, max=1200),
        "max_upscale": S("float", "how far `fix` may enlarge the crop to reach a preset (1.0 = never)", min=1.0),
        "quality": S("range", "JPEG quality range that `fix` searches", min=1, max=100),
        "face_height": S("float", "face box height / output height in a fixed photo", min=0.05, max=0.9),
        "face_center_y": S("float", "face box centre / output height in a fixed photo", min=0.1, max=0.9),
    },
}

FAMILY = RuleFamily("photo", SETTINGS, validate=lambda section: ordered(
    section, "photo", (("file_size.min_bytes", "file_size.max_bytes"),)))
E, W = Severity.ERROR, Severity.WARNING
T = Text

FAMILY.declare(
    "photo.unreadable", E,
    title=T("照片无法读取", "Photo cannot be read"),
    explain=T("文件为空、被截断、已损坏，或像素数大得异常（解压炸弹），无法解码。",
              "The file is empty, truncated, damaged, or claims an absurd pixel count (a decompression bomb)."),
    fix=T("从原始照片重新导出 JPG，或用 `docprep fix` 从原图生成。",
          "Export the JPG again from the original, or make one with `docprep fix` from the original picture."),
)


def _problem(zh: str, en: str, measured=None, expected=None, box: Box | None = None, **values) -> Problem:
    return Problem(T(zh, en).format(**values), measured, expected, box=box.as_tuple() if box else None)


@FAMILY.rule(
    "photo.not-jpeg", E,
    title=T("照片内容不是 JPEG", "Photo content is not JPEG"),
    explain=T("平台按文件内容判断格式：把 PNG 等图片改名为 .jpg 仍会被拒绝。",
              "The platform checks the content, not the name: a PNG renamed to .jpg is still rejected."),
    fix=T("用 `docprep fix` 或图片软件“另存为 JPEG”，不要只改扩展名。",
          "Use `docprep fix` or 'Save as JPEG' in an image editor; renaming is not converting."),
)
def not_jpeg(photo: Photo, cfg) -> Iterator[Problem]:
    if not photo.is_jpeg:
        yield _problem("文件内容是 {fmt}，不是 JPEG（扩展名不能代替格式转换）。请用 `docprep fix` 转换为 JPEG。",
                       "The content is {fmt}, not JPEG (renaming does not convert). Convert it with `docprep fix`.",
                       photo.format, "JPEG", fmt=photo.format)


@FAMILY.rule(
    "photo.extension", E,
    title=T("扩展名不被接受", "Extension not accepted"),
    explain=T("平台只接受规定扩展名（如 .jpg/.jpeg，大小写均可）的照片文件。",
              "The platform accepts only the listed extensions (e.g. .jpg/.jpeg, any case)."),
    fix=T("把文件另存为 JPEG，并使用 .jpg 扩展名。", "Save the file as JPEG with a .jpg extension."),
)
def extension_allowed(photo: Photo, cfg) -> Iterator[Problem]:
    ext = extension(photo.name)
    if ext not in cfg.extensions:
        allowed = "/".join("." + e for e in cfg.extensions)
        yield _problem("扩展名为“{ext}”，要求 {allowed}。请另存为 JPEG 并改用 .jpg 扩展名。",
                       "The extension is '{ext}'; expected {allowed}. Save as JPEG with a .jpg extension.",
                       "." + ext if ext else "", allowed, ext="." + ext if ext else "（无）", allowed=allowed)


def _read_as_1000(bound: int) -> int:
    """A byte bound written from a notice's K/M with K = 1024, read instead with K = 1000:
    30,721 (30K + 1) -> 30,001; 1,048,575 (1M - 1) -> 999,999. Bounds that are no such figure stay as they are."""
    for power in (3, 2, 1):
        unit = 1024 ** power
        count = round(bound / unit)
        if count >= 1 and abs(bound - count * unit) <= 1:
            return count * 1000 ** power + (bound - count * unit)
    return bound


@FAMILY.rule(
    "photo.file-size", E,
    title=T("文件大小不符", "File size out of range"),
    explain=T("平台限制照片文件的字节数（浙江：大于30K且小于1M，K 按 1024 字节计）。",
              "The platform limits the photo's bytes (Zhejiang: over 30K and under 1M, with K = 1024 bytes)."),
    fix=T("用 `docprep fix` 重新压缩；它调节 JPEG 质量和像素尺寸，不会填充无用字节。",
          "Re-compress with `docprep fix`; it tunes JPEG quality and pixel size, never pads bytes."),
)
def file_size(photo: Photo, cfg) -> Iterator[Problem]:
    size, lo, hi = len(photo.data), cfg.file_size.min_bytes, cfg.file_size.max_bytes
    if lo <= size <= hi:
        return
    notice = getattr(cfg.file_size, "notice", None)
    rule_text = T(f"（通知原文：{notice}）", f"(the notice says: {notice})") if notice else T("", "")
    expected = [lo, hi]
    if size < lo:
        message = T(f"文件只有 {size:,} 字节，要求至少 {lo:,} 字节{rule_text.zh}。请用 `docprep fix` 以更高质量重新生成。",
                    f"The file has {size:,} bytes; at least {lo:,} are required {rule_text.en}. "
                    "Regenerate it at a higher quality with `docprep fix`.")
        bound = lo
    else:
        message = T(f"文件有 {size:,} 字节，要求至多 {hi:,} 字节{rule_text.zh}。请用 `docprep fix` 压缩。",
                    f"The file has {size:,} bytes; at most {hi:,} are allowed {rule_text.en}. Compress it with `docprep fix`.")
        bound = hi
    if cfg.file_size.kilo == 1024 and abs(size - bound) <= bound * (1 - 1000 / 1024):
        # The failure is inside the gap between reading K as 1000 and as 1024 bytes: say which reading applies.
        safe_lo, safe_hi = max(lo, _read_as_1000(lo)), min(hi, _read_as_1000(hi))
        message = message + T(
            f"注意：K/M 按 1024 计算（1K = 1,024 字节），不是 1000；稳妥起见请控制在 {safe_lo:,}～{safe_hi:,} 字节之间。",
            f"Note: K and M are read as 1024 (1K = 1,024 bytes), not 1000; to be safe under either reading, "
            f"aim for {safe_lo:,} to {safe_hi:,} bytes.")
    yield Problem(message, size, expected)


@FAMILY.rule(
    "photo.dimensions", E,
    title=T("像素尺寸不符", "Pixel size out of range"),
    explain=T("照片宽高（像素）必须不小于规定值，或等于规定的固定尺寸；按 EXIF 方向摆正后测量。",
              "Width and height in pixels must reach the minimum, or equal a fixed size; measured after EXIF rotation."),
    fix=T("用 `docprep fix` 按规定尺寸裁剪缩放；原图太小则需要重新拍摄。",
          "Crop and resize with `docprep fix`; if the original is too small, take the photo again."),
)
def dimensions(photo: Photo, cfg) -> Iterator[Problem]:
    w, h = photo.size
    d = cfg.dimensions
    exact = [tuple(s) for s in getattr(d, "exact", [])]
    if exact and (w, h) not in exact:
        sizes = "、".join(f"{ew}×{eh}" for ew, eh in exact)
        yield _problem("照片为 {w}×{h} 像素，要求正好为 {sizes} 像素（宽×高）。请用 `docprep fix` 生成。",
                       "The photo is {w}×{h} px; it must be exactly {sizes_en} px (width×height). Make one with `docprep fix`.",
                       [w, h], [list(s) for s in exact], w=w, h=h, sizes=sizes,
                       sizes_en=" or ".join(f"{ew}×{eh}" for ew, eh in exact))
    elif w < d.min_width or h < d.min_height:
        yield _problem("照片为 {w}×{h} 像素，要求至少 {mw}×{mh} 像素（宽×高）。请用更大的原图重新生成，不要放大小图。",
                       "The photo is {w}×{h} px; at least {mw}×{mh} px (width×height) is required. "
                       "Start from a larger original; do not upscale a small one.",
                       [w, h], [d.min_width, d.min_height], w=w, h=h, mw=d.min_width, mh=d.min_height)


@FAMILY.rule(
    "photo.aspect-ratio", E,
    title=T("宽高比不符", "Aspect ratio out of range"),
    explain=T("宽/高 必须在规定范围内（浙江 0.65～0.80，两端可取）；身份证照 358×441 的比值 0.812 超出上限。",
              "width/height must lie in the window (Zhejiang 0.65-0.80, both ends allowed); the ID-card size 358×441 "
              "(0.812) is over the limit."),
    fix=T("用 `docprep fix` 按 1寸/2寸 比例重新裁剪。", "Re-crop to 1-inch/2-inch proportions with `docprep fix`."),
)
def aspect_ratio(photo: Photo, cfg) -> Iterator[Problem]:
    w, h = photo.size
    lo, hi = cfg.aspect_ratio
    # Exact rational comparison: 0.65 and 0.80 are not exact binary fractions, and both ends are allowed.
    if not Fraction(str(lo)) <= Fraction(w, h) <= Fraction(str(hi)):
        r, _ = versus(w / h, lo if w / h < lo else hi, decimals=3)  # 0.8004 shows as 0.8004, not as 0.800
        yield _problem("宽高比为 {r}（{w}×{h}），要求在 {lo}～{hi} 之间。请用 `docprep fix` 重新裁剪。",
                       "The width/height ratio is {r} ({w}×{h}); it must be between {lo} and {hi}. "
                       "Re-crop with `docprep fix`.",
                       rounded(w / h, lo if w / h < lo else hi, 4), [lo, hi], r=r, w=w, h=h, lo=limit_text(lo),
                       hi=limit_text(hi))


@FAMILY.rule(
    "photo.orientation", E,
    title=T("照片依赖 EXIF 旋转", "Photo relies on EXIF rotation"),
    explain=T("文件带有 EXIF 方向标记，手机里看是正的，但平台按存储的像素显示，照片会横躺或倒置。",
              "The file carries an EXIF orientation tag: it looks upright on the phone, but the platform shows the "
              "stored pixels, sideways or upside down."),
    fix=T("用 `docprep fix` 把旋转写入像素并去掉该标记。", "Use `docprep fix` to apply the rotation to the pixels and drop the tag."),
)
def orientation(photo: Photo, cfg) -> Iterator[Problem]:
    if photo.orientation != 1:
        turn = {2: "镜像", 3: "旋转180°", 4: "上下翻转", 5: "转置", 6: "顺时针旋转90°", 7: "横向转置", 8: "逆时针旋转90°"}
        turn_en = {2: "mirrored", 3: "rotated 180°", 4: "flipped", 5: "transposed", 6: "rotated 90° clockwise",
                   7: "transversed", 8: "rotated 90° counter-clockwise"}
        yield _problem("EXIF 方向标记为 {o}（需{t}才显示正确），平台会按存储像素显示。请用 `docprep fix` 摆正。",
                       "The EXIF orientation tag is {o} (must be {t_en} to show upright); the platform shows the stored "
                       "pixels. Straighten it with `docprep fix`.",
                       photo.orientation, 1, o=photo.orientation, t=turn.get(photo.orientation, "变换"),
                       t_en=turn_en.get(photo.orientation, "transformed"))


@FAMILY.rule(
    "photo.color-mode", E,
    title=T("颜色模式不符", "Wrong colour mode"),
    explain=T("证件照应为 sRGB 彩色：CMYK（印刷用）、灰度或其他色彩配置文件在网页上显示失真或被拒绝；以 RGB 保存的黑白照片"
              "按内容判断，同样不合格。",
              "ID photos must be sRGB colour: CMYK (for print), grayscale or other colour profiles display wrongly or are "
              "rejected; a black-and-white picture saved as RGB is judged by its pixels and fails too."),
    fix=T("用 `docprep fix` 转换为 sRGB 彩色 JPEG；黑白照片转换不出颜色，请改用彩色照片。",
          "Convert to an sRGB colour JPEG with `docprep fix`; a black-and-white photo gains no colour that way: use "
          "a colour one."),
)
def color_mode(photo: Photo, cfg) -> Iterator[Problem]:
    if photo.mode not in ("RGB", "YCbCr"):
        yield _problem("颜色模式为 {m}，要求 RGB 彩色（sRGB）。请用 `docprep fix` 转换。",
                       "The colour mode is {m}; RGB colour (sRGB) is required. Convert it with `docprep fix`.",
                       photo.mode, "RGB", m=photo.mode)
    elif photo.icc_description and "srgb" not in photo.icc_description.lower():
        yield _problem("嵌入的色彩配置文件是“{p}”，要求 sRGB。请用 `docprep fix` 转换。",
                       "The embedded colour profile is '{p}'; sRGB is required. Convert it with `docprep fix`.",
                       photo.icc_description, "sRGB", p=photo.icc_description)
    else:
        c = cfg.color
        chroma = colourfulness(photo.pixels, c.top_share)
        if chroma < c.min_chroma:
            shown, limit = versus(chroma, c.min_chroma, decimals=1)
            share = limit_text(c.top_share, percent=True)
            yield _problem("照片没有颜色：颜色最鲜艳的 {share} 像素色度只有 {c}，要求 ≥ {m}（黑白照片存成 RGB 也不合格）。"
                           "请使用彩色照片，黑白照片不能转成彩色。",
                           "The photo has no colour: its most colourful {share} of pixels reach a chroma of only {c}; "
                           "at least {m} is required (a black-and-white picture fails even when saved as RGB). Use a "
                           "colour photo; a black-and-white one cannot be made colour.",
                           rounded(chroma, c.min_chroma, 2), f">= {c.min_chroma}", c=shown, m=limit, share=share)


def lab(rgb: np.ndarray) -> np.ndarray:
    """CIE Lab of RGB uint8 pixels, unrounded (L 0-100, a* and b* about -128-127)."""
    return cv2.cvtColor(rgb.astype(np.float32) / 255, cv2.COLOR_RGB2LAB)


def colourfulness(rgb: np.ndarray, top_share: float) -> float:
    """The Lab chroma that the most colourful `top_share` of the pixels reach: skin, lips and clothes in a colour
    photo, a grey level's rounding noise in a black-and-white one. A face large enough for photo.face covers more
    of the picture than the share measured, so a photo with plain clothes on white is still judged by its skin.
    Every other pixel of every other row is enough (a quarter of the time): colour areas are far larger than that."""
    values = lab(rgb[::2, ::2])
    chroma = cv2.magnitude(np.ascontiguousarray(values[..., 1]), np.ascontiguousarray(values[..., 2])).ravel()
    rank = min(chroma.size - 1, int(chroma.size * (1 - top_share)))
    return float(np.partition(chroma, rank)[rank])


def background_mask(photo: Photo) -> tuple[np.ndarray, str]:
    """Pixels (analysis scale) that show the background: beside and above the head, where a person is not.
    Without a face, the top band and the upper side bands."""
    h, w = photo.pixels.shape[:2]
    mask = np.zeros((h, w), np.uint8)
    if photo.faces.frontal:
        face = photo.faces.frontal[0].scaled(photo.scale)
        # down to the chin only: shoulders and collars vary too much to be sampled as background
        mask[:int(min(h, face.y + face.h * 0.85))] = 1
        # the head with hair and ears: an ellipse generously larger than the detector's box
        cv2.ellipse(mask, (int(face.cx), int(face.y + face.h * 0.4)), (int(face.w * 0.85), int(face.h * 1.0)),
                    0, 0, 360, 0, -1)
        where = "around-head"
    else:
        band_h, band_w = max(1, int(h * 0.12)), max(1, int(w * 0.12))
        mask[:band_h] = 1
        mask[: int(h * 0.6), :band_w] = 1
        mask[: int(h * 0.6), w - band_w:] = 1
        where = "edges"
    return mask.astype(bool), where


def background_spread(gray: np.ndarray, mask: np.ndarray, cells: int = 4) -> float:
    """Grey-level spread between the background's brightest and darkest areas (medians of a cells×cells grid),
    so stray hair at the mask's edge does not count but a shadow or an object does."""
    h, w = gray.shape
    medians = []
    for row in range(cells):
        for col in range(cells):
            window = (slice(row * h // cells, (row + 1) * h // cells), slice(col * w // cells, (col + 1) * w // cells))
            inside = mask[window]
            if inside.mean() >= 0.3:
                medians.append(float(np.median(gray[window][inside])))
    return max(medians) - min(medians) if len(medians) > 1 else 0.0


@FAMILY.rule(
    "photo.background", E,
    title=T("背景不是均匀白色", "Background not plain white"),
    explain=T("证件照要求白色背景：在人物周围（头部两侧和上方）测量背景的亮度、色偏和均匀度。",
              "ID photos need a white background: brightness, colour tint and evenness are measured around the person "
              "(beside and above the head)."),
    fix=T("在白墙或白布前、光线均匀处重拍；蓝底、红底照片不能通过调色变成白底。",
          "Retake the photo in front of a white wall or sheet in even light; a blue or red background cannot be "
          "recoloured into white."),
)
def background(photo: Photo, cfg) -> Iterator[Problem]:
    mask, where = background_mask(photo)
    if mask.sum() < 50:
        return
    gray = cv2.cvtColor(photo.pixels, cv2.COLOR_RGB2GRAY)
    colour = lab(photo.pixels[mask].reshape(1, -1, 3)).reshape(-1, 3)
    brightness = float(np.median(gray[mask]))
    tint = float(np.hypot(np.median(colour[:, 1]), np.median(colour[:, 2])))
    spread = background_spread(gray, mask)
    b = cfg.background
    measured = {"brightness": rounded(brightness, b.min_brightness, 1), "tint": rounded(tint, b.max_tint, 1),
                "spread": rounded(spread, b.max_spread, 1), "region": where}
    expected = {"brightness": f">= {b.min_brightness}", "tint": f"<= {b.max_tint}", "spread": f"<= {b.max_spread}"}
    if tint > b.max_tint:
        t, mt = versus(tint, b.max_tint, decimals=1)
        yield _problem("背景有明显颜色（色偏 {t}，要求 ≤ {mt}；亮度 {br:.0f}），不是白色。请在白色背景前重拍。",
                       "The background is coloured (tint {t}, at most {mt} allowed; brightness {br:.0f}), not white. "
                       "Retake the photo against a white background.",
                       measured, expected, t=t, mt=mt, br=brightness)
    elif brightness < b.min_brightness:
        br, mb = versus(brightness, b.min_brightness)
        yield _problem("背景偏暗/偏灰（亮度 {br}，要求 ≥ {mb}）。请在光线充足的白色背景前重拍。",
                       "The background is too dark or grey (brightness {br}; at least {mb} required). Retake "
                       "it in good light against white.", measured, expected, br=br, mb=mb)
    elif spread > b.max_spread:
        sp, ms = versus(spread, b.max_spread)
        yield _problem("背景不均匀（最亮与最暗区域相差 {s} 个灰度级，要求 ≤ {ms}），有阴影或杂物。请在干净、光照均匀的白色背景前重拍。",
                       "The background is uneven (its brightest and darkest areas differ by {s} grey levels; at "
                       "most {ms}): shadows or objects. Retake it against a clean, evenly lit white background.",
                       measured, expected, s=sp, ms=ms)


@FAMILY.rule(
    "photo.face", E,
    title=T("人脸不符合证件照要求", "Face does not meet ID-photo framing"),
    explain=T("证件照必须只有一张正面人脸，头部大小适中、左右居中，头顶不能被裁掉。",
              "An ID photo shows exactly one frontal face, of a suitable size, centred, with the top of the head inside."),
    fix=T("正对镜头重拍；或用 `docprep fix` 按人脸位置重新裁剪。",
          "Retake the photo facing the camera, or re-crop around the face with `docprep fix`."),
)
def face(photo: Photo, cfg) -> Iterator[Problem]:
    f = cfg.face
    faces = photo.faces.frontal
    w, h = photo.size
    if not faces:
        if photo.faces.profile_only:
            yield _problem("只检测到侧脸，没有正面人脸。请正对镜头重拍。",
                           "Only a face in profile was found, no frontal face. Retake the photo facing the camera.",
                           "profile", "frontal")
        else:
            yield _problem("未检测到人脸。请使用正面免冠、脸部清晰的证件照。",
                           "No face was found. Use a frontal, bare-headed photo with the face clearly visible.", 0, 1)
        return
    if len(faces) > 1:
        yield _problem("检测到 {n} 张人脸，证件照只能有一人。", "{n} faces were found; an ID photo shows one person.",
                       len(faces), 1, n=len(faces))
        return
    box = faces[0]
    ratio, width_ratio = box.h / h, box.w / w
    lo, hi = f.height_ratio
    if ratio < lo:
        r, lo_text = versus(ratio, lo, percent=True)
        yield _problem("人脸高度占照片的 {r}，要求 {lo}～{hi}（头部过小，请裁得更近）。",
                       "The face is {r} of the photo height; {lo}-{hi} expected (head too small: crop "
                       "closer).", rounded(ratio, lo), [lo, hi], box, r=r, lo=lo_text, hi=limit_text(hi, True))
    elif ratio > hi or width_ratio > f.max_width_ratio:
        (r, hi_text), (wr, mw) = versus(ratio, hi, percent=True), versus(width_ratio, f.max_width_ratio, percent=True)
        yield _problem("人脸占照片高度的 {r}、宽度的 {wr}，要求高度 ≤ {hi}、宽度 ≤ {mw}（头部过大，请留出更多边距）。",
                       "The face is {r} of the photo height and {wr} of its width; at most {hi} and "
                       "{mw} (head too large: leave more margin).", {"height": rounded(ratio, hi),
                       "width": rounded(width_ratio, f.max_width_ratio)},
                       {"height": [lo, hi], "width": f"<= {f.max_width_ratio}"}, box, r=r, wr=wr, hi=hi_text, mw=mw)
    offset = (box.cx - w / 2) / w
    if abs(offset) > f.max_center_offset:
        o, m = versus(abs(offset), f.max_center_offset, percent=True)
        yield _problem("人脸偏离中线 {o} 的照片宽度（要求 ≤ {m}）。请用 `docprep fix` 重新居中裁剪。",
                       "The face is {o} of the width off the centre line (at most {m}). Re-centre it with "
                       "`docprep fix`.", rounded(offset, f.max_center_offset), f.max_center_offset, box, o=o, m=m)
    headroom = box.y / box.h
    if headroom < f.min_headroom:
        r, m = versus(headroom, f.min_headroom, decimals=2)
        yield _problem("头顶上方空间只有 {r} 个脸高（要求 ≥ {m}），头顶可能被裁掉。请留出头顶空间重新裁剪。",
                       "There are only {r} face heights above the face (at least {m}); the top of the head may be cut "
                       "off. Re-crop leaving room above the head.", rounded(headroom, f.min_headroom), f.min_headroom,
                       box, r=r, m=m)
    eyes = photo.faces.eyes
    if len(eyes) == 2:
        left, right = eyes
        eye_offset = ((left.cx + right.cx) / 2 - box.cx) / box.w
        roll = float(np.degrees(np.arctan2(right.cy - left.cy, right.cx - left.cx)))
        if abs(eye_offset) > f.max_eye_offset:
            o, m = versus(abs(eye_offset), f.max_eye_offset, percent=True)
            yield _problem("脸部没有正对镜头（双眼中点偏离脸部中线 {o}，要求 ≤ {m}）。请正对镜头重拍。",
                           "The face is turned away (the eyes' midpoint is {o} of the face width off centre; at most "
                           "{m}). Retake facing the camera.", rounded(eye_offset, f.max_eye_offset), f.max_eye_offset,
                           box, o=o, m=m)
        elif abs(roll) > f.max_roll_degrees:
            a, m = versus(abs(roll), f.max_roll_degrees, decimals=1)
            yield _problem("头部歪斜 {a}°（要求 ≤ {m}°）。请端正头部重拍。",
                           "The head is tilted {a}° (at most {m}°). Retake with the head level.",
                           rounded(roll, f.max_roll_degrees, 1), f.max_roll_degrees, box, a=a, m=m)


def face_gray(photo: Photo, inner: float = 1.0) -> np.ndarray | None:
    """The largest face as grey pixels (analysis scale), optionally only its central part."""
    if not photo.faces.frontal:
        return None
    box = photo.faces.frontal[0].scaled(photo.scale)
    mx, my = box.w * (1 - inner) / 2, box.h * (1 - inner) / 2
    crop = photo.pixels[int(box.y + my):int(box.y + box.h - my), int(box.x + mx):int(box.x + box.w - mx)]
    return cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY) if crop.size else None


def sharpness_score(gray: np.ndarray) -> float:
    """Laplacian energy over intensity variance at a fixed 128 px scale: scale- and contrast-independent, so a
    dim sharp face is not called blurry and a high-contrast blurry one is not called sharp."""
    face128 = cv2.resize(gray, (128, 128), interpolation=cv2.INTER_AREA).astype(np.float32)
    contrast = float(face128.var())
    if contrast < 1:
        return 0.0
    return float(cv2.Laplacian(face128, cv2.CV_32F).var() / contrast)


@FAMILY.rule(
    "photo.sharpness", E,
    title=T("照片模糊", "Photo is blurry"),
    explain=T("在人脸区域测量清晰度（按对比度归一化），对焦不准、抖动或过度压缩都会导致模糊。",
              "Sharpness is measured on the face, normalised for contrast; missed focus, shake or heavy compression "
              "make it blurry."),
    fix=T("对焦到人脸、保持稳定后重拍，不要把小图放大。", "Retake with focus on the face and a steady camera; do not enlarge small pictures."),
)
def sharpness(photo: Photo, cfg) -> Iterator[Problem]:
    gray = face_gray(photo)
    if gray is None:
        return
    score = sharpness_score(gray)
    if score < cfg.sharpness.min_score:
        sc, m = versus(score, cfg.sharpness.min_score, decimals=3)
        yield _problem("人脸清晰度为 {s}，要求 ≥ {m}，照片模糊。请对焦后重拍。",
                       "Face sharpness is {s}; at least {m} is required: the photo is blurry. Retake it in focus.",
                       rounded(score, cfg.sharpness.min_score, 4), cfg.sharpness.min_score, photo.faces.frontal[0],
                       s=sc, m=m)


@FAMILY.rule(
    "photo.exposure", E,
    title=T("面部曝光不当", "Face badly exposed"),
    explain=T("面部过暗、过亮或左右明暗不均（阴阳脸）的照片会被退回。",
              "Photos with a face that is too dark, too bright or lit from one side are returned."),
    fix=T("在正面均匀的光线下重拍，避免逆光和侧光。", "Retake in even light from the front; avoid backlight and side light."),
)
def exposure(photo: Photo, cfg) -> Iterator[Problem]:
    gray = face_gray(photo, inner=0.6)
    if gray is None:
        return
    e = cfg.exposure
    brightness = float(gray.mean())
    lo, hi = e.face_brightness
    box = photo.faces.frontal[0]
    if brightness < lo or brightness > hi:
        dark = brightness < lo
        b, _ = versus(brightness, lo if dark else hi)
        yield _problem("面部平均亮度 {b}，要求 {lo}～{hi}（" + ("过暗" if dark else "过亮") + "）。请调整光线重拍。",
                       "Mean face brightness is {b}; {lo}-{hi} expected (" + ("too dark" if dark else "too bright") +
                       "). Retake in better light.", rounded(brightness, lo if dark else hi, 1), [lo, hi], box, b=b,
                       lo=limit_text(lo), hi=limit_text(hi))
        return
    half = gray.shape[1] // 2
    difference = abs(float(gray[:, :half].mean()) - float(gray[:, half:].mean())) / max(brightness, 1)
    if difference > e.max_side_difference:
        d, m = versus(difference, e.max_side_difference, percent=True)
        yield _problem("面部左右亮度相差 {d}（要求 ≤ {m}），光照不均。请在正面均匀光线下重拍。",
                       "The two halves of the face differ in brightness by {d} (at most {m}): uneven light. "
                       "Retake in even light from the front.", rounded(difference, e.max_side_difference),
                       e.max_side_difference, box, d=d, m=m)
