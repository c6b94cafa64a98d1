"""Faces and eyes in a photo, with OpenCV's Haar cascades (they ship inside opencv-python-headless: nothing is
downloaded). The photo rules judge the face's size, place and pose from what this finds; `fix` crops round it.

Every face beyond the largest is a candidate until verified ([photo.face.verify]): one on the clothes below the chin
(a flowered dress), one much smaller than the main face (a poster or a picture behind), one with too little skin or
without two eyes is a detector mistake and is kept apart (`Faces.rejected`), not counted as a second person."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from .geometry import Box

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


@dataclass(frozen=True)
class Faces:
    """What the face detector saw: frontal faces (largest first), and profile faces when no frontal one."""

    frontal: tuple[Box, ...]
    profile_only: bool
    eyes: tuple[Box, ...]  # in the largest frontal face, when two eyes were found
    rejected: tuple[Box, ...] = ()  # candidates that failed verification (clothes, posters, detector noise)

    def scaled(self, factor: float) -> "Faces":
        def boxes(found: tuple[Box, ...]) -> tuple[Box, ...]:
            return tuple(b.scaled(factor) for b in found)
        return Faces(boxes(self.frontal), self.profile_only, boxes(self.eyes), boxes(self.rejected))


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


def find_faces(rgb: np.ndarray, min_face_fraction: float, verify) -> Faces:
    """Frontal faces at least `min_face_fraction` of the short side (boxes in rgb's pixel frame), largest first;
    smaller ones under half the largest are dropped as detector noise, and the others beyond the largest counted
    only when `verify` ([photo.face.verify]) accepts them. Eyes of the largest face, for the frontal-pose measure.
    The fraction comes from the caller's profile ([photo.face] search_floor for `check`; `fix` searches phone
    pictures lower)."""
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
    main = boxes[0]
    kept = [main] + [b for b in boxes[1:] if _is_person(rgb, gray, main, b, verify)]
    rejected = tuple(b for b in boxes[1:] if b not in kept)
    return Faces(tuple(kept), False, _find_eyes(gray, main), rejected)


def _is_person(rgb: np.ndarray, gray: np.ndarray, main: Box, candidate: Box, verify) -> bool:
    """Whether a face candidate beside the main face is a second person: not on the clothes below the main face's
    chin, not much smaller than it, skin-coloured, with two eyes (as `verify` sets each)."""
    below = candidate.cy > main.y + main.h * verify.clothing_below
    if below and abs(candidate.cx - main.cx) < main.w * verify.clothing_half_width:
        return False
    if candidate.w < main.w * verify.min_size_ratio:
        return False
    if skin_share(rgb, candidate, verify) < verify.min_skin_share:
        return False
    return not verify.need_eyes or len(_find_eyes(gray, candidate)) == 2


def skin_share(rgb: np.ndarray, box: Box, verify) -> float:
    """Share of the box's central half (cheeks, nose, forehead) in the profile's skin-tone ranges (YCrCb)."""
    x0, y0 = int(box.x + box.w / 4), int(box.y + box.h / 4)
    centre = rgb[max(0, y0):max(0, y0 + int(box.h / 2)), max(0, x0):max(0, x0 + int(box.w / 2))]
    if centre.size == 0:
        return 0.0
    ycrcb = cv2.cvtColor(np.ascontiguousarray(centre), cv2.COLOR_RGB2YCrCb)
    cr, cb = ycrcb[..., 1], ycrcb[..., 2]
    inside = ((cr >= verify.skin_cr[0]) & (cr <= verify.skin_cr[1]) & (cb >= verify.skin_cb[0])
              & (cb <= verify.skin_cb[1]))
    return float(inside.mean())


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
