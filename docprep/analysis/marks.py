"""Verification marks on a copy: the red official seal (公章), the words 核对无误 and the date beside them.

Pure functions of one page image (RGB, uint8) and its resolution; the PDF family calls them per page and
turns the results into findings. Every threshold is a `MarkSettings` field, filled from the profile.
Boxes are (x0, y0, x1, y1) in pixels of the image passed in."""
from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass, fields
from datetime import date

import cv2
import numpy as np

from ..profiles.schema import Setting

Rect = tuple[int, int, int, int]
Box = tuple[float, float, float, float]  # x, y, width, height in page points from the top-left (as in findings)


@dataclass(frozen=True)
class PageMarks:
    """What was found on one page of a copy and where it was looked for, in page points: the PDF family's
    rules and `--annotate` read this, never the pixels."""

    seals: tuple[Box, ...] = ()
    seal_checked: bool = True  # False on a grey scan: a red seal cannot be seen there (pdf.color says so)
    words_checked: bool = True  # False on a page that is not upright: lines cannot be read
    words: Box | None = None
    words_text: str | None = None
    words_source: str | None = None  # "text-layer" or "ocr"
    searched: tuple[Box, ...] = ()  # where the words were looked for
    date: Box | None = None
    date_text: str | None = None
    date_zone: Box | None = None  # where the date was looked for (round the words)


@dataclass(frozen=True)
class MarkSettings:
    """What counts as a seal, as the verification words and as their date: the profile's [pdf.marks] table
    (values suited to A4 copies of Chinese certificates are in profiles/zj-2021.toml)."""

    # Red ink, in OpenCV HSV (hue 0-179): red sits at both ends of the hue circle.
    red_hue_low: tuple[int, int]
    red_hue_high: tuple[int, int]
    red_min_saturation: int
    red_min_value: int
    red_fringe_mm: float  # blurred edge of red ink whitened with it before reading (0.13: one pixel at 200 dpi)
    # Seals are measured at this resolution (a seal's ring is still several pixels wide).
    seal_dpi: int
    seal_diameter_mm: tuple[float, float]
    seal_cell_ink: int  # a shrunk mask cell is ink above this (0-255 = share of its pixels inked)
    seal_join_mm: tuple[float, float]  # ink gaps bridged before tracing outlines: tried at both
    seal_ring_join_mm: float  # gaps bridged when the ring itself is followed (text crossing it, faded ink)
    seal_max_aspect: float  # longest over shortest axis: oval seals are about 1.5
    seal_square_max_aspect: float  # longest over shortest side of a square seal
    seal_round_max_aspect: float  # ellipses up to this are called round, beyond it oval
    seal_min_fit: float  # overlap (IoU) of the traced outline with its fitted ellipse or rectangle
    seal_min_ring: float  # share of the visible outline that carries ink in the outer band
    seal_ring_band: float  # width of that band, as a share of the seal's half-size
    seal_min_visible: float  # share of the outline inside the page (seals cut at the edge)
    seal_min_inner_ink: float  # red share inside the ring (a star, text): a pen circle has none
    seal_min_ring_contrast: float  # red share of the rim band over that inside: a red character is even
    seal_max_ring_contrast: float  # ... and at most this: a pen loop crossed by a tick is nearly empty
    # The verification words, and how loosely they may be read.
    phrases: tuple[str, ...]
    min_match: float  # similarity of the best phrase to a piece of a read line (1 = exact)
    ocr_dpi: int  # regions are read at this resolution (handwriting of 5 mm is then 20 px tall)
    ocr_near_seal_mm: float  # around each seal, where the words usually are
    ocr_block_dpi: int  # ink blocks are found at this resolution (3 mm characters still show)
    ocr_ink_contrast: int  # grey levels below the paper that count as ink when finding blocks
    ocr_block_join_mm: float  # ink this close joins into one block (line spacing of a paragraph)
    ocr_block_min_mm: float  # smaller blocks (specks, a dot) are not read
    ocr_block_pad_mm: float  # margin added round an ink block before reading it
    ocr_max_blocks: int  # pages with more ink blocks are read whole, in bands
    ocr_band_mm: float  # the whole page is read in bands this tall
    ocr_box_threshold: float  # detector confidence for a text line (bold handwriting scores low)
    ocr_min_score: float  # recogniser confidence below which a line is ignored
    ocr_threads: int  # onnxruntime threads per process; 0 lets it choose
    ocr_max_page_share: float  # OCR reads at most this share of the page (a dense page read whole costs seconds)
    # The date: near the words, not the document's own issue date elsewhere.
    date_near_mm: float

    @classmethod
    def from_profile(cls, section) -> "MarkSettings":
        """From a profile section (namespace or dict) whose keys are field names; lists become tuples."""
        values = section if isinstance(section, dict) else vars(section)
        return cls(**{f.name: _frozen(values[f.name]) for f in fields(cls)})


def _frozen(value):
    return tuple(_frozen(v) for v in value) if isinstance(value, list) else value


S = Setting
# The profile schema of MarkSettings: the PDF family's [pdf.marks] table.
SETTINGS = {
    "red_hue_low": S("range", "red hues at the bottom of OpenCV's 0-179 hue circle", 0, 179),
    "red_hue_high": S("range", "red hues at the top of the hue circle (red wraps round)", 0, 179),
    "red_min_saturation": S("int", "least saturation (0-255) of red ink; faded seals are pale", 0, 255),
    "red_min_value": S("int", "least brightness (0-255) of red ink; darker is black text", 0, 255),
    "red_fringe_mm": S("float", "blurred edge of red ink whitened with it before reading words, mm", 0, 2),
    "seal_dpi": S("int", "resolution at which seals are measured", 30, 600),
    "seal_diameter_mm": S("range", "seal size in mm (longest axis)", 1, 300),
    "seal_cell_ink": S("int", "a shrunk mask cell counts as ink above this (0-255 share inked)", 0, 254),
    "seal_join_mm": S("range", "ink gaps bridged before tracing outlines (both tried; the wider joins a faded "
                      "seal's pieces), mm", 0, 30),
    "seal_ring_join_mm": S("float", "ink gaps bridged when following the ring, mm", 0, 10),
    "seal_max_aspect": S("float", "longest over shortest axis of a round or oval seal", 1, 5),
    "seal_square_max_aspect": S("float", "longest over shortest side of a square seal", 1, 5),
    "seal_round_max_aspect": S("float", "axes ratio up to which an ellipse is called round", 1, 5),
    "seal_min_fit": S("float", "least overlap (IoU) of the outline with its ellipse or rectangle", 0, 1),
    "seal_min_ring": S("float", "least share of the visible outline inked", 0, 1),
    "seal_ring_band": S("float", "outer band searched for the ring, share of the half-size", 0.01, 0.5),
    "seal_min_visible": S("float", "least share of a seal's outline inside the page", 0, 1),
    "seal_min_inner_ink": S("float", "least red share inside the ring", 0, 1),
    "seal_min_ring_contrast": S("float", "least red share of the rim band over the red share inside", 0, 100),
    "seal_max_ring_contrast": S("float", "greatest red share of the rim band over the red share inside", 0, 1000),
    "phrases": S("str-list", "verification words and their variants (none: no copy could ever pass)", min_items=1),
    "min_match": S("float", "least similarity of read text to a phrase (1 = exact)", 0, 1),
    "ocr_dpi": S("int", "resolution at which regions are read", 72, 400),
    "ocr_near_seal_mm": S("float", "margin round a seal read for the words, mm", 0, 200),
    "ocr_block_dpi": S("int", "resolution at which ink blocks are found", 20, 300),
    "ocr_ink_contrast": S("int", "grey levels below the paper counted as ink for blocks", 1, 255),
    "ocr_block_join_mm": S("float", "ink this close joins into one block, mm", 0, 100),
    "ocr_block_min_mm": S("float", "smallest block read, mm", 0, 100),
    "ocr_block_pad_mm": S("float", "margin round an ink block read for the words, mm", 0, 50),
    "ocr_max_blocks": S("int", "pages with more ink blocks are read whole, in bands", 0, 100),
    "ocr_band_mm": S("float", "height of the bands in which the whole page is read, mm", 20, 1000),
    "ocr_box_threshold": S("float", "least detector confidence of a text line", 0, 1),
    "ocr_min_score": S("float", "least recogniser confidence of a read line", 0, 1),
    "ocr_threads": S("int", "onnxruntime threads per process (0 = its choice)", 0, 64),
    "ocr_max_page_share": S("float", "OCR reads at most this share of a page's area (a region that would pass it "
                            "is skipped for a smaller one)", 0, 1),
    "date_near_mm": S("float", "greatest gap between the words and their date, mm", 0, 300),
}


# --------------------------------------------------------------------------------------------- red ink


def red_ink_mask(rgb: np.ndarray, settings: MarkSettings) -> np.ndarray:
    """Pixels of red ink (uint8, 255 = red). Hue wraps round at 0/180 in OpenCV, so two ranges are joined;
    the brightness floor keeps dark, noisy black-text pixels out."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    s = settings
    low = cv2.inRange(hsv, (s.red_hue_low[0], s.red_min_saturation, s.red_min_value), (s.red_hue_low[1], 255, 255))
    high = cv2.inRange(hsv, (s.red_hue_high[0], s.red_min_saturation, s.red_min_value),
                       (s.red_hue_high[1], 255, 255))
    return cv2.bitwise_or(low, high)


def remove_red(rgb: np.ndarray, dpi: float, settings: MarkSettings) -> np.ndarray:
    """Grey page with red ink turned to paper white, for reading words that a seal covers. The red channel
    already shows red ink as light and black or blue ink as dark; red pixels, and their blurred fringe where
    it is a pixel wide or more (`red_fringe_mm`), are then set to white: a wider fringe would eat into black
    strokes beside the seal (a date's 日 becomes 6 at 100 dpi)."""
    gray = rgb[..., 0].copy()
    mask = red_ink_mask(rgb, settings)
    fringe = int(settings.red_fringe_mm * dpi / 25.4)
    if fringe:
        mask = cv2.dilate(mask, np.ones((2 * fringe + 1, 2 * fringe + 1), np.uint8))
    gray[mask > 0] = 255
    return gray


# --------------------------------------------------------------------------------------------- seals


@dataclass(frozen=True)
class Seal:
    """A seal found on the page: its box (clipped to the page), shape, size and how seal-like it is (0-1)."""

    box: Rect
    shape: str  # "round", "oval" or "square"
    size_mm: tuple[float, float]  # longest and shortest axis, including any part beyond the page edge
    score: float


def find_seals(rgb: np.ndarray, dpi: float, settings: MarkSettings) -> list[Seal]:
    """Red seals on a page, largest first. A seal is red ink that closes into a round, oval or square outline
    of seal size, with ink all along its rim and some ink inside (a star, text). A red title, table rules,
    underlines and ticks fail one of these; a seal cut by the page edge is judged on its visible part."""
    s = settings
    mask = red_ink_mask(rgb, s)
    if not mask.any():
        return []
    # Thin pale strokes survive when the mask, not the picture, is shrunk: a cell a quarter inked is ink.
    scale = min(1.0, s.seal_dpi / dpi)
    if scale < 1.0:
        shrunk = cv2.resize(mask, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        mask = cv2.threshold(shrunk, s.seal_cell_ink, 255, cv2.THRESH_BINARY)[1]
    px_mm = dpi * scale / 25.4
    ring = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, _disc(s.seal_ring_join_mm * px_mm))
    lo, hi = s.seal_diameter_mm[0] * px_mm, s.seal_diameter_mm[1] * px_mm
    seals: list[Seal] = []
    for join in dict.fromkeys(s.seal_join_mm):
        closed = _close(mask, join * px_mm / 2)
        for contour in cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)[0]:
            x, y, w, h = cv2.boundingRect(contour)
            if max(w, h) < lo * s.seal_min_visible:  # too small even for a seal mostly beyond the edge
                continue
            judged = _judge(contour, mask, ring, lo, hi, s)
            if judged is None:
                continue
            shape, size, score, box = judged
            seal = Seal(tuple(int(round(v / scale)) for v in box), shape,
                        (round(size[0] / px_mm, 1), round(size[1] / px_mm, 1)), round(float(score), 3))
            # The same seal traced at both joins: keep the better tracing.
            same = [other for other in seals if _overlap(other.box, seal.box) > 0.5]
            if all(seal.score > other.score for other in same):
                seals = [other for other in seals if other not in same] + [seal]
    return sorted(seals, key=lambda seal: -seal.size_mm[0])


def _overlap(a: Rect, b: Rect) -> float:
    """Intersection over the smaller box."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    return w * h / min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))


def _disc(diameter: float) -> np.ndarray:
    d = max(1, int(round(diameter)))
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (d, d))


def _close(mask: np.ndarray, radius: float) -> np.ndarray:
    """Morphological closing with a disc, by two distance transforms: as fast for a wide disc as a narrow one."""
    grown = (cv2.distanceTransform(cv2.bitwise_not(mask), cv2.DIST_L2, 3) <= radius).astype(np.uint8)
    return (cv2.distanceTransform(grown, cv2.DIST_L2, 3) > radius).astype(np.uint8) * 255


def _judge(contour, mask, ring, lo, hi, s: MarkSettings):
    """Shape, size, score and box of one red blob, or None when it is no seal."""
    height, width = mask.shape
    x, y, w, h = cv2.boundingRect(contour)
    touches = x == 0 or y == 0 or x + w == width or y + h == height
    margin = max(w, h) if touches else 2  # room for the part of a cut seal beyond the page
    ox, oy = x - margin, y - margin
    # The outline is the blob's convex hull, so that words or a faded stretch crossing the ring do not open it.
    blob = np.zeros((h + 2 * margin, w + 2 * margin), np.uint8)
    cv2.fillPoly(blob, [cv2.convexHull(contour).reshape(-1, 2) - (ox, oy)], 1)
    page = np.zeros_like(blob)
    page[max(0, -oy):height - oy, max(0, -ox):width - ox] = 1
    pts = cv2.findContours(blob, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)[0][0].reshape(-1, 2)
    gx, gy = pts[:, 0] + ox, pts[:, 1] + oy
    # The page edge is not part of a cut seal's outline: fit on the rest.
    free = pts[(gx > 1) & (gx < width - 2) & (gy > 1) & (gy < height - 2)].astype(np.float32)
    if len(free) < 12:
        return None
    candidates = []
    center, axes, angle = cv2.fitEllipse(free)
    if min(axes) > 0:
        ellipse = np.zeros_like(blob)
        cv2.ellipse(ellipse, (center, axes, angle), 1, -1)
        candidates.append(("ellipse", _iou(blob, ellipse * page), ellipse, max(axes), min(axes)))
    rect = cv2.minAreaRect(free)
    if min(rect[1]) > 0:
        square = np.zeros_like(blob)
        cv2.fillPoly(square, [np.round(cv2.boxPoints(rect)).astype(np.int32)], 1)
        candidates.append(("rect", _iou(blob, square * page), square, max(rect[1]), min(rect[1])))
    if not candidates:
        return None
    kind, fit, outline, major, minor = max(candidates, key=lambda c: c[1])
    aspect = major / minor
    if fit < s.seal_min_fit or not lo <= major <= hi:
        return None
    if kind == "rect":
        if aspect > s.seal_square_max_aspect:
            return None
        shape = "square"
    elif aspect > s.seal_max_aspect:
        return None
    else:
        shape = "round" if aspect <= s.seal_round_max_aspect else "oval"

    depth = cv2.distanceTransform(outline, cv2.DIST_L2, 3)  # distance inward from the outline
    edge = (depth > 0) & (depth <= 1)
    visible = edge & (page > 0)
    if visible.sum() < s.seal_min_visible * edge.sum():
        return None
    # The ring: each visible edge pixel counts as inked when ring ink lies within the band inward of it.
    band = max(2.0, s.seal_ring_band * minor / 2)
    rim = ((depth > 0) & (depth <= band)).astype(np.uint8)
    ring_rim = (_local(ring, ox, oy, blob.shape) * rim) * 255
    reach = cv2.distanceTransform(cv2.bitwise_not(ring_rim), cv2.DIST_L2, 3) <= band
    coverage = float((reach & visible).sum()) / float(visible.sum())
    core = (depth > 2 * band).astype(np.uint8) * page
    ink = _local(mask, ox, oy, blob.shape)
    inner_ink = float((ink * core).sum()) / max(1.0, float(core.sum()))
    rim_ink = float((ink * rim * page).sum()) / max(1.0, float((rim * page).sum()))
    if (coverage < s.seal_min_ring or inner_ink < s.seal_min_inner_ink
            or not s.seal_min_ring_contrast * inner_ink <= rim_ink <= s.seal_max_ring_contrast * inner_ink):
        return None
    ys, xs = np.nonzero(blob)
    box = (ox + xs.min(), oy + ys.min(), ox + xs.max() + 1, oy + ys.max() + 1)
    return shape, (major, minor), fit * coverage, box


def _local(arr: np.ndarray, ox: int, oy: int, shape: tuple[int, int]) -> np.ndarray:
    """The part of a page-sized 0/255 mask under a local frame at (ox, oy), as 0/1; zero beyond the page."""
    out = np.zeros(shape, np.uint8)
    y0, x0 = max(0, oy), max(0, ox)
    part = arr[y0:oy + shape[0], x0:ox + shape[1]]
    out[y0 - oy:y0 - oy + part.shape[0], x0 - ox:x0 - ox + part.shape[1]] = part > 0
    return out


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.count_nonzero(a | b)
    return np.count_nonzero(a & b) / union if union else 0.0


# --------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class TextLine:
    """A line of text with its box: from a PDF text layer (words, in page pixels) or read by OCR."""

    text: str
    box: Rect
    score: float = 1.0


_ENGINE_LOCK = threading.Lock()
_ENGINES: dict[int, object] = {}
_process_threads = 0  # what `ocr_threads = 0` ("its choice") means in this process; see share_cores()


def share_cores() -> None:
    """In a worker of a pool (`check -j N`): one OCR thread where the profile leaves the count to onnxruntime,
    which would otherwise start one per core in every worker and make them fight over the same cores."""
    global _process_threads
    _process_threads = 1


def ocr_engine(threads: int = 0):
    """One RapidOCR engine per process (and thread count), made on first use: its models load lazily from the
    rapidocr wheel, nothing is downloaded. No angle classifier: pages are turned upright before this runs.
    The detector keeps the size it is given (the caller scales crops to `ocr_dpi`), and lines are recognised
    one at a time: a batch is padded to its widest line, which costs memory and saves no time."""
    threads = threads or _process_threads
    with _ENGINE_LOCK:
        if threads not in _ENGINES:
            from rapidocr import RapidOCR

            params = {"Global.use_cls": False, "Global.log_level": "error", "Global.max_side_len": 4000,
                      "Det.limit_type": "max", "Det.limit_side_len": 4000, "Rec.rec_batch_num": 1}
            if threads:
                params["EngineConfig.onnxruntime.intra_op_num_threads"] = threads
                params["EngineConfig.onnxruntime.inter_op_num_threads"] = 1
            _ENGINES[threads] = RapidOCR(params=params)
        return _ENGINES[threads]


def read_region(gray: np.ndarray, dpi: float, region: Rect, settings: MarkSettings) -> list[TextLine]:
    """OCR of one region of a grey page, at `ocr_dpi`; boxes come back in page pixels."""
    x0, y0, x1, y1 = _clip(region, gray.shape)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return []
    scale = min(1.0, settings.ocr_dpi / dpi)
    crop = gray[y0:y1, x0:x1]
    if scale < 1.0:
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    result = ocr_engine(settings.ocr_threads)(cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR),
                                               text_score=settings.ocr_min_score,
                                               box_thresh=settings.ocr_box_threshold)
    if not getattr(result, "txts", None):
        return []
    lines = []
    for quad, text, score in zip(result.boxes, result.txts, result.scores):
        q = np.asarray(quad, np.float32) / scale
        lines.append(TextLine(text, (x0 + int(q[:, 0].min()), y0 + int(q[:, 1].min()),
                                     x0 + int(np.ceil(q[:, 0].max())), y0 + int(np.ceil(q[:, 1].max()))),
                              round(float(score), 3)))
    return lines


def ink_blocks(gray: np.ndarray, dpi: float, settings: MarkSettings) -> list[Rect]:
    """Blocks of dark ink (paragraphs, a title, a handwritten note), lowest first: HR writes its note in the
    space left under the document, so the lowest blocks are read first. Found on a coarse copy: ink is
    what is darker than the paper (the median) by `ocr_ink_contrast`, joined across `ocr_block_join_mm`."""
    s = settings
    scale = min(1.0, s.ocr_block_dpi / dpi)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    paper = float(np.median(small))
    ink = (small < paper - s.ocr_ink_contrast).astype(np.uint8)
    px_mm = dpi * scale / 25.4
    join = max(1, int(round(s.ocr_block_join_mm * px_mm)))
    joined = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (join, join)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined)
    blocks = []
    for x, y, w, h, _area in stats[1:count]:
        if max(w, h) - join >= s.ocr_block_min_mm * px_mm:  # the dilation added `join` to each side's sum
            blocks.append(tuple(int(round(v / scale)) for v in (x, y, x + w, y + h)))
    return sorted(blocks, key=lambda b: -b[3])


def _clip(box: Rect, shape) -> Rect:
    h, w = shape[:2]
    return (max(0, int(box[0])), max(0, int(box[1])), min(w, int(box[2])), min(h, int(box[3])))


def _grow(box: Rect, by: float) -> Rect:
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)


def _inside(inner: Rect, outer: Rect) -> bool:
    return inner[0] >= outer[0] and inner[1] >= outer[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def _gap(a: Rect, b: Rect) -> float:
    """Distance between two boxes (0 when they touch or overlap)."""
    dx = max(0, max(a[0], b[0]) - min(a[2], b[2]))
    dy = max(0, max(a[1], b[1]) - min(a[3], b[3]))
    return math.hypot(dx, dy)


# --------------------------------------------------------------------------------------------- the words

# Characters the recogniser takes for one another in these words (handwriting, a seal over them).
_CONFUSABLE = {c: k for k, group in {
    "核": "校该孩咳骸", "对": "时讨付刈", "无": "天元兀旡", "误": "谟设娱悞俣", "原": "厚源愿", "件": "伴仵住",
    "致": "玫政到", "与": "马写", "经": "轻径", "已": "己巳", "一": "—", "相": "湘想", "符": "付苻",
}.items() for c in group + k}
_NOT_TEXT = re.compile(r"[\s,，.。:：;；、'\"“”‘’()（）\[\]【】!！?？·•*_~-]")


@dataclass(frozen=True)
class Verification:
    """The verification words found on a page: where, what was read, the variant it matched and how well,
    where the text came from, and the lines read around them (their date is looked for there first)."""

    box: Rect
    text: str
    phrase: str
    score: float
    source: str  # "text-layer" or "ocr"
    lines: tuple[TextLine, ...]
    region: Rect  # where `lines` were read


def match_phrase(text: str, phrases: tuple[str, ...]) -> tuple[str, float, int, int] | None:
    """The phrase that best matches a piece of `text` (punctuation and spaces ignored): (phrase, similarity
    0-1, start, end) with start/end indexing `text`. Similarity is 1 - edit distance / phrase length, where
    swapping two characters that OCR confuses costs a quarter."""
    kept = [i for i, ch in enumerate(text) if not _NOT_TEXT.match(ch)]
    norm = "".join(text[i] for i in kept)
    if not norm:
        return None
    best = None
    for phrase in phrases:
        distance, start, end = _fuzzy_find(phrase, norm)
        score = 1 - distance / len(phrase)
        if best is None or (score, len(phrase)) > (best[1], len(best[0])):
            best = (phrase, score, kept[start] if start < len(kept) else len(text), kept[end - 1] + 1 if end else 0)
    return best


def _fuzzy_find(pattern: str, text: str) -> tuple[float, int, int]:
    """Least edit distance between `pattern` and any piece of `text` (Sellers' algorithm), with the piece's
    start and end."""
    m = len(text)
    prev = [0.0] * (m + 1)
    prev_start = list(range(m + 1))
    for i, p in enumerate(pattern, 1):
        cur, cur_start = [float(i)] + [0.0] * m, [0] * (m + 1)
        for j in range(1, m + 1):
            t = text[j - 1]
            cost = 0.0 if t == p else 0.25 if _CONFUSABLE.get(t, t) == _CONFUSABLE.get(p, p) else 1.0
            options = ((prev[j - 1] + cost, prev_start[j - 1]), (prev[j] + 1, prev_start[j]),
                       (cur[j - 1] + 1, cur_start[j - 1]))
            cur[j], cur_start[j] = min(options)
        prev, prev_start = cur, cur_start
    end = min(range(m + 1), key=lambda j: (prev[j], -j))
    return prev[end], prev_start[end], end


def _piece_box(line: TextLine, start: int, end: int) -> Rect:
    """The part of a line's box holding characters start..end, taking characters as equally wide."""
    n = max(1, len(line.text))
    x0, y0, x1, y1 = line.box
    return (int(x0 + (x1 - x0) * start / n), y0, int(math.ceil(x0 + (x1 - x0) * end / n)), y1)


def text_layer_lines(words: list[TextLine]) -> list[TextLine]:
    """Words of a text layer joined into lines: same baseline band, reading left to right."""
    lines: list[list[TextLine]] = []
    for word in sorted(words, key=lambda w: (w.box[1], w.box[0])):
        cy, height = (word.box[1] + word.box[3]) / 2, word.box[3] - word.box[1]
        for line in lines:
            last = line[-1]
            if abs((last.box[1] + last.box[3]) / 2 - cy) < height / 2 and word.box[0] - last.box[2] < 2 * height:
                line.append(word)
                break
        else:
            lines.append([word])
    joined = []
    for line in lines:
        line.sort(key=lambda w: w.box[0])
        box = (min(w.box[0] for w in line), min(w.box[1] for w in line), max(w.box[2] for w in line),
               max(w.box[3] for w in line))
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


def find_verification(rgb: np.ndarray, dpi: float, settings: MarkSettings, text_words: list[TextLine] | None = None,
                      seals: list[Seal] | None = None, searched: list[Rect] | None = None) -> Verification | None:
    """The words 核对无误 (or a variant) on a page. The text layer is searched first when the caller has one
    (`text_words`, boxes in this image's pixels); otherwise the page is read with OCR after red ink is
    removed (a seal usually sits on the words), region by region and only as far as needed: around each
    seal, then the dark-ink blocks from the bottom up (on a crowded page, the whole page in bands), until
    `ocr_max_page_share` of the page would be exceeded. Each region read is appended to `searched`."""
    searched = [] if searched is None else searched
    if text_words:
        lines = text_layer_lines(list(text_words))
        searched.append((0, 0, rgb.shape[1], rgb.shape[0]))
        found = _find_in(lines, settings)
        if found:
            return _verification(found, "text-layer", lines, searched[-1])
    gray = remove_red(rgb, dpi, settings)
    if seals is None:
        seals = find_seals(rgb, dpi, settings)
    budget, spent = settings.ocr_max_page_share * gray.size, 0
    for region in _regions(gray, dpi, seals, settings):
        area = (region[2] - region[0]) * (region[3] - region[1])
        if spent + area > budget:
            continue  # a smaller region further on may still fit
        spent += area
        searched.append(region)
        lines = read_region(gray, dpi, region, settings)
        found = _find_in(lines, settings)
        if found:
            return _verification(found, "ocr", lines, region)
    return None


def _regions(gray: np.ndarray, dpi: float, seals: list[Seal], settings: MarkSettings):
    """Where to read for the words, in order: round each seal; then the ink blocks not read yet, lowest first,
    or, on a page of more than `ocr_max_blocks` blocks, the whole page from the bottom. Anything taller than
    `ocr_band_mm` is read in overlapping bands from the bottom up (the detector's memory grows with the area
    it is given, and the time budget is spent in band-sized steps)."""
    px_mm = dpi / 25.4
    done = []
    for seal in seals:
        done.append(_clip(_grow(seal.box, settings.ocr_near_seal_mm * px_mm), gray.shape))
        yield done[-1]
    blocks = ink_blocks(gray, dpi, settings)
    if len(blocks) > settings.ocr_max_blocks:
        blocks = [(0, 0, gray.shape[1], gray.shape[0])]
    band, overlap = settings.ocr_band_mm * px_mm, settings.ocr_block_pad_mm * 2 * px_mm
    for block in blocks:
        if any(_inside(block, region) for region in done):
            continue
        x0, y0, x1, y1 = _clip(_grow(block, settings.ocr_block_pad_mm * px_mm), gray.shape)
        bottom = float(y1)
        while bottom > y0:
            region = _clip((x0, max(y0, bottom - band), x1, bottom), gray.shape)
            if not any(_inside(region, read) for read in done):
                yield region
            bottom -= band - overlap


def _verification(found, source: str, lines: list[TextLine], region: Rect) -> Verification:
    line, phrase, score, start, end = found
    return Verification(_piece_box(line, start, end), line.text[start:end], phrase, round(score, 3), source,
                        tuple(lines), region)


# --------------------------------------------------------------------------------------------- the date

# One character for another, so positions still index the original text: full-width forms and OCR slips.
_DATE_SLIPS = str.maketrans("０１２３４５６７８９·．・。—－／|\\+", "0123456789....--///十")
_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0, "o": 0, "0": 0}
_ARABIC_DATE = re.compile(r"((?:19|20)\d{2})\s*[年./\-]?\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})(?!\d)\s*日?")
_CHINESE_DATE = re.compile(r"([〇零○Oo0一二三四五六七八九]{2,4})\s*年\s*([一二三四五六七八九十]{0,3})\s*月"
                           r"\s*([一二三四五六七八九十]{1,3})\s*日?")


@dataclass(frozen=True)
class VerificationDate:
    """The date written or stamped beside the verification words."""

    box: Rect
    text: str
    value: date | None  # None when a written date lost its month in reading (二〇二二年月十一日)


def parse_dates(text: str) -> list[tuple[date | None, int, int]]:
    """Dates in a line of text, (value, start, end): 2024年3月5日, 2024.3.5, 2024-03-05, 2024/3/5 and
    二〇二四年三月五日. Handwritten dates come back from OCR with slips (20243.5, 2024-0305, 2024/8127 for
    2024/8/27, a stray digit before the year or after the day, 〇二四年 for 二〇二四年); those are read
    leniently, and a date with all its separators may follow other digits. A Chinese date whose month
    numerals were lost is still a date, of unknown value (None). Impossible dates are skipped."""
    text = text.translate(_DATE_SLIPS)
    found = []
    for m in _ARABIC_DATE.finditer(text):
        value = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if value:
            found.append((value, m.start(), m.end()))
    for m in _LENIENT_DATE.finditer(text):
        if any(start <= m.start() < end for _, start, end in found):
            continue
        value = _lenient(int(m.group(1)), m.group(2))
        if value:
            found.append((value, m.start(), m.end()))
    for m in _CHINESE_DATE.finditer(text):
        numerals = "二〇"[:4 - len(m.group(1))] + m.group(1)  # numerals lost from the front: this century's
        year = int("".join(str(_CN_DIGIT[c]) for c in numerals))
        if not m.group(2):
            found.append((None, m.start(), m.end()))
            continue
        value = _date(year, _cn_number(m.group(2)), _cn_number(m.group(3)))
        if value:
            found.append((value, m.start(), m.end()))
    return found


_LENIENT_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[./\-]?((?:\s*[\d./\-]){3,7})(?!\d)")


def _lenient(year: int, rest: str) -> date | None:
    """Month and day from the digits after a year when OCR lost or misread a separator: whole readings
    first, then a '/' read as 1, then a stray digit after the day."""
    groups = [g for g in re.split(r"[\s./\-]+", rest) if g]
    if not 3 <= sum(len(g) for g in groups) <= 5:  # a year and month alone (2024.12), or a longer number
        return None
    if len(groups) >= 2:
        return _date(year, int(groups[0]), int(groups[1][:2]))
    digits = groups[0] if groups else ""
    splits = [(digits[:2], digits[2:]), (digits[:1], digits[1:])]
    splits += [(digits[:i], digits[i + 1:]) for i in (1, 2) if digits[i:i + 1] == "1"]
    splits += [(digits[:2], digits[2:4]), (digits[:1], digits[1:3])]
    for month, day in splits:
        if month and day and len(day) <= 2:
            value = _date(year, int(month), int(day))
            if value:
                return value
    return None


def _cn_number(s: str) -> int:
    """一 .. 三十一 written in Chinese numerals."""
    if "十" not in s:
        return _CN_DIGIT.get(s, 0) if len(s) == 1 else 0
    tens, _, ones = s.partition("十")
    return (_CN_DIGIT.get(tens, 0) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_verification_date(rgb: np.ndarray, dpi: float, verification: Verification, settings: MarkSettings,
                           text_words: list[TextLine] | None = None) -> VerificationDate | None:
    """The date nearest the verification words, no further than `date_near_mm` from them: the document's own
    issue date elsewhere on the page does not count. Searches the text layer or the lines read with the
    words; reads the words' surroundings only when those did not reach far enough."""
    near = settings.date_near_mm * dpi / 25.4
    if verification.source == "text-layer" and text_words:
        return _nearest_date(text_layer_lines(list(text_words)), verification.box, near)
    found = _nearest_date(list(verification.lines), verification.box, near)
    zone = date_zone(verification, dpi, settings, rgb.shape)
    if found or _inside(zone, verification.region):
        return found
    # A date may start within reach and run on: read a wider strip than the reach itself.
    wide = _clip((zone[0] - near, zone[1], zone[2] + near, zone[3]), rgb.shape)
    return _nearest_date(read_region(remove_red(rgb, dpi, settings), dpi, wide, settings), verification.box, near)


def date_zone(verification: Verification, dpi: float, settings: MarkSettings, shape) -> Rect:
    """Where the verification date may be: within `date_near_mm` of the words."""
    return _clip(_grow(verification.box, settings.date_near_mm * dpi / 25.4), shape)


def _nearest_date(lines: list[TextLine], words: Rect, near: float) -> VerificationDate | None:
    best = None
    for line in lines:
        for value, start, end in parse_dates(line.text):
            box = _piece_box(line, start, end)
            gap = _gap(box, words)
            if gap <= near and (best is None or gap < best[0]):
                best = (gap, VerificationDate(box, line.text[start:end], value))
    return best[1] if best else None


# --------------------------------------------------------------------------------------------- one page


def find_marks(rgb: np.ndarray, dpi: float, settings: MarkSettings, to_points, text_words: list[TextLine] | None = None,
               seal_visible: bool = True, upright: bool = True) -> PageMarks:
    """Seal, words and date on one page of a copy, with where they were looked for, in page points
    (`to_points` maps a pixel box (x, y, width, height)). On a grey scan (`seal_visible` False) no seal is
    looked for: red cannot be told from black there; on a page that is not `upright` no words are read (the
    reader needs upright lines; pdf.rotation asks for the page to be turned first)."""
    def points(r: Rect) -> Box:
        return to_points((r[0], r[1], r[2] - r[0], r[3] - r[1]))

    seals = find_seals(rgb, dpi, settings) if seal_visible else []
    searched: list[Rect] = []
    words = find_verification(rgb, dpi, settings, text_words, seals, searched) if upright else None
    date = zone = None
    if words is not None:
        date = find_verification_date(rgb, dpi, words, settings, text_words)
        zone = points(date_zone(words, dpi, settings, rgb.shape))
    return PageMarks(seals=tuple(points(seal.box) for seal in seals), seal_checked=seal_visible, words_checked=upright,
                     words=points(words.box) if words else None, words_text=words.text if words else None,
                     words_source=words.source if words else None, searched=tuple(points(r) for r in searched),
                     date=points(date.box) if date else None, date_text=date.text if date else None, date_zone=zone)
