"""`docprep fix` turning a plain backdrop of another colour (blue, red, grey, lit unevenly) white: the person is
separated from the backdrop (analysis.backdrop: border colour statistics, GrabCut seeded by the face box, an alpha
matte at the edge) and composited on white. A backdrop that is not plain (a room, a street, a busy wall) is
refused with what was measured; the photo fix then re-checks the result as it checks every output."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from ..analysis.backdrop import alpha_matte, composite, fit_backdrop, person_mask
from ..analysis.geometry import Box
from ..i18n import Text
from ..model import Change
from ..numbers import rounded, versus
from .refusal import refuse


@dataclass(frozen=True)
class Whitened:
    image: Image.Image
    change: Change  # what the output report says was done


def whiten(crop: Image.Image, face: Box, cfg) -> Whitened:
    """The crop with its backdrop made white, `face` in the crop's pixels, `cfg` the profile's
    [photo.fix.backdrop]; Refusal (photo.background) when the backdrop is not plain enough to separate."""
    rgb = np.asarray(crop.convert("RGB"))
    backdrop = fit_backdrop(rgb, face, cfg)
    if backdrop.residual > cfg.max_residual:
        found, limit = versus(backdrop.residual, cfg.max_residual, decimals=1)
        raise refuse("photo.background",
                     f"背景不是纯色幕布（边缘与平滑背景的色差 {found}，要求 ≤ {limit}），像房间、街道或杂乱的墙，"
                     "无法自动换成白色。请在纯色背景前重拍。",
                     f"The backdrop is not plain (its border differs from a smooth backdrop by ΔE {found}; at most "
                     f"{limit}): a room, a street or a busy wall cannot be made white automatically. Retake the "
                     "photo in front of a plain backdrop.",
                     {"residual": rounded(backdrop.residual, cfg.max_residual, 1)}, f"<= {cfg.max_residual}")
    person = person_mask(rgb, face, backdrop, cfg)
    _require_shoulders(person, cfg)
    alpha = alpha_matte(rgb, person, face, backdrop, cfg)
    out = Image.fromarray(composite(rgb, alpha, backdrop, cfg.white))
    r, g, b = backdrop.median
    colour = f"#{r:02X}{g:02X}{b:02X}"
    change = Change("photo.background-replaced",
                    Text(f"背景（{colour}）已换成白色（灰度 {cfg.white}）",
                         f"backdrop {colour} replaced with white (grey level {cfg.white})"),
                    {"backdrop": [r, g, b], "residual": round(backdrop.residual, 1),
                     "person_share": round(float(alpha.mean()), 3)})
    return Whitened(out, change)


def _require_shoulders(person, cfg) -> None:
    """An ID photo's shoulders fill its bottom edge: where the person separated covers less of it, clothes of the
    backdrop's colour went with the backdrop, and making it white would cut them away (Refusal)."""
    share = float(person[-1].mean())
    if share < cfg.min_bottom_share:
        found, limit = versus(share, cfg.min_bottom_share, percent=True)
        raise refuse("photo.background",
                     f"衣服颜色与背景太接近：分离出的人物只占照片底边的 {found}（要求 ≥ {limit}），换成白色会把衣服一起去掉。"
                     "请穿与背景颜色不同的衣服重拍，或在白色背景前重拍。",
                     f"The clothes are too close to the backdrop's colour: the person separated covers only {found} of "
                     f"the photo's bottom edge (at least {limit}); making the backdrop white would take the clothes "
                     "with it. Retake in clothes that differ from the backdrop, or against white.",
                     {"bottom_share": rounded(share, cfg.min_bottom_share)}, f">= {cfg.min_bottom_share}")
