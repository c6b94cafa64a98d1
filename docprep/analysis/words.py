"""The verification words (核对无误 or a variant) on a page: from the PDF text layer when there is one, otherwise
read with OCR region by region (round each seal, then the ink blocks from the bottom up) within a budget: each
region in the writing with the red ink removed, then, where red ink other than a seal lies in it, in the red ink
alone (the words stamped in red).

Phrases are matched loosely, because handwriting and a seal over the words make OCR confuse characters."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Callable, Iterator

import cv2
import numpy as np

from . import ocr
from .geometry import Box, clip, mm_to_px, px_per_mm
from .inklayers import InkLayers
from .ocr import TextLine
from .seals import Seal, find_seals, straight_lines

if TYPE_CHECKING:
    from .marks import MarkSettings

# Characters the recogniser takes for one another in these words (handwriting, a seal over them).
_CONFUSABLE = {c: k for k, group in {
    "核": "校该孩咳骸", "对": "时讨付刈", "无": "天元兀旡先", "误": "谟设娱悞俣遗", "原": "厚源愿", "件": "伴仵住举",
    "致": "玫政到", "与": "马写", "经": "轻径", "已": "己巳", "一": "—-－", "相": "湘想", "符": "付苻",
}.items() for c in group + k}
# Not "-": between characters it is 一 read as a dash (与原件-致), one of _CONFUSABLE's.
_NOT_TEXT = re.compile(r"[\s,，.。:：;；、'\"“”‘’()（）\[\]【】!！?？·•*_~]")
# Swapping two characters that OCR confuses costs this much of an edit.
_CONFUSABLE_COST = 0.25


@dataclass(frozen=True)
class Verification:
    """The verification words found on a page: where, what was read, the variant it matched and how well,
    where the text came from, and the lines read around them (their date is looked for there first)."""

    box: Box
    text: str
    phrase: str
    score: float
    source: str  # "text-layer" or "ocr"
    lines: tuple[TextLine, ...]
    region: Box  # where `lines` were read


def match_phrase(text: str, phrases: tuple[str, ...], hidden: float = 1.0,
                 least_right: int = 0) -> tuple[str, float, int, int] | None:
    """The phrase that best matches a piece of `text` (punctuation and spaces ignored): (phrase, similarity
    0-1, start, end) with start/end indexing `text`. Similarity is 1 - edit distance / phrase length, where
    swapping two characters that OCR confuses costs a quarter, and a character of the phrase read as another
    or not read at all costs `hidden` (a character a seal's ink hides: see `_find_crossed`). Phrases of which
    fewer than `least_right` characters were read (themselves or a confusable one) are passed over."""
    kept = [i for i, ch in enumerate(text) if not _NOT_TEXT.match(ch)]
    norm = "".join(text[i] for i in kept)
    if not norm:
        return None
    best = None
    for phrase in phrases:
        distance, start, end, right = _fuzzy_find(phrase, norm, hidden)
        if right.bit_count() < least_right:
            continue
        score = 1 - distance / len(phrase)
        if best is None or (score, len(phrase)) > (best[1], len(best[0])):
            best = (phrase, score, kept[start] if start < len(kept) else len(text), kept[end - 1] + 1 if end else 0)
    return best


def _fuzzy_find(pattern: str, text: str, hidden: float = 1.0) -> tuple[float, int, int, int]:
    """Least edit distance between `pattern` and any piece of `text` (Sellers' algorithm), with the piece's
    start and end and which characters of `pattern` it holds (or a confusable one), as bits (bit i: the i-th).
    A character of `pattern` substituted or left out costs `hidden`, one more in `text` costs 1."""
    m = len(text)
    prev = [(0.0, j, 0, 0) for j in range(m + 1)]  # (cost, start, -characters right, their bits)
    for i, p in enumerate(pattern, 1):
        cur = [(i * hidden, 0, 0, 0)] + [(0.0, 0, 0, 0)] * m
        for j in range(1, m + 1):
            t = text[j - 1]
            same = t == p or _CONFUSABLE.get(t, t) == _CONFUSABLE.get(p, p)
            cost = 0.0 if t == p else _CONFUSABLE_COST if same else hidden
            diagonal, up, left = prev[j - 1], prev[j], cur[j - 1]
            cur[j] = min((diagonal[0] + cost, diagonal[1], diagonal[2] - same, diagonal[3] | same << (i - 1)),
                         (up[0] + hidden,) + up[1:], (left[0] + 1,) + left[1:])
        prev = cur
    end = min(range(m + 1), key=lambda j: (prev[j][0], -j))
    return prev[end][0], prev[end][1], end, prev[end][3]


def piece_box(line: TextLine, start: int, end: int) -> Box:
    """The part of a line's box holding characters start..end: their own boxes where the reader gave them,
    otherwise taking characters as equally wide."""
    if line.chars and end > start:
        chars = line.chars[start:end]
        return Box.from_corners(min(c.x for c in chars), min(c.y for c in chars), max(c.right for c in chars),
                                max(c.bottom for c in chars))
    n = max(1, len(line.text))
    box = line.box
    return Box.from_corners(int(box.x + box.w * start / n), box.y, int(math.ceil(box.x + box.w * end / n)),
                            box.bottom)


def text_layer_lines(words: list[TextLine]) -> list[TextLine]:
    """Words of a text layer joined into lines: same baseline band, reading left to right."""
    lines: list[list[TextLine]] = []
    for word in sorted(words, key=lambda w: (w.box.y, w.box.x)):
        middle, height = (word.box.y + word.box.bottom) / 2, word.box.h
        for line in lines:
            last = line[-1].box
            if abs((last.y + last.bottom) / 2 - middle) < height / 2 and word.box.x - last.right < 2 * height:
                line.append(word)
                break
        else:
            lines.append([word])
    joined = []
    for line in lines:
        line.sort(key=lambda w: w.box.x)
        box = Box.from_corners(min(w.box.x for w in line), min(w.box.y for w in line),
                               max(w.box.right for w in line), max(w.box.bottom for w in line))
        joined.append(TextLine("".join(w.text for w in line), box))
    return joined


def _find_in(lines: list[TextLine], settings: MarkSettings):
    """The best match of a phrase over lines, as (line, phrase, score, start, end), or None below min_match."""
    best = None
    for line in lines:
        found = match_phrase(line.text, settings.phrases)
        if found and found[1] >= settings.min_match and (best is None or found[1] > best[2]):
            best = (line,) + found
    return best


def _find_cut(lines: list[TextLine], seals: tuple[Box, ...], settings: MarkSettings):
    """The best match of the words on lines that stop at a seal's edge (read with the seals taken out): words
    that run on under the seal, matched on what was read of them: before the seal against the beginnings of the
    phrases, after it against their ends, when at least `words_under_seal_min_chars` characters were read. As
    `_find_in` gives it, or None."""
    best = None
    for line in lines:
        n = len(_NOT_TEXT.sub("", line.text))
        if n < settings.words_under_seal_min_chars:
            continue
        for seal in seals:
            reach = line.box.h  # the line ends within a character of the seal's box
            if not (seal.x - reach <= line.box.right and line.box.x <= seal.right + reach
                    and seal.y < line.box.bottom and line.box.y < seal.bottom):
                continue
            before = line.box.x + line.box.w / 2 < seal.x + seal.w / 2
            pieces = tuple(sorted({p[:n] if before else p[-n:] for p in settings.phrases if len(p) > n}))
            found = match_phrase(line.text, pieces) if pieces else None
            if found and found[1] >= settings.min_match and (best is None or found[1] > best[2]):
                best = (line,) + found
    return best


def _find_crossed(lines: list[TextLine], seals: tuple[Box, ...], settings: MarkSettings):
    """The best match of the words on red lines that a seal crosses (red over red: its ring and arc text run
    through the characters): a character the seal's ink hides, read as another or not at all, costs
    `words_under_seal_cost` of an edit, when at least `words_crossed_min_chars` characters of the phrase were
    read (and, by `min_match`, at least half of them). As `_find_in` gives it, or None."""
    best = None
    for line in lines:
        if not any(line.box.overlap(seal) > 0 for seal in seals):
            continue
        found = match_phrase(line.text, settings.phrases, settings.words_under_seal_cost,
                             settings.words_crossed_min_chars)
        if found and found[1] >= settings.min_match and (best is None or found[1] > best[2]):
            best = (line,) + found
    return best


def _find_across_reads(reads: list[list[TextLine]], seals: tuple[Box, ...], settings: MarkSettings):
    """The words on one red line a seal crosses, read several times alone (bands of different heights round it,
    `red_words_band_more_mm`): each read loses other characters to the seal's ring and arc text, so a character of
    the phrase read (itself or a confusable one) in any of the reads counts, and one read in none costs
    `words_under_seal_cost` of an edit; at least `words_crossed_min_chars` must be read. Each read's pieces that
    cross a seal are taken left to right as one text. As `_find_in` gives it (on the read holding most of the
    phrase), or None."""
    cost = settings.words_under_seal_cost
    texts = [_joined(row) for row in ([line for line in read if any(line.box.overlap(seal) > 0 for seal in seals)]
                                      for read in reads) if row]
    best = None
    for phrase in settings.phrases:
        bits = [_fuzzy_find(phrase, _NOT_TEXT.sub("", line.text), cost)[3] for line in texts]
        right = reduce(or_, bits, 0).bit_count()
        score = 1 - cost * (len(phrase) - right) / len(phrase)
        if right >= settings.words_crossed_min_chars and score >= settings.min_match and (
                best is None or score > best[2]):
            line = texts[max(range(len(texts)), key=lambda k: bits[k].bit_count())]
            best = (line, phrase, score) + match_phrase(line.text, (phrase,), cost)[2:]
    return best


def _find_ringed(lines: list[TextLine], rings: tuple[Seal, ...], settings: MarkSettings):
    """The words on a grey or one-bit page where a seal's impression (its ring, analysis.rings) crosses them: its
    ink is as dark as the pen's there and cannot be lifted, so its ring and arc text hide characters and its star
    cuts the line in pieces. The pieces on one row are joined (`ring_rows`), and a line a ring crosses is matched
    as a red line a seal crosses (`_find_crossed`). As `_find_in` gives it, or None."""
    if not rings:
        return None
    return _find_crossed(lines + ring_rows(lines, rings), tuple(ring.box for ring in rings), settings)


def ring_rows(lines: list[TextLine], rings: tuple[Seal, ...]) -> list[TextLine]:
    """The lines that cross each ring joined by rows, left to right, however far apart within it: a seal's star and
    arc text cut the words and the date in pieces (与原件 … 致). Rows of one line are left out."""
    return [_joined(row) for _ring, row in _rows_in_rings(lines, rings) if len(row) > 1]


def _joined(row: list[TextLine]) -> TextLine:
    """The pieces of one row read as one line, left to right: their texts joined, round them all."""
    row = sorted(row, key=lambda line: line.box.x)
    return TextLine("".join(line.text for line in row),
                    Box.from_corners(min(line.box.x for line in row), min(line.box.y for line in row),
                                     max(line.box.right for line in row), max(line.box.bottom for line in row)))


def _rows_in_rings(lines: list[TextLine], rings: tuple[Seal, ...]) -> list[tuple[Box, list[TextLine]]]:
    """Per ring, the lines that cross it in rows (lines whose middles are within half the taller one's height),
    each left to right: (the ring's box, the row)."""
    rows: list[tuple[Box, list[TextLine]]] = []
    for ring in rings:
        inside = sorted((line for line in lines if line.box.overlap(ring.box) > 0), key=lambda line: line.box.x)
        mine: list[list[TextLine]] = []
        for line in inside:
            middle = line.box.y + line.box.h / 2
            row = next((row for row in mine if abs(row[0].box.y + row[0].box.h / 2 - middle)
                        < max(row[0].box.h, line.box.h) / 2), None)
            if row is None:
                mine.append([line])
            else:
                row.append(line)
        rows += [(ring.box, row) for row in mine]
    return rows


def ring_bands(lines: list[TextLine], rings: tuple[Seal, ...], dpi: float, settings: MarkSettings,
               shape: tuple[int, ...], within: Box | None = None) -> list[Box]:
    """Bands `ring_band_mm` high across each ring (in `within` where given), as wide as the ring and `date_near_mm`
    either side, to be read alone, without the seal's arc text and bottom text above and below them, which the
    detector took into its lines or read in their place: first round each row of pieces read across a ring (a band
    within a quarter band of one before it left out), then down the whole ring half a band apart (a row the
    detector saw nothing of among the seal's text: 核对无误 under its arc text), so that any row up to half a band
    high lies whole in one of those."""
    height, reach = mm_to_px(settings.ring_band_mm, dpi), mm_to_px(settings.date_near_mm, dpi)

    def band(ring: Box, middle: float) -> Box:
        return clip(ring.x - reach, middle - height / 2, ring.right + reach, middle + height / 2, shape)

    rows: list[Box] = []
    for ring, row in _rows_in_rings(lines, rings):
        box = band(ring, sum(line.box.y + line.box.h / 2 for line in row) / len(row))
        if not any(abs(box.y - b.y) < height / 4 and box.overlap(b) > 0 for b in rows):
            rows.append(box)
    down = [band(ring.box, ring.box.y + k * height / 2) for ring in rings
            for k in range(int(ring.box.h / (height / 2)) + 1)]
    return [box for box in rows + down if within is None or box.overlap(within) > 0]


def _find_red(lines: list[TextLine], seals: tuple[Box, ...], settings: MarkSettings):
    """The words on lines read in the red ink: as any line (`_find_in`), else on a line a seal crosses
    (`_find_crossed`)."""
    return _find_in(lines, settings) or _find_crossed(lines, seals, settings)


def find_verification(rgb: np.ndarray, dpi: float, settings: MarkSettings, text_words: list[TextLine] | None = None,
                      seals: list[Seal] | None = None, searched: list[Box] | None = None,
                      layers: InkLayers | None = None) -> Verification | None:
    """The words 核对无误 (or a variant) on a page. The text layer is searched first when the caller has one
    (`text_words`, boxes in this image's pixels); otherwise the page is read with OCR after red ink is
    removed (a seal usually sits on the words), region by region and only as far as needed: around each
    seal, then the ink blocks (dark, or red beyond the seals) from the bottom up (on a crowded page, the whole
    page in bands), until `ocr_max_page_share` of the page would be exceeded. Where a region read in vain holds
    red ink that is not a seal, that red ink is read too, as dark text on white (words stamped in red). On a grey
    or one-bit page the words a seal's ring crosses are matched on the pieces read across it (`_find_ringed`),
    and each row of them is read again alone (`ring_bands`) where that fails. Each region read is appended to
    `searched`."""
    searched = [] if searched is None else searched
    if text_words:
        lines = text_layer_lines(list(text_words))
        searched.append(Box(0, 0, rgb.shape[1], rgb.shape[0]))
        found = _find_in(lines, settings)
        if found:
            return _verification(found, "text-layer", lines, searched[-1])
    layers = layers or InkLayers(rgb, dpi, settings)
    gray = layers.dark
    if seals is None:
        seals = find_seals(rgb, dpi, settings)
    budget = settings.ocr_max_page_share * gray.size
    reader = _Reader(layers, seals, settings, searched)
    for region in _regions(gray, dpi, seals, settings, reader.red_blocks):
        if reader.spent + region.area > budget:
            continue  # a smaller region further on may still fit
        lines = reader.read(gray, region)
        found = _find_in(lines, settings) or _find_ringed(lines, layers.rings, settings)
        if found:
            return _verification(found, "ocr", lines, region)
        red_lines, found = reader.read_red(region)
        if found:
            return _verification(found, "ocr", lines + red_lines, region)
        for band in ring_bands(lines, layers.rings, dpi, settings, gray.shape, region):
            more = layers.read_band(band)  # within the region just read: never refused by the budget
            lines, found = lines + more, _find_in(more, settings) or _find_ringed(more, layers.rings, settings)
            if found:
                return _verification(found, "ocr", lines, region)
    return None


class _Reader:
    """OCR of regions of a page's layers, keeping count of the area read and where (`searched`), and the red
    ink beyond the seals, found once on first use."""

    def __init__(self, layers: InkLayers, seals: list[Seal], settings: MarkSettings, searched: list[Box]):
        self.layers, self.seals, self.settings, self.searched = layers, seals, settings, searched
        self.spent = 0.0
        self.red_read: list[Box] = []
        self._red_blocks: list[Box] | None = None

    def read(self, layer: np.ndarray, region: Box, new_area: float | None = None) -> list[TextLine]:
        """The lines read in a region of a layer. `new_area`: how much of it was not read before (all of it when
        not given); a region read before in full is not recorded as searched again."""
        self.spent += region.area if new_area is None else new_area
        if new_area is None or new_area > 0:
            self.searched.append(region)
        return ocr.read_region(layer, self.layers.dpi, region, self.settings)

    def read_red(self, region: Box) -> tuple[list[TextLine], tuple | None]:
        """The red ink of a region read in vain in the writing (`red_region`), and the words matched there: first
        the red layer as it is (on lines a seal crosses, the characters it hides at half cost: `_find_crossed`),
        then, where a seal lies in it, the band of its densest red row alone (`InkLayers.red_words_band`: the
        seal's ink above and below the words cut off), then the layer without each seal (`InkLayers.red_apart`;
        one seal at a time, since a word stamp may itself be taken for one): words whose end a seal's ring and
        arc text cross are read up to the ring. Never refused by the budget: it lies in the region just read and
        its margin (the part read already is not counted again)."""
        red = self.red_region(region)
        if red is None:
            return [], None
        lines = self.read(self.layers.red, red, red.area - _intersection(red, region))
        seals = [seal.box for seal in self.seals if seal.box.overlap(red) > 0]
        found = _find_red(lines, tuple(seals), self.settings)
        band = self.layers.red_words_band(red, self.settings.red_words_band_mm) if seals and not found else None
        if band is not None:  # red words a seal crosses: their line alone, the seal's ink above and below cut off
            more = self.read(self.layers.red, band, 0.0)
            lines, found, reads = lines + more, _find_red(more, tuple(seals), self.settings), [more]
            for height in self.settings.red_words_band_more_mm if not found else ():
                more = self.read(self.layers.red, self.layers.red_words_band(red, height), 0.0)
                lines, reads = lines + more, reads + [more]
                found = _find_red(more, tuple(seals), self.settings) or _find_across_reads(reads, tuple(seals),
                                                                                           self.settings)
                if found:
                    break
        for seal in sorted(seals, key=lambda box: -box.area) if not found else ():  # one at a time, largest first:
            more = self.read(self.layers.red_apart((seal,)), red, 0.0)  # a red word stamp taken for a seal too
            lines, found = lines + more, _find_in(more, self.settings) or _find_cut(more, (seal,), self.settings)
            if found:
                break
        return lines, found

    def red_blocks(self) -> list[Box]:
        """Blocks of red ink that are more than a seal (red words, a red date stamp, red ink touching a seal)."""
        if self._red_blocks is None:
            blocks = ink_blocks(self.layers.red, self.layers.dpi, self.settings) if self.layers.red_mask.any() else []
            self._red_blocks = self.layers.free_red_blocks(blocks, self.seals)
        return self._red_blocks

    def red_region(self, region: Box) -> Box | None:
        """The red ink in `region` not read yet: red beyond the seals with the blocks' margin, and the seals with
        the join of the blocks round them (red words touching a seal are no block of their own), kept within the
        region and the blocks' margin round it (red further out is read with the blocks it joins); None when there
        is none."""
        if not self.layers.red_mask.any():
            return None  # a grey page's rings are no red ink
        shape = self.layers.rgb.shape
        pad = px_per_mm(self.layers.dpi) * self.settings.ocr_block_pad_mm
        join = px_per_mm(self.layers.dpi) * self.settings.ocr_block_join_mm  # red ink this near a seal is its block
        red = [block.grown(pad, shape) for block in self.red_blocks()] + [seal.box.grown(join, shape)
                                                                          for seal in self.seals]
        blocks = [block for block in red if block.overlap(region) > 0]
        blocks = [block for block in blocks if not any(block.inside(done) for done in self.red_read)]
        if not blocks:
            return None
        reach = region.grown(pad, shape)
        self.red_read.append(clip(max(reach.x, min(b.x for b in blocks)), max(reach.y, min(b.y for b in blocks)),
                                  min(reach.right, max(b.right for b in blocks)),
                                  min(reach.bottom, max(b.bottom for b in blocks)), shape))
        return self.red_read[-1]


def _intersection(a: Box, b: Box) -> float:
    return max(0.0, min(a.right, b.right) - max(a.x, b.x)) * max(0.0, min(a.bottom, b.bottom) - max(a.y, b.y))


def _regions(gray: np.ndarray, dpi: float, seals: list[Seal], settings: MarkSettings,
             red_blocks: Callable[[], list[Box]] = list) -> Iterator[Box]:
    """Where to read for the words, in order: round each seal (by `ocr_near_seal_mm`, or less where the seals'
    regions together would pass `ocr_near_seal_share` of the page's OCR budget: round a 46 mm seal, 45 mm would
    pass the whole budget, and the words beside it were never read; and regions round the seals that took nearly
    all of it left nothing for words written further off, under a table a seal was stamped on or beside two
    touching seals); then the ink blocks not read yet (of the writing, and `red_blocks` beyond the seals), lowest
    first, or, on a page of more than `ocr_max_blocks` blocks of writing, the whole page from the bottom. Anything
    taller than `ocr_band_mm` is read in overlapping bands from the bottom up (the detector's memory grows with the
    area it is given, and the time budget is spent in band-sized steps)."""
    px_mm = px_per_mm(dpi)
    done = []
    share = settings.ocr_near_seal_share * settings.ocr_max_page_share * gray.size / max(1, len(seals))
    side = math.sqrt(share)  # the largest square each seal's region may be: together they take the share
    for seal in seals:
        near = min(settings.ocr_near_seal_mm * px_mm, (side - max(seal.box.w, seal.box.h)) / 2 - 1)
        done.append(seal.box.grown(max(0.0, near), gray.shape))
        yield done[-1]
    blocks = ink_blocks(gray, dpi, settings)
    if len(blocks) > settings.ocr_max_blocks:
        blocks = [Box(0, 0, gray.shape[1], gray.shape[0])]
    else:
        blocks = sorted(blocks + red_blocks(), key=lambda block: -block.bottom)
    band, overlap = settings.ocr_band_mm * px_mm, settings.ocr_block_pad_mm * 2 * px_mm
    for block in blocks:
        if any(block.inside(region) for region in done):
            continue
        area = block.grown(settings.ocr_block_pad_mm * px_mm, gray.shape)
        bottom = float(area.bottom)
        while bottom > area.y:
            region = clip(area.x, max(area.y, bottom - band), area.right, bottom, gray.shape)
            if not any(region.inside(read) for read in done):
                yield region
            bottom -= band - overlap


def _verification(found, source: str, lines: list[TextLine], region: Box) -> Verification:
    line, phrase, score, start, end = found
    return Verification(piece_box(line, start, end), line.text[start:end], phrase, round(score, 3), source,
                        tuple(lines), region)


def ink_blocks(gray: np.ndarray, dpi: float, settings: MarkSettings) -> list[Box]:
    """Blocks of dark ink (paragraphs, a title, a handwritten note), lowest first: HR writes its note in the
    space left under the document, so the lowest blocks are read first. Found on a coarse copy: ink is
    what is darker than the paper (the median) by `ocr_ink_contrast`, less its rules (straight runs at least
    `ocr_rule_mm` long and at most `ocr_rule_width_mm` wide: a certificate's frame round the page would be a block
    the page's size, read from the bottom until the budget is spent, and a table's rules join all the text they
    hold), joined across `ocr_block_join_mm`."""
    scale = min(1.0, settings.ocr_block_dpi / dpi)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    paper = float(np.median(small))
    ink = (small < paper - settings.ocr_ink_contrast).astype(np.uint8)
    px_mm = px_per_mm(dpi * scale)
    ink &= 1 - straight_lines(ink, settings.ocr_rule_mm * px_mm, settings.ocr_rule_width_mm * px_mm)
    join = max(1, int(round(settings.ocr_block_join_mm * px_mm)))
    joined = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (join, join)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined)
    blocks = []
    for x, y, w, h, _area in stats[1:count]:
        if max(w, h) - join >= settings.ocr_block_min_mm * px_mm:  # the dilation added `join` to each side's sum
            blocks.append(Box.from_corners(*(int(round(v / scale)) for v in (x, y, x + w, y + h))))
    return sorted(blocks, key=lambda block: -block.bottom)

