"""Measures of a background replacement against a generated portrait's known mask (tests/test_backdrop.py and
benchmarks/bench_backdrop.py): they see what photo.background cannot, a halo, bitten hair, white patches."""
from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image

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
