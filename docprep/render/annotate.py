"""Pictures of what docprep saw on each page of a PDF (`docprep check --annotate DIR`).

A finding says "no seal on page 3"; the picture shows what docprep took for a seal, the verification words and
their date, and where it looked for them, so a person can tell at a glance whether the copy or the check is at
fault. One PNG per analysed page: marks in colour, the searched areas in grey, findings with a place as red
(error) or orange (warning) boxes, and findings without one listed in a banner above the page."""
from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

from ..analysis.marks import Box, PageMarks
from ..atomic import write_atomic
from ..documents.pdf import PdfDocument, PdfPage
from ..documents.sniff import ANNOTATION_SOFTWARE
from ..model import Finding, Severity

log = logging.getLogger(__name__)

Colour = tuple[int, int, int]
SEAL: Colour = (0, 170, 60)
WORDS: Colour = (20, 90, 230)
DATE: Colour = (150, 40, 200)
SEARCHED: Colour = (160, 160, 160)
ERROR: Colour = (220, 20, 20)
WARNING: Colour = (235, 130, 0)
PAPER: Colour = (255, 255, 255)
BANNER: Colour = (255, 238, 238)
# Finding messages are drawn in Pillow's bundled font, ASCII only: the few non-ASCII signs of English messages.
ASCII_SIGNS = str.maketrans({"×": "x", "°": " deg", "–": "-", "—": "-", "≥": ">=", "≤": "<=", "“": '"', "”": '"',
                             "‘": "'", "’": "'", "…": "..."})


def write_annotations(document: PdfDocument, findings: list[Finding], out_dir: Path, stem: str,
                      dpi: float = 100) -> list[Path]:
    """Write `{stem}-pNNN.png` into `out_dir` for every analysed page that renders; the paths, in page order.
    A page PDFium cannot render gets no picture (its failure is already a finding)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for page in document.pages():
        pixels = _render(document, page, dpi)
        if pixels is None:
            continue
        picture = _annotate_page(page, pixels, [f for f in findings if _shown_on(f, page.number)])
        path = out_dir / f"{stem}-p{page.number:03d}.png"
        write_atomic(path, _png(picture))
        written.append(path)
    return written


def _annotate_page(page: PdfPage, pixels: np.ndarray, findings: list[Finding]) -> Image.Image:
    """The page's pixels with its marks and findings drawn on; findings without a box in a banner on top."""
    image = Image.fromarray(pixels).convert("RGB")
    pen = _Pen.for_page(image, page.size)
    if page.marks is not None:
        _draw_marks(pen, page.marks)
    for finding in findings:
        if _boxed_on(finding, page.number):
            pen.outline(finding.box, _colour(finding), finding.rule)
    unplaced = [f for f in findings if not _boxed_on(f, page.number)]
    return _with_banner(image, [_banner_line(f) for f in unplaced], pen) if unplaced else image


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


def _draw_marks(pen: _Pen, marks: PageMarks) -> None:
    """Where docprep looked first (thin grey), then what it found on top."""
    for box in (*marks.searched, *(() if marks.date_zone is None else (marks.date_zone,))):
        pen.outline(box, SEARCHED, "searched", thin=True)
    for box in marks.seals:
        pen.outline(box, SEAL, "seal")
    if marks.words is not None:
        source = f" ({marks.words_source})" if marks.words_source else ""
        pen.outline(marks.words, WORDS, "verification" + source)
    if marks.date is not None:
        pen.outline(marks.date, DATE, "date")


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
                   max(2, round(short / 280)), ImageFont.load_default(size=max(12, round(short / 55))))

    def outline(self, box: Box, colour: Colour, label: str, thin: bool = False) -> None:
        x, y, w, h = box
        sx, sy = self.scale
        rect = (x * sx, y * sy, (x + w) * sx, (y + h) * sy)
        self.draw.rectangle(rect, outline=colour, width=max(1, self.line // 2) if thin else self.line)
        self.label(rect, colour, label)

    def label(self, rect: tuple[float, float, float, float], colour: Colour, text: str) -> None:
        """The label just above the box, or inside its top edge where the box touches the top of the page."""
        height = self.font.size + 2 * self.line
        top = rect[1] - height if rect[1] >= height else rect[1] + self.line
        origin = (rect[0] + self.line, top + self.line)
        self.draw.rectangle(self.draw.textbbox(origin, text, font=self.font), fill=PAPER)
        self.draw.text(origin, text, fill=colour, font=self.font)


def _colour(finding: Finding) -> Colour:
    return ERROR if finding.severity is Severity.ERROR else WARNING


def _banner_line(finding: Finding) -> tuple[str, Colour]:
    where = "whole file" if finding.page is None else f"page {finding.page}"
    message = finding.message("en").translate(ASCII_SIGNS).encode("ascii", "replace").decode("ascii")
    return f"{finding.rule} ({where}): {message}", _colour(finding)


def _with_banner(image: Image.Image, lines: list[tuple[str, Colour]], pen: _Pen) -> Image.Image:
    """A band above the page with one line per finding (long lines are cut at the picture's edge)."""
    step = round(pen.font.size * 1.4)
    pad = 2 * pen.line
    banner = Image.new("RGB", (image.width, image.height + len(lines) * step + 2 * pad), BANNER)
    banner.paste(image, (0, banner.height - image.height))
    draw = ImageDraw.Draw(banner)
    for row, (text, colour) in enumerate(lines):
        draw.text((pad, pad + row * step), text, fill=colour, font=pen.font)
    return banner


def _png(image: Image.Image) -> bytes:
    """PNG bytes tagged as docprep's own picture (sniff.OWN_OUTPUT), so a later check of the folder skips it."""
    out = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", ANNOTATION_SOFTWARE)
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()
