"""What `docprep fix` says it did, in the reader's language: a line per photo, or a line for the PDF and one per
page (catalogue keys [fix]); the findings follow as a report (render.report)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..i18n import message

if TYPE_CHECKING:  # the fix modules load OpenCV and the PDF writers; their results are only read here
    from ..fix.photo import FixResult
    from ..fix.repair import RepairResult
    from ..fix.scan import PageFacts, ScanFixResult

def photo_summary(result: FixResult, lang: str) -> str:
    """One line: where the fixed photo went and what it is, or that nothing was written."""
    if result.size is None:
        return message("fix.not_written", path=result.source)(lang)
    where = result.output or message("cli.standard_output")(lang)
    width, height = result.size
    if result.quality is None:  # the input already passed: its image kept as it was
        return message("fix.photo_kept", path=where, width=width, height=height, size=result.byte_count)(lang)
    line = message("fix.photo_written", path=where, width=width, height=height, size=result.byte_count,
                   quality=result.quality)(lang)
    return message("fix.separator")(lang).join([line] + [change.message(lang) for change in result.report.changes])


def scan_summary(result: ScanFixResult, lang: str) -> str:
    """The PDF made (or not), then what was done to each page."""
    if result.written or result.data is not None:
        head = message("fix.scan_written", path=result.output, pages=len(result.pages), size=result.size_bytes)(lang)
        if result.compressed:
            head += message("fix.scan_compressed", limit=result.limit)(lang)
    else:
        head = message("fix.not_written", path=result.output)(lang)
    return "\n".join([head] + [page_line(number, page, lang) for number, page in enumerate(result.pages, start=1)])


def page_line(number: int, page: PageFacts, lang: str) -> str:
    """Page `number`: its source, size, resolution and what was done to it."""
    source = message("fix.page_source", source=page.source, frame=page.frame)(lang) if page.frame > 1 else page.source
    done = [message("fix.sheet_cut")(lang)] if page.sheet_cut else []
    if page.turned:
        done.append(message(f"fix.turned_{page.turned}")(lang))
    if page.deskewed:
        done.append(message("fix.straightened", degrees=abs(page.deskewed))(lang))
    done.append(message(f"fix.encoding_{page.encoding.value}", quality=page.quality)(lang))
    dpi = message("fix.dpi", dpi=page.dpi)(lang) + message(f"fix.dpi_from_{page.dpi_source.value}")(lang)
    width, height = page.size_px
    return message("fix.page", n=number, source=source, width=width, height=height, dpi=dpi,
                   done=message("fix.separator")(lang).join(done))(lang)


def repair_summary(result: RepairResult, lang: str) -> str:
    """The repaired PDF made (or not), then each page turned, straightened or left out."""
    if result.written or result.data is not None:
        head = message("fix.scan_written", path=result.output, pages=result.pages, size=result.size_bytes)(lang)
    else:
        head = message("fix.not_written", path=result.output)(lang)
    lines = [head]
    if result.size_bytes is not None and not result.repairs:
        lines.append(message("fix.repair_nothing")(lang))
    for repair in result.repairs:
        done = [message("fix.repair_dropped")(lang)] if repair.dropped else []
        if repair.turned:
            done.append(message(f"fix.turned_{repair.turned}")(lang))
        if repair.straightened:
            done.append(message("fix.straightened", degrees=abs(repair.straightened))(lang))
        lines.append(message("fix.repair_page", n=repair.number, done=message("fix.separator")(lang).join(done))(lang))
    return "\n".join(lines)
