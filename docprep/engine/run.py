"""A run: the files found (engine.walk), each checked once (engine.checkfile) by an executor (engine.executor),
gathered into a Report in the order they were found. With a result cache (engine.cache), a file checked before
with the same content, name, profile and docprep is not decoded again."""
from __future__ import annotations

import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePath, PurePosixPath
from typing import TYPE_CHECKING, Callable, Iterable

from ..model import FileReport, Report
from ..paths import display_name, display_path, name_bytes
from ..profiles import Profile
from ..rules import files as file_rules
from ..rules.kinds import resolve_kind
from .cache import ResultCache
from .archives import MemberTarget
from .verdicts import collect
from .executor import JobFailed, Limits, executor_for, usable_cores
from .walk import Target, discover

if TYPE_CHECKING:
    from .checkfile import Annotate


def check_paths(paths: Iterable[str | os.PathLike] | str | os.PathLike, profile: Profile, *, jobs: int | None = 1,
                on_file: Callable[[FileReport], None] | None = None, attachment_kind: str | None = None,
                annotate_dir: Path | None = None, annotate_lang: str = "zh", cache: ResultCache | None = None,
                ignore: Callable[[Path], bool] | None = None, pictures: bool = False) -> Report:
    """Check files and folders (one path or several); with jobs > 1 (None: the usable cores), files are checked in
    worker processes (spawned, as on Windows: a script that calls this with jobs > 1 needs the
    `if __name__ == "__main__":` guard; without it the files are checked in this process instead, with a
    warning). `cache` (engine.cache.ResultCache) reuses earlier results; `ignore` tells which paths met while
    walking a folder are left out (engine.config.Settings.ignored); `pictures` keeps thumbnails for the HTML
    report (render.html)."""
    exclude = [Path(annotate_dir)] if annotate_dir is not None else []
    return check_targets(list(discover(paths, profile, exclude, ignore=ignore)), profile, jobs=jobs, on_file=on_file,
                         attachment_kind=attachment_kind, annotate_dir=annotate_dir, annotate_lang=annotate_lang,
                         cache=cache, pictures=pictures)


def annotation_stems(paths: list[PurePath]) -> list[str]:
    """A distinct picture-name stem per file: its own stem, led by its folder's name where two files share one."""
    stems = [PurePath(display_name(p)).stem for p in paths]
    shared = {s for s, n in Counter(stems).items() if n > 1}  # counted once: a share of thousands of files
    named = [f"{display_name(p.parent)}_{s}" if s in shared else s for p, s in zip(paths, stems)]
    twice = {s for s, n in Counter(named).items() if n > 1}
    return [f"{n}_{i + 1}" if n in twice else n for i, n in enumerate(named)]


def _named(target: Target | MemberTarget) -> PurePath:
    return target.path if isinstance(target, Target) else PurePosixPath(target.shown)


def check_target(target: Target | MemberTarget, profile: Profile, attachment_kind: str | None = None,
                 annotate: Annotate | None = None, pictures: bool = False) -> FileReport:
    """One file found by a walk, or one member of a zip, checked (a pure function: it runs in any worker); with
    `pictures`, its report keeps thumbnails for the HTML report."""
    from .checkfile import check_file, check_member  # here, not above: a cached run decodes nothing

    if isinstance(target, MemberTarget):
        return check_member(target.member, target.shown, profile, attachment_kind, annotate, target.read_title,
                            pictures=pictures)
    return check_file(target.path, profile, attachment_kind, annotate, target.in_folder, target.read_title,
                      pictures=pictures)


def _looked_up(cache: ResultCache, targets: list, jobs: int | None) -> list[FileReport | None]:
    """Each target's cached report (None: a miss), in order. A lookup reads and hashes the file, and SHA-256
    releases the GIL: with `jobs` > 1 (None: the usable cores) that many threads each look up every jobs-th
    target (one task a thread, not one a file: small files gain nothing from threads and should lose nothing
    either), so a run whose every file is cached uses the cores it was given without starting a process."""
    workers = min(usable_cores() if jobs is None else jobs, len(targets))
    if workers < 2:
        return [cache.lookup_target(target) for target in targets]
    with ThreadPoolExecutor(workers) as pool:
        shares = list(pool.map(lambda k: [cache.lookup_target(t) for t in targets[k::workers]], range(workers)))
    found: list[FileReport | None] = [None] * len(targets)
    for k, share in enumerate(shares):
        found[k::workers] = share
    return found


def check_targets(targets: list[Target | MemberTarget | FileReport], profile: Profile, *, jobs: int | None = 1,
                  on_file: Callable[[FileReport], None] | None = None, attachment_kind: str | None = None,
                  annotate_dir: Path | None = None, annotate_lang: str = "zh", cache: ResultCache | None = None,
                  pictures: bool = False, isolate: bool = False) -> Report:
    """Check what discover() found (and the members of zips: engine.archives), keeping its order.
    `attachment_kind` is the kind of every PDF (--kind); `annotate_dir` receives pictures of the PDFs' pages
    (--annotate), lettered in `annotate_lang`. With `cache`, files whose result is stored are not decoded (not with
    `annotate_dir`: the pictures need the decoded pages) and new results are stored; results always come with the
    file's current path. With `pictures` (the HTML report), each report keeps thumbnails of the file (a cache
    made for pictures keeps them too: engine.cache). `isolate`: in worker processes even for one file, so the
    profile's time and memory limits hold (engine.executor.executor_for)."""
    if cache is not None and cache.pictures != pictures:
        raise ValueError(f"a result cache for pictures={cache.pictures} used by a check with pictures={pictures}")
    if attachment_kind is not None:
        resolve_kind("", attachment_kind, profile.section("pdf").kinds)  # an unknown kind stops here (exit 2)
    todo = [i for i, t in enumerate(targets) if isinstance(t, (Target, MemberTarget))]
    stems = annotation_stems([_named(targets[i]) for i in todo])
    if annotate_dir is not None:
        from .checkfile import Annotate
    annotate = ({i: Annotate(Path(annotate_dir), stem, annotate_lang) for i, stem in zip(todo, stems)}
                if annotate_dir is not None else {})
    results: dict[int, FileReport] = {}
    if cache is not None and annotate_dir is None:
        for i, hit in zip(todo, _looked_up(cache, [targets[i] for i in todo], jobs)):
            if hit is not None:
                results[i] = hit
                if on_file:
                    on_file(hit)
    left = [i for i in todo if i not in results]
    limits = profile.section("file")
    executor = executor_for(jobs, len(left), Limits(limits.time_limit_s, limits.memory_limit_mb), isolate)
    checked = executor.map(check_target, [targets[i] for i in left], [profile] * len(left),
                           [attachment_kind] * len(left), [annotate.get(i) for i in left], [pictures] * len(left))
    try:
        for i, report in zip(left, checked):
            if isinstance(report, JobFailed):
                report = not_finished(targets[i], report, profile)
            results[i] = report
            if cache is not None:
                cache.put(_named(targets[i]), report, title=targets[i].read_title)
            if on_file:
                on_file(report)
    except KeyboardInterrupt:
        raise Interrupted(_report(profile, [results[i] for i in sorted(results)], partial=True)) from None
    finally:
        if hasattr(checked, "close"):  # a pool's generator: its workers end (or are stopped) here, not when collected
            checked.close()
    return _report(profile, [results.get(i, target) for i, target in enumerate(targets)])


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a run: `report` holds the files checked so far (Report.partial), for the caller to keep."""

    def __init__(self, report: Report):
        super().__init__()
        self.report = report


def _report(profile: Profile, reports: list[FileReport], partial: bool = False) -> Report:
    return Report(profile.name, [r for r in reports if not r.own_output], [r.path for r in reports if r.own_output],
                  partial=partial)


def not_finished(target: Target | MemberTarget, failed: JobFailed, profile: Profile) -> FileReport:
    """The report of a file whose worker was stopped (past the profile's time or memory limit: a verdict, the file
    is too heavy) or died (file.check-failed: no verdict)."""
    shown = display_path(target.path) if isinstance(target, Target) else target.shown
    path_bytes = name_bytes(target.path) if isinstance(target, Target) else None
    from .checkfile import check_failed_finding, classify

    kind = classify(PurePath(shown).name, b"")
    if failed.reason == "crashed":
        findings = [check_failed_finding("WorkerProcessDied", failed.detail)]
    else:
        findings = collect(profile, [file_rules.past_limit(failed.reason, failed.detail)])
    return FileReport(shown, kind, None, findings, path_bytes=path_bytes)


def unchecked(report: Report) -> list[str]:
    """The files that could not be checked (file.check-failed): the run says no verdict on them (exit 2)."""
    return [f.path for f in report.files if any(x.rule == "file.check-failed" for x in f.findings)]
