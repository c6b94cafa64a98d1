"""Issue 12: a face candidate beside the main face counts only when verified ([photo.face.verify]): a pattern on
the clothes below the chin, a poster behind or a shape without skin or eyes is not a second person; two real
people still are. The photo.face finding shows where the faces are; without one face the background is judged
from the border strips."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from helpers import encode_jpeg
from portrait import portrait
from test_backdrop import room
from test_photo_rules import two_people

from docprep.documents.photo import load_photo
from docprep.engine.checkfile import check_photo_bytes
from docprep.fix.photo import fix_paths


def flowered_dress(seed: int, size: int) -> Image.Image:
    """A 480×640 portrait in a dress of flowers (petals round a dark centre) from the chest down. The four dresses
    used make OpenCV's face detector see a second face on the dress (asserted below)."""
    rng = np.random.default_rng(seed)
    image = portrait(480, 640, face_height=0.3, face_cy=0.35)
    draw = ImageDraw.Draw(image)
    top = int(640 * 0.68)
    draw.rectangle((0, top, 480, 640), fill=(230, 200, 120))
    for _ in range(int(480 * (640 - top) / (size * size) * 1.2)):
        x, y, r = rng.uniform(0, 480), rng.uniform(top, 640), size * rng.uniform(0.5, 1)
        colour = tuple(int(c) for c in rng.integers(20, 230, 3))
        for k in range(5):
            a = k * 2 * np.pi / 5 + rng.uniform(0, 1)
            px, py = x + r * 0.6 * np.cos(a), y + r * 0.6 * np.sin(a)
            draw.ellipse((px - r * 0.4, py - r * 0.4, px + r * 0.4, py + r * 0.4), fill=colour)
        draw.ellipse((x - r * 0.25, y - r * 0.25, x + r * 0.25, y + r * 0.25), fill=(30, 20, 10))
    return image


def with_poster(ratio: float) -> Image.Image:
    """A portrait with a framed poster of a face `ratio` times the main face's size on the wall behind."""
    image = portrait(480, 640, face_height=0.3, face_cx=0.6, face_cy=0.45)
    poster = portrait(150, 210, face_height=0.3 * 640 * ratio / 210, face_cy=0.45)
    image.paste(poster, (5, 5))
    ImageDraw.Draw(image).rectangle((3, 3, 157, 217), outline=(40, 30, 20), width=3)
    return image


def faces_of(image: Image.Image, profile):
    return load_photo("photo.jpg", encode_jpeg(image, 92), profile.section("photo")).faces


@pytest.mark.parametrize("seed, size", [(65, 55), (74, 40), (76, 45), (97, 40)])
def test_a_face_on_a_flowered_dress_is_not_a_second_person(seed, size, profile):
    faces = faces_of(flowered_dress(seed, size), profile)
    assert len(faces.frontal) == 1 and faces.rejected, "the detector must see the dress face for this test to mean anything"
    assert faces.rejected[0].y > faces.frontal[0].bottom  # below the chin
    findings = check_photo_bytes("photo.jpg", encode_jpeg(flowered_dress(seed, size), 92), profile)
    assert not any("faces were found" in f.message.en for f in findings)


def test_a_poster_behind_the_person_is_not_a_second_person(profile):
    faces = faces_of(with_poster(0.6), profile)
    assert len(faces.frontal) == 1 and len(faces.rejected) == 1
    assert faces.rejected[0].w < faces.frontal[0].w * profile.section("photo").face.verify.min_size_ratio


def test_a_poster_as_large_as_the_face_counts(profile):
    """The size bound is the bound: a face on the wall as large as the person's is taken as a second face."""
    faces = faces_of(with_poster(1.0), profile)
    assert len(faces.frontal) == 2


def test_two_real_people_still_count_and_the_finding_shows_where(profile):
    findings = check_photo_bytes("photo.jpg", encode_jpeg(two_people(), 92), profile)
    [counted] = [f for f in findings if f.rule == "photo.face" and "faces were found" in f.message.en]
    assert counted.measured == 2 and counted.box is not None
    x, y, w, h = counted.box
    assert 0 <= x and x + w <= 414 and 0 <= y and y + h <= 579
    assert "(" in counted.message.zh and "×" in counted.message.en


def test_verification_thresholds_come_from_the_profile(tmp_path, profile):
    """Without the eye and skin requirement and with any size, the dress face counts again."""
    from docprep.profiles.loader import load_profile
    path = tmp_path / "lenient.toml"
    path.write_text('extends = "zj-2021"\n[photo.face.verify]\nclothing_below = 10.0\nneed_eyes = false\n'
                    'min_skin_share = 0.0\nmin_size_ratio = 0.0\n', encoding="utf-8")
    assert len(faces_of(flowered_dress(65, 55), load_profile(path)).frontal) == 2
    assert len(faces_of(flowered_dress(65, 55), profile).frontal) == 1


def test_without_one_face_the_background_is_judged_from_the_border(profile):
    image = two_people()
    ImageDraw.Draw(image).rectangle((0, 0, 60, 120), fill=(60, 55, 50))  # a dark frame on the wall
    findings = check_photo_bytes("photo.jpg", encode_jpeg(image, 92), profile)
    [background] = [f for f in findings if f.rule == "photo.background"]
    assert background.measured["region"] == "edges"


def test_fix_refusing_for_the_face_still_reports_the_room_behind(tmp_path, profile):
    source = tmp_path / "room.jpg"
    source.write_bytes(encode_jpeg(Image.fromarray(room()), 92))
    [result] = fix_paths(source, tmp_path / "out.jpg", profile)
    assert not result.written
    assert [f.rule for f in result.report.findings] == ["photo.face", "photo.background"]


def test_fix_refusing_two_people_shows_where_the_second_is(tmp_path, profile):
    source = tmp_path / "two.jpg"
    source.write_bytes(encode_jpeg(two_people(), 92))
    [result] = fix_paths(source, tmp_path / "out.jpg", profile)
    assert not result.written
    [face] = [f for f in result.report.findings if f.rule == "photo.face"]
    assert face.measured == 2 and face.box is not None
    x, y, w, h = face.box
    assert 0 <= x and x + w <= 414 and 0 <= y and y + h <= 579
