"""Case families of issue 11 for the seal finder: pages on which real seals are hard to see as one red ring.

Registered into benchmarks/scanset.py's CASES (after its own cases, whose seeds stay as they were) and drawn
with its helpers: the same A4 certificate copy (title, body, issuer and issue date, HR's words, signature and
date), the same seal masks, ink texture and scanner model. `make_page(case, dpi, seed)` is deterministic.

- touching-seals (class 2): two seals touching or overlapping by 0-40 % of the smaller one's diameter: two
  units' seals (a joint document), a unit seal and a personal name seal (square or round), one seal stamped twice;
- seal-on-red-frame, seal-on-brown-table, seal-on-red-header (class 3): a seal whose ring crosses a red double
  border (荣誉证书 frames) or its red title, the brown rules of an invoice-like form, or a notice's red header
  rule or its red unit name;
- phone-cast (class 4): a phone photo: mild perspective, uneven light, a bluish or yellowish cast, often pale
  pinkish ink, saved at 60-90 dpi;
- grey-seal, bitonal-seal (class 6): a sealed copy scanned in grey (stored grey) or in black and white (stored
  one bit per pixel: thresholded, or dithered);
- negatives: red-frame-only, brown-table-only (the same pages with no seal), grey-no-seal, bitonal-no-seal (a
  grey or one-bit copy that was never stamped, some of them with a frame or a table) and gold-seal (an embossed
  gold seal: ring, star and text, but not red ink).
"""
from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image

from benchmarks.scanset import (BODY, ISSUERS, MAJORS, NAMES, SIGNER, TABLE, TITLES, WORDS, Rect, Scan, Truth,
                                _Canvas, _date_text, _ink_texture, _scanner, _seal_mask, _stamp)


def _spec(cls: str, seals: int, **extra) -> dict:
    return dict(seal="round" if seals else None, words=True, date=True, cls=cls, seals=seals,
                make=lambda case, dpi, seed: make_page(case, dpi, seed), **extra)


# cls: the issue's class of real-world page; seals: how many the generator stamps (0 on a negative).
CASES = {
    "touching-seals": _spec("2", 2),
    "seal-on-red-frame": _spec("3", 1, layout="frame"),
    "seal-on-brown-table": _spec("3", 1, layout="table"),
    "seal-on-red-header": _spec("3", 1, layout="header"),
    "phone-cast": _spec("4", 1, camera=True),
    "grey-seal": _spec("6", 1, store="L"),
    "bitonal-seal": _spec("6", 1, store="1"),
    "red-frame-only": _spec("3", 0, layout="frame"),
    "brown-table-only": _spec("3", 0, layout="table"),
    "grey-no-seal": _spec("6", 0, store="L"),
    "bitonal-no-seal": _spec("6", 0, store="1"),
    "gold-seal": _spec("4", 0, gold=True),
}

FRAME_TITLES = ("荣誉证书", "毕业证书", "聘任证书", "结业证书", "学位证书")


def _red(rng: np.random.Generator) -> tuple[int, int, int]:
    return int(rng.integers(190, 235)), int(rng.integers(20, 60)), int(rng.integers(30, 70))


def _brown(rng: np.random.Generator) -> tuple[int, int, int]:
    """Invoice brown (棕色): red-orange hue, darker and less saturated than seal ink."""
    return int(rng.integers(125, 175)), int(rng.integers(60, 95)), int(rng.integers(30, 65))


class _Layout:
    """The document under HR's marks; `anchors` are where a seal crossing its red or brown lines is stamped."""

    def __init__(self, c: _Canvas, rng: np.random.Generator, kind: str, black):
        self.c, self.rng, self.kind, self.black = c, rng, kind, black
        self.anchors: list[tuple[float, float]] = []  # seal centres (mm) on the layout's lines
        self.bottom = 0.0  # mm: the document's own content ends here

    def draw(self) -> None:
        values = dict(name=self.rng.choice(NAMES), sex=self.rng.choice(["男", "女"]), y0=self.rng.integers(1970, 2000),
                      m0=self.rng.integers(1, 13), d0=self.rng.integers(1, 29), y1=self.rng.integers(2000, 2015),
                      m1=9, y2=self.rng.integers(2016, 2020), m2=6, major=self.rng.choice(MAJORS),
                      number="".join(str(v) for v in self.rng.integers(0, 10, 12)))
        top = {"frame": self._frame, "header": self._header}.get(self.kind, self._title)()
        y = self._body(top, values)
        if self.kind == "table":
            y = self._table(y)
        issuer = str(self.rng.choice(ISSUERS))
        size = self.rng.uniform(4, 5)
        y_issuer = max(y + 10, 135.0)
        self.c.text((182 - len(issuer) * size, y_issuer), issuer, size, self.black)
        issue = _date_text(self.rng)
        self.c.text((182 - len(issue) * size * 0.75, y_issuer + size * 2), issue, size, self.black)
        self.bottom = y_issuer + size * 3

    def _title(self) -> float:
        title = str(self.rng.choice(TITLES))
        size = min(self.rng.uniform(9, 14), 150 / len(title))
        self.c.text(((210 - len(title) * size) / 2, 25), title, size, self.black)
        return 50.0

    def _frame(self) -> float:
        """A red double border (a thick outer rule, a thin inner one) and a large red title in it."""
        c, rng = self.c, self.rng
        red = _red(rng)
        margin, gap = rng.uniform(8, 16), rng.uniform(1.5, 4)
        outer, inner = rng.uniform(1.2, 3.0), rng.uniform(0.35, 0.8)
        for inset, width in ((margin, outer), (margin + outer + gap, inner)):
            c.draw.rectangle((c.px(inset), c.px(inset), c.px(210 - inset), c.px(297 - inset)), outline=red,
                             width=max(1, c.px(width)))
        rule = margin + outer + gap + inner / 2
        title = str(rng.choice(FRAME_TITLES))
        size = rng.uniform(14, 22)
        spacing = rng.uniform(0.2, 0.8)
        width = (len(title) * (1 + spacing) - spacing) * size
        x0 = (210 - width) / 2
        c.text((x0, 32), title, size, red, spacing)
        # Where a seal crosses the frame: the inner rule at the bottom or the right, or the end of the title.
        self.anchors = [(rng.uniform(120, 180), 297 - rule + rng.uniform(-6, 6)),
                        (210 - rule + rng.uniform(-6, 6), rng.uniform(170, 260)),
                        (x0 + width + rng.uniform(-4, 10), 32 + size * rng.uniform(0.3, 0.9))]
        return 34 + size + 14

    def _header(self) -> float:
        """An official notice's red head: the unit's name in large red characters over a red rule (sometimes
        doubled, sometimes broken by a star)."""
        c, rng = self.c, self.rng
        red = _red(rng)
        unit = str(rng.choice(ISSUERS))
        size = min(rng.uniform(11, 16), 170 / len(unit))
        x0 = (210 - len(unit) * size) / 2
        c.text((x0, 22), unit, size, red)
        y_rule, thick = 22 + size + rng.uniform(8, 14), rng.uniform(0.8, 2.0)
        gap_x = rng.uniform(8, 12) if rng.random() < 0.4 else 0  # 红头 with a star in the rule
        for x_a, x_b in ((20, 105 - gap_x), (105 + gap_x, 190)) if gap_x else ((20, 190),):
            c.draw.rectangle((c.px(x_a), c.px(y_rule), c.px(x_b), c.px(y_rule + thick)), fill=red)
        if gap_x:
            r = gap_x * 0.7
            star = [(c.px(105 + r * (1 if k % 2 == 0 else 0.38) * math.sin(k * math.pi / 5)),
                     c.px(y_rule + thick / 2 - r * (1 if k % 2 == 0 else 0.38) * math.cos(k * math.pi / 5)))
                    for k in range(10)]
            c.draw.polygon(star, fill=red)
        if rng.random() < 0.4:  # a thin second rule under the thick one
            c.draw.rectangle((c.px(20), c.px(y_rule + thick + 1), c.px(190), c.px(y_rule + thick + 1.4)), fill=red)
        # Where a seal crosses the head: the rule (twice as often), or the unit's name, its ring over the last
        # one or two characters.
        self.anchors = [(rng.uniform(40, 170), y_rule + rng.uniform(-8, 8))] * 2 + [
            (x0 + len(unit) * size + rng.uniform(5, 15), 22 + size * rng.uniform(0.3, 1.2))]
        return y_rule + 14

    def _body(self, y: float, values: dict) -> float:
        size = self.rng.uniform(4, 5)
        lines = [BODY[0], BODY[1]] + list(self.rng.choice(BODY[2:6], size=2, replace=False)) + [BODY[6], BODY[7]]
        x = 28 if self.kind == "frame" else 25
        for line in lines:
            self.c.text((x, y), line.format(**values), size, self.black)
            y += size * 2
        return y

    def _table(self, y: float) -> float:
        """An invoice-like form: brown title, brown rules over the page width, black entries."""
        c, rng = self.c, self.rng
        brown = _brown(rng)
        c.text((25, y + 2), str(rng.choice(TITLES)), rng.uniform(5, 7), brown)
        y += 12
        rows, row_h = int(rng.integers(5, 9)), rng.uniform(8, 11)
        widths = (rng.uniform(50, 65), rng.uniform(30, 40), rng.uniform(30, 40))
        widths += (160 - sum(widths),)
        width = max(1, c.px(rng.uniform(0.25, 0.6)))
        for r in range(rows):
            cells = TABLE[r % len(TABLE)] + (str(rng.integers(10, 999)),)
            x = 25.0
            for cell, cw in zip(cells, widths):
                c.text((x + 3, y + r * row_h + (row_h - 4) / 2 - 0.5), cell, 4, self.black)
                x += cw
        for r in range(rows + 1):
            c.draw.line((c.px(25), c.px(y + r * row_h), c.px(185), c.px(y + r * row_h)), fill=brown, width=width)
        x = 25.0
        for cw in (0,) + widths:
            x += cw
            c.draw.line((c.px(x), c.px(y), c.px(x), c.px(y + rows * row_h)), fill=brown, width=width)
        # The seal sits on the form's lower right, over its rules (as 发票专用章 on an invoice).
        self.anchors = [(rng.uniform(110, 170), y + rows * row_h - rng.uniform(0, 2.5) * row_h)]
        return y + rows * row_h + 4


def _verification(c: _Canvas, rng: np.random.Generator, top: float, truth: Truth, black) -> Rect:
    """HR's words, a signature and the date, below the document's content. Returns the words' box."""
    ink = (int(rng.integers(20, 50)), int(rng.integers(40, 70)), int(rng.integers(120, 170))) \
        if rng.random() < 0.6 else black
    hand_mm = rng.uniform(5, 7)
    vx, vy = rng.uniform(25, 80), rng.uniform(min(top + 8, 250), 255)
    words = str(rng.choice(WORDS))
    box = c.hand((vx, vy), words, hand_mm, ink, stamped=rng.random() < 0.3)
    truth.words, truth.words_text = box, words
    if rng.random() < 0.5:
        c.hand((vx, vy + hand_mm * 3), SIGNER, hand_mm * 0.8, ink)
    truth.signature = c.scribble((vx + rng.uniform(20, 35), vy + hand_mm * 2.6), rng.uniform(15, 25), hand_mm, ink)
    date = _date_text(rng)
    truth.date = c.hand((vx + rng.uniform(0, 25), vy + hand_mm * 1.4 + rng.uniform(0, 2)), date, hand_mm * 0.8, ink)
    truth.date_text = date
    return box


def _seal(c: _Canvas, rng: np.random.Generator, shape: str, faded: bool = False,
          size: tuple[float, float] | None = None) -> np.ndarray:
    if size is None:
        size = {"round": (rng.uniform(36, 46),) * 2, "oval": (rng.uniform(42, 50), rng.uniform(28, 34)),
                "square": (rng.uniform(18, 26),) * 2}[shape]
    return _ink_texture(_seal_mask(shape, size, c.dpi, rng), rng, faded)


def _beside(c: _Canvas, rng: np.random.Generator, words: Rect, mask: np.ndarray) -> tuple[int, int]:
    """A seal centre beside (or partly over) the words, inside the page."""
    h, w = mask.shape
    x = words[2] + w // 2 - c.px(rng.uniform(5, 20))
    y = (words[1] + words[3]) // 2 + c.px(rng.uniform(-6, 10))
    return min(max(x, w // 2 + c.px(8)), c.w - w // 2 - c.px(8)), min(max(y, h // 2 + c.px(8)), c.h - h // 2 - c.px(8))


def _pair(page: np.ndarray, c: _Canvas, rng: np.random.Generator, words: Rect, truth: Truth, red) -> None:
    """Two seals overlapping by 0-40 % of the smaller one's diameter: two units' seals, a unit seal and a name
    seal, or one seal stamped twice (turned a little, the second impression paler or darker)."""
    kind = rng.choice(["units", "name", "twice"])
    first = _seal(c, rng, "round")
    if kind == "units":
        second = _seal(c, rng, str(rng.choice(["round", "round", "oval"])))
    elif kind == "name":
        shape = str(rng.choice(["square", "round"]))
        second = _seal(c, rng, shape, size=(rng.uniform(15, 24),) * 2)
    else:
        second = np.asarray(Image.fromarray((first * 255).astype(np.uint8)).rotate(
            rng.uniform(-25, 25), resample=Image.BICUBIC, expand=True), np.float32) / 255
    r1, r2 = max(first.shape) / 2 - c.px(2), max(second.shape) / 2 - c.px(2)  # masks carry 2 mm of padding
    overlap = rng.uniform(0, 0.4)
    distance = r1 + r2 - overlap * 2 * min(r1, r2)
    angle = math.radians(rng.uniform(-30, 30) + (180 if rng.random() < 0.3 else 0))
    x1, y1 = _beside(c, rng, words, first)
    x2, y2 = int(x1 + distance * math.cos(angle)), int(y1 + distance * math.sin(angle))
    margin = r2 + c.px(6)
    if not (margin < x2 < c.w - margin and margin < y2 < c.h - margin):  # keep the second one on the page
        x2, y2 = int(x1 - distance * math.cos(angle)), int(y1 - distance * math.sin(angle))
    truth.seals.append(_stamp(page, first, (x1, y1), red))
    ink = red if kind != "twice" else tuple(int(min(255, v * rng.uniform(0.9, 1.15))) for v in red)
    truth.seals.append(_stamp(page, second, (x2, y2), ink))


def _emboss(page: np.ndarray, mask: np.ndarray, center: tuple[int, int], gold) -> None:
    """An embossed gold seal: gold foil in the seal's shape, lit from the top left (light and dark edges). It is
    the original's own seal, printed on the copy before HR wrote on it: the words and the date lie over it (the
    ink under the foil's colour is kept, as a copy shows it), not under it."""
    h, w = mask.shape
    x0, y0 = center[0] - w // 2, center[1] - h // 2
    light = cv2.GaussianBlur(mask, (0, 0), 1.2)
    relief = (np.roll(light, (1, 1), (0, 1)) - np.roll(light, (-1, -1), (0, 1)))[..., None]
    region = page[y0:y0 + h, x0:x0 + w].astype(np.float32)
    foil = np.asarray(gold, np.float32) * (1 + 0.6 * relief)
    m = mask[..., None]
    paper = np.percentile(page, 90, axis=(0, 1)).astype(np.float32)
    under = region * np.minimum(foil / paper, 1)  # the foil's colour darkens paper; ink over it stays as dark
    page[y0:y0 + h, x0:x0 + w] = (region * (1 - m) + under * m).clip(0, 255).astype(np.uint8)


def _phone(page: np.ndarray, truth: Truth, rng: np.random.Generator, dpi: int) -> tuple[np.ndarray, int]:
    """A phone photo of the page: mild perspective, light falling off to one side, a bluish or yellowish cast,
    blur, then the photo scaled to 60-90 dpi with sensor noise and JPEG. Returns the picture and its dpi."""
    h, w = page.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    jitter = rng.uniform(-0.025, 0.025, (4, 2)) * (w, h)
    matrix = cv2.getPerspectiveTransform(src, (src + jitter).astype(np.float32))
    table = tuple(int(v) for v in rng.integers(60, 140, 3))
    page = cv2.warpPerspective(page, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=table)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    direction = rng.uniform(0, 2 * math.pi)
    falloff = 1 - rng.uniform(0.05, 0.2) * (0.5 + 0.5 * ((xx / w - 0.5) * math.cos(direction)
                                                        + (yy / h - 0.5) * math.sin(direction)))
    if rng.random() < 0.5:  # bluish: daylight or a cold LED
        cast = (rng.uniform(0.78, 0.9), rng.uniform(0.9, 0.97), 1.0)
    else:  # yellowish: a warm lamp
        cast = (1.0, rng.uniform(0.9, 0.97), rng.uniform(0.68, 0.82))
    arr = page.astype(np.float32) * falloff[..., None] * np.asarray(cast, np.float32)
    arr = cv2.GaussianBlur(arr, (0, 0), rng.uniform(0.6, 1.4))
    low = int(rng.integers(60, 91))
    scale = low / dpi
    arr = cv2.resize(arr, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    arr += rng.standard_normal(arr.shape, dtype=np.float32) * rng.uniform(2, 5)
    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(arr.clip(0, 255).astype(np.uint8), cv2.COLOR_RGB2BGR),
                            [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(60, 86))])
    rgb = cv2.cvtColor(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)

    def moved(r: Rect | None) -> Rect | None:
        if r is None:
            return None
        pts = cv2.perspectiveTransform(np.float32([[(r[0], r[1]), (r[2], r[1]), (r[2], r[3]), (r[0], r[3])]]),
                                       matrix)[0] * scale
        return (max(0, int(pts[:, 0].min())), max(0, int(pts[:, 1].min())),
                min(rgb.shape[1], int(math.ceil(pts[:, 0].max()))), min(rgb.shape[0], int(math.ceil(pts[:, 1].max()))))

    truth.seals = [moved(s) for s in truth.seals]
    truth.words, truth.date, truth.issue_date = moved(truth.words), moved(truth.date), moved(truth.issue_date)
    truth.signature = moved(truth.signature)
    return rgb, low


def _store(rgb: np.ndarray, store: str, rng: np.random.Generator) -> np.ndarray:
    """The scan as a grey or one-bit scanner keeps it (grey: the luminance; one bit: a threshold between 135 and
    175, or, on one page in four, Floyd-Steinberg dithering after the paper is levelled to white, as a scanner's
    halftone mode does), back as three equal channels. Below a threshold of about 130 a red seal of ordinary
    pressure (grey 90-120) breaks up into specks: a page a reviewer could not tell from an unstamped one."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if store == "1":
        if rng.random() < 0.25:
            white = float(np.percentile(grey, 60)) - 6
            levelled = np.clip(grey.astype(np.float32) * 255 / max(white, 1), 0, 255).astype(np.uint8)
            grey = np.asarray(Image.fromarray(levelled).convert("1").convert("L"))
        else:
            grey = np.where(grey < rng.uniform(135, 175), 0, 255).astype(np.uint8)
    return np.repeat(grey[..., None], 3, axis=2)


def _stamp_seals(page: np.ndarray, c: _Canvas, rng: np.random.Generator, spec: dict, layout: _Layout,
                 words: Rect, truth: Truth, red) -> None:
    """The case's seals: a pair, one on the layout's lines, or one beside the words (pale on some phone photos
    and scans)."""
    if spec["seals"] == 2:
        _pair(page, c, rng, words, truth, red)
        return
    if spec.get("layout") == "table":
        shape = str(rng.choice(["oval", "round"]))
    else:
        shape = str(rng.choice(["round", "round", "oval"]))
    pale = spec.get("camera") and rng.random() < 0.6
    faded = bool(spec.get("store")) and rng.random() < 0.2
    mask = _seal(c, rng, shape, faded)
    if layout.anchors:
        x, y = layout.anchors[int(rng.integers(0, len(layout.anchors)))]
        h, w = mask.shape
        center = (min(max(c.px(x), w // 2), c.w - w // 2), min(max(c.px(y), h // 2), c.h - h // 2))
    else:
        center = _beside(c, rng, words, mask)
    ink = (int(rng.integers(225, 246)), int(rng.integers(110, 160)), int(rng.integers(130, 175))) if pale else red
    truth.seals.append(_stamp(page, mask, center, ink))
    truth.seal_shape = shape


def make_page(case: str, dpi: int = 200, seed: int = 0) -> Scan:
    """One page of the given family (see CASES)."""
    spec = CASES[case]
    rng = np.random.default_rng([seed, 1000 + list(CASES).index(case), dpi])
    c = _Canvas(dpi, rng)
    black = (int(rng.integers(15, 45)),) * 2 + (int(rng.integers(20, 55)),)
    red = _red(rng)
    store = spec.get("store", "RGB")
    truth = Truth(case, gray=store != "RGB")
    kind = spec.get("layout")
    if kind is None and store != "RGB" and rng.random() < 0.4:  # grey pages: some framed, some with a table
        kind = str(rng.choice(["frame", "table", "header"]))
    layout = _Layout(c, rng, kind or "plain", black)
    layout.draw()
    if not spec["seals"]:
        layout.anchors = []
    words = _verification(c, rng, layout.bottom, truth, black)
    page = np.array(c.page)
    if spec["seals"]:
        if spec["seals"] == 1 and store != "RGB":
            layout.anchors = layout.anchors if rng.random() < 0.5 else []
        _stamp_seals(page, c, rng, spec, layout, words, truth, red)
    if spec.get("gold"):
        gold = (int(rng.integers(200, 235)), int(rng.integers(160, 195)), int(rng.integers(60, 110)))
        mask = _seal(c, rng, "round", size=(rng.uniform(36, 50),) * 2)
        _emboss(page, mask, _beside(c, rng, words, mask), gold)
    if spec.get("camera"):
        rgb, dpi = _phone(page, truth, rng, dpi)
    else:
        rgb = _scanner(page, truth, rng)
    if store != "RGB":
        rgb = _store(rgb, store, rng)
    return Scan(rgb, dpi, truth, store)
