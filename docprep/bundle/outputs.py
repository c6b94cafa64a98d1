"""Making a package's files from a layout (bundle.layout): the photo as it is, or fixed (fix.photo) when asked and
it fails; each PDF from its sources (one source: its bytes as they are, the file that was checked; several: their
pages merged with pikepdf in the layout's order, written deterministically: no dates, an /ID from the content);
and the manifest. Inputs are only read, never through a link."""
from __future__ import annotations

import hashlib
import io
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pikepdf

from .. import __version__
from ..documents.sniff import extension
from ..engine.verdicts import collect
from ..fix.photo import fix_data
from ..i18n import message
from ..model import ApplicationReport, Finding, LoadFailure, Problem, Status
from ..profiles import Profile
from ..rules import files as file_rules
from ..rules.attachments import PHOTO
from .layout import Layout, LeftOut, Member, Planned

SCHEMA = "docprep.bundle/1"
MANIFEST = "manifest.json"
REPORT = "report.html"


@dataclass(frozen=True)
class Made:
    """One file of the package."""

    name: str
    kind: str
    data: bytes
    pages: int | None  # a PDF's pages; None for the photo
    sources: tuple[str, ...]  # relative paths, "/"-separated, in page order
    years: tuple[int, ...] = ()  # the years its sources cover (continuing education)
    fixed: bool = False  # the photo as fix.photo made it


@dataclass
class Materials:
    """What a layout became: the files, sources that could not be used after all, problems of the package itself
    (findings under the name of the output or source they concern), and the photo's findings as packed."""

    made: list[Made] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    problems: list[tuple[str, Finding]] = field(default_factory=list)
    photo_findings: list[Finding] | None = None  # a fixed photo's own findings (None: the photo as checked)
    photo_refusal: list[Finding] = field(default_factory=list)  # why fix.photo could not fix it


def read_member(path: Path) -> bytes:
    """A file's bytes, never through a link (O_NOFOLLOW where the system has it) and only from a regular file."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    handle = os.open(path, flags)
    with os.fdopen(handle, "rb") as source:
        if not stat.S_ISREG(os.fstat(source.fileno()).st_mode):
            raise OSError(0, "not a regular file")
        return source.read()


def source_bytes(member: Member) -> bytes:
    """A source's bytes: its file's (read_member), or a zipped application's member unpacked from the zip.
    OSError or LoadFailure (a zip changed or damaged since it was checked) when they cannot be had."""
    return member.archived.read() if member.archived is not None else read_member(member.path)


def _unreadable(member: Member, exc: OSError | LoadFailure, profile: Profile, into: Materials) -> None:
    reason = exc.problem.message.en if isinstance(exc, LoadFailure) else exc.strerror or type(exc).__name__
    into.left_out.append(LeftOut(member.relative, "unreadable", message("bundle.left_unreadable", reason=reason)))
    into.problems += [(member.relative, f) for f in collect(profile, [("file.unreadable", file_rules.unreadable(reason))])]


def _photo(layout: Layout, failing: bool, fix: bool, profile: Profile, into: Materials) -> None:
    """The photo as it is, or fixed when it fails and `fix` asks for it (and fix.photo can: else as it is, with
    the reasons in photo_refusal)."""
    member = layout.photo
    try:
        data = source_bytes(member)
    except (OSError, LoadFailure) as exc:
        _unreadable(member, exc, profile, into)
        return
    if failing and fix:
        result = fix_data(member.shown, data, profile)
        if result.data is not None:
            into.made.append(Made(f"{layout.photo_name}.jpg", PHOTO, result.data, None, (member.relative,),
                                  fixed=True))
            into.photo_findings = list(result.report.findings)
            return
        into.photo_refusal = list(result.report.findings)
    suffix = extension(PurePosixPath(member.relative).name) or "jpg"
    into.made.append(Made(f"{layout.photo_name}.{suffix}", PHOTO, data, None, (member.relative,)))


def _opened(planned: Planned, profile: Profile, into: Materials) -> list[tuple[Member, bytes, pikepdf.Pdf]]:
    """The sources of one PDF read and opened; those that cannot be are left out."""
    opened = []
    for member in planned.sources:
        try:
            data = source_bytes(member)
        except (OSError, LoadFailure) as exc:
            _unreadable(member, exc, profile, into)
            continue
        try:
            opened.append((member, data, pikepdf.open(io.BytesIO(data))))
        except (pikepdf.PdfError, ValueError) as exc:  # encrypted, damaged: the check has said why
            into.left_out.append(LeftOut(member.relative, "unmergeable",
                                         message("bundle.left_unmergeable", reason=str(exc).splitlines()[0])))
    return opened


def merge_pdfs(parts: list[pikepdf.Pdf]) -> bytes:
    """The pages of `parts` in order, in one new PDF: equal parts give equal bytes (no dates, no producer; the /ID
    from the content; streams copied undecoded)."""
    with pikepdf.new() as merged:
        for part in parts:
            merged.pages.extend(part.pages)
        out = io.BytesIO()
        merged.save(out, deterministic_id=True, stream_decode_level=pikepdf.StreamDecodeLevel.none)
        return out.getvalue()


def _limits(made: Made, profile: Profile) -> list[tuple[str, Problem]]:
    """A merged PDF over the platform's size or page limit ([pdf] max_bytes, max_pages; 0: none)."""
    cfg, problems = profile.section("pdf"), []
    if cfg.max_bytes and len(made.data) > cfg.max_bytes:
        problems.append(("pdf.file-size", Problem(message("bundle.merged_too_large", name=made.name, size=len(
            made.data), limit=cfg.max_bytes, files=len(made.sources)), len(made.data), cfg.max_bytes)))
    if cfg.max_pages and made.pages > cfg.max_pages:
        problems.append(("pdf.page-count", Problem(message("bundle.merged_too_many_pages", name=made.name,
                                                           pages=made.pages, limit=cfg.max_pages,
                                                           files=len(made.sources)), made.pages, cfg.max_pages)))
    return problems


def _document(planned: Planned, profile: Profile, into: Materials) -> None:
    opened = _opened(planned, profile, into)
    try:
        if not opened:
            return
        members = [member for member, _, _ in opened]
        data = opened[0][1] if len(opened) == 1 else merge_pdfs([pdf for _, _, pdf in opened])
        years = tuple(sorted({year for member in members for year in member.years}))
        made = Made(planned.name, planned.kind, data, sum(len(pdf.pages) for _, _, pdf in opened),
                    tuple(m.relative for m in members), years)
        into.made.append(made)
        if len(opened) > 1:
            into.problems += [(made.name, f) for f in collect(profile, _limits(made, profile))]
    finally:
        for _, _, pdf in opened:
            pdf.close()


def make_outputs(layout: Layout, profile: Profile, photo_failing: bool, fix_photo: bool) -> Materials:
    """The package's files from its layout: the photo (fixed with `fix_photo` when `photo_failing`), then a PDF
    per kind, in the layout's order."""
    materials = Materials()
    if layout.photo is not None:
        _photo(layout, photo_failing, fix_photo, profile, materials)
    for planned in layout.documents:
        _document(planned, profile, materials)
    return materials


def manifest_bytes(made: list[Made], left_out: list[LeftOut], profile: Profile, application: ApplicationReport,
                   status: Status, extras: list[str]) -> bytes:
    """manifest.json: what the package holds and where each file came from, keys sorted (equal packages give
    equal bytes). `extras`: the package's other files (report.html)."""
    document = {
        "schema": SCHEMA,
        "docprep": __version__,
        "profile": profile.name,
        "applicant": {"name": application.name, "level": application.level, "year": application.year},
        "status": status.value,
        "outputs": [{"name": m.name, "kind": m.kind, "sha256": hashlib.sha256(m.data).hexdigest(),
                     "bytes": len(m.data), "pages": m.pages, "sources": list(m.sources), "years": list(m.years),
                     "fixed": m.fixed} for m in made],
        "left_out": [{"path": left.relative, "reason": left.reason} for left in left_out],
        "extras": sorted(extras),
    }
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
