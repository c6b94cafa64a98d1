"""A run: the files found (engine.walk), each checked once (engine.checkfile) by an executor (engine.executor),
gathered into a Report in the order they were found. With a result cache (engine.cache), a file checked before
with the same content, name, profile and docprep is not decoded again."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable

from ..model import FileReport, Report
from ..paths import display_name
from ..profiles import Profile
from ..rules.kinds import resolve_kind
from .cache import ResultCache
from .checkfile import Annotate, check_file
from .executor import executor_for
from .walk import Target, discover


def check_paths(paths: Iterable[str | os.PathLike] | str | os.PathLike, profile: Profile, *, jobs: int | None = 1,
                on_file: Callable[[FileReport], None] | None = None, attachment_kind: str | None = None,
                annotate_dir: Path | None = None, annotate_lang: str = "zh", cache: ResultCache | None = None,
                ignore: Callable[[Path], bool] | None = None) -> Report:
    """Check files and folders (one path or several); with jobs > 1 (None: the usable cores), files are checked in
    worker processes (spawned, as on Windows: a script that calls this with jobs > 1 needs the
    `if __name__ == "__main__":` guard; without it the files are checked in this process instead, with a
    warning). `cache` (engine.cache.ResultCache) reuses earlier results; `ignore` tells which paths met while
    walking a folder are left out (engine.config.Settings.ignored)."""
    exclude = [Path(annotate_dir)] if annotate_dir is not None else []
    return check_targets(list(discover(paths, profile, exclude, ignore=ignore)), profile, jobs=jobs, on_file=on_file,
                         attachment_kind=attachment_kind, annotate_dir=annotate_dir, annotate_lang=annotate_lang,
                         cache=cache)


def annotation_stems(paths: list[Path]) -> list[str]:
    """A distinct picture-name stem per file: its own stem, led by its folder's name where two files share one."""
    stems = [Path(display_name(p)).stem for p in paths]
    shared = {s for s in stems if stems.count(s) > 1}
    named = [f"{display_name(p.parent)}_{s}" if s in shared else s for p, s in zip(paths, stems)]
    return [f"{n}_{i + 1}" if named.count(n) > 1 else n for i, n in enumerate(named)]


def check_targets(targets: list[Target | FileReport], profile: Profile, *, jobs: int | None = 1,
                  on_file: Callable[[FileReport], None] | None = None, attachment_kind: str | None = None,
                  annotate_dir: Path | None = None, annotate_lang: str = "zh", cache: ResultCache | None = None
                  ) -> Report:
    """Check what discover() found, keeping its order. `attachment_kind` is the kind of every PDF (--kind);
    `annotate_dir` receives pictures of the PDFs' pages (--annotate), lettered in `annotate_lang`. With `cache`,
    files whose result is stored are not decoded (not with `annotate_dir`: the pictures need the decoded pages)
    and new results are stored; results always come with the file's current path."""
    if attachment_kind is not None:
        resolve_kind("", attachment_kind, profile.section("pdf").kinds)  # an unknown kind stops here (exit 2)
    todo = [t for t in targets if isinstance(t, Target)]
    stems = annotation_stems([t.path for t in todo])
    annotate = ([Annotate(Path(annotate_dir), stem, annotate_lang) for stem in stems]
                if annotate_dir is not None else [None] * len(todo))
    results: dict[Path, FileReport] = {}
    if cache is not None and annotate_dir is None:
        for target in todo:
            hit = cache.lookup(target.path, target.in_folder)
            if hit is not None:
                results[target.path] = hit
                if on_file:
                    on_file(hit)
    jobs_left = [(t, a) for t, a in zip(todo, annotate) if t.path not in results]
    executor = executor_for(jobs, len(jobs_left))
    checked = executor.map(check_file, [t.path for t, _ in jobs_left], [profile] * len(jobs_left),
                           [attachment_kind] * len(jobs_left), [a for _, a in jobs_left],
                           [t.in_folder for t, _ in jobs_left])
    for (target, _), report in zip(jobs_left, checked):
        results[target.path] = report
        if cache is not None:
            cache.put(target.path, report)
        if on_file:
            on_file(report)
    reports = [results[t.path] if isinstance(t, Target) else t for t in targets]
    return Report(profile.name, [r for r in reports if not r.own_output], [r.path for r in reports if r.own_output])


def unchecked(report: Report) -> list[str]:
    """The files that could not be checked (file.check-failed): the run says no verdict on them (exit 2)."""
    return [f.path for f in report.files if any(x.rule == "file.check-failed" for x in f.findings)]
