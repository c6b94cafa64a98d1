"""Telling a picture of a document (a certificate scanned or photographed as JPG) from an ID photo.

Applicants and HR folders hold both as JPG; judging a diploma by ID-photo rules ("no face found, use a frontal
photo") sends people the wrong way. A picture is taken for a document when no face is found and either its
file name names a document or its pixels look like a page: mostly paper, with many letter-sized marks."""
from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

from ..i18n import Text

if TYPE_CHECKING:  # a measurement of the decoded photo; analysis does not import the documents layer
    from ..documents.photo import Photo

# The window (pixels at the 640-px analysis scale) whose median is a mark's neighbourhood: about the tallest
# letter-sized mark (0.05 of the long side, 32 px); strokes fill a minority of it, so its median is the paper.
NEIGHBOURHOOD_PX = 31


def _paper(rgb: np.ndarray, cfg) -> np.ndarray:
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    return (hsv[..., 2] >= cfg.paper_brightness) & (hsv[..., 1] <= cfg.paper_saturation)


def _text_marks(gray: np.ndarray, cfg) -> int:
    """Ink shapes of a letter's height on paper: darker than their neighbourhood (a median over NEIGHBOURHOOD_PX)
    where that neighbourhood is paper-bright. Hair, clothes and a desk are dark around their own edges and do not
    count."""
    background = cv2.medianBlur(gray, NEIGHBOURHOOD_PX)
    ink = ((background.astype(np.int16) - gray >= cfg.ink_contrast) & (background >= cfg.paper_brightness))
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    long_side = max(gray.shape)
    low, high = (v * long_side for v in cfg.mark_height)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    return int(((heights >= low) & (heights <= high)).sum())


def document_evidence(photo: Photo, name_word: str | None, cfg) -> Text | None:
    """Why this picture is a document rather than an ID photo, or None when it may be a photo. `name_word` is the
    word of its file name that names a document (rules.kinds.document_word), `cfg` the profile's [photo.document]."""
    if photo.faces.frontal:
        return None
    if name_word is not None:
        return Text(f"没有人脸，文件名含“{name_word}”", f"no face, and the file name contains '{name_word}'")
    paper = float(_paper(photo.pixels, cfg).mean())
    if paper < cfg.min_paper_share:
        return None
    marks = _text_marks(cv2.cvtColor(photo.pixels, cv2.COLOR_RGB2GRAY), cfg)
    if marks < cfg.min_text_marks:
        return None
    return Text(f"没有人脸；{paper:.0%} 的画面是纸色，有 {marks} 个文字大小的笔画",
                f"no face; {paper:.0%} of the picture is paper, with {marks} letter-sized marks")
