"""Every photo rule, failing and passing, on real-photograph portraits (tests/fixtures/portrait.py).

Each failing case asserts the exact rule id, its severity, and that the finding says what was measured and what
was expected. Photos are kept small (413×579 and less) except where a rule needs otherwise."""
from __future__ import annotations

import io
import struct

import numpy as np
import pytest
from helpers import encode, encode_jpeg, jpeg_of_size, only, rules_of
from PIL import Image, ImageCms, ImageDraw, ImageEnhance, ImageFilter
from portrait import portrait

from docprep.documents.images import EXIF_ORIENTATION
from docprep.documents.photo import load_photo
from docprep.engine import check_file, check_photo_bytes
from docprep.model import Severity
from docprep.rules import REGISTRY

PHOTO_RULES = [
    "photo.unreadable", "photo.not-jpeg", "photo.extension", "photo.file-size", "photo.dimensions",
    "photo.aspect-ratio", "photo.orientation", "photo.color-mode", "photo.background", "photo.face",
    "photo.sharpness", "photo.exposure",
]
# Inside zj-2021's byte window (30,721-1,048,575), for photos whose own size is not under test.
IN_WINDOW = 60_000


def check(data: bytes, profile, name: str = "photo.jpg"):
    return check_photo_bytes(name, data, profile)


def failing(findings, rule: str):
    """The single finding of `rule`, checked for severity and for measured/expected values."""
    found = only(findings, rule)
    assert found.severity is Severity.ERROR
    assert found.measured is not None, f"{rule}: nothing measured"
    assert found.expected is not None, f"{rule}: nothing expected"
    assert found.message.zh and found.message.en
    return found


def test_the_table_covers_every_photo_rule():
    assert sorted(PHOTO_RULES) == sorted(r for r in REGISTRY if r.startswith("photo."))


def test_good_photo_has_no_findings(good_jpeg, profile):
    assert check(good_jpeg, profile) == []


# ---- photo.unreadable ----

@pytest.mark.parametrize("make", [
    pytest.param(lambda good: b"", id="empty"),
    pytest.param(lambda good: good[: len(good) // 2], id="truncated"),
    pytest.param(lambda good: good[:2000], id="header-only"),
    pytest.param(lambda good: b"\xff\xd8\xff\xe0" + b"\x13" * 5000, id="jpeg-magic-then-junk"),
])
def test_unreadable_fails(make, good_jpeg, profile):
    findings = check(make(good_jpeg), profile)
    failing(findings, "photo.unreadable")
    assert rules_of(findings) == ["photo.unreadable"]  # nothing else is checked on bytes that do not decode


def test_unreadable_passes_a_complete_jpeg(good_jpeg, profile):
    assert "photo.unreadable" not in rules_of(check(good_jpeg, profile))


# ---- photo.not-jpeg ----

@pytest.mark.parametrize("fmt", ["PNG", "BMP", "TIFF", "WEBP", "GIF"])
def test_not_jpeg_fails_other_image_content_named_jpg(fmt, good_image, profile):
    found = failing(check(encode(good_image, fmt), profile, "photo.jpg"), "photo.not-jpeg")
    assert found.measured == fmt and found.expected == "JPEG"


def test_not_jpeg_passes_jpeg_content(good_jpeg, profile):
    assert "photo.not-jpeg" not in rules_of(check(good_jpeg, profile, "photo.jpg"))


# ---- photo.extension ----

@pytest.mark.parametrize("name, measured", [("photo.png", ".png"), ("photo.jfif", ".jfif"), ("photo.jpg.bmp", ".bmp"),
                                            ("photo", "")])
def test_extension_fails_jpeg_content_with_another_extension(name, measured, good_jpeg, profile):
    findings = check(good_jpeg, profile, name)
    found = failing(findings, "photo.extension")
    assert found.measured == measured and found.expected == ".jpg/.jpeg"
    assert "photo.not-jpeg" not in rules_of(findings)  # the content is fine: only the name is wrong


@pytest.mark.parametrize("name", ["photo.jpg", "photo.jpeg", "photo.JPG", "PHOTO.JPEG", "证件照.Jpg"])
def test_extension_passes_jpg_and_jpeg_in_any_case(name, good_jpeg, profile):
    assert check(good_jpeg, profile, name) == []


def test_extension_and_content_checked_from_a_real_file(tmp_path, good_image, profile):
    """A PNG renamed .jpg is not-jpeg (content), not an extension problem; through check_file."""
    path = tmp_path / "renamed.jpg"
    path.write_bytes(encode(good_image, "PNG"))
    report = check_file(path, profile)
    assert report.kind == "photo"
    assert rules_of(report.findings) == ["photo.not-jpeg"]


# ---- photo.file-size (zj-2021: "大于30K且小于1M", K = 1024 bytes) ----

@pytest.mark.parametrize("size, passes", [
    (30_720, False),  # 30 × 1024: "more than 30K" excludes it
    (30_721, True),
    (1_048_575, True),
    (1_048_576, False),  # 1024 × 1024: "less than 1M" excludes it
])
def test_file_size_bounds_are_exact(size, passes, good_image, profile):
    findings = check(jpeg_of_size(good_image, size), profile)
    if passes:
        assert "photo.file-size" not in rules_of(findings)
    else:
        found = failing(findings, "photo.file-size")
        assert found.measured == size
        assert found.expected == [30_721, 1_048_575]


NOTE_ZH = "K/M 按 1024 计算"
NOTE_EN = "K and M are read as 1024"


@pytest.mark.parametrize("size", [
    30_001, 30_500, 30_720,  # "more than 30K" with K = 1000 (> 30,000 bytes), but not with K = 1024
    1_048_576, 1_060_000,  # just over 1M: within 1 - 1000/1024 = 2.34% of the bound
])
def test_file_size_near_a_bound_explains_1000_vs_1024(size, good_image, profile):
    message = failing(check(jpeg_of_size(good_image, size), profile), "photo.file-size").message
    assert NOTE_ZH in message.zh
    assert NOTE_EN in message.en


@pytest.mark.parametrize("size", [20_000, 1_100_000])
def test_file_size_far_from_a_bound_has_no_note(size, good_image, profile):
    message = failing(check(jpeg_of_size(good_image, size), profile), "photo.file-size").message
    assert NOTE_ZH not in message.zh
    assert NOTE_EN not in message.en


def test_file_size_note_advises_a_window_safe_under_both_readings(good_image, profile):
    """"More than 30K and less than 1M" holds under both readings (K = 1000 or 1024) for 30,721..999,999 bytes."""
    message = failing(check(jpeg_of_size(good_image, 1_048_576), profile), "photo.file-size").message
    assert "30,721" in message.en and "999,999" in message.en
    assert "30,721" in message.zh and "999,999" in message.zh


def test_file_size_quotes_the_notice(good_image, profile):
    message = failing(check(jpeg_of_size(good_image, 20_000), profile), "photo.file-size").message
    assert "大于30K且小于1M" in message.zh and "大于30K且小于1M" in message.en


# ---- photo.dimensions (zj-2021: at least 215×300) ----

@pytest.mark.parametrize("size, passes", [
    ((215, 300), True),
    ((214, 300), False),
    ((215, 299), False),
    ((200, 280), False),
])
def test_dimensions_minimum_is_inclusive(size, passes, profile):
    findings = check(jpeg_of_size(portrait(*size), IN_WINDOW), profile)
    if passes:
        assert "photo.dimensions" not in rules_of(findings)
    else:
        found = failing(findings, "photo.dimensions")
        assert found.measured == list(size)
        assert found.expected == [215, 300]


# ---- photo.aspect-ratio (zj-2021: 0.65 <= w/h <= 0.80) ----

@pytest.mark.parametrize("size, passes", [
    ((260, 400), True),  # exactly 0.65
    ((240, 300), True),  # exactly 0.80
    ((259, 400), False),  # 0.6475
    ((241, 300), False),  # 0.8033
    ((358, 441), False),  # the ID-card size, 0.812
    ((413, 579), True),
])
def test_aspect_ratio_window_includes_both_ends(size, passes, profile):
    findings = check(jpeg_of_size(portrait(*size), IN_WINDOW), profile)
    if passes:
        assert "photo.aspect-ratio" not in rules_of(findings)
    else:
        found = failing(findings, "photo.aspect-ratio")
        assert found.measured == round(size[0] / size[1], 4)
        assert found.expected == [0.65, 0.8]


# ---- photo.orientation ----

def exif_rotated(upright: Image.Image, orientation: int) -> bytes:
    """A JPEG whose stored pixels are turned so that applying EXIF `orientation` shows `upright`."""
    stored = {3: upright.rotate(180), 6: upright.rotate(90, expand=True), 8: upright.rotate(-90, expand=True)}
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = orientation
    return encode_jpeg(stored[orientation], 92, exif=exif)


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_orientation_fails_exif_rotation(orientation, good_image, profile):
    found = failing(check(exif_rotated(good_image, orientation), profile), "photo.orientation")
    assert found.measured == orientation and found.expected == 1


def test_orientation_measures_geometry_after_rotation(good_image, profile):
    """Stored 579×413 with orientation 6 is shown 413×579: the ratio and size rules see the displayed picture,
    and the face is found upright."""
    data = exif_rotated(good_image, 6)
    photo = load_photo("photo.jpg", data, profile.section("photo"))
    assert photo.stored_size == (579, 413)
    assert photo.size == (413, 579)
    assert rules_of(check(data, profile)) == ["photo.orientation"]


def test_orientation_passes_without_exif_and_with_tag_1(good_image, good_jpeg, profile):
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = 1
    assert "photo.orientation" not in rules_of(check(good_jpeg, profile))
    assert "photo.orientation" not in rules_of(check(encode_jpeg(good_image, 92, exif=exif), profile))


# ---- photo.color-mode ----

def rgb_icc_profile(description: str, red, green, blue, gamma: float) -> bytes:
    """A minimal ICC v2 matrix/TRC RGB display profile. Pillow can only create sRGB, LAB and XYZ profiles, so an
    Adobe-RGB-like one is assembled here from the ICC.1:2001 layout (header, tag table, desc/XYZ/curv tags)."""

    def s15(v: float) -> bytes:
        return struct.pack(">i", round(v * 65536))

    def xyz(x, y, z) -> bytes:
        return b"XYZ " + bytes(4) + s15(x) + s15(y) + s15(z)

    def curve(g: float) -> bytes:
        return b"curv" + bytes(4) + struct.pack(">IH", 1, round(g * 256))

    def desc(text: str) -> bytes:
        ascii_ = text.encode("ascii") + b"\0"
        return (b"desc" + bytes(4) + struct.pack(">I", len(ascii_)) + ascii_ + struct.pack(">IIHB", 0, 0, 0, 0)
                + bytes(67))

    d50 = (0.9642, 1.0, 0.8249)
    tags = [(b"desc", desc(description)), (b"cprt", b"text" + bytes(4) + b"test data, no copyright\0"),
            (b"wtpt", xyz(*d50)), (b"rXYZ", xyz(*red)), (b"gXYZ", xyz(*green)), (b"bXYZ", xyz(*blue)),
            (b"rTRC", curve(gamma)), (b"gTRC", curve(gamma)), (b"bTRC", curve(gamma))]
    offset = 128 + 4 + 12 * len(tags)
    table = body = b""
    for signature, data in tags:
        data += bytes(-len(data) % 4)
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data
    header = (struct.pack(">I", offset + len(body)) + bytes(4) + struct.pack(">I", 0x02100000) + b"mntrRGB XYZ "
              + struct.pack(">6H", 2024, 1, 1, 0, 0, 0) + b"acsp" + bytes(28) + s15(d50[0]) + s15(d50[1]) + s15(d50[2])
              + bytes(48))
    return header + struct.pack(">I", len(tags)) + table + body


# Adobe RGB (1998) primaries adapted to D50, gamma 563/256 as in the Adobe specification
ADOBE_LIKE = rgb_icc_profile("Adobe RGB (1998) compatible test profile", (0.60974, 0.31111, 0.01947),
                             (0.20528, 0.62567, 0.06087), (0.14919, 0.06322, 0.74457), 563 / 256)


def test_the_adobe_like_profile_is_a_valid_rgb_icc_profile():
    parsed = ImageCms.ImageCmsProfile(io.BytesIO(ADOBE_LIKE))
    assert parsed.profile.xcolor_space.strip() == "RGB"
    assert ImageCms.getProfileDescription(parsed).strip() == "Adobe RGB (1998) compatible test profile"


@pytest.mark.parametrize("make, measured", [
    pytest.param(lambda img: encode_jpeg(img.convert("CMYK"), 92), "CMYK", id="cmyk"),
    pytest.param(lambda img: encode_jpeg(img.convert("L"), 92), "L", id="grayscale"),
    pytest.param(lambda img: encode_jpeg(img, 92, icc_profile=ADOBE_LIKE), "Adobe RGB (1998) compatible test profile",
                 id="adobe-rgb-icc"),
])
def test_color_mode_fails_cmyk_grayscale_and_other_profiles(make, measured, good_image, profile):
    found = failing(check(make(good_image), profile), "photo.color-mode")
    assert found.measured == measured


@pytest.mark.parametrize("make", [
    pytest.param(lambda img: encode_jpeg(img, 92), id="plain-rgb"),
    pytest.param(lambda img: encode_jpeg(img, 92, icc_profile=ImageCms.ImageCmsProfile(
        ImageCms.createProfile("sRGB")).tobytes()), id="srgb-icc"),
])
def test_color_mode_passes_srgb(make, good_image, profile):
    assert check(make(good_image), profile) == []


# ---- photo.background ----

def backdrop_gradient(width: int, height: int, left: int, right: int) -> np.ndarray:
    """A white wall darkening from `left` to `right` grey level: light falling off to one side, a shadow."""
    row = np.linspace(left, right, width)
    return np.repeat(np.repeat(row[None, :, None], height, 0), 3, 2).astype(np.uint8)


def with_corner_object(img: Image.Image) -> Image.Image:
    img = img.copy()
    ImageDraw.Draw(img).rectangle((0, 0, 80, 100), fill=(60, 55, 50))  # a dark picture frame on the wall
    return img


@pytest.mark.parametrize("make, cause", [
    pytest.param(lambda: portrait(background=(70, 110, 200)), "coloured", id="blue"),
    pytest.param(lambda: portrait(background=(170, 200, 235)), "coloured", id="light-blue"),
    pytest.param(lambda: portrait(background=(180, 180, 180)), "too dark or grey", id="grey"),
    pytest.param(lambda: portrait(backdrop=backdrop_gradient(413, 579, 255, 160)), "uneven", id="gradient-shadow"),
    pytest.param(lambda: with_corner_object(portrait()), "uneven", id="object-in-corner"),
])
def test_background_fails(make, cause, profile):
    found = failing(check(encode_jpeg(make(), 92), profile), "photo.background")
    assert cause in found.message.en
    assert set(found.measured) == {"brightness", "tint", "spread", "region"}
    assert set(found.expected) == {"brightness", "tint", "spread"}


@pytest.mark.parametrize("colour", [(255, 255, 255), (235, 235, 235), (245, 245, 243)])
def test_background_passes_white_and_off_white(colour, profile):
    assert "photo.background" not in rules_of(check(encode_jpeg(portrait(background=colour), 92), profile))


# ---- photo.face (zj-2021: face box 20%-62% of the height, within 10% of the centre line, 0.3 face heights above) ----

def two_people() -> Image.Image:
    half = portrait(207, 579, face_height=0.2)
    group = Image.new("RGB", (414, 579), "white")
    group.paste(half, (0, 0))
    group.paste(half, (207, 0))
    return group


@pytest.mark.parametrize("make, says", [
    pytest.param(lambda: Image.new("RGB", (413, 579), "white"), "No face", id="no-face"),
    pytest.param(two_people, "2 faces", id="two-faces"),
    pytest.param(lambda: portrait(face_height=0.12), "head too small", id="too-small"),
    pytest.param(lambda: portrait(face_height=0.7), "top of the head may be cut off", id="too-large-413x579"),
    pytest.param(lambda: portrait(460, 579, face_height=0.7, face_cy=0.6), "head too large", id="too-large-460x579"),
    pytest.param(lambda: portrait(face_cx=0.3), "off the centre line", id="off-centre"),
    pytest.param(lambda: portrait(face_cy=0.25), "top of the head may be cut off", id="cut-off-at-top"),
    pytest.param(lambda: portrait().rotate(20, resample=Image.BICUBIC, fillcolor="white"), "tilted", id="tilted"),
])
def test_face_fails(make, says, profile):
    """photo.face may report several framing faults at once (a big head also lacks headroom): one must be `says`."""
    faces = [f for f in check(jpeg_of_size(make(), IN_WINDOW), profile) if f.rule == "photo.face"]
    assert any(says in f.message.en for f in faces), [f.message.en for f in faces]
    for found in faces:
        assert found.severity is Severity.ERROR
        assert found.measured is not None and found.expected is not None


def test_face_passes_the_good_photo(good_jpeg, profile):
    photo = load_photo("photo.jpg", good_jpeg, profile.section("photo"))
    assert len(photo.faces.frontal) == 1
    assert "photo.face" not in rules_of(check(good_jpeg, profile))


def test_face_too_large_for_a_413x579_photo_is_caught(profile):
    findings = check(jpeg_of_size(portrait(face_height=0.7, face_cy=0.6), IN_WINDOW), profile)
    assert "photo.face" in rules_of(findings)


# ---- photo.sharpness ----

@pytest.mark.parametrize("radius", [2, 3])
def test_sharpness_fails_a_blurred_photo(radius, good_image, profile):
    blurred = good_image.filter(ImageFilter.GaussianBlur(radius))
    found = failing(check(jpeg_of_size(blurred, IN_WINDOW), profile), "photo.sharpness")
    assert found.measured < found.expected == 0.025


def test_sharpness_passes_the_unblurred_photo(good_jpeg, profile):
    assert "photo.sharpness" not in rules_of(check(good_jpeg, profile))


# ---- photo.exposure ----

def side_lit(darkest: float) -> Image.Image:
    """The good portrait lit from its left: the person (not the wall) darkens linearly across the face to
    `darkest` × its brightness. The person is separated from the wall by composing the cut-out on black and white."""
    on_white = np.asarray(portrait(background=(255, 255, 255)), dtype=np.float32)
    on_black = np.asarray(portrait(background=(0, 0, 0)), dtype=np.float32)
    wall = (on_white - on_black).mean(axis=2, keepdims=True)  # 255 where only the wall shows, 0 under the person
    width = on_white.shape[1]
    face_w = 0.38 * on_white.shape[0]
    x0, x1 = int(width / 2 - face_w / 2), int(width / 2 + face_w / 2)
    light = np.ones(width, np.float32)
    light[x0:x1] = np.linspace(1.0, darkest, x1 - x0)
    light[x1:] = darkest
    lit = on_black * light[None, :, None] + wall
    return Image.fromarray(lit.clip(0, 255).astype(np.uint8))


@pytest.mark.parametrize("make, says", [
    pytest.param(lambda img: ImageEnhance.Brightness(img).enhance(0.3), "too dark", id="dark"),
    pytest.param(lambda img: ImageEnhance.Brightness(img).enhance(1.5), "too bright", id="bright"),
    # light falling to 0.3 across the face; a fall to 0.5 still passes max_side_difference 0.30 (see the report)
    pytest.param(lambda img: side_lit(0.3), "uneven light", id="lit-from-one-side"),
])
def test_exposure_fails(make, says, good_image, profile):
    found = failing(check(jpeg_of_size(make(good_image), IN_WINDOW), profile), "photo.exposure")
    assert says in found.message.en


def test_exposure_passes_normal_light(good_jpeg, profile):
    assert "photo.exposure" not in rules_of(check(good_jpeg, profile))


def test_exposure_side_lighting_fixture_keeps_the_wall_white(profile):
    """The side-lighting fixture changes the face only: its background still passes."""
    assert "photo.background" not in rules_of(check(encode_jpeg(side_lit(0.3), 92), profile))
