"""`docprep fix` for scans: photos of documents and scanner images (JPEG, PNG, TIFF with several pages, HEIC where
pillow-heif is installed) -> one PDF attachment that passes `docprep check`, or a refusal saying why it cannot.

Per page (every frame of a multi-page TIFF is a page; fix.pages):
- The EXIF orientation is applied, then the page is measured with the same code `check` uses (analysis.pagescan,
  at the profile's analysis resolution): it is turned upright (90/180/270) and straightened when it is tilted by
  at least [pdf.fix] deskew_degrees, within the page, which keeps its size (an A4 scan stays A4). The corners a
  straightening uncovers are filled with the colour of the page's own border (white on a white scan), not black.
- A photo of a sheet with the desk or fingers round it (the profile's [pdf.sheet]) becomes the sheet alone: its
  perspective corrected to the paper format its shape matches, which sizes the page, its light evened and its
  paper whitened, the red seal kept red (fix.sheet).
- The page size comes from the image's resolution, or from [pdf.fix] paper_mm where it states none believable: a
  4000-pixel photo is ~340 dpi, a 1280-pixel picture forwarded through a chat app ~110 dpi (refused: too low),
  which a fixed default would have called 200. Pixels are never enlarged.
- A baseline JPEG whose pixels need no change is embedded as it is (fix.pdf): its coded image data is not decoded
  or re-encoded. Quarter turns become the page's rotation; metadata segments are left out (fix.jpeg: EXIF with its
  GPS position, XMP, comments, data after the end of the image), so a clean JPEG (JFIF, no EXIF) is embedded byte
  for byte. Every other page is encoded as a JPEG at the profile's quality, colour kept as colour (seals are red)
  and grey as grey; one-bit scans stay one-bit (lossless Flate).
- With a size target (the smaller of [pdf.fix] max_bytes and [pdf] max_bytes that are set), a PDF over it is
  compressed (fix.compress), or refused (pdf.file-size) when even the profile's floors do not fit.

`images_to_pdf` is the pure conversion (bytes in, PDF bytes and per-page facts out). `fix_scans` reads the files,
converts, verifies the PDF with engine.check_pdf (any error left, e.g. pdf.low-resolution, which fixing cannot
mend, is a refusal: nothing is written; missing verification marks are HR's to add and are reported without
refusing) and writes it atomically. Inputs are never modified or overwritten.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..analysis.pagescan import ScanSettings
from ..atomic import ensure_writable, write_atomic
from ..documents.images import frame_count, open_image, seek_frame
from ..documents.sniff import IMAGE_EXTENSIONS, IMAGE_FORMATS, extension, sniff
from ..engine.checkfile import check_pdf
from ..engine.walk import Target, discover
from ..errors import UsageError
from ..i18n import Text, message
from ..model import Change, FileReport, FileType, Problem, Severity
from ..paths import display_name, display_path, same_file
from ..profiles import Profile
from ..rules import pdf_marks
from .compress import Search, compress, size_target
from .pages import DpiSource, Page, PageColour, prepare_page, refusing_undecodable
from .pdf import EncodedPage, PageEncoding, encode_page_pixels, original_image, write_pdf
from .refusal import ScanRefusal, refusal_report, unreadable

__all__ = ["DpiSource", "FixedScan", "PageColour", "PageEncoding", "PageFacts", "ScanFixResult", "ScanRefusal",
           "fix_scans", "images_to_pdf", "scan_sources", "size_target"]


@dataclass(frozen=True)
class PageFacts:
    """What was done to one page."""

    source: str  # the input's name
    frame: int  # 1-based frame within the input (multi-page TIFF); 1 for single images
    size_px: tuple[int, int]  # pixels as shown on the page
    dpi: float
    dpi_source: DpiSource
    exif_orientation: int
    turned: int  # clockwise degrees docprep turned the page to make it upright (after EXIF)
    deskewed: float  # degrees of tilt straightened (0.0: none)
    encoding: PageEncoding
    quality: int | None  # JPEG quality of a re-encoded page
    image_bytes: int
    sheet_cut: bool = False  # a photographed sheet cut out of the photo (fix.sheet)


@dataclass
class FixedScan:
    """One PDF made from the images, and what was done to each page."""

    data: bytes
    pages: list[PageFacts]
    limit: int = 0  # the size target applied (0: none)
    compressed: bool = False  # quality or resolution was lowered to meet the target


def _facts(page: Page, image: EncodedPage) -> PageFacts:
    return PageFacts(page.source, page.frame, image.shown, round(image.dpi, 2), page.dpi_source, page.exif,
                     page.turned, round(page.deskewed, 2), image.encoding, image.quality, len(image.data),
                     page.sheet is not None)


def _not_an_image(name: str, data: bytes) -> ScanRefusal | None:
    """Content that is no image at all (file.unsupported); an empty or damaged picture is the opener's to refuse."""
    kind = sniff(data[:1024])
    if not data or kind in IMAGE_FORMATS:
        return None
    what = kind or "unknown"
    if kind == "PDF":  # a PDF is repaired alone (fix.repair), not made into pages among images
        return ScanRefusal("file.unsupported", Problem(Text(
            f"“{name}”是 PDF，不能和图片合成一个 PDF。单独修复它：docprep fix {name} -o 输出.pdf",
            f"'{name}' is a PDF: it cannot be made into pages with images. Repair it on its own: docprep fix {name} "
            "-o OUT.pdf"), what, "an image"), source=name)
    return ScanRefusal("file.unsupported", Problem(Text(
        f"“{name}”不是图片（识别为：{what}）。只能把照片或扫描图像（JPG、PNG、TIFF、HEIC）合成 PDF。",
        f"'{name}' is not an image (it looks like: {what}). Only photos and scanner images (JPG, PNG, TIFF, HEIC) "
        "can be made into a PDF."), what, "an image"), source=name)


def _pages_of(name: str, data: bytes, cfg, settings: ScanSettings) -> Iterator[Page]:
    """Every frame of one input, measured and decided, one at a time (the caller makes each page before the next
    is decoded: a photographed sheet holds its decoded photo until then)."""
    refusal = _not_an_image(name, data)
    if refusal is not None:
        raise refusal
    limit = int(cfg.max_image_pixels)
    with refusing_undecodable(name):
        image = open_image(name, data, limit)
        count = frame_count(image)
    for frame in range(count):
        with refusing_undecodable(name):
            seek_frame(image, frame, limit)
            page = prepare_page(name, data, image, frame, cfg, settings)
        yield page


def images_to_pdf(images: list[tuple[str, bytes]], profile: Profile) -> FixedScan:
    """One PDF from the images in order (each frame of a multi-page TIFF a page). Raises ScanRefusal for an input
    that is no readable image, or a size target that cannot be met above the quality and resolution floors."""
    if not images:
        raise ValueError("images_to_pdf needs at least one image")
    cfg = profile.section("pdf")
    settings = ScanSettings.from_profile(cfg)
    search = Search.from_profile(cfg)
    pages = []
    placed = []
    for name, data in images:
        for page in _pages_of(name, data, cfg, settings):
            pages.append(page)
            placed.append(original_image(page) if page.original is not None else
                          encode_page_pixels(page, page.render(1.0), search.high, page.dpi))
    data = write_pdf(placed)
    limit = size_target(profile)
    if not limit or len(data) <= limit:
        return FixedScan(data, [_facts(p, i) for p, i in zip(pages, placed)], limit)
    try:
        data, chosen = compress(pages, placed, len(data), limit, search)
    except ScanRefusal as refusal:
        refusal.pages = [_facts(p, i) for p, i in zip(pages, placed)]
        raise
    return FixedScan(data, [_facts(p, i) for p, i in zip(pages, chosen)], limit, compressed=True)


# --- files ----------------------------------------------------------------------------------------------------

@dataclass
class ScanFixResult:
    sources: list[str]
    output: str
    written: bool
    report: FileReport  # findings on the PDF made (or the refusal)
    pages: list[PageFacts] = field(default_factory=list)
    size_bytes: int | None = None
    limit: int = 0
    compressed: bool = False
    data: bytes | None = None  # the PDF, when it was asked for rather than written (fix_scans(write=False))


def _folder_images(folder: Path, profile: Profile) -> list[Path]:
    """A folder's images (not its subfolders'), in natural name order (page2 before page10); a folder named
    through a link is walked as the folder it names."""
    walked = folder.resolve() if folder.is_symlink() else folder
    return [folder / target.path.name for target in discover([walked], profile, recursive=False)
            if isinstance(target, Target) and target.in_folder and extension(target.path.name) in IMAGE_EXTENSIONS]


def scan_sources(paths: list[Path], profile: Profile) -> list[Path]:
    """The image files to make pages of, in order: files as given; a folder's images (engine.walk, not its
    subfolders) in natural name order (page2 before page10)."""
    files: list[Path] = []
    for path in paths:
        if not os.path.lexists(path):
            raise UsageError("missing_path", path=display_path(path))
        if path.is_dir():
            found = _folder_images(path, profile)
            if not found:
                raise UsageError("no_images", path=display_path(path))
            files.extend(found)
        else:
            files.append(path)
    return files


def output_problem(output: Path, files: list[Path]) -> UsageError | None:
    """Why a PDF made of `files` (or repaired from one) cannot go to `output`: it is one of them, a folder, or not
    .pdf; None when it can."""
    shown = display_path(output)
    if any(same_file(source, output) for source in files):
        return UsageError("would_overwrite", path=shown)
    if output.is_dir():
        return UsageError("output_is_folder", path=shown)
    if output.suffix.lower() != ".pdf":
        return UsageError("output_not_pdf", path=shown)
    return None


def _default_output(first: Path) -> Path:
    """FIRST-fixed.pdf beside the first source (a folder's name, or a file's stem)."""
    stem = Path(display_name(first)).stem if first.is_file() else display_name(first)
    return first.with_name(stem + "-fixed.pdf")


def fix_scans(sources: list[Path], output: Path | None, profile: Profile, attachment_kind: str | None = None,
              write: bool = True) -> ScanFixResult:
    """Make one PDF from the images (files, or folders of them) and write it to `output` (default: FIRST-fixed.pdf
    beside the first source) if it passes the profile's checks; otherwise write nothing and report why. With
    `write` False nothing is written either way and a passing PDF is returned in ScanFixResult.data. Inputs are
    never modified. `attachment_kind` is the PDF's kind for the verification marks (default: from the output's
    name). UsageError: no sources, a missing one, an output that is one of them, a folder, or not .pdf, an unknown
    kind; OutputError: an output that cannot be written (checked before any work)."""
    if not sources:
        raise UsageError("no_sources")
    files = scan_sources([Path(s) for s in sources], profile)
    output = Path(output) if output is not None else _default_output(Path(sources[0]))
    problem = output_problem(output, files)
    if problem is not None:
        raise problem
    if write:
        ensure_writable(output)
    shown_out = display_path(output) if write else "-"
    shown = [display_path(f) for f in files]
    images = []
    for path, name in zip(files, shown):
        try:
            images.append((name, path.read_bytes()))
        except OSError as exc:
            report = refusal_report(name, FileType.OTHER, None, "file.unreadable", unreadable(exc.strerror))
            return ScanFixResult(shown, shown_out, False, report)
    try:
        fixed = images_to_pdf(images, profile)
    except ScanRefusal as refusal:
        sha = next((hashlib.sha256(d).hexdigest() for n, d in images if n == refusal.source), None)
        report = refusal_report(refusal.source or shown_out, FileType.OTHER if refusal.source else FileType.PDF, sha,
                                refusal.rule, refusal.problem)
        return ScanFixResult(shown, shown_out, False, report, refusal.pages)
    return _verified(fixed, output, shown, shown_out, profile, attachment_kind, write)


def _verified(fixed: FixedScan, output: Path, shown: list[str], shown_out: str, profile: Profile,
              attachment_kind: str | None, write: bool) -> ScanFixResult:
    """The PDF checked as `check` would, and written when no error is left but missing verification marks (HR's
    to add, not a scanning fault: reported, but the PDF is still written)."""
    checked = check_pdf(display_name(output), fixed.data, profile, attachment_kind)
    common = dict(pages=fixed.pages, size_bytes=len(fixed.data), limit=fixed.limit, compressed=fixed.compressed)
    if any(f.severity is Severity.ERROR and f.rule not in pdf_marks.RULE_IDS for f in checked.findings):
        return ScanFixResult(shown, shown_out, False, FileReport(shown_out, FileType.PDF, None, checked.findings,
                                                                 attachment_kind=checked.attachment_kind), **common)
    if write:
        write_atomic(output, fixed.data)
    cut = [Change("pdf.sheet-cut", message("fix.change_sheet", n=n, source=page.source),
                  {"page": n, "size_px": list(page.size_px), "dpi": page.dpi})
           for n, page in enumerate(fixed.pages, start=1) if page.sheet_cut]
    report = FileReport(shown_out, FileType.PDF, hashlib.sha256(fixed.data).hexdigest(), checked.findings,
                        attachment_kind=checked.attachment_kind, changes=cut)
    return ScanFixResult(shown, shown_out, write, report, **common, data=None if write else fixed.data)
