"""The one corner where onnxruntime and RapidOCR live: the OCR engine with its per-process state, reading a region of
a page, and the text-direction classifier that tells an upside-down page.

Everything else in docprep asks this module for text lines or direction votes and never imports those libraries,
so the runtime can be swapped or mocked here alone. Models ship inside the `rapidocr` wheel: nothing is downloaded.

Whatever the runtime raises while it starts or runs (a broken onnxruntime install, a model that does not load, a
session that fails or runs out of memory) comes out as `OcrUnavailable`, carrying its cause: the one failure a
caller may treat as "not read" rather than as a bug. Only the runtime's own calls are wrapped: an exception in
docprep's code around them is still a bug and propagates as it is."""
from __future__ import annotations

import importlib.util
import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np

from .geometry import Box, clip, mm_to_px

if TYPE_CHECKING:
    from .marks import MarkSettings

log = logging.getLogger(__name__)

# The direction classifier's input: text-line crops scaled to this height, padded to this width (its training size).
CLS_HEIGHT, CLS_WIDTH = 48, 192
# Regions narrower or lower than this (pixels) hold no line to read.
MIN_REGION_SIDE = 8
# The detector resizes what it is given to a multiple of this (its network's stride): the part of a region given to
# it is padded with paper to one, so that it is not squeezed (lines squeezed closer are taken for one).
DETECTOR_STRIDE = 32


@dataclass(frozen=True)
class TextLine:
    """A line of text with its box in page pixels: read by OCR, or taken from a PDF text layer."""

    text: str
    box: Box
    score: float = 1.0
    chars: tuple[Box, ...] = ()  # each character's box, when the reader gives them (one per character of `text`)


class OcrUnavailable(Exception):
    """The OCR runtime failed (to start or to run): no text was read, through no fault of the page. `cause` is what
    the runtime raised (also the exception's __cause__)."""

    def __init__(self, what: str, cause: BaseException):
        super().__init__(f"{what}: {type(cause).__name__}: {cause}")
        self.cause = cause


_ENGINE_LOCK = threading.Lock()
_ENGINES: dict[int, object] = {}
_process_threads = 0  # what `ocr_threads = 0` ("its choice") means in this process; see share_cores()


def share_cores() -> None:
    """In a worker of a pool (`check -j N`): one OCR thread where the profile leaves the count to onnxruntime,
    which would otherwise start one per core in every worker and make them fight over the same cores."""
    global _process_threads
    _process_threads = 1


def engine(threads: int = 0):
    """One RapidOCR engine per process (and thread count), made on first use: its models load lazily from the
    rapidocr wheel, nothing is downloaded. No angle classifier: pages are turned upright before this runs.
    The detector keeps the size it is given (the caller scales crops to `ocr_dpi`), and lines are recognised
    one at a time: a batch is padded to its widest line, which costs memory and saves no time."""
    threads = threads or _process_threads
    with _ENGINE_LOCK:
        if threads not in _ENGINES:
            params = {"Global.use_cls": False, "Global.log_level": "error", "Global.max_side_len": 4000,
                      "Det.limit_type": "max", "Det.limit_side_len": 4000, "Rec.rec_batch_num": 1}
            if threads:
                params["EngineConfig.onnxruntime.intra_op_num_threads"] = threads
                params["EngineConfig.onnxruntime.inter_op_num_threads"] = 1
            try:
                from rapidocr import RapidOCR

                _ENGINES[threads] = RapidOCR(params=params)
            except Exception as exc:  # not installed, a broken onnxruntime, a model that does not load
                raise OcrUnavailable("the OCR engine could not be started", exc) from exc
        return _ENGINES[threads]


def read_region(gray: np.ndarray, dpi: float, region: Box, settings: MarkSettings) -> list[TextLine]:
    """OCR of one region of a grey page, at `ocr_dpi`; boxes come back in page pixels. Only the part of the region
    that holds ink (darker than its paper, the median, by `ocr_trim_contrast`), with `ocr_trim_margin_mm` of paper
    round it, is given to the reader (`inked`): the detector's cost grows with the area it is given, and blank
    paper holds no line. (The margin is not for the ink's sake: the detector weighs what it sees against the whole
    image, and lines given with too little paper round them are more often taken together.) With
    `ocr_trim_contrast` 0 the region is given whole."""
    region = clip(region.x, region.y, region.right, region.bottom, gray.shape)
    if region.w < MIN_REGION_SIDE or region.h < MIN_REGION_SIDE:
        return []
    scale = min(1.0, settings.ocr_dpi / dpi)
    crop = gray[region.y:region.bottom, region.x:region.right]
    if scale < 1.0:
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = Box(0, 0, crop.shape[1], crop.shape[0])
    if settings.ocr_trim_contrast:  # 0: the region is given whole, as it is
        paper = float(np.median(crop))
        ink = inked(crop, paper - settings.ocr_trim_contrast, mm_to_px(settings.ocr_trim_margin_mm, dpi * scale))
        if ink is None:
            return []
        crop = _padded(crop[ink.y:ink.bottom, ink.x:ink.right], paper)
    image = cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)
    reader = engine(settings.ocr_threads)
    try:
        result = reader(image, text_score=settings.ocr_min_score, box_thresh=settings.ocr_box_threshold,
                        return_word_box=True, return_single_char_box=True)
    except Exception as exc:  # inside the runtime: its session failed, ran out of memory, or tripped on its own bug
        raise OcrUnavailable("the OCR engine failed while reading", exc) from exc
    if not getattr(result, "txts", None):
        return []
    lines = []
    origin = (region.x, region.y, ink.x, ink.y)
    characters = line_characters(result.txts, getattr(result, "word_results", None))
    for quad, text, score, chars in zip(result.boxes, result.txts, result.scores, characters):
        boxes = tuple(_page_box(char[2], scale, origin) for char in chars)
        lines.append(TextLine(text, _page_box(quad, scale, origin), round(float(score), 3),
                              boxes if len(boxes) == len(text) else ()))
    return lines


def line_characters(texts, word_results) -> list[tuple]:
    """Each line's per-character results ((text, score, quad), ...; () where it has none), in the lines' order.
    RapidOCR leaves out the results of a line none of whose characters got a box: where there are fewer than
    lines, each is matched to its line by its text, in order (a line whose results were left out gets none,
    and the lines after it still get theirs)."""
    pending = [tuple(chars) for chars in word_results or ()]
    if len(pending) == len(texts):
        return pending
    matched = []
    for text in texts:
        if pending and _bare("".join(str(c[0]) for c in pending[0])) == _bare(text):
            matched.append(pending.pop(0))
        else:
            matched.append(())
    return matched


def _bare(text: str) -> str:
    return "".join(text.split())


def inked(crop: np.ndarray, level: float, margin: float) -> Box | None:
    """The part of a grey crop that holds ink (darker than `level`) with `margin` pixels round it, within the crop;
    None when it holds none (nothing to read)."""
    ink = crop < level
    rows = np.flatnonzero(ink.any(axis=1))
    if not len(rows):
        return None
    cols = np.flatnonzero(ink.any(axis=0))
    m = int(np.ceil(margin))
    return clip(cols[0] - m, rows[0] - m, cols[-1] + 1 + m, rows[-1] + 1 + m, crop.shape)


def _padded(crop: np.ndarray, paper: float) -> np.ndarray:
    """`crop` with paper below and to its right up to a multiple of DETECTOR_STRIDE on each side."""
    h, w = crop.shape
    return cv2.copyMakeBorder(crop, 0, -h % DETECTOR_STRIDE, 0, -w % DETECTOR_STRIDE, cv2.BORDER_CONSTANT,
                              value=int(round(paper)))


def _page_box(quad, scale: float, origin: tuple[int, int, int, int]) -> Box:
    """A quadrilateral of the reader's (in the inked part of the scaled crop) as a box in page pixels; `origin`:
    the region's corner on the page, and the inked part's in the scaled crop."""
    x0, y0, dx, dy = origin
    q = (np.asarray(quad, np.float32) + (dx, dy)) / scale
    return Box.from_corners(x0 + int(q[:, 0].min()), y0 + int(q[:, 1].min()),
                            x0 + int(np.ceil(q[:, 0].max())), y0 + int(np.ceil(q[:, 1].max())))


@lru_cache(maxsize=1)
def _direction_classifier():
    """rapidocr's text-direction model (0° vs 180° per text line), loaded once per process; None if not installed."""
    spec = importlib.util.find_spec("rapidocr")  # found, not imported: only its model file is needed
    models = sorted((Path(spec.origin).parent / "models").glob("*cls*.onnx")) if spec and spec.origin else []
    try:
        import onnxruntime as ort
    except ImportError:
        models = []
    if not models:
        log.info("rapidocr's direction model or onnxruntime missing: upside-down pages are not detected")
        return None
    try:
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # worker processes run side by side; one thread each
        options.log_severity_level = 3
        return ort.InferenceSession(str(models[0]), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # a damaged model file, a broken onnxruntime install
        raise OcrUnavailable("the text-direction model could not be loaded", exc) from exc


def upside_down_votes(crops: list[np.ndarray]) -> np.ndarray | None:
    """Per crop of a text line (grey, levelled), the classifier's probability that the text is upside down; None
    without the classifier."""
    session = _direction_classifier()
    if session is None or not crops:
        return None
    batch = np.zeros((len(crops), 3, CLS_HEIGHT, CLS_WIDTH), np.float32)
    for i, crop in enumerate(crops):
        h, w = crop.shape
        width = min(CLS_WIDTH, int(np.ceil(CLS_HEIGHT * w / h)))
        resized = cv2.resize(crop, (width, CLS_HEIGHT), interpolation=cv2.INTER_LINEAR).astype(np.float32)
        batch[i, :, :, :width] = (resized / 255.0 - 0.5) / 0.5
    try:
        out = session.run(None, {session.get_inputs()[0].name: batch})[0]
    except Exception as exc:  # the session failed or ran out of memory
        raise OcrUnavailable("the text-direction model failed", exc) from exc
    return out[:, 1]
