"""Measuring one scanned page: what the scan-quality rules compare with the profile's limits.

`measure_page` takes the page as displayed (grey pixels at the analysis resolution, optionally the colour pixels)
and returns a small `PageScan` of numbers; the pixels are dropped afterwards, so a 400-page file never holds more
than one page in memory. Every function here is a pure function of its arrays.

How each figure is measured (all at the analysis resolution, ~100 dpi by default):
- paper and ink: the paper level is a local maximum filter of a median-filtered page (~7.5 mm windows), so uneven
  light and shadows do not count as ink; ink is what is darker than the local paper by `ink_contrast` grey levels.
- text: connected ink components of letter size (0.8-10 mm tall). Skew and orientation look at text only, so
  pictures, hatching and noise do not steer them, and are judged on pages with [pdf.skew] min_letters of them.
- skew: the angle (±15°) at which the centres of the text components pile up into the sharpest horizontal lines
  (projection-profile search, 0.5° then 0.05° steps).
- sideways: two tests must agree that the lines run up the page: the same projection search across the other
  axis scores far higher, and letters' nearest neighbours are closer along the columns than along the rows (a clear
  gap difference decides alone: a table of short cells lines up in columns as sharply as in rows, yet its cells
  still read along the rows).
- upside down: PaddleOCR's text-direction classifier (ch_ppocr_mobile_v2.0_cls, shipped inside the `rapidocr`
  wheel, run with onnxruntime in analysis.ocr) on up to 6 body-text line pieces, each levelled by the measured skew;
  it votes 0° or 180° per piece, and a clear majority decides ([pdf.rotation]: the mean vote, the share of pieces
  and the fewest pieces; else no judgement). Without rapidocr, upside-down pages are not detected (sideways ones
  still are).
- sharpness: at the edges of text shapes on paper, the steepest grey-level slope over the ink-to-paper range in an
  11-pixel window: a sharp edge rises over ~1-2 pixels (score ~0.45-0.55), a blurred one over many (the score falls
  with the blur radius). Normalising by the local range makes it independent of contrast and exposure. Text shapes
  are letters and shapes as thick as a letter but of any length, because blur merges the letters of a line into one
  long shape (a page too blurred to read keeps few letters); they count where paper surrounds them, so a photo's
  fragments do not (their neighbourhood is picture, not paper), and a noisy blank page has none (raw Laplacian
  variance would rank that noise above sharp text). At least [pdf.sharpness] min_shapes of them, or no judgement.
- cut-off: per edge, the share of its length that text (shapes of letter size or smaller, 0.8 mm and up) touches
  within `edge_mm` of it, and the places where it cuts through a text line (a touching letter with another letter
  right behind it: the line runs into the edge) or an outline (any shape the edge crosses twice: a seal, a table).
  A page number or a stamp that merely touches the edge is neither. An edge dark along most of its length (a
  scanner border or shadow) is not judged, and shapes stretched along an edge are not content.
- colour: whether the image is stored without colour (grey or one-bit), and otherwise the spread between its colour
  channels (a grey scan saved as RGB has none), measured where colour pixels are given (pages whose colour is
  judged: copies); the check decides what counts as grayscale.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from .geometry import Box, mm_to_px
from .ocr import upside_down_votes

# Definitions of the measurement, not limits of a verdict (the profile's [pdf] holds those):
SKEW_SPAN = 15.0  # degrees searched either side of level
LETTER_MM = (0.8, 10.0)  # height of a letter-size shape (small print to titles); never under 3 pixels
PAPER_AROUND_MM = 3.0  # how far round a text shape paper is looked for
CROSSING_GAP_MM = 3.0  # a shape touching an edge at places this far apart is crossed by it, not grazed
CUT_BOX_DEPTH_MM = 15.0  # a cut edge's box reaches at most this far into the page
CLS_CROPS = 6  # text-line pieces the direction classifier reads per page (a sample, for speed)
# Window (pixels at the analysis resolution) over which an edge's ink-to-paper range is taken: wide enough that a
# blurred edge's whole ramp fits in it, so the slope/range ratio keeps falling with the blur.
RANGE_WINDOW = 11


@dataclass(frozen=True)
class ScanSettings:
    """What pages are measured with, from the profile's [pdf] section: what counts as ink and as touching an edge,
    and the limits below which a figure gets no judgement. The thresholds that turn figures into findings are read
    by the rules."""

    ink_contrast: float  # [pdf.blank]
    edge_mm: float  # [pdf.cut_off]
    min_letters: int  # [pdf.skew]
    sideways_ratio: float  # [pdf.rotation] ...
    min_line_score: float
    gap_ratio: float
    upside_down_vote: float
    upside_down_share: float
    min_direction_lines: int
    min_sharp_shapes: int  # [pdf.sharpness] ...
    min_paper_around: float

    @classmethod
    def from_profile(cls, cfg) -> "ScanSettings":
        """The settings from a profile's [pdf] section (what `check` and `fix` measure pages with)."""
        rotation, sharpness = cfg.rotation, cfg.sharpness
        return cls(ink_contrast=float(cfg.blank.ink_contrast), edge_mm=float(cfg.cut_off.edge_mm),
                   min_letters=int(cfg.skew.min_letters), sideways_ratio=float(rotation.sideways_ratio),
                   min_line_score=float(rotation.min_line_score), gap_ratio=float(rotation.gap_ratio),
                   upside_down_vote=float(rotation.upside_down_vote),
                   upside_down_share=float(rotation.upside_down_share),
                   min_direction_lines=int(rotation.min_direction_lines),
                   min_sharp_shapes=int(sharpness.min_shapes), min_paper_around=float(sharpness.min_paper_around))


@dataclass(frozen=True)
class PageScan:
    """What was measured on one page; None where the page gives no basis for a figure (e.g. no text)."""

    dpi: float  # analysis pixels per inch
    size_px: tuple[int, int]
    paper: float  # median local paper level, 0-255
    ink_fraction: float  # share of the page that is ink
    ink_contrast: float  # how much darker the darkest text cores are than the paper (90th percentile)
    text_components: int
    sharpness: float | None = None
    skew: float | None = None  # degrees, positive = turned clockwise as displayed
    turn: int | None = None  # clockwise turn that makes the page upright: 0, 90, 180, 270
    sideways: bool = False  # text lines run up the page (turn 90 or 270; `turn` None when the direction is unsure)
    orientation_scores: dict = field(default_factory=dict)
    cut_edges: dict = field(default_factory=dict)  # side -> share of that edge touched by text
    cut_places: dict = field(default_factory=dict)  # side -> places where it cuts through a text line or an outline
    cut_boxes: dict = field(default_factory=dict)  # side -> Box in analysis pixels
    stored_gray: bool | None = None  # the scan image has no colour channels; None: not a scan (no verdict)
    chroma: float | None = None  # 99.9th percentile of the spread between colour channels (0 for grey pixels);
    # None where no colour pixels were given (a kind that needs no marks: nothing judges its colour)


def is_blank(scan: PageScan, cfg) -> bool:
    """Nothing on the page by the profile's [pdf] thresholds (a dark page is not blank: it is under-exposed)."""
    return scan.ink_fraction <= cfg.blank.max_ink_fraction and scan.paper >= cfg.exposure.min_paper_brightness


def is_grey(scan: PageScan, cfg) -> bool:
    """A scan that cannot show red: stored without colour, or colour whose channels never differ (not judged where
    the colour was not measured: a kind that needs no marks)."""
    return bool(scan.stored_gray or (scan.stored_gray is False and scan.chroma is not None
                                     and scan.chroma <= cfg.color.max_gray_chroma))


def _paper_and_darkness(gray: np.ndarray, dpi: float) -> tuple[np.ndarray, np.ndarray]:
    """Local paper level (max filter of a median-filtered page, computed at quarter scale) and darkness below it."""
    smooth = cv2.medianBlur(gray, 3)
    small = cv2.resize(smooth, (max(1, gray.shape[1] // 4), max(1, gray.shape[0] // 4)), interpolation=cv2.INTER_AREA)
    k = max(3, int(dpi * 0.3 / 4) | 1)  # ~7.5 mm window
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    paper = cv2.blur(cv2.dilate(small, kernel), (k, k))
    paper = cv2.resize(paper, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    paper = np.maximum(paper, smooth)
    return paper, cv2.subtract(paper, smooth)


def _letter_range(dpi: float) -> tuple[float, float]:
    """Least and greatest height of a letter-size shape, in pixels."""
    return max(3.0, mm_to_px(LETTER_MM[0], dpi)), mm_to_px(LETTER_MM[1], dpi)


def _letter_sized(stats: np.ndarray, dpi: float) -> np.ndarray:
    """Which connected ink components are the size of letters (0.8-10 mm tall, not long rules)."""
    w, h, area = stats[:, 2], stats[:, 3], stats[:, 4]
    lo, hi = _letter_range(dpi)
    return (h >= lo) & (h <= hi) & (w <= 15 * h) & (w <= 3 * hi) & (area >= 6)


def _text_on_paper(stats: np.ndarray, is_letter: np.ndarray, paper: np.ndarray, dark: np.ndarray, dpi: float,
                   settings: ScanSettings) -> np.ndarray:
    """Which components are text shapes on paper: letters, or as thick as a letter and of any length (a line
    blurred into one shape), with paper round them. A photo's fragments are surrounded by picture, not paper."""
    w, h = stats[:, 2], stats[:, 3]
    thickness = np.minimum(w, h)
    lo, hi = _letter_range(dpi)
    text = is_letter | ((thickness >= lo) & (thickness <= hi))
    ink_contrast = settings.ink_contrast
    level = float(np.median(paper[::4, ::4]))
    is_paper = cv2.compare(dark, ink_contrast / 2, cv2.CMP_LT) & cv2.compare(paper, level - ink_contrast, cv2.CMP_GE)
    total = cv2.integral(is_paper // 255)
    m = int(round(mm_to_px(PAPER_AROUND_MM, dpi)))
    rows, cols = dark.shape
    x0, y0 = np.clip(stats[:, 0] - m, 0, cols), np.clip(stats[:, 1] - m, 0, rows)
    x1, y1 = np.clip(stats[:, 0] + w + m, 0, cols), np.clip(stats[:, 1] + h + m, 0, rows)
    around = total[y1, x1] - total[y0, x1] - total[y1, x0] + total[y0, x0]
    return text & (around >= settings.min_paper_around * (x1 - x0) * (y1 - y0))


def _line_score(along: np.ndarray, across: np.ndarray, degrees: np.ndarray) -> np.ndarray:
    """How sharply points pile up into lines, per angle: sum of squared bin counts, normalised so that an even
    spread scores 1. Points are (along, across) with lines running along `along`."""
    out = np.empty(len(degrees))
    for i, a in enumerate(np.deg2rad(degrees)):
        pos = across * np.cos(a) - along * np.sin(a)
        bins = np.bincount((pos - pos.min()).astype(np.int64)).astype(np.float64)
        out[i] = (bins * bins).sum() / (bins.sum() ** 2) * len(bins) if len(bins) > 1 else 0.0
    return out


def line_angle(along: np.ndarray, across: np.ndarray) -> tuple[float, float, float]:
    """Best line angle (degrees), its score, and the median score over the search (the no-lines baseline)."""
    coarse = np.arange(-SKEW_SPAN, SKEW_SPAN + 1e-9, 0.5)
    scores = _line_score(along, across, coarse)
    best = coarse[int(scores.argmax())]
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05)
    fine_scores = _line_score(along, across, fine)
    i = int(fine_scores.argmax())
    return float(fine[i]), float(fine_scores[i]), float(np.median(scores))


def sharpness_score(gray: np.ndarray, near_text: np.ndarray, min_range: float) -> float | None:
    """90th percentile, over text edges, of the steepest slope / local ink-to-paper range (0 to ~0.5); None with
    too few edges to judge."""
    k = np.ones((RANGE_WINDOW, RANGE_WINDOW), np.uint8)
    local_range = cv2.subtract(cv2.dilate(gray, k), cv2.erode(gray, k))
    local_range[:, [0, -1]] = 0
    local_range[[0, -1], :] = 0
    candidates = cv2.bitwise_and(cv2.compare(local_range, min_range, cv2.CMP_GE), near_text)
    ys, xs = np.nonzero(candidates[1:-1:2])  # every other row is plenty, and halves the cost
    if len(ys) < 100:
        return None
    ys, xs = _sample(ys) * 2 + 1, _sample(xs)
    g = gray
    gx = (g[ys, xs + 1].astype(np.float32) - g[ys, xs - 1]) / 2
    gy = (g[ys + 1, xs].astype(np.float32) - g[ys - 1, xs]) / 2
    ratio = np.hypot(gx, gy) / local_range[ys, xs]
    return float(np.percentile(ratio, 90))


def _places(start: np.ndarray, extent: np.ndarray, chosen: np.ndarray) -> int:
    """How many separate places along an edge the chosen shapes occupy (the pieces of one cut letter, or the letters
    of one line, overlap along the edge: one place)."""
    order = np.argsort(start[chosen])
    begin, end = start[chosen][order], (start + extent)[chosen][order]
    return int((begin[1:] >= np.maximum.accumulate(end)[:-1]).sum() + 1) if len(begin) else 0


def _cut_edges(labels: np.ndarray, stats: np.ndarray, is_letter: np.ndarray, dpi: float, edge_mm: float
               ) -> tuple[dict, dict, dict]:
    """Per side touched by content: the share of the edge that text touches, the places where the edge cuts
    through a text line or an outline, and a box round the touching content (analysis pixels).

    Text is shapes of letter size or smaller (letters and their cut pieces): a crop along a line touches the edge
    along much of its length. A crop across lines touches it only where each line runs in, so a letter with another
    right behind it marks a cut line; a page number lying along the edge has none behind. Any shape the edge
    crosses twice is cut open (a seal, a table); a stamp that merely touches the edge is crossed once.
    An edge that is dark along most of its length is a scanner border or shadow, not content: it is not judged.
    Shapes stretched along an edge (rules, borders joined to a corner) are not content either."""
    h, w = labels.shape
    band = max(1, int(round(mm_to_px(edge_mm, dpi))))
    min_size, letter_max = _letter_range(dpi)
    crossing_gap = mm_to_px(CROSSING_GAP_MM, dpi)
    x, y, bw, bh = (stats[:, i] for i in range(4))
    letters = np.nonzero(is_letter)[0]
    # per side: the strip along the edge, then where each shape lies along the edge and how far in from it
    sides = {"top": (labels[:band, :], x, bw, y, y + bh),
             "bottom": (labels[h - band:, :], x, bw, h - y - bh, h - y),
             "left": (labels[:, :band].T, y, bh, x, x + bw),
             "right": (labels[:, w - band:].T, y, bh, w - x - bw, w - x)}
    touched, cut, boxes = {}, {}, {}
    for side, (strip, start, extent, near, far) in sides.items():
        inked = strip > 0
        along_edge = inked.any(axis=0)
        if not along_edge.any() or along_edge.mean() > 0.5:
            continue
        ids = np.unique(strip[inked]) - 1
        length = strip.shape[1]
        size = np.maximum(bw[ids], bh[ids])
        keep = (size >= min_size) & (extent[ids] <= 0.5 * length)
        ids, size = ids[keep], size[keep]
        if not len(ids):
            continue
        hits = [np.nonzero((strip == i + 1).any(axis=0))[0] for i in ids]
        crossed = np.array([(np.diff(at) > crossing_gap).any() for at in hits])
        # a letter right behind a touching shape: beside it along the edge, at most the shape's length further in
        lo, hi = start[ids], start[ids] + extent[ids]
        overlap = np.minimum((start + extent)[letters, None], hi) - np.maximum(start[letters, None], lo)
        gap = near[letters, None] - far[ids]
        behind = ((overlap > 0.5 * np.minimum(extent[letters, None], extent[ids])) & (gap >= -1)
                  & (gap <= np.maximum(extent[ids], min_size)) & (letters[:, None] != ids))
        cut[side] = _places(lo, extent[ids], crossed | (is_letter[ids] & behind.any(axis=0)))
        text = [at for at, small in zip(hits, is_letter[ids] | (size <= letter_max)) if small]
        touched[side] = round(len(np.unique(np.concatenate(text))) / length, 4) if text else 0.0
        # the box: where along the edge content touches it, and a strip reaching into the page (at most ~15 mm)
        at = np.concatenate(hits)
        first, last = int(at.min()), int(at.max()) + 1
        depth = int(min(mm_to_px(CUT_BOX_DEPTH_MM, dpi), (far[ids] - near[ids]).max()))
        boxes[side] = {"top": Box(first, 0, last - first, depth), "bottom": Box(first, h - depth, last - first, depth),
                       "left": Box(0, first, depth, last - first), "right": Box(w - depth, first, depth, last - first)
                       }[side]
    return touched, cut, boxes


def _chroma(rgb: np.ndarray) -> float:
    """99.9th percentile of max(R, G, B) - min(R, G, B), from a histogram (numpy's per-pixel reductions over the
    channel axis are slow)."""
    r, g, b = cv2.split(rgb)
    spread = cv2.subtract(cv2.max(cv2.max(r, g), b), cv2.min(cv2.min(r, g), b))
    counts = cv2.calcHist([spread], [0], None, [256], [0, 256]).ravel()
    return float(np.searchsorted(np.cumsum(counts), 0.999 * counts.sum()))


def line_crops(gray: np.ndarray, letters: np.ndarray, centres: np.ndarray, skew: float,
               limit: int = CLS_CROPS) -> list[np.ndarray]:
    """Body-text line pieces (about 4:1, levelled by the skew) for the direction classifier, spread over the page."""
    heights = letters[:, 3].astype(np.float64)
    typical = float(np.median(heights))
    body = (heights >= 0.5 * typical) & (heights <= 2 * typical)
    stats, x, y = letters[body], centres[body, 0], centres[body, 1]
    if len(stats) < 10:
        return []
    cos, sin = np.cos(np.deg2rad(skew)), np.sin(np.deg2rad(skew))
    along, across = x * cos + y * sin, y * cos - x * sin
    half = stats[:, 2] / 2.0
    order = np.argsort(across)
    lines = np.split(order, np.nonzero(np.diff(across[order]) >= 0.35 * typical)[0] + 1)
    lines = [line for line in lines if len(line) >= 5]
    if len(lines) > 3 * limit:  # enough lines spread over the page; the rest are not needed
        lines = [lines[i] for i in np.linspace(0, len(lines) - 1, 3 * limit).astype(int)]
    pieces = []  # (along, across, length, height) of each crop
    for line in lines:
        line = line[np.argsort(along[line])]
        gaps = np.diff(along[line]) - half[line][1:] - half[line][:-1]
        for run in np.split(line, np.nonzero(gaps > 1.5 * typical)[0] + 1):
            if len(run) < 5:
                continue
            height = min(float(stats[run, 3].max()), 2.5 * typical) + 2 * max(2.0, 0.1 * typical)
            start, end = float((along[run] - half[run]).min()), float((along[run] + half[run]).max())
            length = 4 * height
            if end - start < 3 * height:
                continue
            middle = float(np.median(across[run]))
            for k in range(max(1, int((end - start) // length))):
                pieces.append((start + length * (k + 0.5), middle, length, height))
    if len(pieces) > limit:
        pieces = [pieces[i] for i in np.linspace(0, len(pieces) - 1, limit).astype(int)]
    crops = []
    for a, c, length, height in pieces:
        cx, cy = a * cos - c * sin, a * sin + c * cos
        matrix = cv2.getRotationMatrix2D((cx, cy), skew, 1.0)  # positive skew is clockwise: turn it back
        matrix[:, 2] += (length / 2 - cx, height / 2 - cy)
        crops.append(cv2.warpAffine(gray, matrix, (int(length), int(height)), flags=cv2.INTER_LINEAR,
                                    borderMode=cv2.BORDER_REPLICATE))
    return crops


def _quarter_turn(gray: np.ndarray, letters: np.ndarray, centres: np.ndarray):
    """The page, its letter boxes and centres after a quarter turn clockwise."""
    h = gray.shape[0]
    turned = letters.copy()
    turned[:, 0], turned[:, 1] = h - (letters[:, 1] + letters[:, 3]), letters[:, 0]
    turned[:, 2], turned[:, 3] = letters[:, 3], letters[:, 2]
    return np.rot90(gray, -1), turned, np.stack([h - 1 - centres[:, 1], centres[:, 0]], axis=1)


def neighbour_gaps(letters: np.ndarray, sample: int = 300, pool: int = 1500) -> tuple[float, float]:
    """Median gap from a letter to its nearest neighbour along the rows and along the columns, in letter heights.
    Letters of a text line sit close together; lines are further apart. Unlike projections, this is not fooled by
    text aligned in columns (tables, forms), whose cells still read along the rows."""
    pool_idx = np.linspace(0, len(letters) - 1, min(pool, len(letters))).astype(int)
    x0, y0, w, h = (letters[pool_idx, i].astype(np.float32) for i in range(4))
    x1, y1 = x0 + w, y0 + h
    rows = np.linspace(0, len(pool_idx) - 1, min(sample, len(pool_idx))).astype(int)

    def nearest(a0, a1, b0, b1):
        overlap = np.minimum(b1[rows, None], b1[None]) - np.maximum(b0[rows, None], b0[None]) > 0
        gap = a0[None] - a1[rows, None]
        gap = np.where(overlap & (gap > -1), gap, np.inf)
        gap[np.arange(len(rows)), rows] = np.inf
        found = gap.min(axis=1)
        found = found[np.isfinite(found)]
        return float(np.median(found)) if len(found) else float("inf")

    height = float(np.median(h))
    return nearest(x0, x1, y0, y1) / height, nearest(y0, y1, x0, x1) / height


def orientation(gray: np.ndarray, letters: np.ndarray, centres: np.ndarray, settings: ScanSettings
                ) -> tuple[float | None, int | None, bool, dict]:
    """Skew of the text lines, the clockwise turn that makes the page upright (None: unsure), whether the lines
    run up the page, and the scores behind it. Two tests must agree that lines run up the page before it is
    called sideways: line projections (sharper across the other axis) and neighbour gaps (closer along it)."""
    skew, score_rows, _ = line_angle(centres[:, 0], centres[:, 1])
    _, score_columns, _ = line_angle(centres[:, 1], centres[:, 0])
    gap_rows, gap_columns = neighbour_gaps(letters)
    scores = {"rows": round(score_rows, 2), "columns": round(score_columns, 2), "row_gap": round(gap_rows, 2),
              "column_gap": round(gap_columns, 2)}
    lines_across = score_rows > settings.sideways_ratio * score_columns and score_rows >= settings.min_line_score
    lines_up = score_columns > settings.sideways_ratio * score_rows and score_columns >= settings.min_line_score
    # text lines run along the axis with the smaller gaps; a clear difference decides even where the projections
    # are misled by text aligned in columns (a table of short cells)
    gaps_across = gap_rows < gap_columns
    gaps_up = gap_columns < gap_rows
    clearly_across = gap_columns >= settings.gap_ratio * gap_rows
    clearly_up = gap_rows >= settings.gap_ratio * gap_columns
    sideways = (lines_up and gaps_up) or clearly_up
    if not sideways and not ((lines_across and gaps_across) or clearly_across):
        return None, None, False, scores  # the tests disagree or see no text lines: no judgement
    if sideways:
        # a quarter turn clockwise makes the lines run across; the classifier then says whether that is upright
        gray, letters, centres = _quarter_turn(gray, letters, centres)
        skew = line_angle(centres[:, 0], centres[:, 1])[0]
    votes = upside_down_votes(line_crops(gray, letters, centres, skew))
    turn = None
    if votes is not None and len(votes) >= settings.min_direction_lines:
        mean, share = float(votes.mean()), float((votes > 0.5).mean())
        scores.update(upside_down=round(mean, 3), lines=len(votes))
        if mean >= settings.upside_down_vote and share >= settings.upside_down_share:
            turn = 270 if sideways else 180
        elif mean <= 1 - settings.upside_down_vote and share <= 1 - settings.upside_down_share:
            turn = 90 if sideways else 0
    return round(skew, 2), turn, sideways, scores


def _sample(values: np.ndarray, limit: int = 50_000) -> np.ndarray:
    return values[:: max(1, len(values) // limit)]


def measure_page(gray: np.ndarray, dpi: float, settings: ScanSettings, rgb: np.ndarray | None = None,
                 stored_gray: bool | None = None) -> PageScan:
    """Every scan-quality figure of one displayed page. `stored_gray` says the image was stored without colour
    (None: not a scan); `rgb` gives colour pixels to judge otherwise (without them the chroma is not measured)."""
    paper, dark = _paper_and_darkness(gray, dpi)
    ink = dark > settings.ink_contrast
    count, labels, stats, centres = cv2.connectedComponentsWithStats(ink.view(np.uint8), connectivity=8)
    stats, centres = stats[1:], centres[1:]
    is_letter = _letter_sized(stats, dpi)
    letters, letter_centres = stats[is_letter], centres[is_letter]
    ink_pixels = dark[ink]
    ink_contrast = float(np.percentile(_sample(ink_pixels), 90)) if len(ink_pixels) >= 20 else 0.0
    fields: dict = {}
    if len(letters) >= settings.min_letters:
        skew, turn, sideways, scores = orientation(gray, letters, letter_centres, settings)
        fields.update(skew=skew, turn=turn, sideways=sideways, orientation_scores=scores)
    text = _text_on_paper(stats, is_letter, paper, dark, dpi, settings)
    if text.sum() >= settings.min_sharp_shapes:
        lookup = np.zeros(count, bool)
        lookup[1:][text] = True
        # np.take of bytes: half the time of indexing the bool lookup with the label image
        near_text = cv2.dilate(np.take(lookup.view(np.uint8), labels), np.ones((5, 5), np.uint8))
        fields["sharpness"] = sharpness_score(gray, near_text, max(settings.ink_contrast, 0.5 * ink_contrast))
    touched, cut, boxes = _cut_edges(labels, stats, is_letter, dpi, settings.edge_mm)
    if stored_gray is not None:
        chroma = 0.0 if stored_gray else _chroma(rgb) if rgb is not None else None
        fields.update(chroma=None if chroma is None else round(chroma, 1), stored_gray=stored_gray)
    ink_fraction = cv2.countNonZero(ink.view(np.uint8)) / ink.size  # ink.mean(), twenty times faster
    return PageScan(dpi=round(dpi, 1), size_px=(gray.shape[1], gray.shape[0]),
                    paper=float(np.median(_sample(paper.ravel()))), ink_fraction=round(ink_fraction, 6),
                    ink_contrast=round(ink_contrast, 1), text_components=len(letters), cut_edges=touched,
                    cut_places=cut, cut_boxes=boxes, **fields)
