"""What the command line (and, later, the local web page) calls: a check planned and refused before any work when
its outputs cannot be written or would overwrite what it checks, then run; reports written atomically."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .atomic import ensure_writable, write_atomic
from .documents.sniff import is_own_output
from .engine import Target, check_targets, discover
from .engine.walk import natural_key
from .engine.applications import find_applications, judge_applications, with_titles_to_read
from .engine.archives import MemberTarget, expand_archives
from .engine.cache import ResultCache
from .engine.config import Settings, find_settings
from .engine.run import Interrupted, unchecked  # noqa: F401  (Ctrl-C with the partial report; the files a run
#                                                  could not check: the CLI's exit codes 130 and 2)
from .errors import UsageError
from .i18n import Text
from .model import FileReport, Report
from .paths import display_path, inside, read_head, same_file
from .profiles import Profile
from .rules.kinds import kind_labels


def check_settings(paths: Iterable[str | os.PathLike], profile_ref: str | None = None,
                   config: str | os.PathLike | None = None) -> tuple[Profile, Settings]:
    """The profile and settings a check of `paths` runs with: the settings file `config`, else docprep.toml or
    pyproject.toml's [tool.docprep] found from the paths upwards (engine.config); `profile_ref` (the command
    line's) over the file's profile, the file's rule levels over either. ConfigError/ProfileError (exit 2)."""
    settings = find_settings(paths, config)
    return settings.load_profile(profile_ref), settings


@dataclass
class CheckPlan:
    """The files a check will read, found and validated; `run()` checks them."""

    profile: Profile
    targets: list = field(default_factory=list)
    annotate_dir: Path | None = None
    applications: list[Path] = field(default_factory=list)  # application folders, judged after their files

    @property
    def file_count(self) -> int:
        return sum(isinstance(t, (Target, MemberTarget)) for t in self.targets)

    def run(self, jobs: int | None = 1, attachment_kind: str | None = None,
            on_file: Callable[[FileReport], None] | None = None, annotate_lang: str = "zh",
            cache: bool = False, pictures: bool = False, isolate: bool = False) -> Report:
        """Check the files: `jobs` worker processes (None: the usable cores), results reused from and stored in
        the result cache with `cache` (engine.cache: DOCPREP_CACHE_DIR, else the user cache folder). With
        `pictures`, each file's report keeps thumbnails (of the photo, of PDF pages with the marks drawn) for the
        HTML report (render.html.render). `isolate`: worker processes even for one file (engine.executor), so the
        profile's time limit holds (the local web page)."""
        results = ResultCache(self.profile, attachment_kind, pictures=pictures) if cache else None
        report = check_targets(self.targets, self.profile, jobs=jobs, on_file=on_file,
                               attachment_kind=attachment_kind, annotate_dir=self.annotate_dir,
                               annotate_lang=annotate_lang, cache=results, pictures=pictures, isolate=isolate)
        return judge_applications(report, self.applications, self.profile) if self.applications else report


def _clashing_input(report_path: Path, paths: list[Path], targets: list) -> Path | None:
    """A checked file (or a named path) that the report would overwrite; an earlier report met in a folder may be
    replaced (the walk passes over docprep's own outputs)."""
    named = next((p for p in paths if same_file(p, report_path)), None)
    if named is not None:
        return named
    walked = _walked_file(report_path, targets)
    return None if walked is None or is_own_output(read_head(walked)) else walked


def _walked_file(path: Path, targets: list) -> Path | None:
    """The walked file that is the file at `path` (through links, other spellings, hard links, a case-insensitive
    file system: the same device and inode), None when none is or nothing is there yet (a walk finds only files
    that exist). A stat a file, not a resolve of every folder on its way: a share of thousands of files."""
    try:
        wanted = os.stat(path)
    except OSError:
        return None
    for target in targets:
        if isinstance(target, Target):
            try:
                if os.path.samestat(os.stat(target.path), wanted):
                    return target.path
            except OSError:
                continue
    return None


def plan_check(paths: Iterable[str | os.PathLike], profile: Profile, report_path: Path | None = None,
               annotate_dir: Path | None = None, settings: Settings | None = None,
               applications: bool = False) -> CheckPlan:
    """Find the files to check (leaving out what the `settings`' ignore patterns match in folders) and the
    applications among the folders: those holding an application.toml or whose files' names show the profile's
    [app.discovery] kinds, and with `applications` (`check --applications`) every direct subfolder of a folder
    named, or the folder itself when it holds documents (engine.applications); every zip found is an application
    too, its members checked in place (engine.archives). Raises UsageError when the report would overwrite a
    checked file, OutputError when the report or the pictures cannot be written — before any file is read."""
    paths = [Path(p) for p in paths]
    if annotate_dir is not None:
        ensure_writable(annotate_dir, folder=True)
    ignore = settings.ignored if settings is not None and settings.ignore else None
    targets = list(discover(paths, profile, [annotate_dir] if annotate_dir is not None else [], ignore=ignore))
    if report_path is not None:
        clash = _clashing_input(report_path, paths, targets)
        if clash is not None:
            raise UsageError("report_over_input", path=display_path(clash))
        ensure_writable(report_path)
    folders = [f for f in find_applications(paths, profile, applications, ignore)
               if annotate_dir is None or not inside(f, annotate_dir)]
    targets, archives = expand_archives(targets, profile)
    folders = sorted(folders + archives, key=lambda p: natural_key(display_path(p)))
    return CheckPlan(profile, with_titles_to_read(targets, folders, profile), annotate_dir, folders)


def save_report(report_path: Path, rendered: str | bytes) -> None:
    """Write a report atomically: text as UTF-8, bytes (the machine formats: a CSV's BOM, CRLF) as they are."""
    write_atomic(report_path, rendered.encode("utf-8") if isinstance(rendered, str) else rendered)


def attachment_kind_names(profile: Profile) -> dict[str, Text]:
    """How each attachment kind of the profile is named: its Chinese label, and the kind itself in English."""
    return {kind: Text(label, kind) for kind, label in kind_labels(profile.section("pdf").kinds).items()}
