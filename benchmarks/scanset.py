"""Synthetic scans of certificate copies carrying (or lacking) the verification marks that HR adds: the red
official seal, the words 核对无误, a signature and a date.

Tests and benchmarks/accuracy_marks.py build their pages here, so both see the same cases. Every page is
A4 at the requested dpi, drawn with the committed Noto Sans SC subset (tests/fixtures/fonts), then passed
through a mild scanner model (tilt, blur, noise, JPEG). `make_page(case, dpi, seed)` is deterministic.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "fonts" / "NotoSansSC-subset.otf"
A4_MM = (210.0, 297.0)

TITLES = ("毕业证书", "学位证书", "荣誉证书", "聘任证书", "继续教育证书", "结业证书", "职称资格证书")
NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴霞")
MAJORS = ("计算机科学与技术", "土木工程", "临床医学", "会计学", "机械设计制造及其自动化", "汉语言文学", "护理学")
ISSUERS = ("浙江工业大学", "浙江省人力资源和社会保障厅", "杭州市卫生健康委员会", "宁波大学", "温州医科大学")
BODY = (
    "{name}，{sex}，{y0}年{m0}月{d0}日生。",
    "于{y1}年{m1}月至{y2}年{m2}月在本校{major}专业学习，",
    "修完全日制本科教学计划规定的全部课程，成绩合格，准予毕业。",
    "经审核，符合学士学位授予条件，授予学士学位。",
    "该同志在本年度继续教育中完成规定学时，考核合格。",
    "经评审委员会评议通过，具备相应专业技术资格。",
    "证书编号：{number}",
    "特发此证。",
)
TABLE = (("课程名称", "学时", "成绩"), ("专业科目", "48", "合格"), ("公需科目", "24", "优秀"), ("合计", "72", "通过"))
# What HR writes or stamps on a copy; the benchmark expects docprep to find each of these.
WORDS = ("与原件核对无误", "核对无误", "经核对无误", "与原件一致", "核对一致", "已核对，与原件一致", "复印件与原件核对无误")
SIGNER = "核对人："
SEAL_UNITS = ("浙江工业大学人事处", "杭州市第一人民医院", "浙江省建设投资集团有限公司", "宁波市教育局", "温州市中心医院")
SEAL_BOTTOM = ("人事专用章", "人事处", "公章", "")
CN_DIGITS = "〇一二三四五六七八九"
ALL_TEXT = "".join(TITLES + NAMES + MAJORS + ISSUERS + BODY + WORDS + SEAL_UNITS + SEAL_BOTTOM
                   + tuple(c for row in TABLE for c in row)) + SIGNER + CN_DIGITS + "十年月日男女印之" + "。，：、．（）"

# Each case is one kind of page; `marks` says what a reader should find on it.
CASES = {
    "clean": dict(seal="round", words=True, date=True),
    "faded": dict(seal="round", faded=True, words=True, date=True),
    "cut": dict(seal="round", cut=True, words=True, date=True),
    "oval": dict(seal="oval", words=True, date=True),
    "square": dict(seal="square", words=True, date=True),
    "over-words": dict(seal="round", over=True, words=True, date=True),
    "red-title": dict(seal=None, red_title=True, words=True, date=True),
    "red-table": dict(seal=None, red_table=True, words=True, date=True),
    "red-pen": dict(seal=None, red_pen=True, words=True, date=True),
    "no-words": dict(seal="round", words=False, date=False),
    "no-date": dict(seal="round", words=True, date=False),
    "grayscale": dict(seal="round", words=True, date=True, gray=True),
}

Rect = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels


@dataclass
class Truth:
    """Where the generator put each mark (pixel boxes after the scanner model; None when absent)."""

    case: str
    seals: list[Rect] = field(default_factory=list)
    seal_shape: str | None = None
    words: Rect | None = None
    words_text: str | None = None
    date: Rect | None = None
    date_text: str | None = None
    issue_date: Rect | None = None  # the document's own date, which must not count as the verification date
    gray: bool = False
    signature: Rect | None = None  # the verifier's signature beside the words (none drawn without words)


@dataclass
class Scan:
    rgb: np.ndarray
    dpi: int
    truth: Truth
    store: str = "RGB"  # how a scanner stores the page in its PDF: "RGB", "L" (grey) or "1" (one bit per pixel)


@lru_cache(maxsize=64)
def font(px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), max(px, 4))


class _Canvas:
    """A page in millimetres: ink is drawn on white, seals on a separate mask that is multiplied in last."""

    def __init__(self, dpi: int, rng: np.random.Generator):
        self.dpi, self.rng = dpi, rng
        self.w, self.h = self.px(A4_MM[0]), self.px(A4_MM[1])
        self.page = Image.new("RGB", (self.w, self.h), (255, 255, 255))
        self.draw = ImageDraw.Draw(self.page)

    def px(self, mm: float) -> int:
        return int(round(mm * self.dpi / 25.4))

    def text(self, xy_mm, s: str, size_mm: float, fill, spacing: float = 0.0) -> Rect:
        """Printed text; `spacing` adds that many character widths between characters. Returns its box."""
        f = font(self.px(size_mm))
        x, y = self.px(xy_mm[0]), self.px(xy_mm[1])
        if spacing == 0:
            self.draw.text((x, y), s, font=f, fill=fill)
            return self.draw.textbbox((x, y), s, font=f)
        x0 = x
        for ch in s:
            self.draw.text((x, y), ch, font=f, fill=fill)
            x += int(f.getlength(ch) * (1 + spacing))
        top = self.draw.textbbox((x0, y), s[0], font=f)
        return (x0, top[1], x, top[3])

    def hand(self, xy_mm, s: str, size_mm: float, fill, stamped: bool = False) -> Rect:
        """Handwriting-like text (each character turned, scaled and shifted a little), or a rubber stamp:
        even characters in a frame. Returns its box."""
        rng = self.rng
        size = self.px(size_mm)
        x, y = self.px(xy_mm[0]), self.px(xy_mm[1])
        x0, y_top, y_bottom = x, y, y + size
        for ch in s:
            s_px = size if stamped else int(size * rng.uniform(0.85, 1.15))
            f = font(s_px)
            tile = Image.new("L", (s_px * 2, s_px * 2), 0)
            ImageDraw.Draw(tile).text((s_px // 2, s_px // 3), ch, font=f, fill=255,
                                      stroke_width=max(1, s_px // 22) if not stamped else max(1, s_px // 16))
            if not stamped:
                tile = tile.rotate(rng.uniform(-9, 9), resample=Image.BICUBIC)
            dy = 0 if stamped else int(rng.normal(0, size * 0.06))
            self.page.paste(Image.new("RGB", tile.size, fill), (x - s_px // 2, y + dy - s_px // 3), tile)
            y_top, y_bottom = min(y_top, y + dy), max(y_bottom, y + dy + s_px)
            x += int(f.getlength(ch) * (1.0 if stamped else rng.uniform(0.95, 1.2)))
        if stamped:
            pad = self.px(1.5)
            self.draw.rectangle((x0 - pad, y_top - pad, x + pad, y_bottom + pad), outline=fill, width=self.px(0.5))
            return (x0 - pad, y_top - pad, x + pad, y_bottom + pad)
        return (x0, y_top, x, y_bottom)

    def scribble(self, xy_mm, w_mm: float, h_mm: float, fill) -> Rect:
        """A signature-like scribble: a smooth random curve."""
        rng = self.rng
        t = np.linspace(0, 1, 200)
        xs = xy_mm[0] + w_mm * t + rng.uniform(1, 3) * np.sin(t * rng.uniform(14, 24))
        ys = (xy_mm[1] + h_mm / 2 + h_mm / 2 * np.sin(t * rng.uniform(10, 18) + rng.uniform(0, 6))
              * np.cos(t * rng.uniform(2, 5)))
        pts = [(self.px(a), self.px(b)) for a, b in zip(xs, ys)]
        self.draw.line(pts, fill=fill, width=max(2, self.px(0.45)), joint="curve")
        return (min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts))


def _seal_mask(shape: str, size_mm: tuple[float, float], dpi: int, rng: np.random.Generator) -> np.ndarray:
    """Ink coverage (0..1) of an official seal: ring, star and arc text for round and oval seals, a frame
    with four characters for square ones."""
    px = lambda mm: max(1, int(round(mm * dpi / 25.4)))  # noqa: E731 - local unit conversion
    w, h = px(size_mm[0]), px(size_mm[1])
    pad = px(2)
    img = Image.new("L", (w + 2 * pad, h + 2 * pad), 0)
    d = ImageDraw.Draw(img)
    cx, cy = pad + w / 2, pad + h / 2
    if shape == "square":
        d.rectangle((pad, pad, pad + w, pad + h), outline=255, width=px(rng.uniform(1.0, 1.6)))
        name = rng.choice(NAMES)
        chars = [name[0], name[1], "之", "印"]
        f = font(int(w * 0.36))
        for i, ch in enumerate(chars):  # read top-to-bottom, right column first, as seals are
            col, row = 1 - i // 2, i % 2
            d.text((pad + w * (0.08 + 0.45 * col), pad + h * (0.02 + 0.45 * row)), ch, font=f, fill=255)
        return np.asarray(img, np.float32) / 255
    ring = px(rng.uniform(0.9, 1.4))
    d.ellipse((pad, pad, pad + w, pad + h), outline=255, width=ring)
    a, b = w / 2, h / 2
    star_r = min(a, b) * (0.3 if shape == "round" else 0.22)
    star = [(cx + star_r * (1 if k % 2 == 0 else 0.38) * math.sin(k * math.pi / 5),
             cy - star_r * (1 if k % 2 == 0 else 0.38) * math.cos(k * math.pi / 5)) for k in range(10)]
    d.polygon(star, fill=255)
    unit = str(rng.choice(SEAL_UNITS))
    char_px = int(min(a, b) * (0.30 if shape == "round" else 0.34))
    f = font(char_px)
    span = math.radians(min(250, 24 * len(unit) + 40))
    for i, ch in enumerate(unit):
        theta = -span / 2 + span * (i + 0.5) / len(unit)  # clockwise from the top
        ra, rb = a - ring - char_px * 0.65, b - ring - char_px * 0.65
        x, y = cx + ra * math.sin(theta), cy - rb * math.cos(theta)
        tile = Image.new("L", (char_px * 2, char_px * 2), 0)
        ImageDraw.Draw(tile).text((char_px // 2, char_px // 3), ch, font=f, fill=255)
        tile = tile.rotate(-math.degrees(theta), resample=Image.BICUBIC)
        img.paste(255, (int(x - char_px), int(y - char_px)), tile)
    bottom = str(rng.choice(SEAL_BOTTOM))
    if bottom:
        fb = font(int(min(a, b) * 0.2))
        tw = fb.getlength(bottom)
        d.text((cx - tw / 2, cy + min(a, b) * 0.42), bottom, font=fb, fill=255)
    return np.asarray(img, np.float32) / 255


def _ink_texture(mask: np.ndarray, rng: np.random.Generator, faded: bool) -> np.ndarray:
    """Uneven stamp pressure: low-frequency blotches and speckle; much more of both on a faded seal."""
    h, w = mask.shape
    low = np.asarray(Image.fromarray((rng.random((max(h // 40, 2), max(w // 40, 2))) * 255).astype(np.uint8))
                     .resize((w, h), Image.BICUBIC), np.float32) / 255
    speckle = rng.random((h, w)).astype(np.float32)
    if faded:
        keep = (low * 0.7 + speckle * 0.3) > rng.uniform(0.3, 0.42)
        strength = 0.55 + 0.3 * low
    else:
        keep = speckle > 0.04
        strength = 0.85 + 0.15 * low
    return mask * keep * strength


def _stamp(page: np.ndarray, mask: np.ndarray, center: tuple[int, int], ink: tuple[int, int, int]) -> Rect:
    """Multiply the seal's ink into the page (ink over black text stays black, as it does on paper).
    Returns the seal box clipped to the page."""
    h, w = mask.shape
    x0, y0 = center[0] - w // 2, center[1] - h // 2
    px0, py0, px1, py1 = max(x0, 0), max(y0, 0), min(x0 + w, page.shape[1]), min(y0 + h, page.shape[0])
    m = mask[py0 - y0:py1 - y0, px0 - x0:px1 - x0, None]
    tint = np.asarray(ink, np.float32) / 255
    region = page[py0:py1, px0:px1].astype(np.float32)
    page[py0:py1, px0:px1] = (region * (1 - m + m * tint)).clip(0, 255).astype(np.uint8)
    ys, xs = np.nonzero(m[..., 0] > 0.2)
    return (px0 + int(xs.min()), py0 + int(ys.min()), px0 + int(xs.max()) + 1, py0 + int(ys.max()) + 1)


def _date_text(rng: np.random.Generator) -> str:
    y, m, d = int(rng.integers(2021, 2026)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
    style = int(rng.integers(0, 5))
    if style == 0:
        return f"{y}年{m}月{d}日"
    if style == 1:
        return f"{y}.{m}.{d}"
    if style == 2:
        return f"{y}-{m:02d}-{d:02d}"
    if style == 3:
        return f"{y}/{m}/{d}"
    return "".join(CN_DIGITS[int(c)] for c in str(y)) + f"年{_cn_number(m)}月{_cn_number(d)}日"


def _cn_number(n: int) -> str:
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else CN_DIGITS[tens]) + "十" if tens else "") + (CN_DIGITS[ones] if ones else "")


def _scanner(page: np.ndarray, truth: Truth, rng: np.random.Generator) -> np.ndarray:
    """A flatbed scanner, mildly: paper tint, a small tilt, optics blur, sensor noise and JPEG."""
    angle = rng.uniform(-0.8, 0.8)
    h, w = page.shape[:2]
    turn_matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)  # counter-clockwise, as Image.rotate
    page = cv2.warpAffine(page, turn_matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
    page = cv2.GaussianBlur(page, (0, 0), rng.uniform(0.4, 0.9))
    paper = rng.uniform(0.93, 0.99) - np.asarray([0, rng.uniform(0, 0.015), rng.uniform(0.005, 0.03)])  # warm white
    arr = page.astype(np.float32) * paper.astype(np.float32)
    arr += (rng.standard_normal(arr.shape[:2], dtype=np.float32) * rng.uniform(1.5, 4))[..., None]
    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(arr.clip(0, 255).astype(np.uint8), cv2.COLOR_RGB2BGR),
                            [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(75, 92))])
    rgb = cv2.cvtColor(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    # Boxes follow the tilt (about the page centre, as Image.rotate turns it).
    t = math.radians(angle)

    def turn(r: Rect | None) -> Rect | None:
        if r is None:
            return None
        pts = [(x, y) for x in (r[0], r[2]) for y in (r[1], r[3])]
        moved = [((x - w / 2) * math.cos(t) + (y - h / 2) * math.sin(t) + w / 2,
                  -(x - w / 2) * math.sin(t) + (y - h / 2) * math.cos(t) + h / 2) for x, y in pts]
        return (max(0, int(min(p[0] for p in moved))), max(0, int(min(p[1] for p in moved))),
                min(w, int(max(p[0] for p in moved))), min(h, int(max(p[1] for p in moved))))

    truth.seals = [turn(s) for s in truth.seals]
    truth.words, truth.date, truth.issue_date = turn(truth.words), turn(truth.date), turn(truth.issue_date)
    truth.signature = turn(truth.signature)
    return rgb


def make_page(case: str = "clean", dpi: int = 200, seed: int = 0) -> Scan:
    """One A4 certificate copy of the given case (see CASES)."""
    spec = CASES[case]
    if "make" in spec:  # a case family drawn by its own module (benchmarks/scanset_seals.py)
        return spec["make"](case, dpi, seed)
    rng = np.random.default_rng([seed, list(CASES).index(case), dpi])
    c = _Canvas(dpi, rng)
    black = (int(rng.integers(15, 45)),) * 2 + (int(rng.integers(20, 55)),)  # toner: neutral to bluish black
    red = (int(rng.integers(190, 235)), int(rng.integers(20, 60)), int(rng.integers(30, 70)))
    truth = Truth(case, gray=bool(spec.get("gray")))

    title = str(rng.choice(TITLES))
    title_mm = min(rng.uniform(9, 18), 170 / len(title))
    spacing = min(rng.uniform(0, 1.2), (170 / title_mm - len(title)) / (len(title) - 1))
    title_w = (len(title) * (1 + spacing) - spacing) * title_mm
    c.text(((210 - title_w) / 2, 25), title, title_mm, red if spec.get("red_title") else black, spacing)

    values = dict(name=rng.choice(NAMES), sex=rng.choice(["男", "女"]), y0=rng.integers(1970, 2000),
                  m0=rng.integers(1, 13), d0=rng.integers(1, 29), y1=rng.integers(2000, 2015), m1=9,
                  y2=rng.integers(2016, 2020), m2=6, major=rng.choice(MAJORS),
                  number="".join(str(v) for v in rng.integers(0, 10, 12)))
    body_mm, y = rng.uniform(4, 5), 55.0
    lines = [BODY[0], BODY[1]] + list(rng.choice(BODY[2:6], size=2, replace=False)) + [BODY[6], BODY[7]]
    pen_targets = []
    for line in lines:
        box = c.text((25, y), line.format(**values), body_mm, black)
        pen_targets.append(box)
        y += body_mm * 2
    if spec.get("red_table"):
        x0, row_h = 25.0, rng.uniform(8, 11)
        widths = (rng.uniform(60, 80), rng.uniform(35, 45), rng.uniform(35, 45))
        line_w = max(1, c.px(rng.uniform(0.3, 0.7)))
        for r, row in enumerate(TABLE):
            x = x0
            for cell, cw in zip(row, widths):
                c.text((x + 3, y + r * row_h + (row_h - body_mm) / 2 - 0.5), cell, body_mm, black)
                x += cw
        total_w = sum(widths)
        for r in range(len(TABLE) + 1):
            c.draw.line((c.px(x0), c.px(y + r * row_h), c.px(x0 + total_w), c.px(y + r * row_h)), fill=red,
                        width=line_w)
        x = x0
        for cw in (0,) + widths:
            x += cw
            c.draw.line((c.px(x), c.px(y), c.px(x), c.px(y + len(TABLE) * row_h)), fill=red, width=line_w)
        y += len(TABLE) * row_h + 4

    issuer = str(rng.choice(ISSUERS))
    y_issuer = max(y + 10, 135.0)
    c.text((185 - len(issuer) * body_mm, y_issuer), issuer, body_mm, black)
    issue = _date_text(rng)
    truth.issue_date = c.text((185 - len(issue) * body_mm * 0.75, y_issuer + body_mm * 2), issue, body_mm, black)

    if spec.get("red_pen"):
        pen_w = max(2, c.px(rng.uniform(0.35, 0.6)))
        for box in rng.permutation(len(pen_targets))[:3]:  # ticks after lines
            bx = pen_targets[box]
            x, yy = bx[2] + c.px(3), (bx[1] + bx[3]) // 2
            s = c.px(rng.uniform(4, 8))
            c.draw.line([(x, yy), (x + s // 3, yy + s // 2), (x + s, yy - s // 2)], fill=red, width=pen_w)
        bx = pen_targets[int(rng.integers(0, len(pen_targets)))]  # an underline
        c.draw.line([(bx[0], bx[3] + c.px(1)), (bx[0] + (bx[2] - bx[0]) * 2 // 3, bx[3] + c.px(1.5))], fill=red,
                    width=pen_w)
        bx = pen_targets[int(rng.integers(0, 2))]  # a loose circle drawn round a word
        cx, cy = bx[0] + c.px(rng.uniform(10, 30)), (bx[1] + bx[3]) // 2
        rx, ry = c.px(rng.uniform(8, 14)), c.px(rng.uniform(4, 7))
        start = rng.uniform(0, 360)
        c.draw.arc((cx - rx, cy - ry, cx + rx, cy + ry), start, start + rng.uniform(300, 370), fill=red, width=pen_w)
        x, yy = c.px(rng.uniform(150, 180)), c.px(rng.uniform(30, 45))  # a cross in the margin
        s = c.px(5)
        c.draw.line([(x, yy), (x + s, yy + s)], fill=red, width=pen_w)
        c.draw.line([(x + s, yy), (x, yy + s)], fill=red, width=pen_w)

    # The verification block, well below the document's own date.
    ink = (int(rng.integers(20, 50)), int(rng.integers(40, 70)), int(rng.integers(120, 170))) \
        if rng.random() < 0.6 else black
    stamped = rng.random() < 0.3
    hand_mm = rng.uniform(5, 7)
    vx, vy = rng.uniform(22, 95), rng.uniform(y_issuer + 55, 245)
    words = str(rng.choice(WORDS))
    words_box = None
    if spec["words"]:
        words_box = c.hand((vx, vy), words, hand_mm, ink, stamped=stamped)
        truth.words, truth.words_text = words_box, words
        sig_x = vx + (words_box[2] - words_box[0]) * 25.4 / dpi + 5
        if sig_x < 150 and rng.random() < 0.5:
            c.hand((sig_x, vy), SIGNER, hand_mm * 0.8, ink)
            truth.signature = c.scribble((sig_x + 5 * hand_mm * 0.8, vy), rng.uniform(15, 25), hand_mm, ink)
        else:
            truth.signature = c.scribble((vx + rng.uniform(0, 20), vy + hand_mm * 2.9), rng.uniform(15, 25), hand_mm,
                                         ink)
        if spec["date"]:
            date = _date_text(rng)
            truth.date = c.hand((vx + rng.uniform(0, 25), vy + hand_mm * 1.5 + rng.uniform(0, 3)), date,
                                hand_mm * 0.8, ink)
            truth.date_text = date
    else:
        c.scribble((vx, vy), rng.uniform(15, 25), hand_mm, ink)

    page = np.array(c.page)
    shape = spec.get("seal")
    if shape:
        size = {"round": (rng.uniform(36, 46),) * 2, "oval": (rng.uniform(42, 50), rng.uniform(28, 34)),
                "square": (rng.uniform(18, 26),) * 2}[shape]
        mask = _ink_texture(_seal_mask(shape, size, dpi, rng), rng, bool(spec.get("faded")))
        seal_red = (int(rng.integers(215, 240)), int(rng.integers(90, 130)), int(rng.integers(100, 140))) \
            if spec.get("faded") else red
        if spec.get("cut"):
            side = rng.choice(["left", "right", "bottom"])
            cut = rng.uniform(0.15, 0.4)  # fraction of the diameter beyond the edge
            r = c.px(size[0]) / 2
            inside = r - 2 * r * cut
            center = {"left": (int(inside), c.px(rng.uniform(120, 260))),
                      "right": (int(c.w - inside), c.px(rng.uniform(120, 260))),
                      "bottom": (c.px(rng.uniform(40, 170)), int(c.h - inside))}[side]
        elif spec.get("over") and words_box:
            center = ((words_box[0] + words_box[2]) // 2 + c.px(rng.uniform(-8, 8)),
                      (words_box[1] + words_box[3]) // 2 + c.px(rng.uniform(-4, 4)))
        else:
            anchor = words_box or (c.px(vx), c.px(vy), c.px(vx + 30), c.px(vy + 6))
            center = (anchor[2] + c.px(size[0] / 2 + rng.uniform(2, 12)),
                      (anchor[1] + anchor[3]) // 2 + c.px(rng.uniform(-6, 10)))
            center = (min(center[0], c.w - c.px(size[0] / 2 + 8)), center[1])
        truth.seals.append(_stamp(page, mask, center, seal_red))
        truth.seal_shape = shape

    rgb = _scanner(page, truth, rng)
    if truth.gray:
        rgb = cv2.cvtColor(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    return Scan(rgb, dpi, truth)


def make_set(n: int, dpi: int = 200, seed: int = 0, cases=None) -> list[tuple[str, int]]:
    """(case, seed) pairs for n pages, cycling through the cases (by default the twelve above, BASE_CASES) so that
    each gets its share."""
    names = list(cases or BASE_CASES)
    return [(names[i % len(names)], seed * 100_000 + i) for i in range(n)]


BASE_CASES = tuple(CASES)  # the cases above; families drawn by other modules are added after them
try:  # (their seeds stay as they were); run as a script from benchmarks/, the families load in the block below
    from benchmarks.scanset_seals import CASES as SEAL_CASES

    CASES.update(SEAL_CASES)
except ModuleNotFoundError:
    pass
try:  # red word stamps, dates under the seal, signed and unsigned blocks (benchmarks/scanset_words.py)
    from benchmarks.scanset_words import CASES as WORD_CASES

    CASES.update(WORD_CASES)
except ModuleNotFoundError:
    pass

if __name__ == "__main__":  # write one PNG per case, to look at
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks.scanset import CASES, make_page  # noqa: F811 - every family, registered

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "scanset-out")
    out.mkdir(parents=True, exist_ok=True)
    for name in CASES:
        Image.fromarray(make_page(name, 150, 1).rgb).save(out / f"{name}.png")
    print(f"wrote {len(CASES)} pages to {out}")
