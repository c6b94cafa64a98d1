"""Applications in a check: which folders are applications, and each judged as a whole once its files are checked.

A folder holding an `application.toml`, at any depth, is an application. Asked for every folder (`check
--applications`), each direct subfolder of a folder named is one as well (an HR share: a folder per applicant,
empty ones included, so a missing applicant's folder is reported), or the named folder itself when it holds
documents directly. A file belongs to the innermost application above it.

Judging an application: its metadata (engine.application), each file's kind by its path relative to the
application's folder and its first page's text layer (rules.classify), and completeness (rules.completeness), all
with the profile's severities. The application.toml and the self-report file it names are the application's own
statements, judged by the app.* rules: they leave the list of files."""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path, PurePath
from typing import Callable, Iterable

from ..applications.metadata import APPLICATION_FILE
from ..model import ApplicationReport, FileClass, FileReport, Report
from ..paths import display_name, display_path
from ..profiles import Profile
from ..rules.classify import classify
from ..rules.completeness import completeness
from .application import load_application_metadata
from .verdicts import collect
from .walk import _JUNK, _SETTINGS, DOCUMENT_EXTENSIONS, natural_key


def _visible(entry: os.DirEntry, ignore: Callable[[Path], bool] | None) -> bool:
    """An entry a walk would look at: not hidden, not system junk, not ignored by the settings."""
    name = entry.name
    if name.startswith((".", "~$")) or name.lower() in _JUNK or name in _SETTINGS:
        return False
    return ignore is None or not ignore(Path(entry.path))


def _entries(folder: Path, ignore: Callable[[Path], bool] | None) -> list[os.DirEntry]:
    try:
        return sorted((e for e in os.scandir(folder) if _visible(e, ignore)), key=lambda e: natural_key(e.name))
    except OSError:  # the walk reports a folder it cannot read
        return []


def _is_document(entry: os.DirEntry) -> bool:
    return (entry.is_file(follow_symlinks=False)
            and os.path.splitext(entry.name)[1].lstrip(".").lower() in DOCUMENT_EXTENSIONS)


def _declared(folder: Path, ignore: Callable[[Path], bool] | None) -> Iterable[Path]:
    """Folders at or below `folder` that hold an application.toml (links are not followed)."""
    entries = _entries(folder, ignore)
    if any(e.name == APPLICATION_FILE and e.is_file(follow_symlinks=False) for e in entries):
        yield folder
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _declared(Path(entry.path), ignore)


def _per_folder(folder: Path, ignore: Callable[[Path], bool] | None) -> list[Path]:
    """`--applications`: the folder itself when it holds documents directly or no subfolder (an empty applicant),
    else each direct subfolder."""
    entries = _entries(folder, ignore)
    subfolders = [Path(e.path) for e in entries if e.is_dir(follow_symlinks=False)]
    return [folder] if any(_is_document(e) for e in entries) or not subfolders else subfolders


def find_applications(paths: Iterable[str | os.PathLike], every_folder: bool = False,
                      ignore: Callable[[Path], bool] | None = None) -> list[Path]:
    """The application folders among `paths` (named folders; files named alone are no application), in a stable
    natural order: folders holding an application.toml at any depth and, with `every_folder`, each direct
    subfolder of a named folder (or the folder itself when it holds documents directly). `ignore`: the settings'
    ignore patterns (engine.config.Settings.ignored)."""
    found: dict[str, Path] = {}
    for given in paths:
        path = Path(given)
        if not path.is_dir() or path.is_symlink():
            continue
        folders = list(_declared(path, ignore)) + (_per_folder(path, ignore) if every_folder else [])
        for folder in folders:
            found.setdefault(os.path.normcase(os.path.abspath(folder)), folder)
    return sorted(found.values(), key=lambda p: natural_key(display_path(p)))


def _relative(path: str, folder: str) -> str | None:
    """`path` relative to `folder` ("/"-separated), None when it is not below it."""
    try:
        relative = PurePath(path).relative_to(folder)
    except ValueError:
        return None
    return relative.as_posix() if relative.parts else None


def _members(files: list[FileReport], shown: list[str]) -> dict[str, list[tuple[str, FileReport]]]:
    """Each application's files with their paths relative to it: a file belongs to the innermost application."""
    members: dict[str, list[tuple[str, FileReport]]] = {folder: [] for folder in shown}
    deepest_first = sorted(shown, key=lambda s: len(PurePath(s).parts), reverse=True)
    for f in files:
        for folder in deepest_first:
            relative = _relative(f.path, folder)
            if relative is not None:
                members[folder].append((relative, f))
                break
    return members


def judge_application(folder: Path, files: list[tuple[str, FileReport]], profile: Profile,
                      this_year: int | None = None) -> tuple[ApplicationReport, set[str]]:
    """One application judged from its files' reports ((path relative to `folder`, FileReport) pairs): its report,
    and the paths of the files that are its own statements (application.toml, the self-report file)."""
    metadata, findings = load_application_metadata(folder, profile, this_year)
    own = {APPLICATION_FILE, metadata.self_report_file}
    statements = {f.path for relative, f in files if relative in own}
    attachments = [(relative, f) for relative, f in files if f.path not in statements]
    app_cfg, kinds_cfg = profile.section("app"), profile.section("pdf").kinds
    classes = {f.path: classify(relative, f.first_page_text, kinds_cfg, app_cfg) for relative, f in attachments}
    classified = [(relative, classes[f.path], f.sha256) for relative, f in attachments]
    findings = findings + collect(profile, completeness(metadata, classified, app_cfg, kinds_cfg))
    report = ApplicationReport(
        display_path(folder), metadata.name or display_name(os.path.abspath(folder)),
        metadata.level, metadata.year, findings, [f.path for _, f in attachments],
        {path: FileClass(c.kind, c.years, c.source, c.evidence) for path, c in classes.items()},
        list(metadata.assumptions))
    return report, statements


def judge_applications(report: Report, folders: list[Path], profile: Profile, this_year: int | None = None
                       ) -> Report:
    """The report with its applications judged (Report.applications, in the order of `folders`), and without the
    applications' own statements among its files."""
    shown = [display_path(folder) for folder in folders]
    members = _members(report.files, shown)
    applications, statements = [], set()
    for folder, path in zip(folders, shown):
        application, own = judge_application(folder, members[path], profile, this_year)
        applications.append(application)
        statements |= own
    return replace(report, files=[f for f in report.files if f.path not in statements], applications=applications)
