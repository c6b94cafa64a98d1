"""Checking one file: read it once, tell what it is by content, decode it once, run its family's rules.

Every function here is a pure function of its inputs (a path or bytes, and a profile), so it runs unchanged in
a worker process or on another machine."""
from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..analysis.docimage import document_evidence
from ..applications.archive import ArchiveMember
from ..documents.pdf import load_pdf
from ..documents.photo import load_photo
from ..documents.sniff import IMAGE_EXTENSIONS, IMAGE_FORMATS, PDF_EXTENSIONS, extension, is_own_output, sniff
from ..errors import DocprepError
from ..i18n import default_language, message
from ..model import FileReport, FileType, Finding, LoadFailure, Severity, Thumbnail
from ..paths import display_name, display_path, name_bytes
from ..profiles import Profile
from ..rules import REGISTRY, pdf_marks
from ..rules import files as file_rules
from ..rules import pdf as pdf_rules
from ..rules import photo as photo_rules
from ..rules.kinds import document_word, resolve_kind
from .verdicts import collect, run_family

log = logging.getLogger(__name__)
# How much of an unexpected exception's text goes into the file.check-failed message (the rest is in the log).
_DETAIL_CHARS = 160


def classify(name: str, head: bytes) -> FileType:
    """What a file is, from the content first and the extension second; a .pdf name is always checked as a PDF,
    so a JPEG or a web page saved as .pdf gets pdf.not-pdf rather than photo rules."""
    content = sniff(head)
    ext = extension(name)
    if ext in PDF_EXTENSIONS or content == "PDF":
        return FileType.PDF
    if content in IMAGE_FORMATS or ext in IMAGE_EXTENSIONS:
        return FileType.PHOTO
    return FileType.OTHER


def check_photo_bytes(name: str, data: bytes, profile: Profile) -> list[Finding]:
    """All photo rules on one photo's bytes (also how `fix` verifies its own output before writing it)."""
    try:
        photo = load_photo(name, data, profile.section("photo"))
    except LoadFailure as failure:
        return collect(profile, [(failure.rule, failure.problem)])
    return run_family(photo_rules.FAMILY, photo, profile)


def check_image(name: str, data: bytes, profile: Profile, pictures: bool = False
                ) -> tuple[FileType, list[Finding], list[Thumbnail]]:
    """An image file: (PHOTO, the photo rules' findings), or (OTHER, file.document-image) when it is a picture of
    a document (a certificate saved as JPG), which ID-photo rules would send the wrong way; third, with `pictures`,
    a thumbnail of the decoded image for the HTML report."""
    try:
        photo = load_photo(name, data, profile.section("photo"))
    except LoadFailure as failure:
        return FileType.PHOTO, collect(profile, [(failure.rule, failure.problem)]), []
    thumbnails = _image_thumbnails(photo.pixels) if pictures else []
    settings = profile.section("photo").document
    word = document_word(name, settings.name_words, profile.section("pdf").kinds.name_hints)
    evidence = document_evidence(photo, word, settings)
    if evidence is not None:
        problem = file_rules.document_image(name, evidence)
        return FileType.OTHER, collect(profile, [("file.document-image", problem)]), thumbnails
    return FileType.PHOTO, run_family(photo_rules.FAMILY, photo, profile), thumbnails


def _image_thumbnails(pixels) -> list[Thumbnail]:
    """The decoded image's thumbnail (render.thumbnails, imported only when asked, as annotate is)."""
    from ..render.thumbnails import image_thumbnail

    return [image_thumbnail(pixels)]


def _page_thumbnails(document, findings: list[Finding]) -> list[Thumbnail]:
    """Thumbnails of an open PDF's pages with what was found outlined (render.thumbnails)."""
    from ..render.thumbnails import page_thumbnails

    return page_thumbnails(document, findings)


@dataclass(frozen=True)
class Annotate:
    """Where `--annotate` writes one file's pictures: FOLDER/STEM-pNNN.png, lettered in `lang`."""

    folder: Path
    stem: str
    lang: str = "zh"


@dataclass(frozen=True)
class PdfCheck:
    findings: list[Finding]
    attachment_kind: str  # the kind it was checked as
    annotations: list[str]  # pictures written
    first_page_text: str | None = None  # the first page's text layer, where it has one (what classification reads)
    thumbnails: list[Thumbnail] = field(default_factory=list)  # with `pictures`: pages for the HTML report


def check_pdf(name: str, data: bytes, profile: Profile, attachment_kind: str | None = None,
              annotate: Annotate | None = None, read_title: bool = False, pictures: bool = False) -> PdfCheck:
    """All PDF rules on one attachment's bytes, as `attachment_kind` (rules.kinds; None: from the file name, else
    unknown and checked as a copy): parsed once, pages measured once, then closed; a picture of each page is
    written where `annotate` says. With `read_title` (a file of an application whose name says nothing), a first
    page without a text layer has its title area read by OCR, for classification. With `pictures`, thumbnails of
    the pages, drawn from the open document (render.thumbnails)."""
    settings = profile.section("pdf")
    plan = resolve_kind(name, attachment_kind, settings.kinds)
    marks_on = any(profile.severity(r, REGISTRY[r].severity) is not Severity.OFF for r in pdf_marks.RULE_IDS)
    try:
        document = load_pdf(name, data, settings, plan.marks if marks_on else "none")
    except LoadFailure as failure:
        return PdfCheck(collect(profile, [(failure.rule, failure.problem)]), plan.name, [])
    with document:
        document.attachment_kind = plan.name
        findings = run_family(pdf_rules.FAMILY, document, profile)
        text = document.first_page_text
        if read_title and not (text or "").strip():
            text = document.title_text(profile.section("app").attachments.title_area, settings.marks)
        thumbnails = _page_thumbnails(document, findings) if pictures else []
        if annotate is None:
            return PdfCheck(findings, plan.name, [], text, thumbnails)
        from ..render.annotate import write_annotations

        written = write_annotations(document, findings, annotate.folder, annotate.stem, lang=annotate.lang)
    return PdfCheck(findings, plan.name, [display_path(p) for p in written], text, thumbnails)


def check_pdf_bytes(name: str, data: bytes, profile: Profile, attachment_kind: str | None = None) -> list[Finding]:
    """check_pdf's findings alone."""
    return check_pdf(name, data, profile, attachment_kind).findings


def _name_problems(path: Path) -> list:
    return [] if name_bytes(path.name) is None else [("file.name-encoding", file_rules.name_encoding(display_name(path)))]


def check_file(path: str | os.PathLike, profile: Profile, attachment_kind: str | None = None,
               annotate: Annotate | None = None, in_folder: bool = False, read_title: bool = False,
               pictures: bool = False) -> FileReport:
    """Read one file once, classify it by content, and run its family's rules (a PDF as `attachment_kind`, with
    pictures of its pages where `annotate` says, its title read by OCR with `read_title`). A file met `in_folder`
    that docprep itself wrote (an annotation picture, a report) comes back as `own_output`, unchecked. With
    `pictures`, the report keeps thumbnails of the image or the PDF's pages (FileReport.thumbnails)."""
    path = Path(path)
    shown, name, raw = display_path(path), display_name(path), name_bytes(path)
    name_problems = _name_problems(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        problems = name_problems + [("file.unreadable", file_rules.unreadable(exc.strerror or type(exc).__name__))]
        return FileReport(shown, classify(name, b""), None, collect(profile, problems), path_bytes=raw)
    if in_folder and is_own_output(data[:1024]):
        return FileReport(shown, FileType.OTHER, None, path_bytes=raw, own_output=True)
    report = FileReport(shown, classify(name, data[:1024]), hashlib.sha256(data).hexdigest(),
                        collect(profile, name_problems), path_bytes=raw)
    return _checked(report, name, data, profile, attachment_kind, annotate, read_title, pictures)


def check_member(member: ArchiveMember, shown: str, profile: Profile, attachment_kind: str | None = None,
                 annotate: Annotate | None = None, read_title: bool = False, pictures: bool = False) -> FileReport:
    """One file of a zipped application, unpacked in memory (within the profile's limits) and checked as check_file
    checks a file; `shown` is its path as reported (the zip's path, then its name inside)."""
    name = PurePosixPath(member.name).name
    try:
        data = member.read()
    except LoadFailure as failure:  # a damaged entry, or one that unpacks past the limits
        return FileReport(shown, classify(name, b""), None, collect(profile, [(failure.rule, failure.problem)]))
    report = FileReport(shown, classify(name, data[:1024]), hashlib.sha256(data).hexdigest())
    return _checked(report, name, data, profile, attachment_kind, annotate, read_title, pictures)


def _checked(report: FileReport, name: str, data: bytes, profile: Profile, attachment_kind: str | None,
             annotate: Annotate | None, read_title: bool, pictures: bool = False) -> FileReport:
    """`report` (its name findings made) with its content's findings: an unexpected failure is file.check-failed."""
    name_findings = list(report.findings)
    try:
        _check_content(report, name, data, profile, attachment_kind, annotate, read_title, pictures)
    except DocprepError:  # how docprep was called (an unknown kind, an output it cannot write): stops the run
        raise
    except LoadFailure as failure:  # a loader's verdict met outside the loader's own guard
        report.findings = name_findings + collect(profile, [(failure.rule, failure.problem)])
    except Exception as exc:  # a bug or a library's failure on this file: this file is not judged, the run goes on
        report.findings = name_findings + [check_failed(exc)]
        report.annotations = []
        log.error("%s", message("engine.check_failed", path=report.path)(default_language()), exc_info=True)
    return report


def _check_content(report: FileReport, name: str, data: bytes, profile: Profile, attachment_kind: str | None,
                   annotate: Annotate | None, read_title: bool, pictures: bool = False) -> None:
    """The checks of a file's family, added to `report`."""
    if report.kind is FileType.PHOTO:
        report.kind, findings, report.thumbnails = check_image(name, data, profile, pictures)
        report.findings += findings
    elif report.kind is FileType.PDF:
        checked = check_pdf(name, data, profile, attachment_kind, annotate, read_title, pictures)
        report.findings += checked.findings
        report.attachment_kind, report.annotations = checked.attachment_kind, checked.annotations
        report.first_page_text, report.thumbnails = checked.first_page_text, checked.thumbnails
    else:
        report.findings += collect(profile, [("file.unsupported", file_rules.unsupported())])


def check_failed(exc: BaseException) -> Finding:
    """file.check-failed for an unexpected exception: its type and the start of its text. Always an error, whatever
    the profile says: it is no verdict on the file, and the command's exit code (2) depends on it."""
    detail = " ".join(str(exc).split()) or "-"
    if len(detail) > _DETAIL_CHARS:
        detail = detail[:_DETAIL_CHARS - 1] + "…"
    error = f"{type(exc).__module__}.{type(exc).__qualname__}".removeprefix("builtins.")
    return check_failed_finding(error, detail)


def check_failed_finding(error: str, detail: str) -> Finding:
    """file.check-failed, always an error (see check_failed): `error` names what failed, `detail` says more."""
    problem = file_rules.check_failed(error, detail)
    return Finding("file.check-failed", Severity.ERROR, problem.message, problem.measured, problem.expected)
