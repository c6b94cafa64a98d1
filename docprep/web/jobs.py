"""What each API call does, as plain functions of the uploads (run in a thread of the server): the uploads are
saved in a private folder under their cleaned names, the library does the work (api.plan_check, fix.fix_file,
fix.scan.fix_scans, bundle.prepare_bundle), the answer is made, and the folder is deleted. Paths in answers read
as the uploaded names."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable

from ..api import plan_check
from ..bundle import bundle_json, prepare_bundle
from ..fix import fix_file
from ..fix.scan import fix_scans
from ..i18n import message
from ..model import FileReport, Report
from ..profiles import Profile
from ..render.report import to_json
from .workspace import Request, Workspace, clean_parts

JSON = "application/json; charset=utf-8"
ANNOTATION_URL = "/api/annotation/"


@dataclass(frozen=True)
class Upload:
    name: str  # as the browser sent it: a label (a relative path for a folder's files), never trusted as a path
    data: bytes


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    media_type: str
    filename: str | None = None  # a download's name


def _json(request: Request, status: int, document: str) -> Answer:
    return Answer(status, request.relabel(document).encode("utf-8"), JSON)


def check_uploads(workspace: Workspace, uploads: list[Upload], profile: Profile, kind: str | None,
                  lang: str, progress: Callable[[int, int, str | None], None] | None = None) -> Answer:
    """docprep.report/1 of the uploads, files named by their uploaded names; a folder's files (every name in one
    top folder) are judged as `check FOLDER --applications` judges: the folder is an application when it holds
    documents itself, else each of its subfolders is one. Each file is checked in a worker process
    under the profile's time and memory limits; PDF pages' annotated pictures are kept behind tokens.
    `progress(done, total, name)` hears of each file checked (and first of none, with the total)."""
    with workspace.request() as request:
        saved = [request.save(u.name, u.data) for u in uploads]
        pictures = request.folder / "pictures"
        top = shared_folder([s.label for s in saved])
        plan = plan_check([request.files / top if top else request.files], profile, annotate_dir=pictures,
                          applications=top is not None)
        done = [0]

        def on_file(report: FileReport) -> None:
            workspace.stop_if_closed()
            done[0] += 1
            if progress is not None:
                progress(done[0], plan.file_count, request.label(report.path))

        if progress is not None:
            progress(0, plan.file_count, None)
        report = plan.run(jobs=None, attachment_kind=kind, annotate_lang=lang, isolate=True, on_file=on_file)
        for f in report.files:
            f.annotations = [ANNOTATION_URL + workspace.keep_picture(Path(p)) for p in f.annotations]
        return _json(request, 200, to_json(report, lang))


def fixed_name(label: str, suffix: str) -> str:
    """NAME-fixed.jpg for a photo uploaded as NAME.*: the download's name."""
    return PurePosixPath(label).stem + suffix


def fix_upload(workspace: Workspace, upload: Upload, profile: Profile, lang: str) -> Answer:
    """The fixed photo (fix.fix_file, verified by the same checks), or 422 with the findings that stop it."""
    with workspace.request() as request:
        saved = request.save(upload.name, upload.data, "photo.jpg")
        result = fix_file(saved.path, None, profile)
        if result.data is not None:
            return Answer(200, result.data, "image/jpeg", fixed_name(saved.label, "-fixed.jpg"))
        return _json(request, 422, to_json(Report(profile.name, [result.report]), lang))


def scan_uploads(workspace: Workspace, uploads: list[Upload], profile: Profile, kind: str | None, name: str | None,
                 lang: str) -> Answer:
    """One PDF of the images in the order sent (fix.scan.fix_scans, verified by the same checks), named `name`
    (default: the first image's name), or 422 with the findings that stop it."""
    with workspace.request() as request:
        saved = [request.save(u.name, u.data, f"page{i}.jpg") for i, u in enumerate(uploads, 1)]
        parts = clean_parts(name or "") or [fixed_name(saved[0].label, ".pdf") if saved else "scan.pdf"]
        out_name = parts[-1] if parts[-1].lower().endswith(".pdf") else parts[-1] + ".pdf"
        result = fix_scans([s.path for s in saved], request.folder / out_name, profile, kind, write=False)
        if result.data is not None:
            return Answer(200, result.data, "application/pdf", out_name)
        return _json(request, 422, to_json(Report(profile.name, [result.report]), lang))


def shared_folder(names: list[str]) -> str | None:
    """The one top folder every name lies in (a folder chosen or dropped in the page), else None."""
    parts = [clean_parts(name) for name in names]
    tops = {p[0] for p in parts if len(p) > 1}
    return tops.pop() if parts and len(tops) == 1 and all(len(p) > 1 for p in parts) else None


def _application_names(uploads: list[Upload], lang: str) -> tuple[list[str], str]:
    """The names to save the uploads under so that they form one folder, and that folder's name: the uploads'
    own top folder when they share one, else a folder named for the applicant's materials."""
    top = shared_folder([u.name for u in uploads])
    if top is not None:
        return [u.name for u in uploads], top
    folder = message("web.default_folder")(lang)
    return [f"{folder}/{u.name}" for u in uploads], folder


def bundle_uploads(workspace: Workspace, uploads: list[Upload], profile: Profile, fix_photo: bool,
                   lang: str) -> Answer:
    """The upload package of one application (bundle.prepare_bundle: the folder the files came from, with their
    relative paths) as a zip, or 422 with docprep.bundle-result/1 saying why nothing was packed."""
    with workspace.request() as request:
        names, folder = _application_names(uploads, lang)
        for name, upload in zip(names, uploads):
            request.save(name, upload.data)
        out = request.folder / f"{folder}.zip"
        plan = prepare_bundle(request.files / folder, out, profile)
        result = plan.run(jobs=None, fix_photo=fix_photo, lang=lang, isolate=True, on_file=workspace.stop_if_closed)
        if result.written:
            return Answer(200, out.read_bytes(), "application/zip", out.name)
        return _json(request, 422, bundle_json(result, lang))
