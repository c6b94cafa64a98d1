"""Zipped applications in a check: a zip met among the files is an application read in place. Its members become
targets checked like files (unpacked in memory by the worker that checks them), shown as the zip's path followed
by the member's name inside the application's folder (`共享盘/张伟.zip/照片.jpg`)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..applications.archive import MACOS_FORKS, ArchiveMember, open_archive
from ..documents.sniff import extension
from ..model import FileType
from ..paths import display_name, display_path
from ..profiles import Profile
from ..rules import files as file_rules
from .walk import _JUNK, Target, finished

ARCHIVE_EXTENSIONS = {"zip"}


@dataclass(frozen=True)
class MemberTarget:
    """A file inside a zip to check: the member (plain data, read where it is checked) and its path as shown."""

    member: ArchiveMember
    shown: str
    read_title: bool = False  # read its title by OCR if its first page has no text (engine.applications)


def is_archive(target) -> bool:
    return isinstance(target, Target) and extension(display_name(target.path)) in ARCHIVE_EXTENSIONS


def _listed(member: ArchiveMember, root: str) -> str | None:
    """The member's name inside the application's folder, or None for what a walk would pass over (macOS's
    resource forks, hidden files, system junk)."""
    if member.name.startswith(MACOS_FORKS):
        return None
    name = member.name[len(root):] if member.name.startswith(root) else member.name
    base = PurePosixPath(name).name
    return None if base.startswith((".", "~$")) or base.lower() in _JUNK else name


def expand_archives(targets: list, profile: Profile) -> tuple[list, list[Path]]:
    """The targets with each zip replaced by its members (a zip that cannot be read: a finished report), and the
    zips, each an application. A zip refused as a whole (damaged, a bomb) lists no member: its application says
    why (engine.applications)."""
    expanded, archives = [], []
    for target in targets:
        if not is_archive(target):
            expanded.append(target)
            continue
        try:
            archive = open_archive(target.path, profile.section("app").archive)
        except OSError as exc:
            expanded.append(finished(target.path, profile, FileType.OTHER, "file.unreadable",
                                     file_rules.unreadable(exc.strerror or type(exc).__name__)))
            continue
        archives.append(target.path)
        shown = display_path(target.path)
        for member in archive.members:
            name = _listed(member, archive.root)
            if name is not None:
                expanded.append(MemberTarget(member, f"{shown}/{name}"))
    return expanded, archives


