"""The verifier's signature beside the verification words: handwritten ink near the words that is none of the other
things written or printed there.

Within `signature_near_mm` of the words (and of their date, and of a label such as 核对人：), the writing (the
page with its red ink removed, so never the seal) is taken apart into strokes, and what remains after leaving out
the known text is the signature:

- the words themselves and their date (the boxes of their characters as read);
- labels such as 核对人： (`signature_labels`) and the rest of a line read with them, unless that rest is short
  enough to be a name (`signature_max_name_chars`): a name written after 核对人： is the signature, a sentence is
  text, printed or written;
- every line of a PDF text layer (print);
- straight strokes longer than `signature_rule_mm` (a rule to sign on, a stamp's frame) and a frame round the words;
- specks, dots and thin fragments (under half `signature_min_mm` across); the rest must reach
  `signature_min_mm`.

Ink in a known box is known; what lies outside them is grouped into strokes. A cursive scribble, initials or a name read as
one to three characters are thus found; a printed block with an empty rule after 核对人： is not signed. Where the
reader takes a signature into the line it reads (written close under the date, so that the line's characters are
as tall as both), the signature counts as that line's and is missed."""
from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

from .dates import VerificationDate, parse_dates
from .geometry import Box, clip, mm_to_px
from .inklayers import InkLayers
from .ocr import TextLine
from .words import Verification, match_phrase, piece_box

if TYPE_CHECKING:
    from .marks import MarkSettings

# Known boxes are grown by this share of their height: handwriting strays past the box the reader gives it.
KNOWN_MARGIN = 0.15


def signature_zone(words: Box, dpi: float, settings: MarkSettings, shape: tuple[int, ...]) -> Box:
    """Where the signature may be: within `signature_near_mm` of the words (or of their date or a label)."""
    return words.grown(mm_to_px(settings.signature_near_mm, dpi), shape)


def find_signature(layers: InkLayers, verification: Verification, date: VerificationDate | None,
                   settings: MarkSettings) -> Box | None:
    """The box of the handwriting beside the verification words that is not known text (see the module's
    docstring), in page pixels, found in the writing (`layers.dark`: red ink removed); None when there is none.
    The known text is first what was read with the words. When the strokes well within the region read with them
    (a line's height, the words', from its edge) are a signature by that text, that is the answer; otherwise, when
    strokes are left beyond the region, the rows of the zone that hold the strokes near or beyond its edge are
    read (unless the date's strip holds them) and the zone judged again: lines cut at a region's edge leave text
    unknown there, the rest of a cut line is ink the reader left out. (That second OCR call is spent only where
    the answer may depend on it, and only on those rows, across the zone: a line there is read whole.)"""
    dark, dpi = layers.dark, layers.dpi
    zone = signature_zone(verification.box, dpi, settings, dark.shape)
    if zone.w < 2 or zone.h < 2:
        return None
    lines = list(verification.lines)
    parts, zone = _strokes_beside(layers, verification, lines, date, zone, settings)
    core = _inner(verification.region, verification.box.h)  # strokes nearer its edge may be a cut line's rest
    inside = [part for part in parts if part.inside(core)]
    least = mm_to_px(settings.signature_min_mm, dpi)
    found = _extent(inside, dark.shape, least)
    if found is None and any(not part.inside(verification.region) for part in parts):
        strip = _rows(zone, [part for part in parts if not part.inside(core)], verification.box.h, dark.shape)
        lines = [line for line in lines if not strip.y <= line.box.y <= line.box.bottom <= strip.bottom]
        parts, zone = _strokes_beside(layers, verification, lines + layers.read_dark(strip), date, zone, settings)
    return found or _extent(parts, dark.shape, least)


def _rows(zone: Box, parts: list[Box], margin: float, shape: tuple[int, ...]) -> Box:
    """The rows of `zone` that hold `parts`, with `margin` pixels above and below (a line's height: the line a
    stroke belongs to is read whole), across the zone's width."""
    return clip(zone.x, max(zone.y, min(b.y for b in parts) - margin), zone.right,
                min(zone.bottom, max(b.bottom for b in parts) + margin), shape)


def _inner(region: Box, margin: float) -> Box:
    """`region` less `margin` pixels on every side (empty when it is no wider or taller than twice that)."""
    m = int(round(margin))
    return Box(region.x + m, region.y + m, max(0, region.w - 2 * m), max(0, region.h - 2 * m))


def _extent(parts: list[Box], shape: tuple[int, ...], least: float) -> Box | None:
    """The box round the strokes, when it reaches `least` pixels; otherwise None."""
    if not parts:
        return None
    found = clip(min(b.x for b in parts), min(b.y for b in parts), max(b.right for b in parts),
                 max(b.bottom for b in parts), shape)
    return found if max(found.w, found.h) >= least else None


def _strokes_beside(layers: InkLayers, verification: Verification, lines: list[TextLine],
                    date: VerificationDate | None, zone: Box, settings: MarkSettings) -> tuple[list[Box], Box]:
    """The unknown strokes round the words, given the lines read there, and the zone searched: the date and a
    label read there (核对人：) widen it by the same reach round them (a name follows its label, and is often
    written by the date)."""
    dark, dpi = layers.dark, layers.dpi
    for near in _label_boxes(lines, zone, settings) + ([date.box] if date else []):
        wider = signature_zone(near, dpi, settings, dark.shape)
        zone = clip(min(zone.x, wider.x), min(zone.y, wider.y), max(zone.right, wider.right),
                    max(zone.bottom, wider.bottom), dark.shape)
    known = _known_boxes(verification, lines, date, settings)
    seal = layers.grey_seal[zone.y:zone.bottom, zone.x:zone.right] > 0 if layers.rings else None
    parts = _unknown_strokes(dark[zone.y:zone.bottom, zone.x:zone.right], zone, known, dpi, settings, seal)
    return [part for part in parts if not verification.box.inside(part)], zone  # (not a frame round the words)


def _unknown_strokes(crop: np.ndarray, zone: Box, known_boxes: list[Box], dpi: float, settings: MarkSettings,
                     seal: np.ndarray | None = None) -> list[Box]:
    """Boxes (page pixels) of the groups of strokes in `crop` (the zone of the writing layer) outside the known
    text: ink darker than the paper by `ocr_ink_contrast`, rules and the known boxes taken out, strokes a quarter
    of `signature_min_mm` apart joined into one group; a group under half `signature_min_mm` across is too thin
    (a rule's fragment, a dash, a speck, a stroke of a known character straying from its box), and one whose ink
    lies wholly where `seal` is set (a grey seal's own ink left in the writing: `InkLayers.grey_seal`) is the
    seal's. A pen stroke under a grey seal is darker somewhere, and its group is kept whole."""
    ink = (crop < float(np.median(crop)) - settings.ocr_ink_contrast).astype(np.uint8)
    ink[_rules(ink, mm_to_px(settings.signature_rule_mm, dpi)) > 0] = 0
    known = np.zeros_like(ink)
    for box in known_boxes:
        margin = box.h * KNOWN_MARGIN
        x0, y0 = max(0, int(box.x - margin - zone.x)), max(0, int(box.y - margin - zone.y))
        known[y0:max(0, int(box.bottom + margin - zone.y)), x0:max(0, int(box.right + margin - zone.x))] = 1
    ink[known > 0] = 0  # a signature touching the date or a label keeps what lies outside them
    least = mm_to_px(settings.signature_min_mm, dpi)
    reach = max(1, int(round(least / 4)))
    count, labels = cv2.connectedComponents(cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_ELLIPSE,
                                                                                        (reach, reach))))
    ys, xs = np.nonzero(ink)
    group = labels[ys, xs]
    parts = []
    for label in range(1, count):
        gy, gx = ys[group == label], xs[group == label]
        if not len(gy) or (seal is not None and seal[gy, gx].all()):
            continue
        w, h = int(gx.max() - gx.min() + 1), int(gy.max() - gy.min() + 1)
        if min(w, h) >= least / 2:
            parts.append(Box(zone.x + int(gx.min()), zone.y + int(gy.min()), w, h))
    return parts


def _label_boxes(lines: list[TextLine], zone: Box, settings: MarkSettings) -> list[Box]:
    """Where the labels (核对人：) are in the lines read that touch the zone."""
    boxes = []
    for line in lines:
        if line.box.overlap(zone) <= 0:
            continue
        for label in settings.signature_labels:
            start = line.text.find(label)
            if start >= 0:
                boxes.append(piece_box(line, start, start + len(label)))
    return boxes


def _rules(ink: np.ndarray, length: float) -> np.ndarray:
    """Straight horizontal or vertical strokes at least `length` pixels long (with a pixel round them)."""
    n = max(2, int(round(length)))
    lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, n), np.uint8)) | \
        cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((n, 1), np.uint8))
    return cv2.dilate(lines, np.ones((3, 3), np.uint8))


def _known_boxes(verification: Verification, lines: list[TextLine], date: VerificationDate | None,
                 settings: MarkSettings) -> list[Box]:
    """The boxes of text that is not a signature: the words, the date, and of each line read round them, a text
    layer's whole line, or its words, dates and labels (the whole line when its rest is empty or too long for a
    name)."""
    known = [verification.box] + ([date.box] if date else [])
    for line in lines:
        spans = _spans(line, settings)
        rest = [i for i, ch in enumerate(line.text) if not any(a <= i < b for a, b in spans) and ch.isalnum()]
        if verification.source == "text-layer" or len(rest) > settings.signature_max_name_chars or (spans and not rest):
            known.append(piece_box(line, 0, len(line.text)))  # the characters read: not ink the reader left out
        else:
            known.extend(piece_box(line, a, b) for a, b in spans)
    return known


def _spans(line: TextLine, settings: MarkSettings) -> list[tuple[int, int]]:
    """Where in a read line the verification words, dates and labels are (character ranges)."""
    spans = []
    for phrase in settings.phrases:  # every variant found: 已核对，与原件一致 holds two
        found = match_phrase(line.text, (phrase,))
        if found and found[1] >= settings.min_match:
            spans.append((found[2], found[3]))
    spans.extend((start, end) for _value, start, end in parse_dates(line.text))
    for label in sorted(settings.signature_labels, key=len, reverse=True):
        start = line.text.find(label)
        while start >= 0:
            if not any(a <= start < b for a, b in spans):
                spans.append((start, start + len(label)))
            start = line.text.find(label, start + len(label))
    return spans
