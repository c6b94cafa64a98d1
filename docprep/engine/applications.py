"""Applications in a check: which folders are applications, and each judged as a whole once its files are checked.

At any depth below a folder named, and the named folder itself, a folder is an application when it holds an
`application.toml`, or when the names of its documents (and of their folders below it) not in an application
deeper down show the profile's [app.discovery] kinds: at least min_kinds different kinds that [app.attachments]
requires, one of them an anchor (zj-2021: two, one the ID photo or a continuing-education proof). The documents
counted are the folder's own and those in its subfolders named after a kind (照片/, 继续教育/), as an applicant
sorts them; a subfolder named after no kind (photos/, 散件/) is a loose folder of its own. Names only, no content:
finding the applications of a share costs a directory listing. The innermost folder that qualifies wins, and a
folder with an application below it is one only by its application.toml: an applicant's folder under a unit's
folder is the application, not the unit, whatever the unit's loose folders (照片汇总/, 表格/) hold. Asked for
every folder (`check --applications`), each direct subfolder of a folder named is one as well (an HR share: a folder per applicant,
empty ones included, so a missing applicant's folder is reported), or the named folder itself when it holds
documents directly. A file belongs to the innermost application above it.

Judging an application: its metadata (engine.application), each file's kind by its path relative to the
application's folder and its first page's text layer (rules.classify), and completeness (rules.completeness), all
with the profile's severities. The application.toml and the self-report file it names are the application's own
statements, judged by the app.* rules: they leave the list of files."""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path, PurePath, PurePosixPath
from typing import Callable, Iterable

from ..applications.metadata import APPLICATION_FILE
from ..documents.sniff import PDF_EXTENSIONS, extension
from ..errors import ProfileError
from ..model import ApplicationReport, FileClass, FileReport, Report
from ..paths import display_name, display_path
from ..profiles import Profile
from ..rules.attachments import kinds_error, shows_application
from ..rules.classify import classify, kind_by_name
from ..rules.claims import claims
from ..rules.completeness import completeness
from .application import load_application_metadata, read_archive
from .verdicts import collect
from .walk import _JUNK, _SETTINGS, DOCUMENT_EXTENSIONS, Target, natural_key


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


def _kind(name: str, profile: Profile) -> str | None:
    """The kind a file's or folder's name says (rules.classify.kind_by_name: name hints, then the photo's words)."""
    return kind_by_name(name, profile.section("pdf").kinds, profile.section("app"))


def _found(folder: Path, profile: Profile, ignore: Callable[[Path], bool] | None, found: list[Path]
           ) -> tuple[set[str], bool] | None:
    """Adds the applications at or below `folder` to `found` (links are not followed), innermost first. An
    application is a folder holding an application.toml, or one with no application below it whose documents show
    enough required kinds by their names (rules.attachments.shows_application): its own documents, and those in its
    subfolders named after a kind (照片/, 继续教育/2019.pdf), at any depth below them. A folder that holds
    applicants is a unit's, and a subfolder named after no kind (photos/, 散件/) a loose folder, however many kinds
    their files show. Returns None when `folder` is one; else what all its documents below show, seen from it:
    their kinds, and whether one shows none (then the folder's own name may, seen from its parent)."""
    counted: set[str] = set()  # what decides this folder: its own documents, its kind-named subfolders'
    every: set[str] = set()  # what every document below shows, for a parent that this folder's name may count for
    unnamed = declared = False
    below = len(found)
    for entry in _entries(folder, ignore):
        if entry.is_dir(follow_symlinks=False):
            shown = _found(Path(entry.path), profile, ignore, found)
            via = _kind(entry.name, profile) if shown is not None else None
            kinds = (shown[0] | ({via} if via and shown[1] else set())) if shown is not None else set()
            counted |= kinds if via else set()
            every |= kinds
            unnamed = unnamed or (shown is not None and shown[1] and via is None)
        elif entry.name == APPLICATION_FILE and entry.is_file(follow_symlinks=False):
            declared = True
        elif _is_document(entry):
            kind = _kind(entry.name, profile)
            counted |= {kind} if kind else set()
            every |= {kind} if kind else set()
            unnamed = unnamed or kind is None
    app = profile.section("app")
    if declared or (len(found) == below and shows_application(counted, app.attachments, app.discovery)):
        found.append(folder)
        return None
    return every, unnamed


def _per_folder(folder: Path, ignore: Callable[[Path], bool] | None) -> list[Path]:
    """`--applications`: the folder itself when it holds documents directly or no subfolder (an empty applicant),
    else each direct subfolder."""
    entries = _entries(folder, ignore)
    subfolders = [Path(e.path) for e in entries if e.is_dir(follow_symlinks=False)]
    return [folder] if any(_is_document(e) for e in entries) or not subfolders else subfolders


def find_applications(paths: Iterable[str | os.PathLike], profile: Profile, every_folder: bool = False,
                      ignore: Callable[[Path], bool] | None = None) -> list[Path]:
    """The application folders among `paths` (named folders, themselves included; files named alone are no
    application), in a stable natural order: at any depth, folders holding an application.toml or whose files'
    names show the profile's [app.discovery] kinds (_found) and, with `every_folder`, each direct subfolder of a
    named folder (or the folder itself when it holds documents directly). `ignore`: the settings' ignore patterns
    (engine.config.Settings.ignored). ProfileError when [app.attachments] or [app.discovery] names a kind
    [pdf.kinds] does not list."""
    app = profile.section("app")
    error = kinds_error(app.attachments, profile.section("pdf").kinds, app.discovery)
    if error is not None:
        raise ProfileError(error)
    found: dict[str, Path] = {}
    for given in paths:
        path = Path(given)
        if not path.is_dir() or path.is_symlink():
            continue
        folders: list[Path] = []
        _found(path, profile, ignore, folders)
        folders += _per_folder(path, ignore) if every_folder else []
        for folder in folders:
            found.setdefault(os.path.normcase(os.path.abspath(folder)), folder)
    return sorted(found.values(), key=lambda p: natural_key(display_path(p)))


class _Owners:
    """Which application a shown path belongs to (the innermost one above it), looked up by the path's own
    parent folders: a dictionary probe per level, so a share of thousands of applicants costs no more per file
    than a share of one."""

    def __init__(self, shown: list[str]):
        self.folders = {PurePath(folder).parts: folder for folder in shown}

    def owner(self, path: str) -> tuple[str, str] | None:
        """(the application's folder as shown, `path` relative to it, "/"-separated), or None."""
        parts = PurePath(path).parts
        for depth in range(len(parts) - 1, 0, -1):
            folder = self.folders.get(parts[:depth])
            if folder is not None:
                return folder, PurePosixPath(*parts[depth:]).as_posix()
        return None


def _members(files: list[FileReport], shown: list[str]) -> dict[str, list[tuple[str, FileReport]]]:
    """Each application's files with their paths relative to it: a file belongs to the innermost application."""
    members: dict[str, list[tuple[str, FileReport]]] = {folder: [] for folder in shown}
    owners = _Owners(shown)
    for f in files:
        found = owners.owner(f.path)
        if found is not None:
            members[found[0]].append((found[1], f))
    return members


def _unnamed(relative: str, profile: Profile) -> bool:
    """A PDF of an application whose name and folders say nothing of its kind: its title has to be read."""
    if extension(relative) not in PDF_EXTENSIONS:
        return False
    return kind_by_name(relative, profile.section("pdf").kinds, profile.section("app")) is None


def with_titles_to_read(targets: list, folders: list[Path], profile: Profile) -> list:
    """The targets, those in an application whose name says nothing of their kind marked `read_title` (a scan
    without a text layer then has its title area read by OCR, once, in its check)."""
    owners = _Owners([display_path(folder) for folder in folders])
    marked = []
    for target in targets:
        where = display_path(target.path) if isinstance(target, Target) else getattr(target, "shown", None)
        found = owners.owner(where) if where is not None else None
        relative = found[1] if found is not None else None
        if relative is not None and _unnamed(relative, profile):
            target = replace(target, read_title=True)
        marked.append(target)
    return marked


def judge_application(folder: Path, files: list[tuple[str, FileReport]], profile: Profile,
                      this_year: int | None = None) -> tuple[ApplicationReport, set[str]]:
    """One application judged from its files' reports ((path relative to `folder`, FileReport) pairs): its report,
    and the paths of the files that are its own statements (application.toml, the self-report file)."""
    metadata, findings = load_application_metadata(folder, profile, this_year)
    if folder.is_file():  # a zipped application: what is wrong with the zip itself (app.archive-*) comes first
        findings = read_archive(folder, profile)[1] + findings
    own = {APPLICATION_FILE, metadata.self_report_file}
    statements = {f.path for relative, f in files if relative in own}
    attachments = [(relative, f) for relative, f in files if f.path not in statements]
    app_cfg, kinds_cfg = profile.section("app"), profile.section("pdf").kinds
    classes = {f.path: classify(relative, f.first_page_text, kinds_cfg, app_cfg) for relative, f in attachments}
    classified = [(relative, classes[f.path], f.sha256) for relative, f in attachments]
    texts = [(classes[f.path], f.first_page_text) for _, f in attachments]
    findings = findings + collect(profile, completeness(metadata, classified, app_cfg, kinds_cfg)
                                  + list(claims(metadata, texts, app_cfg)))
    report = ApplicationReport(
        display_path(folder), metadata.name or _applicant(folder),
        metadata.level, metadata.year, findings, [f.path for _, f in attachments],
        {path: FileClass(c.kind, c.years, c.source, c.evidence) for path, c in classes.items()},
        list(metadata.assumptions))
    return report, statements


def _applicant(folder: Path) -> str:
    """Who an application without a name is shown as: its folder's name, or its zip's without ".zip"."""
    name = display_name(os.path.abspath(folder))
    return PurePath(name).stem if folder.is_file() else name


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
