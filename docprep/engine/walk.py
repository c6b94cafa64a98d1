"""Finding the files: one walker for `check`, `fix` and (later) bundles. Paths named twice are walked once, links
are not followed, and what cannot be walked (a link, a device, a missing path, an empty folder) comes back as a
finished report with a file.* finding instead of stopping the run."""
from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..documents.sniff import IMAGE_EXTENSIONS, PDF_EXTENSIONS, extension
from ..model import FileReport, FileType, Problem
from ..paths import display_name, display_path, inside, name_bytes
from ..profiles import Profile
from ..rules import files as file_rules
from .config import SETTINGS_FILE
from .verdicts import collect

DOCUMENT_EXTENSIONS = IMAGE_EXTENSIONS | PDF_EXTENSIONS
# Never anyone's document: system files Windows and macOS leave in folders.
_JUNK = {"thumbs.db", "desktop.ini", ".ds_store"}
# docprep's own settings (engine.config), met in the folders they govern: not a document.
_SETTINGS = {SETTINGS_FILE}


@dataclass(frozen=True)
class Target:
    """A file to check: `in_folder` when it was found by walking a folder rather than named."""

    path: Path
    in_folder: bool = False
    read_title: bool = False  # a file of an application whose name says nothing: OCR its title (engine.applications)


def natural_key(name: str) -> list:
    """Name order as people count: page2 before page10, case ignored."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def finished(path: Path, profile: Profile, kind: FileType, rule: str, problem: Problem) -> FileReport:
    """A report made without reading the file (a link, a folder, a path that is not there)."""
    return FileReport(display_path(path), kind, None, collect(profile, [(rule, problem)]), path_bytes=name_bytes(path))


def _special_report(path: Path, profile: Profile) -> FileReport | None:
    """Links and things that are not regular files get a finding instead of being read or walked."""
    if path.is_symlink():
        return finished(path, profile, FileType.OTHER, "file.link", file_rules.link(display_path(os.readlink(path))))
    mode = path.stat().st_mode
    name = display_name(path)
    if stat.S_ISDIR(mode) and extension(name) in DOCUMENT_EXTENSIONS:
        kind = FileType.PDF if extension(name) in PDF_EXTENSIONS else FileType.PHOTO
        return finished(path, profile, kind, "file.not-regular", file_rules.folder_named_like_a_file(name))
    if not stat.S_ISDIR(mode) and not stat.S_ISREG(mode):
        return finished(path, profile, FileType.OTHER, "file.not-regular", file_rules.not_regular())
    return None


@dataclass(frozen=True)
class _Skip:
    """What a walk leaves out: a run's own output folders anywhere, and what `ignore` says among the entries met
    in folders (a path named on the command line is always checked)."""

    excluded: tuple[Path, ...]
    ignore: Callable[[Path], bool] | None

    def __call__(self, path: Path, depth: int) -> bool:
        return (any(inside(path, e) for e in self.excluded)
                or (depth > 0 and self.ignore is not None and self.ignore(path)))


def discover(paths: Iterable[str | os.PathLike] | str | os.PathLike, profile: Profile,
             exclude: Iterable[Path] = (), recursive: bool = True, ignore: Callable[[Path], bool] | None = None
             ) -> Iterator[Target | FileReport]:
    """Files to check, in a stable natural order, each once however often it is named; links, odd entries and
    paths that do not exist come back as finished reports. Folders in `exclude` (a run's own output folders) are
    not walked; entries met in folders for which `ignore(path)` is true (the settings' ignore patterns) are left
    out, and folders among them not walked; without `recursive`, a named folder's subfolders are left out."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    seen: set[str] = set()
    skip = _Skip(tuple(Path(e) for e in exclude), ignore)
    for given in paths:
        path = Path(given)
        if not os.path.lexists(path):
            yield finished(path, profile, FileType.OTHER, "file.not-found", file_rules.not_found(display_path(path)))
            continue
        found = list(_walk(path, profile, seen, skip, depth=0, recursive=recursive))
        if path.is_dir() and not path.is_symlink() and not found and not any(os.scandir(path)):
            found = [finished(path, profile, FileType.OTHER, "file.empty-folder",
                              file_rules.empty_folder(display_path(path)))]
        yield from found


def _identity(path: Path) -> str:
    """One key per file on disk, however it was spelled (./a.jpg, a.jpg, a folder and a file in it)."""
    return os.path.normcase(os.path.abspath(path) if path.is_symlink() else os.path.realpath(path))


def _walk(path: Path, profile: Profile, seen: set[str], skip: _Skip, depth: int, recursive: bool
          ) -> Iterator[Target | FileReport]:
    key = _identity(path)
    if key in seen or skip(path, depth):
        return
    seen.add(key)
    try:
        special = _special_report(path, profile)
    except OSError as exc:
        special = finished(path, profile, FileType.OTHER, "file.unreadable", file_rules.inaccessible(exc.strerror))
    if special is not None:
        yield special
    elif path.is_dir():
        if depth > 0 and not recursive:
            return
        yield from _walk_folder(path, profile, seen, skip, depth, recursive)
    else:
        yield Target(path, in_folder=depth > 0)


def _walk_folder(path: Path, profile: Profile, seen: set[str], skip: _Skip, depth: int, recursive: bool
                 ) -> Iterator[Target | FileReport]:
    try:
        entries = sorted(os.scandir(path), key=lambda e: natural_key(e.name))
    except OSError as exc:
        yield finished(path, profile, FileType.OTHER, "file.unreadable", file_rules.inaccessible(exc.strerror, True))
        return
    for entry in entries:
        if entry.name.startswith((".", "~$")) or entry.name.lower() in _JUNK or entry.name in _SETTINGS:
            continue
        yield from _walk(Path(entry.path), profile, seen, skip, depth + 1, recursive)
