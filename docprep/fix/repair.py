"""`docprep fix IN.pdf -o OUT.pdf`: a PDF repaired where `check` finds what can be mended without scanning again,
and nothing else touched.

The PDF is opened and its pages measured once, as `check` measures them (documents.pdf: turn, tilt, blank), and
those measurements decide, page by page, by the rules' own limits:
- a page `check` finds sideways or upside down (pdf.rotation, its way up known) is turned by its /Rotate: the
  image, text layer and everything else on it stay as they are;
- a page tilted past [pdf.skew] max_degrees (pdf.skew) is straightened within the same page size: its content is
  turned back about the page's centre by a transformation put round it (q … cm … Q; the image is not decoded or
  re-encoded, and an OCR text layer turns with it, so it still lies over its words). The corners the turn uncovers
  are painted the paper's measured grey;
- a blank page (pdf.blank-page) is left out, and listed.
Pages that need none of this are copied as they are (pikepdf, streams not decoded or recompressed). The result is
checked as `check` would (engine.check_pdf) and written only when no error is left but the verification marks
(HR's to add): an error that needs a rescan (low resolution, blur, a cut edge...) refuses the fix, writing nothing.
A PDF that needs no repair is written as it is, byte for byte.
"""
from __future__ import annotations

import hashlib
import io
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from ..analysis.pagescan import is_blank
from ..atomic import ensure_writable, write_atomic
from ..documents.pdf import PdfDocument, load_pdf
from ..documents.sniff import sniff
from ..engine.checkfile import check_pdf
from ..errors import UsageError
from ..i18n import Text, message
from ..model import Change, FileReport, FileType, LoadFailure, Problem, Severity
from ..paths import display_name, display_path, read_head
from ..profiles import Profile
from ..rules import pdf_marks
from .refusal import refusal_report, unreadable
from .scan import output_problem


@dataclass(frozen=True)
class PageRepair:
    """What was done to one page of the input (1-based `number`)."""

    number: int
    turned: int = 0  # clockwise degrees added to the page's rotation
    straightened: float = 0.0  # degrees of tilt turned back (positive: the page was tilted clockwise)
    dropped: bool = False  # a blank page, left out

    @property
    def changed(self) -> bool:
        return bool(self.turned or self.straightened or self.dropped)


@dataclass
class RepairResult:
    source: str
    output: str
    written: bool
    report: FileReport  # findings on the PDF made (or why nothing was)
    repairs: list[PageRepair] = field(default_factory=list)  # the pages changed or dropped
    pages: int = 0  # pages in the output
    size_bytes: int | None = None
    data: bytes | None = None  # the PDF, when it was asked for rather than written (write=False)


def is_pdf(path: Path) -> bool:
    """A file whose content is a PDF (what `fix` repairs rather than converts)."""
    return path.is_file() and sniff(read_head(path)) == "PDF"


def plan_repairs(document: PdfDocument, profile: Profile) -> list[PageRepair]:
    """The repairs `check`'s measurements of the document call for, by the rules' limits (pages that cannot be
    read, or whose way up is unknown, are left to the check to report)."""
    cfg = profile.section("pdf")
    repairs = []
    for page in document.pages():
        scan = page.scan
        if page.failure is not None or scan is None:
            continue
        if is_blank(scan, cfg):
            repairs.append(PageRepair(page.number, dropped=True))
            continue
        turn = scan.turn if scan.turn in (90, 180, 270) else 0
        tilt = scan.skew if scan.skew is not None and abs(scan.skew) > cfg.skew.max_degrees else 0.0
        if scan.sideways and scan.turn is None:
            tilt = 0.0  # measured across lines whose way up is unknown
        if turn or tilt:
            repairs.append(PageRepair(page.number, turn, float(tilt)))
    return repairs


def _straighten(pdf: pikepdf.Pdf, page: pikepdf.Page, degrees: float, paper: float) -> None:
    """Turn the page's content back by `degrees` (clockwise tilt as displayed) about the centre of its crop box,
    over a fill of the paper's grey; the page keeps its size."""
    x0, y0, x1, y1 = (float(v) for v in page.cropbox)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    a = math.radians(degrees)  # counter-clockwise as displayed and in user space: /Rotate turns, never mirrors
    cos, sin = math.cos(a), math.sin(a)
    e, f = cx - (cos * cx - sin * cy), cy - (sin * cx + cos * cy)
    grey = min(1.0, max(0.0, paper / 255))
    before = (f"q {grey:.3f} g {x0:.2f} {y0:.2f} {x1 - x0:.2f} {y1 - y0:.2f} re f Q\n"
              f"q {cos:.6f} {sin:.6f} {-sin:.6f} {cos:.6f} {e:.4f} {f:.4f} cm\n")
    page.contents_add(pdf.make_stream(before.encode("ascii")), prepend=True)
    page.contents_add(pdf.make_stream(b"\nQ\n"), prepend=False)


def repaired_pdf(data: bytes, repairs: list[PageRepair], papers: dict[int, float]) -> bytes:
    """The PDF with the repairs made (pages turned, straightened over `papers`' grey by page number, blank ones
    left out); every other object is copied as it is."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for repair in repairs:
            page = pdf.pages[repair.number - 1]
            if repair.turned:
                page.rotate(repair.turned, relative=True)
            if repair.straightened:
                _straighten(pdf, page, repair.straightened, papers.get(repair.number, 255.0))
        for repair in sorted((r for r in repairs if r.dropped), key=lambda r: -r.number):
            del pdf.pages[repair.number - 1]
        out = io.BytesIO()
        pdf.save(out, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve, deterministic_id=True)
        return out.getvalue()


def _no_pages_left(count: int) -> Problem:
    return Problem(Text(f"PDF 的 {count} 页全是空白页，删去后一页都不剩。请重新扫描原件。",
                        f"All {count} pages of the PDF are blank: none would be left. Scan the original again."),
                   0, ">= 1 page")


def repair_bytes(name: str, data: bytes, profile: Profile) -> tuple[bytes, list[PageRepair], int]:
    """(the repaired PDF, the repairs, its page count): the input as it is where nothing needs repair. Raises
    LoadFailure for a PDF `check` cannot open (its rule says why)."""
    with load_pdf(name, data, profile.section("pdf")) as document:
        repairs = plan_repairs(document, profile)
        papers = {p.number: p.scan.paper for p in document.pages() if p.scan is not None}
        count = document.page_count
    kept = count - sum(r.dropped for r in repairs)
    if kept == 0:
        raise LoadFailure("pdf.blank-page", _no_pages_left(count))
    if not repairs:
        return data, [], count
    return repaired_pdf(data, repairs, papers), repairs, kept


def changes(repairs: list[PageRepair]) -> list[Change]:
    """The repairs as the output report lists them (JSON "changes"; the actions are public ids, as rule ids are)."""
    made = []
    for r in repairs:
        page = {"page": r.number}
        if r.dropped:
            made.append(Change("pdf.page-dropped", message("fix.change_dropped", n=r.number), page))
        if r.turned:
            made.append(Change("pdf.page-turned", message("fix.change_turned", n=r.number,
                                                          turn=message(f"fix.turned_{r.turned}")),
                               {**page, "degrees": r.turned}))
        if r.straightened:
            made.append(Change("pdf.page-straightened", message("fix.change_straightened", n=r.number,
                                                                degrees=abs(r.straightened)),
                               {**page, "degrees": round(r.straightened, 2)}))
    return made


def _output_for(source: Path, output: Path | None) -> Path:
    out = output if output is not None else source.with_name(Path(display_name(source)).stem + "-fixed.pdf")
    problem = output_problem(out, [source])
    if problem is not None:
        raise problem
    return out


def repair_pdf(source: Path, output: Path | None, profile: Profile, attachment_kind: str | None = None,
               write: bool = True) -> RepairResult:
    """Repair one PDF into `output` (default IN-fixed.pdf beside it) and write it if it then passes the profile's
    checks (missing verification marks aside); otherwise write nothing and report why. With `write` False nothing
    is written and a passing PDF comes back in RepairResult.data. The input is never modified. UsageError: a
    missing input, an output that is the input, a folder or not .pdf; OutputError: an output that cannot be
    written (checked before any work)."""
    source = Path(source)
    shown = display_path(source)
    if not os.path.lexists(source):
        raise UsageError("missing_path", path=shown)
    out = _output_for(source, output)
    if write:
        ensure_writable(out)
    shown_out = display_path(out) if write else "-"
    try:
        data = source.read_bytes()
    except OSError as exc:
        return RepairResult(shown, shown_out, False, refusal_report(shown, FileType.PDF, None, "file.unreadable",
                                                                    unreadable(exc.strerror)))
    try:
        fixed, repairs, pages = repair_bytes(display_name(source), data, profile)
    except LoadFailure as failure:
        report = refusal_report(shown, FileType.PDF, hashlib.sha256(data).hexdigest(), failure.rule, failure.problem)
        return RepairResult(shown, shown_out, False, report)
    checked = check_pdf(display_name(out), fixed, profile, attachment_kind)
    sha = hashlib.sha256(fixed).hexdigest()
    common = dict(repairs=repairs, pages=pages, size_bytes=len(fixed))
    if any(f.severity is Severity.ERROR and f.rule not in pdf_marks.RULE_IDS for f in checked.findings):
        report = FileReport(shown_out, FileType.PDF, None, checked.findings, attachment_kind=checked.attachment_kind)
        return RepairResult(shown, shown_out, False, report, **common)
    if write:
        write_atomic(out, fixed)
    report = FileReport(shown_out, FileType.PDF, sha, checked.findings, attachment_kind=checked.attachment_kind,
                        changes=changes(repairs))
    return RepairResult(shown, shown_out, write, report, **common, data=None if write else fixed)
