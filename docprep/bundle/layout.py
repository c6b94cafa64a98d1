"""Which file of an application goes into which output of its upload package, in which order, under which name: a
pure function of the application's files as checked and classified (engine.applications) and the profile.

- The ID photo (the file classified as the photo; the first in name order when several compete) becomes
  `00-<[app.bundle] photo_name>.jpg`.
- Every other kind becomes one PDF, numbered in the order of [app.bundle] order (kinds not listed follow in
  [pdf.kinds] order) and named by the kind's [pdf.kinds] label: `01-继续教育证明.pdf`. Its sources are its files in
  a stable order: by the first year a file covers (files giving no year after those that do), then by natural
  name order (page2 before page10).
- Left out, each with its reason: files that fit no kind; files of a PDF kind that are no PDF (a JPG scan of a
  document is not made into a page here: the scan fix turns and straightens pages, which a person should see
  before uploading, so the reason names `docprep fix`); a photo that is no photo; a second photo; a file whose
  content another file of the package already carries; a file inside a zip of the folder (unpack it instead).
  A zipped application is packed from its own members, read from the zip (Member.archived)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..applications.archive import ArchiveMember
from ..engine.walk import natural_key
from ..errors import ProfileError
from ..i18n import Text, message
from ..model import FileType
from ..rules.attachments import PHOTO, label
from ..rules.kinds import kind_labels, known_kinds

# Characters no file name may hold on Windows, and control characters: replaced in names made from profile labels.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


@dataclass(frozen=True)
class Member:
    """One file of the application as the package sees it."""

    relative: str  # its path relative to the application's folder, "/"-separated
    path: Path | None  # where it is on disk; None inside a zip
    file_type: FileType  # what the check took it for by content
    kind: str | None  # what it was classified as (rules.classify): a [pdf.kinds] kind, "photo", or None
    years: tuple[int, ...] = ()
    sha256: str | None = None
    document_image: bool = False  # a picture of a document (file.document-image), not a photo
    shown: str = ""  # its path as the report shows it
    archived: ArchiveMember | None = None  # a member of a zipped application: read from the zip


@dataclass(frozen=True)
class Planned:
    """One PDF of the package: its name, kind and sources in page order."""

    name: str
    kind: str
    sources: tuple[Member, ...]


@dataclass(frozen=True)
class LeftOut:
    """A file of the application that is not in the package, and why (`reason`: a stable code, also in the
    manifest; `detail`: the words)."""

    relative: str
    reason: str
    detail: Text


@dataclass(frozen=True)
class Layout:
    photo: Member | None
    photo_name: str  # without extension: 00-证件照
    documents: tuple[Planned, ...]
    left_out: tuple[LeftOut, ...]


def kind_order(bundle_cfg, kinds_cfg) -> list[str]:
    """The attachment kinds in package order: [app.bundle] order, then the other kinds of [pdf.kinds]. ProfileError
    when the order names a kind [pdf.kinds] does not list, or one kind twice (checked where both tables meet)."""
    known = list(known_kinds(kinds_cfg))
    for index, kind in enumerate(bundle_cfg.order):
        if kind not in known:
            raise ProfileError(f"key 'app.bundle.order': kind {kind!r} is not a kind of [pdf.kinds] "
                               f"({', '.join(sorted(known))})")
        if kind in bundle_cfg.order[:index]:
            raise ProfileError(f"key 'app.bundle.order': kind {kind!r} is listed twice")
    return list(dict.fromkeys([*bundle_cfg.order, *known]))


def safe_name(name: str, fallback: str) -> str:
    """A profile's label as a file name on every system: characters Windows refuses become "_", no leading or
    trailing dots and spaces; `fallback` when nothing is left."""
    cleaned = _UNSAFE.sub("_", name).strip(" .")
    return cleaned or fallback


def page_order(member: Member) -> tuple:
    """Sources of one PDF: by the first year covered (undated last), then by natural name order."""
    return ((0, member.years[0]) if member.years else (1, 0)), natural_key(member.relative)


def _left(member: Member, reason: str, **values) -> LeftOut:
    return LeftOut(member.relative, reason, message(f"bundle.left_{reason.replace('-', '_')}", **values))


def _document_reason(member: Member, kinds_cfg) -> LeftOut | None:
    """Why a file classified as a PDF kind cannot be a source of that kind's PDF (None: it can)."""
    if member.file_type is FileType.PDF:
        return None
    name = PurePosixPath(member.relative).name
    stem = PurePosixPath(name).stem or name
    if member.document_image or member.file_type is FileType.PHOTO:
        return _left(member, "document-image", name=name, stem=stem, kind=label(member.kind, kinds_cfg))
    return _left(member, "not-pdf", kind=label(member.kind, kinds_cfg))


def _choose_photo(members: list[Member], left: list[LeftOut]) -> Member | None:
    """The first photo in name order that is a photo by content; the others are left out."""
    chosen = None
    for member in sorted((m for m in members if m.kind == PHOTO), key=lambda m: natural_key(m.relative)):
        if member.file_type is not FileType.PHOTO or member.document_image:
            left.append(_left(member, "not-photo"))
        elif chosen is None:
            chosen = member
        else:
            left.append(_left(member, "second-photo", first=chosen.relative))
    return chosen


def _unique(members: list[Member], seen: dict[str, str], left: list[LeftOut]) -> list[Member]:
    """Members whose content no earlier member of the package has (by SHA-256); the others left out."""
    kept = []
    for member in members:
        first = seen.get(member.sha256) if member.sha256 else None
        if first is not None:
            left.append(_left(member, "same-content", first=first))
            continue
        if member.sha256:
            seen[member.sha256] = member.relative
        kept.append(member)
    return kept


def plan_layout(members: list[Member], kinds_cfg, bundle_cfg) -> Layout:
    """The package of an application's files: the photo, one PDF per kind in package order, and what is left out
    (in the order of `members`, then the photo's and the PDFs' own reasons)."""
    order = kind_order(bundle_cfg, kinds_cfg)
    left = [_left(m, "in-archive") for m in members if m.path is None and m.archived is None]
    members = [m for m in members if m.path is not None or m.archived is not None]
    left += [_left(m, "unrecognized") for m in members if m.kind is None]
    photo = _choose_photo(members, left)
    seen = {photo.sha256: photo.relative} if photo is not None and photo.sha256 else {}
    labels, documents = kind_labels(kinds_cfg), []
    for kind in order:
        usable = []
        for member in sorted((m for m in members if m.kind == kind), key=page_order):
            reason = _document_reason(member, kinds_cfg)
            if reason is None:
                usable.append(member)
            else:
                left.append(reason)
        usable = _unique(usable, seen, left)
        if usable:
            name = f"{len(documents) + 1:02d}-{safe_name(labels.get(kind, kind), kind)}.pdf"
            documents.append(Planned(name, kind, tuple(usable)))
    photo_name = f"00-{safe_name(bundle_cfg.photo_name, PHOTO)}"
    return Layout(photo, photo_name, tuple(documents), tuple(left))
