"""Case families of the verification words, the date and the verifier's signature (issue 11, classes 1 and 5),
drawn on the certificate pages of benchmarks/scanset.py and registered in its CASES:

- red-word-stamp: the words stamped in red ("与原件核对无误", "复印件与原件一致"), in a rectangular frame, an
  oval frame or none, turned a few degrees, and the seal stamped at one of several offsets from them (OFFSETS):
  beside, touching, its ring over the last characters, or across the middle of the words with its star above or
  below their line. The date is written in blue or black ink, or stamped in red.
- date-under-seal: the words, a signature and the date written by hand, then the seal stamped across the date
  (its star, its ring or its arc text over the digits; sometimes over the signature too).
- signed: the words and the date with the verifier's signature in one of three styles: a cursive scribble, the
  name written by hand (jittered characters joined by pen strokes), or Latin initials with a flourish; after a
  label 核对人： on the words' line, below the words or beside the date.
- unsigned: the same blocks without a signature: written words and date, a printed block (words, 核对人： with an
  empty rule to sign on, a printed date), or a red word stamp with a written date.
- date-under-seal-grey, date-under-seal-bitonal (class 6): the date-under-seal pages scanned in grey (stored grey)
  or in black and white (one bit per pixel, a threshold or halftone dithering, as benchmarks/scanset_seals.py
  stores its class-6 pages): the seal's ink cannot be told from the pen's by colour.

Every page is seeded (`make_page(case, dpi, seed)` is deterministic) and records where each mark is
(`scanset.Truth`, boxes after the scanner model). The stamps and names use the package's Noto Sans SC subset
(docprep/render/fonts: GB2312 level 1), the only CJK face the project ships: a 黑体-like sans, made heavier or
lighter with a stroke; no 宋体-like serif face is available.

This module imports scanset only inside its functions: scanset imports this one at its end to register the cases.
"""
from __future__ import annotations

import math
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

PACKAGE_FONT = Path(__file__).resolve().parents[1] / "docprep" / "render" / "fonts" / "NotoSansSC-docprep.otf"
STAMP_WORDS = ("与原件核对无误", "复印件与原件一致", "与原件核对无误", "核对无误", "与原件一致")
LABELS = ("核对人：", "核对：", "核对人")  # drawn with scanset's hand(): characters of its test font
PINYIN = {"张": "Z", "王": "W", "李": "L", "刘": "L", "陈": "C", "杨": "Y", "赵": "Z", "黄": "H", "周": "Z", "吴": "W",
          "伟": "W", "芳": "F", "娜": "N", "洋": "Y", "静": "J", "帆": "F", "磊": "L", "敏": "M", "杰": "J", "霞": "X"}
# Where the seal falls from the red word stamp: beside it, its ring touching the stamp's end, its ring over the
# last characters, or across the middle of the stamp above or below its line (ring and arc text through the words).
# Never its star on the words: red over red, the characters under a solid star cannot be read by anyone.
OFFSETS = ("beside", "touching", "over-end", "across")
CROSSINGS = ("star", "ring", "text")  # which part of the seal crosses the date


@lru_cache(maxsize=64)
def font(px: int) -> ImageFont.FreeTypeFont:
    """The package's CJK subset at `px` pixels (stamps and names need characters the test subset lacks)."""
    return ImageFont.truetype(str(PACKAGE_FONT), max(px, 4))


def _base():
    from benchmarks import scanset

    return scanset


def make_page(case: str, dpi: int, seed: int):
    """One A4 certificate copy of a case of this module (see CASES)."""
    base = _base()
    rng = np.random.default_rng([seed, zlib.crc32(case.encode()), dpi])  # stable whatever else is registered
    c = base._Canvas(dpi, rng)
    store = CASES[case].get("store", "RGB")
    truth = base.Truth(case, gray=store != "RGB")
    colours = _Colours(rng)
    top = _document(c, rng, colours, truth)
    layer = np.zeros((c.h, c.w), np.float32)  # red ink stamped after the writing (words stamp, date stamp)
    {"red-word-stamp": _red_word_stamp, "date-under-seal": _date_under_seal, "signed": _signed,
     "unsigned": _unsigned}[case.removesuffix("-grey").removesuffix("-bitonal")](c, rng, colours, truth, top, layer)
    rgb = base._scanner(_finish(c, layer, colours, truth), truth, rng)
    if store != "RGB":
        from benchmarks.scanset_seals import _store

        rgb = _store(rgb, store, rng)
    return base.Scan(rgb, dpi, truth, store)


class _Colours:
    """The page's inks: toner black, the pen's blue or black, the seal's red."""

    def __init__(self, rng: np.random.Generator):
        self.black = (int(rng.integers(15, 45)),) * 2 + (int(rng.integers(20, 55)),)
        self.red = (int(rng.integers(190, 235)), int(rng.integers(20, 60)), int(rng.integers(30, 70)))
        blue = (int(rng.integers(20, 50)), int(rng.integers(40, 70)), int(rng.integers(120, 170)))
        self.pen = blue if rng.random() < 0.6 else self.black
        # Stamp-pad ink is no clear glaze: over a pen stroke it shows partly red (a blue date under the ring
        # scans dark red, not black). This share of the red colour covers what is under the ink.
        self.cover = rng.uniform(0.3, 0.6)
        self.seal: tuple[float, float, np.ndarray] | None = None  # centre x, y (px) and the seal's ink mask


def _document(c, rng: np.random.Generator, colours: _Colours, truth) -> float:
    """Title, body text, issuer and the document's own date, as the scanset's pages have them; the top of the
    free space below them, mm."""
    base = _base()
    title = str(rng.choice(base.TITLES))
    title_mm = min(rng.uniform(9, 16), 170 / len(title))
    c.text(((210 - title_mm * len(title)) / 2, 25), title, title_mm, colours.black)
    body_mm, y = rng.uniform(4, 5), 55.0
    name = str(rng.choice(base.NAMES))
    lines = [f"{name}同志：", "于二〇一八年九月至二〇二二年六月在本校学习，", str(rng.choice(base.BODY[2:6])),
             "特发此证。"]
    for line in lines:
        c.text((25, y), line, body_mm, colours.black)
        y += body_mm * 2
    issuer = str(rng.choice(base.ISSUERS))
    c.text((185 - len(issuer) * body_mm, y + 10), issuer, body_mm, colours.black)
    issue = base._date_text(rng)
    truth.issue_date = c.text((185 - len(issue) * body_mm * 0.75, y + 10 + body_mm * 2), issue, body_mm, colours.black)
    return y + 10 + body_mm * 2 + 40


# --- drawing pieces ---------------------------------------------------------------------------------------------

def _stamp_mask(c, words: str, size_mm: float, frame: str, rng: np.random.Generator) -> np.ndarray:
    """A rubber stamp of `words` (even, slightly heavy characters) in a rectangular or oval frame or none, turned
    up to 5°, as ink coverage 0..1 with uneven pressure."""
    px = c.px(size_mm)
    f = font(px)
    spacing = px * rng.uniform(0.05, 0.2)
    text_w = int(sum(f.getlength(ch) for ch in words) + spacing * (len(words) - 1))
    pad = c.px(rng.uniform(1.5, 3.0)) if frame == "rect" else c.px(rng.uniform(4, 6)) if frame == "oval" else 0
    line = max(1, c.px(rng.uniform(0.4, 0.8)))
    w, h = text_w + 2 * pad + 2 * line, px + 2 * pad + 2 * line + px // 4
    img = Image.new("L", (w + 8 * line, h + 8 * line), 0)
    d = ImageDraw.Draw(img)
    x0, y0 = 4 * line + line + pad, 4 * line + line + pad
    x = float(x0)
    for ch in words:
        d.text((x, y0 - px * 0.12), ch, font=f, fill=255, stroke_width=max(0, px // 30), stroke_fill=255)
        x += f.getlength(ch) + spacing
    box = (4 * line, 4 * line, 4 * line + w, 4 * line + h)
    if frame == "rect":
        d.rectangle(box, outline=255, width=line)
    elif frame == "oval":
        d.ellipse(box, outline=255, width=line)
    img = img.rotate(rng.uniform(-5, 5), resample=Image.BICUBIC, expand=True)
    return _base()._ink_texture(np.asarray(img, np.float32) / 255, rng, faded=False)


def _place(layer: np.ndarray, mask: np.ndarray, x: int, y: int) -> tuple[int, int, int, int]:
    """Add ink coverage into the page-sized red layer with its top-left at (x, y); the inked box."""
    h, w = mask.shape
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, layer.shape[1]), min(y + h, layer.shape[0])
    part = mask[y0 - y:y1 - y, x0 - x:x1 - x]
    layer[y0:y1, x0:x1] = np.maximum(layer[y0:y1, x0:x1], part)
    ys, xs = np.nonzero(part > 0.2)
    return (x0 + int(xs.min()), y0 + int(ys.min()), x0 + int(xs.max()) + 1, y0 + int(ys.max()) + 1)


def _seal(c, rng: np.random.Generator, colours: _Colours, truth, centre: tuple[float, float]) -> float:
    """A round official seal (36-46 mm) centred at `centre` (px), stamped last; its radius, px."""
    base = _base()
    diameter = rng.uniform(36, 46)
    colours.seal = (centre[0], centre[1], base._ink_texture(base._seal_mask("round", (diameter,) * 2, c.dpi, rng),
                                                              rng, False))
    truth.seal_shape = "round"
    return c.px(diameter) / 2


def _finish(c, layer: np.ndarray, colours: _Colours, truth) -> np.ndarray:
    """The page with the red layer (word and date stamps), then the seal, stamped in: the ink multiplied into what
    is under it (red over pen ink darkens it) and covering it by `colours.cover`."""
    page = _red_ink(np.array(c.page, np.float32), layer, colours)
    if colours.seal is not None:
        x, y, mask = colours.seal
        seal = np.zeros_like(layer)
        truth.seals.append(_place(seal, mask, int(x) - mask.shape[1] // 2, int(y) - mask.shape[0] // 2))
        page = _red_ink(page, seal, colours)
    return page.clip(0, 255).astype(np.uint8)


def _red_ink(page: np.ndarray, coverage: np.ndarray, colours: _Colours) -> np.ndarray:
    if not coverage.any():
        return page
    red = np.asarray(colours.red, np.float32)
    m = coverage[..., None]
    multiplied = page * (1 - m + m * red / 255)
    return multiplied * (1 - colours.cover * m) + colours.cover * m * red


def _signature(c, rng: np.random.Generator, xy_mm, size_mm: float, fill, style: str):
    """The verifier's signature at `xy_mm` (top left) in one of three styles; its box (px)."""
    base = _base()
    if style == "scribble":
        return c.scribble(xy_mm, rng.uniform(15, 25), size_mm, fill)
    name = str(rng.choice(base.NAMES))
    if style == "name":
        return _written_name(c, rng, xy_mm, name, size_mm * rng.uniform(1.0, 1.25), fill)
    return _initials(c, rng, xy_mm, "".join(PINYIN[ch] for ch in name), size_mm * rng.uniform(1.1, 1.4), fill)


def _written_name(c, rng: np.random.Generator, xy_mm, name: str, size_mm: float, fill):
    """A name written quickly: each character slanted, turned and sized unevenly, heavier than print, joined to
    the next by a pen stroke (连笔)."""
    size = c.px(size_mm)
    x, y = c.px(xy_mm[0]), c.px(xy_mm[1])
    boxes = []
    for ch in name:
        s_px = int(size * rng.uniform(0.85, 1.2))
        tile = Image.new("L", (s_px * 2, s_px * 2), 0)
        ImageDraw.Draw(tile).text((s_px // 2, s_px // 3), ch, font=font(s_px), fill=255,
                                  stroke_width=max(1, s_px // 40))
        tile = tile.transform(tile.size, Image.AFFINE, (1, rng.uniform(0.1, 0.3), -s_px * 0.2, 0, 1, 0),
                              resample=Image.BICUBIC).rotate(rng.uniform(-12, 12), resample=Image.BICUBIC)
        dy = int(rng.normal(0, size * 0.08))
        c.page.paste(Image.new("RGB", tile.size, fill), (x - s_px // 2, y + dy - s_px // 3), tile)
        bbox = tile.getbbox()
        if bbox:
            boxes.append((x - s_px // 2 + bbox[0], y + dy - s_px // 3 + bbox[1], x - s_px // 2 + bbox[2],
                          y + dy - s_px // 3 + bbox[3]))
        x_next = x + int(s_px * rng.uniform(0.75, 1.0))
        if len(boxes) < len(name):  # a joining stroke from this character's foot to the next one's head
            _pen(c, [(x + s_px * 0.8, y + dy + s_px * 0.75), (x_next + s_px * 0.1, y + s_px * 0.2)], fill, rng)
        x = x_next
    return _union(boxes)


def _initials(c, rng: np.random.Generator, xy_mm, letters: str, size_mm: float, fill):
    """Latin initials written slanted and joined, with a flourish under them."""
    size = c.px(size_mm)
    x, y = c.px(xy_mm[0]), c.px(xy_mm[1])
    tile = Image.new("L", (size * (len(letters) + 2), size * 2), 0)
    ImageDraw.Draw(tile).text((size // 3, size // 4), ".".join(letters), font=font(size), fill=255,
                              stroke_width=max(1, size // 16))
    tile = tile.transform(tile.size, Image.AFFINE, (1, rng.uniform(0.25, 0.5), -size * 0.45, 0, 1, 0),
                          resample=Image.BICUBIC)
    c.page.paste(Image.new("RGB", tile.size, fill), (x, y - size // 4), tile)
    bbox = tile.getbbox()
    box = (x + bbox[0], y - size // 4 + bbox[1], x + bbox[2], y - size // 4 + bbox[3])
    t = np.linspace(0, 1, 40)
    flourish = [(box[0] + (box[2] - box[0]) * (0.1 + 1.1 * u), box[3] + size * 0.15 * math.sin(u * math.pi * 1.5))
                for u in t]
    _pen(c, flourish, fill, rng)
    return _union([box, (int(min(p[0] for p in flourish)), int(min(p[1] for p in flourish)) - 2,
                         int(max(p[0] for p in flourish)) + 1, int(max(p[1] for p in flourish)) + 2)])


def _pen(c, points, fill, rng: np.random.Generator) -> None:
    c.draw.line([(int(px), int(py)) for px, py in points], fill=fill, width=max(2, c.px(rng.uniform(0.35, 0.5))),
                joint="curve")


def _union(boxes):
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _mm(c, px: float) -> float:
    return px * 25.4 / c.dpi


# --- the case families ------------------------------------------------------------------------------------------

def _red_word_stamp(c, rng, colours, truth, top, layer) -> None:
    """The words stamped in red, the seal at one of OFFSETS from them, a written (or red-stamped) date and a
    signature."""
    words = str(rng.choice(STAMP_WORDS))
    frame = ("rect", "oval", "none")[int(rng.integers(0, 3))]
    mask = _stamp_mask(c, words, rng.uniform(4.5, 6.5), frame, rng)
    x, y = c.px(rng.uniform(22, 80)), c.px(rng.uniform(top, min(top + 40, 235)))
    box = _place(layer, mask, x, y)
    truth.words, truth.words_text = box, words
    below = _mm(c, box[3]) + rng.uniform(3, 6)
    hand_mm = rng.uniform(4.5, 6)
    date = _base()._date_text(rng)
    if rng.random() < 0.3:  # a red date stamp under the words
        truth.date = _place(layer, _stamp_mask(c, date, hand_mm * 0.85, "none", rng), box[0], c.px(below))
    else:
        truth.date = c.hand((_mm(c, box[0]) + rng.uniform(0, 15), below), date, hand_mm * 0.8, colours.pen)
    truth.date_text = date
    truth.signature = _signature(c, rng, (_mm(c, box[0]) + rng.uniform(0, 10), below + hand_mm * 1.8), hand_mm,
                                 colours.pen, str(rng.choice(["scribble", "name", "initials"])))
    offset = OFFSETS[int(rng.integers(0, len(OFFSETS)))]
    r = c.px(rng.uniform(18, 23))
    cy = (box[1] + box[3]) / 2 + c.px(rng.uniform(-6, 6))
    reach = {"beside": box[2] + r + c.px(rng.uniform(2, 8)), "touching": box[2] + r * rng.uniform(0.8, 1.0),
             "over-end": box[2] + r * rng.uniform(0.35, 0.7),
             "across": (box[0] + box[2]) / 2 + c.px(rng.uniform(-5, 5))}
    if offset == "across":  # the star clear of the words' line, above or below it
        cy = (box[1] + box[3]) / 2 + rng.choice([-1, 1]) * r * rng.uniform(0.45, 0.6)
    _seal(c, rng, colours, truth, (min(reach[offset], c.w - r - c.px(6)), cy))


def _date_under_seal(c, rng, colours, truth, top, layer) -> None:
    """Words, signature and date written by hand, then the seal stamped across the date: its star, ring or arc
    text over the digits."""
    base = _base()
    hand_mm = rng.uniform(5, 7)
    vx, vy = rng.uniform(22, 80), rng.uniform(top, min(top + 35, 230))
    words = str(rng.choice(base.WORDS))
    truth.words = c.hand((vx, vy), words, hand_mm, colours.pen)
    truth.words_text = words
    date = base._date_text(rng)
    truth.date = c.hand((vx + rng.uniform(0, 15), vy + hand_mm * 1.6), date, hand_mm * 0.8, colours.pen)
    truth.date_text = date
    sig_mm = (vx + rng.uniform(0, 10), vy + hand_mm * 3.1)
    truth.signature = _signature(c, rng, sig_mm, hand_mm, colours.pen,
                                 str(rng.choice(["scribble", "name", "initials"])))
    r = c.px(rng.uniform(18, 23))
    d = truth.date
    dx, dy = (d[0] + d[2]) / 2 + rng.uniform(-0.3, 0.3) * (d[2] - d[0]), (d[1] + d[3]) / 2
    crossing = CROSSINGS[int(rng.integers(0, len(CROSSINGS)))]
    angle = rng.uniform(0, 2 * math.pi)
    along = {"star": rng.uniform(0, 0.15), "ring": rng.uniform(0.9, 1.0), "text": rng.uniform(0.6, 0.8)}[crossing]
    _seal(c, rng, colours, truth, (dx + r * along * math.cos(angle), dy + r * along * math.sin(angle)))


def _signed(c, rng, colours, truth, top, layer) -> None:
    """Words and date with a signature in one of three styles and places, the seal beside them."""
    words_box, hand_mm, vx, vy = _words_block(c, rng, colours, truth, top, layer, printed=False)
    style = str(rng.choice(["scribble", "name", "initials"]))
    place = int(rng.integers(0, 3))
    if place == 0 and _mm(c, words_box[2]) < 130:  # after a label on the words' line
        label = c.hand((_mm(c, words_box[2]) + 4, vy), str(rng.choice(LABELS)), hand_mm * 0.8, colours.pen)
        truth.signature = _signature(c, rng, (_mm(c, label[2]) + 2, vy), hand_mm, colours.pen, style)
    elif place == 1 or truth.date is None:  # under the date
        truth.signature = _signature(c, rng, (vx + rng.uniform(0, 15), vy + hand_mm * 3.1), hand_mm, colours.pen,
                                     style)
    else:  # beside the date
        truth.signature = _signature(c, rng, (_mm(c, truth.date[2]) + rng.uniform(4, 10), _mm(c, truth.date[1])),
                                     hand_mm, colours.pen, style)
    _seal_beside(c, rng, colours, truth)


def _unsigned(c, rng, colours, truth, top, layer) -> None:
    """The blocks of `signed` with no signature: written, printed (with an empty rule after 核对人：), or a red
    word stamp with a written date."""
    kind = int(rng.integers(0, 3))
    words_box, hand_mm, vx, vy = _words_block(c, rng, colours, truth, top, layer, printed=kind == 1,
                                              red=kind == 2)
    if kind == 1 and _mm(c, words_box[2]) < 140:
        label = c.text((_mm(c, words_box[2]) + 4, vy), "核对人：", hand_mm * 0.8, colours.black)
        c.draw.line((label[2] + c.px(1), label[3] + c.px(1), label[2] + c.px(rng.uniform(20, 30)),
                     label[3] + c.px(1)), fill=colours.black, width=max(1, c.px(0.3)))
    _seal_beside(c, rng, colours, truth)


def _words_block(c, rng, colours, truth, top, layer, printed: bool, red: bool = False):
    """The words and the date under them: written by hand, printed, or the words stamped in red."""
    base = _base()
    hand_mm = rng.uniform(5, 7)
    vx, vy = rng.uniform(22, 80), rng.uniform(top, min(top + 35, 230))
    words = str(rng.choice(base.WORDS if not red else STAMP_WORDS))
    if red:
        frame = ("rect", "oval", "none")[int(rng.integers(0, 3))]
        truth.words = _place(layer, _stamp_mask(c, words, hand_mm * 0.9, frame, rng), c.px(vx), c.px(vy))
    elif printed:
        truth.words = c.text((vx, vy), words, hand_mm * 0.9, colours.black)
    else:
        truth.words = c.hand((vx, vy), words, hand_mm, colours.pen)
    truth.words_text = words
    date = base._date_text(rng)
    at = (vx + (0 if printed else rng.uniform(0, 15)), _mm(c, truth.words[3]) + rng.uniform(3, 6))
    truth.date = c.text(at, date, hand_mm * 0.8, colours.black) if printed else \
        c.hand(at, date, hand_mm * 0.8, colours.pen)
    truth.date_text = date
    return truth.words, hand_mm, vx, vy


def _seal_beside(c, rng, colours, truth) -> None:
    """The seal right of the words (or over their right end, or over the signature), within the page."""
    r = c.px(rng.uniform(18, 23))
    cx = min(truth.words[2] + r * rng.uniform(0.3, 1.2), c.w - r - c.px(6))
    _seal(c, rng, colours, truth, (cx, (truth.words[1] + truth.words[3]) / 2 + c.px(rng.uniform(-4, 12))))


# What each case carries (scanset.CASES entries); `make` draws it.
CASES = {
    "red-word-stamp": dict(seal="round", words=True, date=True, signature=True, make=make_page),
    "date-under-seal": dict(seal="round", words=True, date=True, signature=True, make=make_page),
    "signed": dict(seal="round", words=True, date=True, signature=True, make=make_page),
    "unsigned": dict(seal="round", words=True, date=True, signature=False, make=make_page),
    "date-under-seal-grey": dict(seal="round", words=True, date=True, signature=True, store="L", make=make_page),
    "date-under-seal-bitonal": dict(seal="round", words=True, date=True, signature=True, store="1",
                                    make=make_page),
}
