"""The face, exposure, sharpness and background limits tested at their bounds (issue 12, item 5).

For each limit, a portrait whose measured value lies just inside the profile's limit and one just outside it,
both from the real astronaut photograph (tests/fixtures/portrait.py) with known geometry, light or backdrop. The
value is measured here exactly as the rule measures it, and asserted to lie within the limit's test margin (how far
the issue moves each limit) on the right side; then the rule passes the one and fails the other. Last, the limit
is moved by that margin in a loaded profile (`dataclasses.replace`, never the shipped file) and the outside case
must then pass: so moving any of these limits by its margin fails this file. (Each inside case lies within the
margin too, so tightening a limit by it fails test_the_rule_passes_just_inside.)

The cases' parameters were found by measuring (the detector's box moves in steps, so a face placed 1 % further
does not always measure 1 % further): the first test keeps them honest. One measure cannot be placed by a picture:
the eyes' offset from the face box (see `turned`)."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import cache
from typing import NamedTuple

import cv2
import numpy as np
import pytest
from helpers import encode_jpeg
from PIL import Image, ImageFilter
from portrait import portrait, side_lit_portrait

from docprep.analysis import portrait as measures
from docprep.analysis.geometry import Box
from docprep.documents.photo import Photo, load_photo
from docprep.profiles.loader import load_profile
from docprep.rules import photo as rules

PROFILE = "zj-2021"


@cache
def settings():
    """The profile's [photo] section (zj-2021 inherits these limits from base.toml)."""
    return load_profile(PROFILE).section("photo")


@cache
def loaded(make: Callable[[], Image.Image]) -> Photo:
    """A generated portrait as `check` sees it: a JPEG at quality 92, decoded, its face found."""
    return load_photo("photo.jpg", encode_jpeg(make(), 92), settings())


# ---- what each rule measures, measured the rule's way (docprep/rules/photo.py, docprep/analysis/portrait.py) ----

def headroom(photo: Photo) -> float:
    box = photo.faces.frontal[0]
    return box.y / box.h


def centre_offset(photo: Photo) -> float:
    return abs(photo.faces.frontal[0].cx - photo.size[0] / 2) / photo.size[0]


def eye_offset(photo: Photo) -> float:
    left, right = photo.faces.eyes
    box = photo.faces.frontal[0]
    return abs((left.cx + right.cx) / 2 - box.cx) / box.w


def roll(photo: Photo) -> float:
    left, right = photo.faces.eyes
    return abs(float(np.degrees(np.arctan2(right.cy - left.cy, right.cx - left.cx))))


def face_height(photo: Photo) -> float:
    return photo.faces.frontal[0].h / photo.size[1]


def side_difference(photo: Photo) -> float:
    gray = measures.face_gray(photo, inner=0.6)
    half = gray.shape[1] // 2
    return abs(float(gray[:, :half].mean()) - float(gray[:, half:].mean())) / max(float(gray.mean()), 1)


def _background(photo: Photo) -> tuple[np.ndarray, np.ndarray]:
    mask, _ = measures.background_mask(photo, settings().background.mask)
    gray = cv2.cvtColor(photo.pixels, cv2.COLOR_RGB2GRAY)
    return gray[mask], measures.lab(photo.pixels[mask].reshape(1, -1, 3)).reshape(-1, 3)


def face_width(photo: Photo) -> float:
    return photo.faces.frontal[0].w / photo.size[0]


def face_brightness(photo: Photo) -> float:
    return float(measures.face_gray(photo, inner=0.6).mean())


def sharpness(photo: Photo) -> float:
    return measures.sharpness_score(measures.face_gray(photo))


def background_spread(photo: Photo) -> float:
    mask, _ = measures.background_mask(photo, settings().background.mask)
    limits = settings().background
    gray = cv2.cvtColor(photo.pixels, cv2.COLOR_RGB2GRAY)
    return measures.background_spread(gray, mask, limits.spread_grid, limits.spread_min_share)


def background_tint(photo: Photo) -> float:
    colour = _background(photo)[1]
    return float(np.hypot(np.median(colour[:, 1]), np.median(colour[:, 2])))


def background_brightness(photo: Photo) -> float:
    return float(np.median(_background(photo)[0]))


# ---- the portraits ----

def wall(left: int, right: int) -> np.ndarray:
    """A white wall falling off from grey level `left` to `right` across a 413x579 photo (light from one side)."""
    row = np.linspace(left, right, 413)
    return np.repeat(np.repeat(row[None, :, None], 579, 0), 3, 2).astype(np.uint8)


def tilted(degrees: float) -> Callable[[], Image.Image]:
    """The portrait turned in its plane; the astronaut's own eye line already rolls about 3.5° the other way."""
    return lambda: portrait().rotate(degrees, resample=Image.BICUBIC, fillcolor="white")


def turned(offset: float) -> Photo:
    """The good portrait with both eye boxes the detector found moved sideways, so that their midpoint lies
    `offset` face widths right of the face box's centre. No picture gives this: OpenCV's face box follows the eyes
    (warping the eyes, the lower face or the whole head sideways by up to a third of a face width moved the box
    along, and the measured eye offset stayed under 0.06). So this case tests the rule's bound on the detector's
    real boxes, not the detector."""
    photo = loaded(portrait)
    box, eyes = photo.faces.frontal[0], photo.faces.eyes
    shift = offset * box.w - ((eyes[0].cx + eyes[1].cx) / 2 - box.cx)
    moved = tuple(Box(e.x + shift, e.y, e.w, e.h) for e in eyes)
    return dataclasses.replace(photo, faces=dataclasses.replace(photo.faces, eyes=moved))


class Bound(NamedTuple):
    name: str
    setting: tuple[str, ...]  # its path in [photo]; a trailing index picks one end of a range
    margin: float  # how far the limit is moved to loosen it (the amounts where it names the limit)
    floor: bool  # True: a lower limit (values under it fail)
    check: Callable  # the rule's check function
    says: str  # what the rule's English message says for this limit
    measure: Callable[[Photo], float]
    inside: Callable[[], Photo]
    outside: Callable[[], Photo]


def made(make: Callable[[], Image.Image]) -> Callable[[], Photo]:
    return lambda: loaded(make)


BOUNDS = [
    # 413x579, the face centred 0.31 / 0.30 of the height down: 0.303 and 0.290 face heights above the box
    Bound("min_headroom", ("face", "min_headroom"), 0.05, True, rules.face, "face heights above the face",
          headroom, made(lambda: portrait(face_cy=0.31)), made(lambda: portrait(face_cy=0.30))),
    # the face centred at 0.41 / 0.39 of the width: its box 0.0875 / 0.1125 of the width off the centre line
    Bound("max_center_offset", ("face", "max_center_offset"), 0.05, False, rules.face, "off the centre line",
          centre_offset, made(lambda: portrait(face_cx=0.41)), made(lambda: portrait(face_cx=0.39))),
    Bound("max_eye_offset", ("face", "max_eye_offset"), 0.05, False, rules.face, "turned away",
          eye_offset, lambda: turned(0.115), lambda: turned(0.125)),
    # turned 6° / 7° clockwise: the eye line measures 9.95° / 10.53° (the eye boxes move in steps: 6.5° gives 9.3°)
    Bound("max_roll_degrees", ("face", "max_roll_degrees"), 3.0, False, rules.face, "tilted",
          roll, made(tilted(-6.0)), made(tilted(-7.0))),
    # 460x579, so that the box's width (0.70 of the photo's) stays under max_width_ratio: 0.548 / 0.556 measured
    Bound("height_ratio (upper)", ("face", "height_ratio", 1), 0.05, False, rules.face, "head too large",
          face_height, made(lambda: portrait(460, 579, face_height=0.54, face_cy=0.52)),
          made(lambda: portrait(460, 579, face_height=0.55, face_cy=0.52))),
    # light falling to 0.60 / 0.58 across the face box: the central face's halves differ by 0.242 / 0.261
    Bound("max_side_difference", ("exposure", "max_side_difference"), 0.05, False, rules.exposure, "uneven light",
          side_difference, made(lambda: side_lit_portrait(0.60)), made(lambda: side_lit_portrait(0.58))),
    # pale blue walls: tint 4.93 / 5.89 after JPEG (its chroma steps: 243-244,245-246,255 all measure 4.93)
    Bound("max_tint", ("background", "max_tint"), 4.0, False, rules.background, "coloured",
          background_tint, made(lambda: portrait(background=(244, 246, 255))),
          made(lambda: portrait(background=(242, 245, 255)))),
    # grey walls of 200 (the bound itself passes) and 199: a plain grey's median is exact
    Bound("min_brightness", ("background", "min_brightness"), 15.0, True, rules.background, "too dark or grey",
          background_brightness, made(lambda: portrait(background=(200, 200, 200))),
          made(lambda: portrait(background=(199, 199, 199)))),
    # Limits the issue does not name, with margins chosen here (a grey level of 15, 0.05 of a ratio):
    # the face box 0.207 / 0.1997 of the height (face_height 0.195 / 0.19 places it in the detector's steps)
    Bound("height_ratio (lower)", ("face", "height_ratio", 0), 0.05, True, rules.face, "head too small",
          face_height, made(lambda: portrait(face_height=0.195)), made(lambda: portrait(face_height=0.19))),
    # a narrow photo, 300 / 290 px wide: the square box 0.765 / 0.795 of the width, its height 0.40 only
    Bound("max_width_ratio", ("face", "max_width_ratio"), 0.05, False, rules.face, "head too large",
          face_width, made(lambda: portrait(300, 579, face_height=0.40)),
          made(lambda: portrait(290, 579, face_height=0.40))),
    # the person (not the wall) at 0.40 / 0.38 and 1.35 / 1.37 of its light: the central face 71.2 / 67.7, 224.9 / 227.0
    Bound("face_brightness (lower)", ("exposure", "face_brightness", 0), 15.0, True, rules.exposure, "too dark",
          face_brightness, made(lambda: side_lit_portrait(1.0, light=0.40)),
          made(lambda: side_lit_portrait(1.0, light=0.38))),
    Bound("face_brightness (upper)", ("exposure", "face_brightness", 1), 15.0, False, rules.exposure, "too bright",
          face_brightness, made(lambda: side_lit_portrait(1.0, light=1.35)),
          made(lambda: side_lit_portrait(1.0, light=1.37))),
    # the wall falling off from 255 to 208 / 207 across the photo: the grid's medians 40 (the bound passes) / 41 apart
    Bound("max_spread", ("background", "max_spread"), 10.0, False, rules.background, "uneven",
          background_spread, made(lambda: portrait(backdrop=wall(255, 208))),
          made(lambda: portrait(backdrop=wall(255, 207)))),
    # blurred with a Gaussian of radius 1.36 / 1.38 px: the face scores 0.0253 / 0.0241
    Bound("sharpness min_score", ("sharpness", "min_score"), 0.005, True, rules.sharpness, "blurry",
          sharpness, made(lambda: portrait().filter(ImageFilter.GaussianBlur(1.36))),
          made(lambda: portrait().filter(ImageFilter.GaussianBlur(1.38)))),
]
IDS = [bound.name for bound in BOUNDS]


def limit_of(section, path: tuple) -> float:
    value = section
    for step in path:
        value = value[step] if isinstance(step, int) else getattr(value, step)
    return value


def with_limit(section, path: tuple, value: float):
    """`section` (a frozen settings dataclass) with the setting at `path` replaced by `value`."""
    step, rest = path[0], path[1:]
    if isinstance(step, int):
        return tuple(value if i == step else v for i, v in enumerate(section))
    inner = getattr(section, step)
    return dataclasses.replace(section, **{step: with_limit(inner, rest, value) if rest else value})


def loosened(bound: Bound):
    limit = limit_of(settings(), bound.setting)
    return with_limit(settings(), bound.setting, limit - bound.margin if bound.floor else limit + bound.margin)


def saying(bound: Bound, photo: Photo, section) -> list[str]:
    return [p.message.en for p in bound.check(photo, section) if bound.says in p.message.en]


@pytest.mark.parametrize("bound", BOUNDS, ids=IDS)
def test_the_cases_measure_just_inside_and_just_outside_the_limit(bound):
    limit = limit_of(settings(), bound.setting)
    inside, outside = bound.measure(bound.inside()), bound.measure(bound.outside())
    if bound.floor:
        assert limit <= inside < limit + bound.margin, inside
        assert limit - bound.margin < outside < limit, outside
    else:
        assert limit - bound.margin < inside <= limit, inside
        assert limit < outside < limit + bound.margin, outside


@pytest.mark.parametrize("bound", BOUNDS, ids=IDS)
def test_the_rule_passes_just_inside(bound):
    assert list(bound.check(bound.inside(), settings())) == []


@pytest.mark.parametrize("bound", BOUNDS, ids=IDS)
def test_the_rule_fails_just_outside(bound):
    problems = list(bound.check(bound.outside(), settings()))
    assert len(problems) == 1 and bound.says in problems[0].message.en, [p.message.en for p in problems]
    assert problems[0].measured is not None and problems[0].expected is not None


@pytest.mark.parametrize("bound", BOUNDS, ids=IDS)
def test_loosening_the_limit_by_its_margin_lets_the_outside_case_pass(bound):
    """The proof that the tests above pin the limit: moved by the issue's amount, the outside case passes (and
    test_the_rule_fails_just_outside would fail). The shipped profile is untouched: a replaced copy is used."""
    assert saying(bound, bound.outside(), settings())
    assert list(bound.check(bound.outside(), loosened(bound))) == []
