"""`docprep bundle`: one application folder (or a zip of one) -> the package to upload, as a zip or a folder. At
the interface layer, beside api.py: a bundle runs the check a user interface runs (api.plan_check), then packs.

prepare_bundle() refuses, before any file is read, what cannot work: no such folder, an output inside the
application (the next check would read it), an output that is neither a .zip nor a folder, a folder that holds
anything but an earlier package (nothing is ever deleted), an output that cannot be written; it plans the check of
the folder as one application (links are not followed: engine.walk) and notes the links in it and anything that
resolves outside it. BundlePlan.run() refuses those, checks every file (with thumbnails for report.html, and the
result cache when asked), lays out the package (bundle.layout), makes its files (bundle.outputs) and — unless the
application has errors and they are not allowed — writes them atomically (bundle.archive) with manifest.json and
report.html (render.html). Inputs are only read."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath
from typing import Callable

from ..api import CheckPlan, plan_check
from ..atomic import ensure_writable
from ..engine import Target
from ..engine.archives import MemberTarget, is_archive
from ..engine.config import Settings
from ..errors import UsageError
from ..i18n import Text, message
from ..model import ApplicationReport, FileReport, Finding, Report, Severity, Status, worst
from ..paths import display_path, inside
from ..profiles import Profile
from .archive import folder_is_package, write_folder, write_zip
from .layout import LeftOut, Member, plan_layout
from .outputs import MANIFEST, REPORT, SCHEMA, Made, make_outputs, manifest_bytes

@dataclass(frozen=True)
class Refusal:
    """A reason to write nothing whatever the options: a link in the folder, or something resolving outside it."""

    path: str  # as shown
    reason: str  # "link" or "outside"
    message: Text


@dataclass
class BundleResult:
    """What a bundle run did. `written`: the package is in place at `output`; else nothing was written, because
    of `refusals` (links), or because the application has errors (`errors`) that were not allowed."""

    output: Path
    as_folder: bool
    written: bool = False
    refusals: list[Refusal] = field(default_factory=list)
    report: Report | None = None  # the application's check (None when refused before checking)
    made: list[Made] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    problems: list[tuple[str, Finding]] = field(default_factory=list)  # of the package itself (a merged PDF)
    photo_refusal: list[Finding] = field(default_factory=list)  # why the photo could not be fixed
    status: Status | None = None  # the application's, with the photo as packed and the package's problems
    errors: int = 0
    manifest: bytes | None = None
    report_html: bool = False  # report.html is in the package


def output_target(output: str | os.PathLike) -> tuple[Path, bool]:
    """Where the package goes and whether as a folder: an existing folder or a path ending in a separator is a
    folder; else a name ending in .zip is the zip; anything else is a usage error."""
    text = os.fspath(output)
    path = Path(text)
    if text.endswith(tuple(s for s in (os.sep, os.altsep, "/") if s)) or path.is_dir():
        return path, True
    if path.suffix.lower() == ".zip":
        return path, False
    raise UsageError("bundle_output_kind", path=display_path(path))


def _check_output(folder: Path, output: Path, as_folder: bool) -> None:
    if folder.is_file() and inside(output, folder):  # a zipped application: the package would replace it
        raise UsageError("would_overwrite", path=display_path(output))
    if inside(output, folder):
        raise UsageError("bundle_output_inside", path=display_path(output), folder=display_path(folder))
    if as_folder:
        if output.is_dir() and not folder_is_package(output, MANIFEST, SCHEMA):
            raise UsageError("bundle_folder_in_use", path=display_path(output))
        ensure_writable(output, folder=True)
        ensure_writable(output.parent, folder=True)  # the new folder is made beside it, then renamed
    else:
        ensure_writable(output)


def _real_path(report: FileReport) -> Path:
    return Path(os.fsdecode(bytes.fromhex(report.path_bytes)) if report.path_bytes else report.path)


def _refusals(folder: Path, targets: list) -> list[Refusal]:
    """Links anywhere in the folder (the folder itself included), and files that resolve outside it."""
    refusals = []
    for target in targets:
        if isinstance(target, FileReport) and any(f.rule == "file.link" for f in target.findings):
            pointed = display_path(os.readlink(_real_path(target)))
            refusals.append(Refusal(target.path, "link", message("bundle.link", path=target.path, target=pointed)))
        elif isinstance(target, Target) and not inside(target.path, folder):
            shown = display_path(target.path)
            refusals.append(Refusal(shown, "outside", message("bundle.outside", path=shown,
                                                                 real=display_path(os.path.realpath(target.path)))))
    return refusals


@dataclass
class BundlePlan:
    """A package planned and refused where it cannot work; `run()` makes it. `check`: the check of the folder as
    one application (api.plan_check)."""

    folder: Path
    output: Path
    as_folder: bool
    check: CheckPlan
    refusals: list[Refusal] = field(default_factory=list)

    @property
    def profile(self) -> Profile:
        return self.check.profile

    @property
    def file_count(self) -> int:
        return 0 if self.refusals else self.check.file_count

    def run(self, jobs: int | None = 1, cache: bool = False, on_file: Callable[[FileReport], None] | None = None,
            fix_photo: bool = False, allow_errors: bool = False, lang: str = "zh", isolate: bool = False
            ) -> BundleResult:
        """Check, lay out, make and (unless refused) write the package. `jobs`, `cache`, `on_file` as for a check
        (api.CheckPlan.run); `fix_photo`: a failing photo is fixed (fix.photo) where it can be; `allow_errors`: an
        application with errors is packed all the same; `lang`: report.html's language; `isolate`: files checked in
        worker processes even for one file (api.CheckPlan.run)."""
        result = BundleResult(self.output, self.as_folder, refusals=list(self.refusals))
        if result.refusals:
            return result
        result.report = report = self.check.run(jobs, on_file=on_file, cache=cache, pictures=True, isolate=isolate)
        application = report.applications[0]
        layout = plan_layout(self._members(report, application), self.profile.section("pdf").kinds,
                             self.profile.section("app").bundle)
        photo = report_of(report, layout.photo.shown) if layout.photo is not None else None
        materials = make_outputs(layout, self.profile, photo is not None and photo.status is Status.ERROR, fix_photo)
        result.made, result.problems, result.photo_refusal = materials.made, materials.problems, materials.photo_refusal
        result.left_out = list(layout.left_out) + materials.left_out
        findings = _findings(report, application, photo, materials.photo_findings) + [f for _, f in result.problems]
        result.status, result.errors = worst(findings), sum(f.severity is Severity.ERROR for f in findings)
        if result.errors and not allow_errors:
            return result
        self._write(result, application, lang)
        return result

    def _members(self, report: Report, application: ApplicationReport) -> list[Member]:
        """The application's files (its own statements left out) as the package sees them; a file inside a zip
        of the folder has no path of its own (None)."""
        base, files = display_path(self.folder), {f.path: f for f in report.files}
        paths = {display_path(t.path): t.path for t in self.check.targets if isinstance(t, Target)}
        # A zipped application's own members are read from it; a zip inside an application's folder is not packed.
        archived = ({t.shown: t.member for t in self.check.targets if isinstance(t, MemberTarget)}
                    if self.folder.is_file() else {})
        members = []
        for shown in application.files:
            f, taken = files[shown], application.classes[shown]
            relative = PurePath(shown).relative_to(base).as_posix()
            members.append(Member(relative, paths.get(shown), f.kind, taken.kind, taken.years, f.sha256,
                                  any(x.rule == "file.document-image" for x in f.findings), shown,
                                  archived.get(shown)))
        return members

    def _write(self, result: BundleResult, application: ApplicationReport, lang: str) -> None:
        from ..render.html import render  # the HTML report: with thumbnails, hence checked with pictures=True

        html = render(result.report, lang, self.profile)
        result.manifest = manifest_bytes(result.made, result.left_out, self.profile, application, result.status,
                                         [REPORT])
        files = {**{made.name: made.data for made in result.made}, REPORT: html, MANIFEST: result.manifest}
        (write_folder if self.as_folder else write_zip)(self.output, files)
        result.written = result.report_html = True


def report_of(report: Report, shown: str) -> FileReport:
    return next(f for f in report.files if f.path == shown)


def _findings(report: Report, application: ApplicationReport, photo: FileReport | None,
              photo_findings: list[Finding] | None) -> list[Finding]:
    """The application's findings and those of every file of its check (an empty folder's, an unreadable folder's
    too: the check was of this folder alone), the photo's replaced by the fixed photo's where it was fixed."""
    findings = list(application.findings)
    for f in report.files:
        fixed = photo is not None and f is photo and photo_findings is not None
        findings += photo_findings if fixed else f.findings
    return findings


def prepare_bundle(folder: str | os.PathLike, output: str | os.PathLike, profile: Profile,
                   settings: Settings | None = None) -> BundlePlan:
    """Plan the package of the application in `folder` (or in a zip of it: read in place, as a check reads it) to
    `output` (OUT.zip, or a folder: an existing one or a path ending in a separator). UsageError or OutputError
    (exit 2) before any file is read where it cannot work; the settings' ignore patterns leave files out as in a
    check."""
    folder = Path(folder)
    if not os.path.lexists(folder):
        raise UsageError("missing_path", path=display_path(folder))
    if not folder.is_symlink() and not folder.is_dir() and not is_archive(Target(folder)):
        raise UsageError("bundle_not_a_folder", path=display_path(folder))
    out, as_folder = output_target(output)
    _check_output(folder, out, as_folder)
    check = plan_check([folder], profile, settings=settings, applications=True)
    # The folder is one application whatever it holds (check --applications would make its subfolders applications
    # where it holds no document itself); a zip in it is no application of its own either.
    check = replace(check, applications=[folder])
    return BundlePlan(folder, out, as_folder, check, _refusals(folder, check.targets))
