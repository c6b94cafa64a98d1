"""Fitting the scan fix's PDF into a size target: lower JPEG quality first, then fewer pixels, never below the
profile's quality floor or resolution floor; each page keeps whichever of its first version and the re-encoded
one is smaller. When even the floors do not fit, it is refused (pdf.file-size)."""
from __future__ import annotations

from dataclasses import dataclass

from ..i18n import Text
from ..model import Problem
from ..profiles import Profile
from .pages import Page, PageColour
from .pdf import EncodedPage, encode_page_pixels, write_pdf
from .refusal import ScanRefusal

_ROUNDING = 1e-6  # a page scaled to the floor may land a hair above it


def size_target(profile: Profile) -> int:
    """The size the made PDF must fit: the smaller of [pdf.fix] max_bytes and [pdf] max_bytes that are set."""
    cfg = profile.section("pdf")
    limits = [int(v) for v in (cfg.fix.max_bytes, cfg.max_bytes) if v]
    return min(limits) if limits else 0


def dpi_floor(cfg) -> float:
    """The lowest resolution compression scales a page to: [pdf.fix] min_dpi, and never one `check` refuses."""
    return max(float(cfg.fix.min_dpi), float(cfg.resolution.error_below_dpi))


@dataclass(frozen=True)
class Search:
    """What the compression may try: JPEG qualities from `high` down to `low` in steps of `quality_step`, pages
    scaled by `scale_step` at a time down to `floor` dpi ([pdf.fix] quality, quality_step, scale_step, min_dpi)."""

    low: int
    high: int
    quality_step: int
    scale_step: float
    floor: float

    @classmethod
    def from_profile(cls, cfg) -> "Search":
        low, high = (int(q) for q in cfg.fix.quality)
        return cls(low, high, int(cfg.fix.quality_step), float(cfg.fix.scale_step), dpi_floor(cfg))

    @property
    def qualities(self) -> list[int]:
        return sorted(set(range(self.high, self.low - 1, -self.quality_step)) | {self.low}, reverse=True)


def _too_large(search: Search, smallest: int, limit: int) -> ScanRefusal:
    """No quality or resolution above the floors fits the target; `smallest` is the least size reached."""
    return ScanRefusal("pdf.file-size", Problem(Text(
        f"即使把 JPEG 质量降到 {search.low}、分辨率降到 {search.floor:g} dpi，PDF 仍有 {smallest:,} 字节，超过上限 "
        f"{limit:,} 字节（再压缩印章和小字会看不清）。请把材料拆分成多个附件，或减少页数。",
        f"Even at JPEG quality {search.low} and {search.floor:g} dpi the PDF has {smallest:,} bytes, over the limit "
        f"of {limit:,} (compressing further would blur seals and small print). Split it into several attachments "
        "or use fewer pages."), smallest, limit))


def _options(pages: list[Page], before: list[EncodedPage], scales: list[float], qualities: list[int]
             ) -> list[dict[int, EncodedPage]]:
    """Each page at each quality, at its scale: its first version where that is no larger."""
    per_page: list[dict[int, EncodedPage]] = []
    for page, first, scale in zip(pages, before, scales):
        if page.colour is PageColour.BITONAL:  # lossless one-bit pages are as small as they get here
            per_page.append({q: first for q in qualities})
            continue
        pixels = page.render(scale)
        options = {}
        for quality in qualities:
            made = encode_page_pixels(page, pixels, quality, page.dpi * scale)
            options[quality] = first if scale == 1.0 and len(first.data) <= len(made.data) else made
        per_page.append(options)
        del pixels
    return per_page


def compress(pages: list[Page], before: list[EncodedPage], before_size: int, limit: int, search: Search
             ) -> tuple[bytes, list[EncodedPage]]:
    """The first PDF that fits `limit`, lowering quality first, then scaling every page by a common factor (none
    below the floor), and its page images. Raises ScanRefusal (pdf.file-size) when even the floors do not fit."""
    qualities = search.qualities
    smallest, scale = before_size, 1.0
    while True:
        scales = [1.0 if p.dpi <= search.floor else max(scale, search.floor / p.dpi) for p in pages]
        per_page = _options(pages, before, scales, qualities)
        for quality in qualities:
            chosen = [options[quality] for options in per_page]
            data = write_pdf(chosen)
            smallest = min(smallest, len(data))
            if len(data) <= limit:
                return data, chosen
        if all(s * p.dpi <= search.floor + _ROUNDING or p.dpi <= search.floor for p, s in zip(pages, scales)):
            raise _too_large(search, smallest, limit)
        scale *= search.scale_step
