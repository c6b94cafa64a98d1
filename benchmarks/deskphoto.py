"""Phone-style photos of generated certificate pages (benchmarks/scanset.py) lying on a desk: the sheet seen in
perspective at an angle, on a dark or textured desk, under uneven light, with the phone's noise and JPEG.
`desk_photo(page, view, seed)` returns the photo and where the sheet's corners truly are, so tests and
benchmarks/bench_docfix.py can measure how well docprep finds the sheet. Deterministic for a seed.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

DESKS = ("walnut", "slate", "linen")
FRAME = (3000, 4000)  # width, height of the photo: a 12 MP phone held upright


@dataclass(frozen=True)
class View:
    """How the photo is taken: the sheet's turn in the frame, how far the phone leans back from looking straight down
    (perspective), the desk, and how uneven the light is (the darkest corner's share of the brightest)."""

    turn: float = 0.0  # degrees, clockwise
    tilt: float = 20.0  # degrees the phone leans from straight down, about the frame's horizontal axis
    desk: str = "walnut"
    light: float = 0.65
    fill: float = 0.72  # the sheet's height as a share of the frame's, roughly
    yaw: float = 0.0  # degrees the phone leans sideways
    fingers: int = 0  # thumbs holding the sheet flat, over its left and right edges


# Light grey-white desk tops, mottled: their colour (RGB) under even light. Paper is about 250.
LIGHT_DESKS = {"laminate": (214, 211, 204), "white-laminate": (232, 230, 226), "grey-laminate": (200, 196, 188)}


def _desk(kind: str, size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    w, h = size
    small = (max(1, w // 8), max(1, h // 8))
    if kind == "walnut":  # dark wood: brown, with grain along x
        grain = rng.standard_normal((small[1], 1)).repeat(small[0], axis=1)
        grain = cv2.GaussianBlur(grain.astype(np.float32), (1, 9), 0) * 14
        base = np.array([96, 64, 42], np.float32)
    elif kind in LIGHT_DESKS:  # light office desks: under uneven light, no darker than paper in the shade
        grain = cv2.GaussianBlur(rng.standard_normal((small[1], small[0])).astype(np.float32), (0, 0), 3) * 4
        base = np.array(LIGHT_DESKS[kind], np.float32)
    elif kind == "slate":  # dark grey stone, mottled
        grain = cv2.GaussianBlur(rng.standard_normal((small[1], small[0])).astype(np.float32), (0, 0), 6) * 60
        base = np.array([62, 66, 70], np.float32)
    else:  # a mid-grey linen cloth: fine crossing threads
        yy, xx = np.mgrid[0:small[1], 0:small[0]]
        grain = (np.sin(xx * 1.7) + np.sin(yy * 1.9)).astype(np.float32) * 10
        base = np.array([128, 122, 112], np.float32)
    desk = base + grain[..., None]
    return cv2.resize(desk, (w, h), interpolation=cv2.INTER_LINEAR)


def sheet_corners(view: View, page_size: tuple[int, int], frame: tuple[int, int] = FRAME) -> np.ndarray:
    """Where the page's corners land in the frame (TL, TR, BR, BL): the sheet as a rectangle in space, turned on
    the desk, seen by a pinhole camera (a phone's 26 mm-equivalent lens: focal length 0.6 of the frame's diagonal,
    centred) leaning `tilt` and `yaw` degrees."""
    pw, ph = page_size
    fw, fh = frame
    focal = 0.6 * float(np.hypot(fw, fh))
    half = np.array([[-pw, -ph], [pw, -ph], [pw, ph], [-pw, ph]], np.float64) / 2
    t = np.radians(view.turn)
    flat = half @ np.array([[np.cos(t), np.sin(t)], [-np.sin(t), np.cos(t)]])
    points = np.column_stack([flat, np.zeros(4)])
    a, b = np.radians(view.tilt), np.radians(view.yaw)
    pitch = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
    side = np.array([[np.cos(b), 0, np.sin(b)], [0, 1, 0], [-np.sin(b), 0, np.cos(b)]])
    points = points @ (side @ pitch).T
    distance = focal * ph / (view.fill * fh)
    z = points[:, 2] + distance
    return np.column_stack([focal * points[:, 0] / z + fw / 2, focal * points[:, 1] / z + fh / 2])


def desk_photo(page: np.ndarray, view: View = View(), seed: int = 0, frame: tuple[int, int] = FRAME
               ) -> tuple[np.ndarray, np.ndarray]:
    """(photo RGB, true corners 4×2) of `page` (RGB) lying on a desk as `view` says."""
    rng = np.random.default_rng(seed)
    ph, pw = page.shape[:2]
    corners = sheet_corners(view, (pw, ph), frame)
    source = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    matrix = cv2.getPerspectiveTransform(source, corners.astype(np.float32))
    fw, fh = frame
    desk = _desk(view.desk, frame, rng)
    sheet = cv2.warpPerspective(page.astype(np.float32), matrix, frame, flags=cv2.INTER_LINEAR)
    cover = cv2.warpPerspective(np.ones((ph, pw), np.float32), matrix, frame, flags=cv2.INTER_LINEAR)
    photo = sheet * cover[..., None] + desk * (1 - cover[..., None])
    for i in range(view.fingers):  # a thumb: a skin-coloured ellipse across an edge, pointing into the sheet
        a, b = (corners[0], corners[3]) if i % 2 == 0 else (corners[1], corners[2])
        t = 0.3 + 0.4 * (i // 2 + 1) / (view.fingers // 2 + 2)
        centre = a + (b - a) * t
        size = 0.045 * fh
        mask = np.zeros((fh, fw), np.float32)
        angle = float(np.degrees(np.arctan2(*(b - a)[::-1])))
        cv2.ellipse(mask, (int(centre[0]), int(centre[1])), (int(size * 0.55), int(size)), angle, 0, 360, 1.0, -1)
        mask = cv2.GaussianBlur(mask, (0, 0), 3)[..., None]
        skin = np.array([224, 172, 146], np.float32) * (1 + 0.08 * rng.standard_normal())
        photo = photo * (1 - mask) + skin * mask
    # light from one side: a smooth ramp from `light` to 1 across the frame, at a random direction
    a = rng.uniform(0, 2 * np.pi)
    yy, xx = np.mgrid[0:fh, 0:fw].astype(np.float32)
    ramp = (xx - fw / 2) * np.cos(a) / fw + (yy - fh / 2) * np.sin(a) / fh
    ramp = (ramp - ramp.min()) / max(float(ramp.max() - ramp.min()), 1e-6)
    photo *= (view.light + (1 - view.light) * ramp)[..., None] * np.array([1.0, 0.97, 0.9], np.float32)  # warm lamp
    photo += rng.standard_normal((fh, fw), np.float32)[..., None] * 3
    photo = cv2.GaussianBlur(photo.clip(0, 255).astype(np.uint8), (0, 0), 0.8)
    return photo, corners
