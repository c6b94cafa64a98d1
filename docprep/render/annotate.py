"""Pictures of what docprep saw on each page of a PDF (`docprep check --annotate DIR`).

A finding says "no seal on page 3"; the picture shows what docprep took for a seal, the verification words,
their date and the verifier's signature, and where it looked for them, so a person can tell at a glance whether
the copy or the check is at fault. One PNG per analysed page: marks in colour, the searched areas in grey,
findings with a place as red (error) or orange (warning) boxes, and findings without one listed in a banner above
the page. The lettering is in the report's language, in the Noto Sans CJK SC subset shipped in fonts/ (SOURCES.md
there says what it holds)."""
from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

from ..analysis.geometry import Box
from ..analysis.marks import PageMarks
from ..atomic import write_atomic
from ..documents.pdf import PdfDocument
from ..documents.pdfpages import PdfPage
from ..documents.sniff import ANNOTATION_SOFTWARE
from ..i18n import message
from ..model import Finding, Severity

log = logging.getLogger(__name__)

Colour = tuple[int, int, int]
SEAL: Colour = (0, 170, 60)
WORDS: Colour = (20, 90, 230)
DATE: Colour = (150, 40, 200)
SIGNATURE: Colour = (0, 150, 170)
SEARCHED: Colour = (160, 160, 160)
ERROR: Colour = (220, 20, 20)
WARNING: Colour = (235, 130, 0)
PAPER: Colour = (255, 255, 255)
BANNER: Colour = (255, 238, 238)
FONTS = resources.files(__package__).joinpath("fonts")
# The font and characters.txt, the characters it has, made by tests/fixtures/fonts/make_package_font.py.
FONT_FILE = "NotoSansSC-docprep.otf"
MISSING = "□"  # drawn for a character the font lacks, as Chinese print marks a character it cannot set
# Where a banner line may break: at spaces and between Chinese characters, never after opening punctuation or
# before closing punctuation.
OPENING = "（《「『【“‘"
CLOSING = "，。、：；！？）》」』】”’"
WORD = rf"[^ \u2e80-\uffef{OPENING}{CLOSING}]+"  # a run of Latin letters, digits and signs
BREAKS = re.compile(rf" +|[{OPENING}]*(?:{WORD}|.)[{CLOSING}]*")
WORDS_LABELS = {"text-layer": "annotate.words_text_layer", "ocr": "annotate.words_ocr"}  # marks.words_source


def write_annotations(document: PdfDocument, findings: list[Finding], out_dir: Path, stem: str,
                      dpi: float = 100, lang: str = "zh") -> list[Path]:
    """Write `{stem}-pNNN.png` into `out_dir` for every analysed page that renders, lettered in `lang`; the paths,
    in page order. A page PDFium cannot render gets no picture (its failure is already a finding)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for page in document.pages():
        pixels = _render(document, page, dpi)
        if pixels is None:
            continue
        picture = _annotate_page(page, pixels, [f for f in findings if _shown_on(f, page.number)], lang)
        path = out_dir / f"{stem}-p{page.number:03d}.png"
        write_atomic(path, _png(picture))
        written.append(path)
    return written


def _annotate_page(page: PdfPage, pixels: np.ndarray, findings: list[Finding], lang: str) -> Image.Image:
    """The page's pixels with its marks and findings drawn on; findings without a box in a banner on top."""
    image = Image.fromarray(pixels).convert("RGB")
    pen = _Pen.for_page(image, page.size)
    if page.marks is not None:
        _draw_marks(pen, page.marks, lang)
    for finding in findings:
        if _boxed_on(finding, page.number):
            pen.outline(finding.box, _colour(finding), finding.rule)
    unplaced = [f for f in findings if not _boxed_on(f, page.number)]
    return _with_banner(image, [_banner_line(f, lang) for f in unplaced], pen) if unplaced else image


def _shown_on(finding: Finding, number: int) -> bool:
    """Page findings on their page; document findings (no page) on page 1."""
    return finding.page == number or (finding.page is None and number == 1)


def _boxed_on(finding: Finding, number: int) -> bool:
    return finding.box is not None and finding.page == number


def _render(document: PdfDocument, page: PdfPage, dpi: float) -> np.ndarray | None:
    if not all(side > 0 for side in page.size):
        return None
    try:
        return document.render(page.number, dpi)
    except Exception as exc:  # a page PDFium cannot draw: no picture, and no traceback
        log.debug("page %d not rendered: %s", page.number, exc, exc_info=True)
        return None


def _draw_marks(pen: _Pen, marks: PageMarks, lang: str) -> None:
    """Where docprep looked first (thin grey), then what it found on top."""
    for box in (*marks.searched, *(() if marks.date_zone is None else (marks.date_zone,))):
        pen.outline(box, SEARCHED, message("annotate.searched")(lang), thin=True)
    for box in marks.seals:
        pen.outline(box, SEAL, message("annotate.seal")(lang))
    if marks.words is not None:
        pen.outline(marks.words, WORDS, message(WORDS_LABELS.get(marks.words_source, "annotate.words"))(lang))
    if marks.date is not None:
        pen.outline(marks.date, DATE, message("annotate.date")(lang))
    if marks.signature is not None:
        pen.outline(marks.signature, SIGNATURE, message("annotate.signature")(lang))


@dataclass(frozen=True)
class _Pen:
    """Draws labelled boxes given in page points; line width and lettering grow with the picture, so they read
    the same at 100 dpi on A4 (827 px wide) as on larger renders."""

    draw: ImageDraw.ImageDraw
    scale: tuple[float, float]  # pixels per page point, x and y
    line: int
    font: ImageFont.FreeTypeFont

    @classmethod
    def for_page(cls, image: Image.Image, size: tuple[float, float]) -> _Pen:
        short = min(image.size)
        return cls(ImageDraw.Draw(image), (image.width / size[0], image.height / size[1]),
                   max(2, round(short / 280)), lettering(max(12, round(short / 55))))

    def outline(self, box: Box, colour: Colour, label: str, thin: bool = False) -> None:
        x, y, w, h = box
        sx, sy = self.scale
        rect = (x * sx, y * sy, (x + w) * sx, (y + h) * sy)
        self.draw.rectangle(rect, outline=colour, width=max(1, self.line // 2) if thin else self.line)
        self.label(rect, colour, label)

    def label(self, rect: tuple[float, float, float, float], colour: Colour, text: str) -> None:
        """The label just above the box (its descender line on the box's top edge, so the paper behind it does not
        hide the edge), or inside the top edge where the box touches the top of the page."""
        above = rect[1] >= sum(self.font.getmetrics())
        origin = (rect[0] + self.line, rect[1] if above else rect[1] + self.line)
        anchor = "ld" if above else "la"  # left, at the descender line / the ascender line
        text = drawable(text)
        self.draw.rectangle(self.draw.textbbox(origin, text, font=self.font, anchor=anchor), fill=PAPER)
        self.draw.text(origin, text, fill=colour, font=self.font, anchor=anchor)


def _colour(finding: Finding) -> Colour:
    return ERROR if finding.severity is Severity.ERROR else WARNING


def _banner_line(finding: Finding, lang: str) -> tuple[str, Colour]:
    where = message("annotate.whole_file") if finding.page is None else message("report.page", n=finding.page)
    line = message("annotate.banner_line", rule=finding.rule, where=where, message=finding.message)(lang)
    return drawable(line), _colour(finding)


def _with_banner(image: Image.Image, lines: list[tuple[str, Colour]], pen: _Pen) -> Image.Image:
    """A band above the page listing the findings, each wrapped within the picture's width (its further lines
    indented, so each finding reads as one block)."""
    step = round(pen.font.size * 1.4)
    pad = 2 * pen.line
    indent = pen.font.size
    rows = [(pad + (indent if n else 0), part, colour) for text, colour in lines
            for n, part in enumerate(wrap(text, pen.font, image.width - 2 * pad - indent))]
    banner = Image.new("RGB", (image.width, image.height + len(rows) * step + 2 * pad), BANNER)
    banner.paste(image, (0, banner.height - image.height))
    draw = ImageDraw.Draw(banner)
    for row, (left, text, colour) in enumerate(rows):
        draw.text((left, pad + row * step), text, fill=colour, font=pen.font)
    return banner


@lru_cache(maxsize=None)
def _covered() -> frozenset[str]:
    return frozenset(FONTS.joinpath("characters.txt").read_text(encoding="utf-8").rstrip("\n"))


@lru_cache(maxsize=8)
def lettering(size: int) -> ImageFont.FreeTypeFont:
    """The shipped font at `size` pixels, read from the installed package (no system font is needed)."""
    return ImageFont.truetype(io.BytesIO(FONTS.joinpath(FONT_FILE).read_bytes()), size)


def drawable(text: str) -> str:
    """`text` as the font can draw it: white space as plain spaces, and each character it lacks as □, so a reader
    sees that something is missing (the font's own empty glyph is easy to take for a blank)."""
    covered = _covered()
    return "".join(" " if char.isspace() else char if char in covered else MISSING for char in text)


def wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """`text` in lines no wider than `width` pixels: greedy, breaking at BREAKS; a word longer than a line is cut."""
    lines = [""]
    for token in BREAKS.findall(text):
        if lines[-1] and font.getlength(lines[-1] + token) > width:
            lines[-1] = lines[-1].rstrip()
            lines.append(token.lstrip())
        else:
            lines[-1] += token
        while len(lines[-1]) > 1 and font.getlength(lines[-1]) > width:
            cut = len(lines[-1]) - 1
            while cut > 1 and font.getlength(lines[-1][:cut]) > width:
                cut -= 1
            lines[-1:] = [lines[-1][:cut], lines[-1][cut:]]
    return [line for line in lines if line]


def _png(image: Image.Image) -> bytes:
    """PNG bytes tagged as docprep's own picture (sniff.OWN_OUTPUT), so a later check of the folder skips it."""
    out = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", ANNOTATION_SOFTWARE)
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()
