"""Measures of a background replacement against a generated portrait's known mask (tests/test_backdrop.py and
benchmarks/bench_backdrop.py): they see what photo.background cannot, a halo, bitten hair, white patches."""
from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image, ImageDraw

from portrait import portrait, portrait_alpha

from docprep.analysis.backdrop import alpha_matte, composite, fit_backdrop, person_mask
from docprep.analysis.face import find_faces

SIZE = (413, 579)
PLACEMENT = {"face_height": 0.34, "face_cy": 0.44}  # where `docprep fix` puts the face in its output


def gradient(top, bottom, size=SIZE, horizontal: bool = False) -> np.ndarray:
    """A backdrop going from colour `top` to `bottom` (downwards, or left to right)."""
    width, height = size
    steps = np.linspace(np.array(top, float), np.array(bottom, float), width if horizontal else height)
    if horizontal:
        return np.repeat(steps[None], height, 0).astype(np.uint8)
    return np.repeat(steps[:, None], width, 1).astype(np.uint8)


def jpeg_round_trip(image: Image.Image, quality: int = 92) -> np.ndarray:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(out.getvalue())).convert("RGB"))


def separated(backdrop, photo_cfg) -> dict:
    """A portrait on `backdrop` (a colour or an H×W×3 array) as a q92 JPEG, separated as `fix` does: the picture,
    the true alpha, the solved alpha, the fitted backdrop and the composite on white."""
    kwargs = {"backdrop": backdrop} if isinstance(backdrop, np.ndarray) else {"background": backdrop}
    rgb = jpeg_round_trip(portrait(*SIZE, **PLACEMENT, **kwargs))
    truth = portrait_alpha(*SIZE, **PLACEMENT)
    face = find_faces(rgb, photo_cfg.face.search_floor, photo_cfg.face.verify).frontal[0]
    cfg = photo_cfg.fix.backdrop
    fitted = fit_backdrop(rgb, face, cfg)
    alpha = alpha_matte(rgb, person_mask(rgb, face, fitted, cfg), face, fitted, cfg)
    ideal = np.asarray(portrait(*SIZE, **PLACEMENT, background=(cfg.white,) * 3), dtype=np.float32)
    return {"rgb": rgb, "truth": truth, "alpha": alpha, "backdrop": fitted, "ideal": ideal,
            "out": composite(rgb, alpha, fitted, cfg.white), "white": cfg.white}


HAIR = np.array((120, 95, 60), np.float32)


def stray_hairs(truth: np.ndarray, count: int = 60, seed: int = 3) -> np.ndarray:
    """Alpha (0-0.8) of `count` thin hairs 6-16 px long standing out of the head's outline (drawn at 4× size and
    reduced, so each is a fraction of a pixel wide)."""
    rng = np.random.default_rng(seed)
    height, width = truth.shape
    big = Image.new("L", (width * 4, height * 4), 0)
    draw = ImageDraw.Draw(big)
    outline = cv2.findContours((truth > 0.5).astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)[0]
    head = [p for p in max(outline, key=len)[:, 0] if p[1] < height * 0.35]
    for _ in range(count):
        x, y = head[rng.integers(len(head))]
        angle, length = rng.uniform(-np.pi, 0), rng.uniform(6, 16)
        draw.line([(x * 4, y * 4), ((x + length * np.cos(angle)) * 4, (y + length * np.sin(angle)) * 4)], fill=255,
                  width=3)
    return np.asarray(big.resize((width, height), Image.BOX), np.float32) / 255 * 0.8


def hairs_kept(colour, photo_cfg) -> dict:
    """A portrait on plain `colour` with stray hairs, separated as `fix` does: the hairs' mean alpha error and the
    share of their pixels (alpha over 0.2, outside the head) given alpha under 0.1 (lost)."""
    truth = portrait_alpha(*SIZE, **PLACEMENT)
    strands = stray_hairs(truth)
    picture = np.asarray(portrait(*SIZE, **PLACEMENT, background=colour), np.float32)
    picture = picture * (1 - strands[..., None]) + HAIR * strands[..., None]
    rgb = jpeg_round_trip(Image.fromarray(np.clip(picture + 0.5, 0, 255).astype(np.uint8)))
    face = find_faces(rgb, photo_cfg.face.search_floor, photo_cfg.face.verify).frontal[0]
    cfg = photo_cfg.fix.backdrop
    fitted = fit_backdrop(rgb, face, cfg)
    alpha = alpha_matte(rgb, person_mask(rgb, face, fitted, cfg), face, fitted, cfg)
    hairs = (strands > 0.2) & (truth < 0.01)
    return {"error": float(np.abs(alpha - np.maximum(truth, strands))[hairs].mean()),
            "lost": float((alpha[hairs] < 0.1).mean())}


def measures(case: dict) -> dict:
    """mean_error: mean |alpha - true alpha|; wrong_share: pixels off by more than 0.5; bitten: the person's
    own pixels (true alpha 1) in the picture's upper half (hair, ears) given alpha under 0.5, as a share of them;
    halo: in a band 3 px either side of the true edge, the old backdrop's colour the output has beyond the person
    drawn on white (`ideal`), as a share of the backdrop's distance from white (mean; 0 none, 1 the backdrop
    itself); halo_pixels: the band's pixels with over a quarter of it; patches: the
    person's dark pixels (grey under 80) made bright (over 200), as a share of them."""
    truth, alpha, out, rgb = case["truth"], case["alpha"], case["out"].astype(np.float32), case["rgb"]
    error = np.abs(alpha - truth)
    person = truth >= 0.999
    upper = np.zeros_like(person)
    upper[: person.shape[0] // 2] = True
    edge = (truth > 0.5).astype(np.uint8)
    near = (cv2.distanceTransform(1 - edge, cv2.DIST_L2, 3) <= 3) & (cv2.distanceTransform(edge, cv2.DIST_L2, 3) <= 3)
    towards = case["backdrop"].colour - np.float32(case["white"])
    bleed = np.sum((out - case["ideal"]) * towards, axis=-1) / np.maximum(np.sum(towards * towards, axis=-1), 1e-6)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    dark = person & (gray < 80)
    bright = cv2.cvtColor(case["out"], cv2.COLOR_RGB2GRAY) > 200
    return {"mean_error": float(error.mean()), "wrong_share": float((error > 0.5).mean()),
            "bitten": float(((alpha < 0.5) & person & upper).sum() / max(1, (person & upper).sum())),
            "halo": float(np.clip(bleed[near], 0, 1).mean()), "halo_pixels": float((bleed[near] > 0.25).mean()),
            "patches": float((bright & dark).sum() / max(1, dark.sum()))}
