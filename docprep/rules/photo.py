"""ID-photo rules: file facts (format, bytes, pixels, ratio) and picture facts (background, face, sharpness, light).

Each check is a plain function of a decoded `Photo` and the profile's [photo] settings."""
from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING, Iterator

from ..analysis.geometry import Box
from ..analysis.settings import BACKDROP, DOCUMENT, FACE_VERIFY
from ..documents.sniff import extension
from ..i18n import Text
from ..model import Problem, Severity
from ..numbers import limit_text, rounded, versus
from ..profiles.schema import Setting, lower_extensions, ordered
from .registry import RuleFamily

if TYPE_CHECKING:  # the decoded photo the checks are given: its module imports Pillow, NumPy and OpenCV, which a
    #                 run whose every file is cached never needs (the checks import analysis.portrait themselves)
    from ..documents.photo import Photo

SETTINGS = {
    "extensions": Setting("str-list", "allowed file extensions (any case, with or without the dot: \".JPG\" is "
                          "read as jpg)", min_items=1, normalize=lower_extensions),
    "max_pixels": {  # images with more pixels are refused undecoded (decompression bombs)
        "jpeg": Setting("int", "most pixels of a JPEG (decoded at reduced size, so memory stays small)", min=1),
        "other": Setting("int", "most pixels of any other format (PNG, TIFF, HEIC ...: decoded whole, about 4 "
                         "bytes a pixel)", min=1),
    },
    "file_size": {
        "min_bytes": Setting("int", "smallest allowed file size in bytes (inclusive)", min=0),
        "max_bytes": Setting("int", "largest allowed file size in bytes (inclusive)", min=1),
        "notice": Setting("str", "the platform's own words for the size window, quoted in messages; absent: none",
                          required=False),
        "kilo": Setting("int", "how the notice's K is read: 1024 or 1000 bytes", choices=(1000, 1024)),
    },
    "dimensions": {
        "min_width": Setting("int", "smallest width in pixels", min=1),
        "min_height": Setting("int", "smallest height in pixels", min=1),
        "exact": Setting("size-list", "allowed exact [width, height] sizes; empty or absent: any size above the "
                         "minimum", required=False),
    },
    "aspect_ratio": Setting("range", "allowed width/height, both ends included", min=0.1, max=10),
    "color": {
        "top_share": Setting("float", "share of the most colourful pixels whose chroma is measured", min=0.0001,
                             max=0.5),
        "min_chroma": Setting("float", "Lab chroma those pixels reach at least; below it the photo is black and "
                              "white", min=0),
    },
    "background": {
        "min_brightness": Setting("float", "median grey level of the background (0-255) at least", min=0, max=255),
        "max_tint": Setting("float", "colour distance of the median background from neutral grey (Lab a*/b*)",
                            min=0),
        "max_spread": Setting("float", "grey levels between the background's brightest and darkest areas", min=0),
        "spread_grid": Setting("int", "the spread is taken between the medians of a grid of this many cells a side, so "
                               "stray hair at the sampled area's edge does not count but a shadow or an object does",
                               min=1, max=16),
        "spread_min_share": Setting("float", "a grid cell counts when at least this share of it is background",
                                    min=0.01, max=1),
        "min_pixels": Setting("int", "fewer background pixels (at the analysis scale) than this: no verdict", min=1),
        "mask": {  # where the background is sampled: beside and above the head, where the person is not
            "chin_depth": Setting("float", "with a face: sampled down to the face box's top plus this many face "
                                  "heights (its chin: shoulders and collars vary too much)", min=0, max=5),
            "head_center": Setting("float", "the head left out is an ellipse centred this many face heights below the "
                                   "face box's top", min=0, max=5),
            "head_half_width": Setting("float", "its half-width in face widths (hair and ears)", min=0, max=5),
            "head_half_height": Setting("float", "its half-height in face heights", min=0, max=5),
            "edge_band": Setting("float", "without a face: the top band's height and the side bands' width, as "
                                 "shares of the photo", min=0.01, max=0.5),
            "edge_depth": Setting("float", "without a face: how far down the side bands reach, as a share of the "
                                  "photo height", min=0.01, max=1),
        },
    },
    "face": {
        "search_floor": Setting("float", "smallest face looked for, as a share of the photo's short side: smaller "
                                "ones are not found at all (and so are neither the face nor a second person)",
                                min=0.02, max=1),
        "height_ratio": Setting("range", "face height / photo height (detector box, brows to chin)", min=0, max=1),
        "max_width_ratio": Setting("float", "face width / photo width at most: the detector's square box stops "
                                   "growing at the photo's sides, so a head too large shows here first", min=0, max=1),
        "max_center_offset": Setting("float", "horizontal offset of the face centre from the photo centre, / width",
                                     min=0),
        "min_headroom": Setting("float", "space above the face box, in face heights, for the hair and top margin",
                                min=0),
        "max_eye_offset": Setting("float", "offset of the eyes' midpoint from the face centre, / face width (turned "
                                  "head)", min=0),
        "max_roll_degrees": Setting("float", "tilt of the eye line in degrees", min=0),
        "verify": FACE_VERIFY,  # which face candidates beside the largest are second persons (analysis.face)
    },
    "sharpness": {
        "min_score": Setting("float", "contrast-normalised Laplacian energy of the face at 128 px", min=0),
    },
    "exposure": {
        "face_brightness": Setting("range", "mean grey level of the central face area", min=0, max=255),
        "max_side_difference": Setting("float", "brightness difference between the face's halves, / face "
                                       "brightness", min=0),
    },
    "document": DOCUMENT,  # telling a picture of a document from an ID photo (docprep.docimage)
    "fix": {
        "sizes": Setting("size-list", "output [width, height] presets for `docprep fix`, largest first"),
        "dpi": Setting("int", "DPI written into the fixed JPEG", min=72, max=1200),
        "max_upscale": Setting("float", "how far `fix` may enlarge the crop to reach a preset (1.0 = never)", min=1.0),
        "quality": Setting("range", "JPEG quality range that `fix` searches", min=1, max=100),
        "face_height": Setting("float", "face box height / output height in a fixed photo", min=0.05, max=0.9),
        "face_center_y": Setting("float", "face box centre / output height in a fixed photo", min=0.1, max=0.9),
        "face_search_floor": Setting("float", "smallest face `fix` looks for, as a share of the picture's short "
                                     "side: phone photos show small faces; a smaller one is not found, and the photo "
                                     "is refused (photo.face)", min=0.02, max=1),
        "detection_long_side": Setting("int", "long side in pixels of the reduced copy `fix` finds the face on: its "
                                       "short side must give the smallest face sought the detector's 24 px",
                                       min=100, max=10000),
        "backdrop": BACKDROP,  # a plain backdrop of another colour made white (analysis.backdrop)
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
    explain=T("平台限制照片文件的字节数（{profile}：{file_size.min_bytes:,}～{file_size.max_bytes:,} 字节，两端可取；"
              "K 按 {file_size.kilo} 字节计）。",
              "The platform limits the photo's bytes ({profile}: {file_size.min_bytes:,} to {file_size.max_bytes:,} "
              "bytes, both ends allowed; K = {file_size.kilo} bytes)."),
    fix=T("用 `docprep fix` 重新压缩；它调节 JPEG 质量和像素尺寸，不会填充无用字节。",
          "Re-compress with `docprep fix`; it tunes JPEG quality and pixel size, never pads bytes."),
)
def file_size(photo: Photo, cfg) -> Iterator[Problem]:
    size, lo, hi = len(photo.data), cfg.file_size.min_bytes, cfg.file_size.max_bytes
    if lo <= size <= hi:
        return
    notice = cfg.file_size.notice
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
    dimensions = cfg.dimensions
    exact = dimensions.exact
    if exact and (w, h) not in exact:
        sizes = "、".join(f"{ew}×{eh}" for ew, eh in exact)
        yield _problem("照片为 {w}×{h} 像素，要求正好为 {sizes} 像素（宽×高）。请用 `docprep fix` 生成。",
                       "The photo is {w}×{h} px; it must be exactly {sizes_en} px (width×height). Make one with `docprep fix`.",
                       [w, h], [list(s) for s in exact], w=w, h=h, sizes=sizes,
                       sizes_en=" or ".join(f"{ew}×{eh}" for ew, eh in exact))
    elif w < dimensions.min_width or h < dimensions.min_height:
        yield _problem("照片为 {w}×{h} 像素，要求至少 {mw}×{mh} 像素（宽×高）。请用更大的原图重新生成，不要放大小图。",
                       "The photo is {w}×{h} px; at least {mw}×{mh} px (width×height) is required. "
                       "Start from a larger original; do not upscale a small one.",
                       [w, h], [dimensions.min_width, dimensions.min_height], w=w, h=h, mw=dimensions.min_width,
                       mh=dimensions.min_height)


@FAMILY.rule(
    "photo.aspect-ratio", E,
    title=T("宽高比不符", "Aspect ratio out of range"),
    explain=T("宽/高 必须在规定范围内（{profile}：{aspect_ratio[0]:g}～{aspect_ratio[1]:g}，两端可取）；"
              "身份证照的 358×441 像素，比值为 0.812。",
              "width/height must lie in the window ({profile}: {aspect_ratio[0]:g}-{aspect_ratio[1]:g}, both ends "
              "allowed); the ID-card size 358×441 px has a ratio of 0.812."),
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
        from ..analysis.portrait import colourfulness  # here, as in background

        color = cfg.color
        chroma = colourfulness(photo.pixels, color.top_share)
        if chroma < color.min_chroma:
            shown, limit = versus(chroma, color.min_chroma, decimals=1)
            share = limit_text(color.top_share, percent=True)
            yield _problem("照片没有颜色：颜色最鲜艳的 {share} 像素色度只有 {c}，要求 ≥ {m}（黑白照片存成 RGB 也不合格）。"
                           "请使用彩色照片，黑白照片不能转成彩色。",
                           "The photo has no colour: its most colourful {share} of pixels reach a chroma of only {c}; "
                           "at least {m} is required (a black-and-white picture fails even when saved as RGB). Use a "
                           "colour photo; a black-and-white one cannot be made colour.",
                           rounded(chroma, color.min_chroma, 2), f">= {color.min_chroma}", c=shown, m=limit,
                           share=share)


@FAMILY.rule(
    "photo.background", E,
    title=T("背景不是均匀白色", "Background not plain white"),
    explain=T("证件照要求白色背景：在人物周围（头部两侧和上方）测量背景的亮度、色偏和均匀度。",
              "ID photos need a white background: brightness, colour tint and evenness are measured around the person "
              "(beside and above the head)."),
    fix=T("在白墙或白布前、光线均匀处重拍；纯色的蓝底、红底、灰底可用 `docprep fix` 换成白底（房间、街道等杂乱背景不行）。",
          "Retake the photo in front of a white wall or sheet in even light; a plain blue, red or grey backdrop can "
          "be made white with `docprep fix` (a room, a street or another busy background cannot)."),
)
def background(photo: Photo, cfg) -> Iterator[Problem]:
    from ..analysis.portrait import background_figures  # here: importing the rules imports no OpenCV

    limits = cfg.background
    figures = background_figures(photo, limits)
    if figures is None:
        return
    brightness, tint, spread, where = figures
    measured = {"brightness": rounded(brightness, limits.min_brightness, 1),
                "tint": rounded(tint, limits.max_tint, 1), "spread": rounded(spread, limits.max_spread, 1),
                "region": where}
    expected = {"brightness": f">= {limits.min_brightness}", "tint": f"<= {limits.max_tint}",
                "spread": f"<= {limits.max_spread}"}
    if tint > limits.max_tint:
        t, mt = versus(tint, limits.max_tint, decimals=1)
        yield _problem("背景有明显颜色（色偏 {t}，要求 ≤ {mt}；亮度 {br:.0f}），不是白色。纯色背景可用 `docprep fix` "
                       "换成白色，否则请在白色背景前重拍。",
                       "The background is coloured (tint {t}, at most {mt} allowed; brightness {br:.0f}), not white. "
                       "Make a plain one white with `docprep fix`, or retake the photo against a white background.",
                       measured, expected, t=t, mt=mt, br=brightness)
    elif brightness < limits.min_brightness:
        br, mb = versus(brightness, limits.min_brightness)
        yield _problem("背景偏暗/偏灰（亮度 {br}，要求 ≥ {mb}）。请在光线充足的白色背景前重拍。",
                       "The background is too dark or grey (brightness {br}; at least {mb} required). Retake "
                       "it in good light against white.", measured, expected, br=br, mb=mb)
    elif spread > limits.max_spread:
        sp, ms = versus(spread, limits.max_spread)
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
    faces = photo.faces.frontal
    if len(faces) != 1:
        yield from _not_one_face(photo)
        return
    box, limits = faces[0], cfg.face
    yield from _face_size(box, photo.size, limits)
    yield from _face_place(box, photo.size, limits)
    if len(photo.faces.eyes) == 2:
        yield from _face_turn(box, photo.faces.eyes, limits)


def _not_one_face(photo: Photo) -> Iterator[Problem]:
    faces = photo.faces.frontal
    if len(faces) > 1:  # the box shown is the largest face after the main one: where the second person is
        where = "; ".join(f"({b.x:.0f}, {b.y:.0f}, {b.w:.0f}×{b.h:.0f})" for b in faces)
        yield _problem("检测到 {n} 张人脸（位置 x, y, 宽×高 像素：{where}），证件照只能有一人。",
                       "{n} faces were found (x, y, width×height in pixels: {where}); an ID photo shows one person.",
                       len(faces), 1, faces[1], n=len(faces), where=where)
    elif photo.faces.profile_only:
        yield _problem("只检测到侧脸，没有正面人脸。请正对镜头重拍。",
                       "Only a face in profile was found, no frontal face. Retake the photo facing the camera.",
                       "profile", "frontal")
    else:
        yield _problem("未检测到人脸。请使用正面免冠、脸部清晰的证件照。",
                       "No face was found. Use a frontal, bare-headed photo with the face clearly visible.", 0, 1)


def _face_size(box: Box, size: tuple[int, int], limits) -> Iterator[Problem]:
    """The face's height (and, for a head too large, width) against the photo's."""
    w, h = size
    ratio, width_ratio = box.h / h, box.w / w
    lo, hi = limits.height_ratio
    if ratio < lo:
        r, lo_text = versus(ratio, lo, percent=True)
        yield _problem("人脸高度占照片的 {r}，要求 {lo}～{hi}（头部过小，请裁得更近）。",
                       "The face is {r} of the photo height; {lo}-{hi} expected (head too small: crop "
                       "closer).", rounded(ratio, lo), [lo, hi], box, r=r, lo=lo_text, hi=limit_text(hi, True))
    elif ratio > hi or width_ratio > limits.max_width_ratio:
        (r, hi_text), (wr, mw) = (versus(ratio, hi, percent=True),
                                  versus(width_ratio, limits.max_width_ratio, percent=True))
        yield _problem("人脸占照片高度的 {r}、宽度的 {wr}，要求高度 ≤ {hi}、宽度 ≤ {mw}（头部过大，请留出更多边距）。",
                       "The face is {r} of the photo height and {wr} of its width; at most {hi} and "
                       "{mw} (head too large: leave more margin).", {"height": rounded(ratio, hi),
                       "width": rounded(width_ratio, limits.max_width_ratio)},
                       {"height": [lo, hi], "width": f"<= {limits.max_width_ratio}"}, box, r=r, wr=wr, hi=hi_text,
                       mw=mw)


def _face_place(box: Box, size: tuple[int, int], limits) -> Iterator[Problem]:
    """The face's distance from the centre line, and the room above it for the top of the head."""
    w = size[0]
    offset = (box.cx - w / 2) / w
    if abs(offset) > limits.max_center_offset:
        o, m = versus(abs(offset), limits.max_center_offset, percent=True)
        yield _problem("人脸偏离中线 {o} 的照片宽度（要求 ≤ {m}）。请用 `docprep fix` 重新居中裁剪。",
                       "The face is {o} of the width off the centre line (at most {m}). Re-centre it with "
                       "`docprep fix`.", rounded(offset, limits.max_center_offset), limits.max_center_offset, box,
                       o=o, m=m)
    headroom = box.y / box.h
    if headroom < limits.min_headroom:
        r, m = versus(headroom, limits.min_headroom, decimals=2)
        yield _problem("头顶上方空间只有 {r} 个脸高（要求 ≥ {m}），头顶可能被裁掉。请留出头顶空间重新裁剪。",
                       "There are only {r} face heights above the face (at least {m}); the top of the head may be cut "
                       "off. Re-crop leaving room above the head.", rounded(headroom, limits.min_headroom),
                       limits.min_headroom, box, r=r, m=m)


def _face_turn(box: Box, eyes, limits) -> Iterator[Problem]:
    """A head turned away (the eyes off the face's centre) or tilted (the eye line off level)."""
    left, right = eyes
    eye_offset = ((left.cx + right.cx) / 2 - box.cx) / box.w
    roll = math.degrees(math.atan2(right.cy - left.cy, right.cx - left.cx))
    if abs(eye_offset) > limits.max_eye_offset:
        o, m = versus(abs(eye_offset), limits.max_eye_offset, percent=True)
        yield _problem("脸部没有正对镜头（双眼中点偏离脸部中线 {o}，要求 ≤ {m}）。请正对镜头重拍。",
                       "The face is turned away (the eyes' midpoint is {o} of the face width off centre; at most "
                       "{m}). Retake facing the camera.", rounded(eye_offset, limits.max_eye_offset),
                       limits.max_eye_offset, box, o=o, m=m)
    elif abs(roll) > limits.max_roll_degrees:
        a, m = versus(abs(roll), limits.max_roll_degrees, decimals=1)
        yield _problem("头部歪斜 {a}°（要求 ≤ {m}°）。请端正头部重拍。",
                       "The head is tilted {a}° (at most {m}°). Retake with the head level.",
                       rounded(roll, limits.max_roll_degrees, 1), limits.max_roll_degrees, box, a=a, m=m)


@FAMILY.rule(
    "photo.sharpness", E,
    title=T("照片模糊", "Photo is blurry"),
    explain=T("在人脸区域测量清晰度（按对比度归一化），对焦不准、抖动或过度压缩都会导致模糊。",
              "Sharpness is measured on the face, normalised for contrast; missed focus, shake or heavy compression "
              "make it blurry."),
    fix=T("对焦到人脸、保持稳定后重拍，不要把小图放大。", "Retake with focus on the face and a steady camera; do not enlarge small pictures."),
)
def sharpness(photo: Photo, cfg) -> Iterator[Problem]:
    from ..analysis.portrait import face_gray, sharpness_score  # here, as in background

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
    from ..analysis.portrait import face_gray  # here, as in background

    gray = face_gray(photo, inner=0.6)
    if gray is None:
        return
    limits = cfg.exposure
    brightness = float(gray.mean())
    lo, hi = limits.face_brightness
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
    if difference > limits.max_side_difference:
        d, m = versus(difference, limits.max_side_difference, percent=True)
        yield _problem("面部左右亮度相差 {d}（要求 ≤ {m}），光照不均。请在正面均匀光线下重拍。",
                       "The two halves of the face differ in brightness by {d} (at most {m}): uneven light. "
                       "Retake in even light from the front.", rounded(difference, limits.max_side_difference),
                       limits.max_side_difference, box, d=d, m=m)
