"""Checking files: find them, read each once, decode once, run every enabled rule of its family.

`check_file` is a pure function of a path and a profile, so it runs unchanged in a worker process."""
from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import stat
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

import cv2

from ..analysis.docimage import document_evidence
from ..analysis.marks import share_cores
from ..documents.pdf import load_pdf
from ..documents.photo import load_photo
from ..documents.sniff import IMAGE_EXTENSIONS, IMAGE_FORMATS, PDF_EXTENSIONS, extension, is_own_output, sniff
from ..i18n import Text
from ..model import FileReport, Finding, LoadFailure, Problem, Report, Severity
from ..paths import display_name, display_path, inside, name_bytes
from ..profiles.loader import Profile
from ..rules import REGISTRY, pdf_marks
from ..rules import files as file_rules
from ..rules import pdf as pdf_rules
from ..rules import photo as photo_rules
from ..rules.kinds import document_word, resolve_kind

log = logging.getLogger(__name__)

DOCUMENT_EXTENSIONS = IMAGE_EXTENSIONS | PDF_EXTENSIONS
_JUNK = {"thumbs.db", "desktop.ini", ".ds_store"}


_RANK = {Severity.OFF: 0, Severity.WARNING: 1, Severity.ERROR: 2}


def finding(profile: Profile, rule_id: str, problem: Problem) -> Finding | None:
    rule = REGISTRY[rule_id]
    severity = profile.severity(rule_id, rule.severity)
    if severity is Severity.OFF:
        return None
    if problem.severity is not None and _RANK[problem.severity] < _RANK[severity]:
        severity = problem.severity  # a problem that only earns a warning stays one
    return Finding(rule_id, severity, problem.message, problem.measured, problem.expected, problem.page, problem.box)


def _collect(profile: Profile, pairs: Iterable[tuple[str, Problem]]) -> list[Finding]:
    return [f for f in (finding(profile, rule, problem) for rule, problem in pairs) if f is not None]


def run_family(family, document, profile: Profile) -> list[Finding]:
    """Every enabled rule of a family on one decoded document."""
    cfg = profile.section(family.name)
    pairs = []
    for rule in family.checks:
        if profile.severity(rule.id, rule.severity) is Severity.OFF:
            continue
        pairs.extend((rule.id, problem) for problem in rule.check(document, cfg))
    return _collect(profile, pairs)


def check_photo_bytes(name: str, data: bytes, profile: Profile) -> list[Finding]:
    """All photo rules on one photo's bytes (also how `fix` verifies its own output before writing it)."""
    try:
        photo = load_photo(name, data, profile.section("photo").max_pixels)
    except LoadFailure as failure:
        return _collect(profile, [(failure.rule, failure.problem)])
    return run_family(photo_rules.FAMILY, photo, profile)


@dataclass(frozen=True)
class Annotate:
    """Where `--annotate` writes one file's pictures: FOLDER/STEM-pNNN.png."""

    folder: Path
    stem: str


def check_pdf_bytes(name: str, data: bytes, profile: Profile, kind: str | None = None) -> list[Finding]:
    """All PDF rules on one attachment's bytes: parsed once, pages measured once, then closed. `kind` is the
    attachment kind (docprep.kinds); None: from the file name, else unknown (checked as a copy)."""
    return check_pdf(name, data, profile, kind).findings


@dataclass(frozen=True)
class PdfCheck:
    findings: list[Finding]
    kind: str  # the attachment kind it was checked as
    annotations: list[str]  # pictures written


def check_pdf(name: str, data: bytes, profile: Profile, kind: str | None = None, annotate: Annotate | None = None
              ) -> PdfCheck:
    """check_pdf_bytes, also writing a picture of each page where `annotate` says."""
    cfg = profile.section("pdf")
    plan = resolve_kind(name, kind, cfg.kinds)
    marks_on = any(profile.severity(r, REGISTRY[r].severity) is not Severity.OFF for r in pdf_marks.RULE_IDS)
    try:
        document = load_pdf(name, data, cfg, plan.marks if marks_on else "none")
    except LoadFailure as failure:
        return PdfCheck(_collect(profile, [(failure.rule, failure.problem)]), plan.name, [])
    with document:
        document.kind = plan.name
        findings = run_family(pdf_rules.FAMILY, document, profile)
        if annotate is None:
            return PdfCheck(findings, plan.name, [])
        from ..render.annotate import write_annotations

        written = write_annotations(document, findings, annotate.folder, annotate.stem)
    return PdfCheck(findings, plan.name, [display_path(p) for p in written])


def classify(name: str, head: bytes) -> str:
    """photo | pdf | other, from the content first and the extension second; a .pdf name is always checked as a
    PDF, so a JPEG or a web page saved as .pdf gets pdf.not-pdf rather than photo rules."""
    content = sniff(head)
    ext = extension(name)
    if ext in PDF_EXTENSIONS or content == "PDF":
        return "pdf"
    if content in IMAGE_FORMATS:
        return "photo"
    if ext in IMAGE_EXTENSIONS:
        return "photo"
    return "other"


def _file_problem(rule: str, zh: str, en: str) -> tuple[str, Problem]:
    return rule, Problem(Text(zh, en))


def _name_problems(path: Path) -> list[tuple[str, Problem]]:
    if name_bytes(path.name) is None:
        return []
    guess = display_name(path)
    return [_file_problem("file.name-encoding",
                          f"文件名不是 UTF-8 编码（按 GBK 解读为“{guess}”），上传后可能显示乱码。请在本机重新命名。",
                          f"The file name is not UTF-8 (read as GBK it says '{guess}'); it may show garbled after "
                          "upload. Rename it on your own computer.")]


def check_image(name: str, data: bytes, profile: Profile) -> tuple[str, list[Finding]]:
    """An image file: ("photo", the photo rules' findings), or ("other", file.document-image) when it is a picture
    of a document (a certificate saved as JPG), which ID-photo rules would send the wrong way."""
    try:
        photo = load_photo(name, data, profile.section("photo").max_pixels)
    except LoadFailure as failure:
        return "photo", _collect(profile, [(failure.rule, failure.problem)])
    cfg = profile.section("photo").document
    word = document_word(name, cfg.name_words, profile.section("pdf").kinds.name_hints)
    evidence = document_evidence(photo, word, cfg)
    if evidence is not None:
        return "other", _collect(profile, [("file.document-image", file_rules.document_image(name, evidence))])
    return "photo", run_family(photo_rules.FAMILY, photo, profile)


def check_file(path: str | os.PathLike, profile: Profile, attachment: str | None = None,
               annotate: Annotate | None = None, in_folder: bool = False) -> FileReport:
    """Read one file once, classify it by content, and run its family's rules (a PDF as kind `attachment`,
    with pictures of its pages where `annotate` says). A file met `in_folder` that docprep itself wrote (an
    annotation picture, a report) comes back as `own_output`, unchecked."""
    path = Path(path)
    shown, name = display_path(path), display_name(path)
    raw = name_bytes(path)
    name_problems = _name_problems(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return FileReport(shown, classify(name, b""), None, _collect(profile, name_problems + [_file_problem(
            "file.unreadable", f"无法读取文件：{reason}。请检查权限或关闭占用该文件的程序后重试。",
            f"Cannot read the file: {reason}. Check its permissions or close programs that hold it, then retry.")]),
            path_bytes=raw)
    if in_folder and is_own_output(data[:1024]):
        return FileReport(shown, "other", None, path_bytes=raw, own_output=True)
    kind = classify(name, data[:1024])
    report = FileReport(shown, kind, hashlib.sha256(data).hexdigest(), _collect(profile, name_problems),
                        path_bytes=raw)
    if kind == "photo":
        report.kind, findings = check_image(name, data, profile)
        report.findings += findings
    elif kind == "pdf":
        checked = check_pdf(name, data, profile, attachment, annotate)
        report.findings += checked.findings
        report.attachment_kind, report.annotations = checked.kind, checked.annotations
    else:
        report.findings += _collect(profile, [_file_problem(
            "file.unsupported", "未检查：既不是 JPG 照片也不是 PDF 附件。平台只接受 JPG 照片和 PDF 附件。",
            "Not checked: neither a JPG photo nor a PDF. The platform takes JPG photos and PDF attachments only.")])
    return report


def _finished(path: Path, profile: Profile, kind: str, rule: str, problem: Problem) -> FileReport:
    """A report made without reading the file (a link, a folder, a path that is not there)."""
    return FileReport(display_path(path), kind, None, _collect(profile, [(rule, problem)]), path_bytes=name_bytes(path))


def _special_report(path: Path, profile: Profile) -> FileReport | None:
    """Links and things that are not regular files get a finding instead of being read or walked."""
    if path.is_symlink():
        target = display_path(os.readlink(path))
        return _finished(path, profile, "other", "file.link", Problem(Text(
            f"这是指向“{target}”的符号链接，未跟随检查。请放入实际文件。",
            f"This is a symbolic link to '{target}'; it was not followed. Put the real file here.")))
    mode = path.stat().st_mode
    name = display_name(path)
    if stat.S_ISDIR(mode) and extension(name) in DOCUMENT_EXTENSIONS:
        return _finished(path, profile, classify(name, b""), "file.not-regular", Problem(Text(
            f"“{name}”是文件夹，不是文件。请放入实际的文件，或重命名该文件夹。",
            f"'{name}' is a folder, not a file. Put the real file here, or rename the folder.")))
    if not stat.S_ISDIR(mode) and not stat.S_ISREG(mode):
        return _finished(path, profile, "other", "file.not-regular", Problem(Text(
            "这不是普通文件（设备或管道），无法上传。", "This is not a regular file (a device or a pipe); it cannot be uploaded.")))
    return None


@dataclass(frozen=True)
class Target:
    """A file to check: `in_folder` when it was found by walking a folder rather than named."""

    path: Path
    in_folder: bool = False


def discover(paths: Iterable[str | os.PathLike] | str | os.PathLike, profile: Profile,
             exclude: Iterable[Path] = ()) -> Iterator[Target | FileReport]:
    """Files to check, in a stable order, each once however often it is named; links, odd entries and paths that
    do not exist come back as finished reports. Folders in `exclude` (a run's own output folders) are not walked."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    seen: set[str] = set()
    excluded = [Path(e) for e in exclude]
    for given in paths:
        path = Path(given)
        if not os.path.lexists(path):
            yield _finished(path, profile, "other", "file.not-found", file_rules.not_found(display_path(path)))
            continue
        found = list(_walk(path, profile, seen, excluded, in_folder=False))
        if path.is_dir() and not path.is_symlink() and not found and not any(os.scandir(path)):
            found = [_finished(path, profile, "other", "file.empty-folder", file_rules.empty_folder(display_path(path)))]
        yield from found


def _identity(path: Path) -> str:
    """One key per file on disk, however it was spelled (./a.jpg, a.jpg, a folder and a file in it)."""
    return os.path.normcase(os.path.abspath(path) if path.is_symlink() else os.path.realpath(path))


def _walk(path: Path, profile: Profile, seen: set[str], excluded: list[Path], in_folder: bool
          ) -> Iterator[Target | FileReport]:
    key = _identity(path)
    if key in seen or any(inside(path, e) for e in excluded):
        return
    seen.add(key)
    try:
        special = _special_report(path, profile)
    except OSError as exc:
        special = _finished(path, profile, "other", "file.unreadable", Problem(Text(
            f"无法访问：{exc.strerror}。", f"Cannot access it: {exc.strerror}.")))
    if special is not None:
        yield special
    elif path.is_dir():
        try:
            entries = sorted(os.scandir(path), key=lambda e: e.name)
        except OSError as exc:
            yield _finished(path, profile, "other", "file.unreadable", Problem(Text(
                f"无法打开文件夹：{exc.strerror}。", f"Cannot open the folder: {exc.strerror}.")))
            return
        for entry in entries:
            if entry.name.startswith((".", "~$")) or entry.name.lower() in _JUNK:
                continue
            yield from _walk(Path(entry.path), profile, seen, excluded, in_folder=True)
    else:
        yield Target(path, in_folder)


def check_paths(paths: Iterable[str | os.PathLike] | str | os.PathLike, profile: Profile, *, jobs: int = 1,
                on_file: Callable[[FileReport], None] | None = None, attachment: str | None = None,
                annotate_dir: Path | None = None) -> Report:
    """Check files and folders (one path or several); with jobs > 1, files are checked in worker processes
    (spawned, as on Windows: a script that calls this with jobs > 1 needs the `if __name__ == "__main__":`
    guard; without it the pool breaks and the files are checked in this process instead, with a warning)."""
    exclude = [Path(annotate_dir)] if annotate_dir is not None else []
    return check_targets(list(discover(paths, profile, exclude)), profile, jobs=jobs, on_file=on_file,
                         attachment=attachment, annotate_dir=annotate_dir)


def annotation_stems(paths: list[Path]) -> list[str]:
    """A distinct picture-name stem per file: its own stem, led by its folder's name where two files share one."""
    stems = [Path(display_name(p)).stem for p in paths]
    shared = {s for s in stems if stems.count(s) > 1}
    named = [f"{display_name(p.parent)}_{s}" if s in shared else s for p, s in zip(paths, stems)]
    return [f"{n}_{i + 1}" if named.count(n) > 1 else n for i, n in enumerate(named)]


def _pool_worker() -> None:
    """Each worker of `-j N` uses one core: OpenCV and onnxruntime would start a thread per core in every worker."""
    cv2.setNumThreads(1)
    share_cores()


def _check_in_pool(todo: list[Target], profile: Profile, attachment, annotate: list, jobs: int,
                   on_file) -> dict[Path, FileReport]:
    results: dict[Path, FileReport] = {}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_pool_worker) as pool:
        reports = pool.map(check_file, [t.path for t in todo], [profile] * len(todo), [attachment] * len(todo),
                           annotate, [t.in_folder for t in todo], chunksize=4)
        for target, report in zip(todo, reports):
            results[target.path] = report
            if on_file:
                on_file(report)
    return results


def check_targets(targets: list[Target | FileReport], profile: Profile, *, jobs: int = 1,
                  on_file: Callable[[FileReport], None] | None = None, attachment: str | None = None,
                  annotate_dir: Path | None = None) -> Report:
    """Check what discover() found, keeping its order. `attachment` is the kind of every PDF (--kind);
    `annotate_dir` receives pictures of the PDFs' pages (--annotate)."""
    if attachment is not None:
        resolve_kind("", attachment, profile.section("pdf").kinds)  # an unknown kind stops here (exit 2)
    todo = [t for t in targets if isinstance(t, Target)]
    annotate = ([Annotate(Path(annotate_dir), stem) for stem in annotation_stems([t.path for t in todo])]
                if annotate_dir is not None else [None] * len(todo))
    results: dict[Path, FileReport] = {}
    if jobs > 1 and len(todo) > 1:
        try:
            results = _check_in_pool(todo, profile, attachment, annotate, jobs, on_file)
        except BrokenProcessPool:
            log.warning("docprep: the worker processes could not start (a script calling check_paths(jobs>1) "
                        "needs `if __name__ == \"__main__\":`); checking in this process instead")
            results = {}
    for target, where in zip(todo, annotate):
        if target.path not in results:
            results[target.path] = check_file(target.path, profile, attachment, where, target.in_folder)
            if on_file:
                on_file(results[target.path])
    reports = [results[t.path] if isinstance(t, Target) else t for t in targets]
    return Report(profile.name, [r for r in reports if not r.own_output], [r.path for r in reports if r.own_output])
