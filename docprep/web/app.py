"""The web page's HTTP side (Starlette): the page, its static files, and the API the page calls. Thin, as cli.py
is: read the form, hand the uploads to web.jobs in a thread (the server keeps answering), send the answer.

    GET  /                        the page (?lang=en for English)
    POST /api/check               files (one or more), profile, kind, lang -> docprep.report/1 (with Accept:
                                  application/x-ndjson, a progress line per file first)
    (every POST)                  wording=page: its JSON's messages say what the page offers, not commands
    POST /api/fix                 file (one photo), profile, lang -> the fixed JPEG, or 422 with the findings
    POST /api/scan-pdf            files (images, in page order), name, kind, profile, lang -> one PDF, or 422
    POST /api/bundle              files (an application's, with relative paths), profile, fix_photo, lang
                                  -> the zip, or 422 with docprep.bundle-result/1
    GET  /api/annotation/{token}  an annotated page picture of a recent check (404 once expired)
"""
from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import DocprepError, UsageError
from ..i18n import message
from ..profiles import Profile, load_profile, shipped_profiles
from .advice import page_document
from .guard import Guard, pick_lang
from .jobs import JSON, Answer, Upload, bundle_uploads, check_uploads, fix_upload, scan_uploads
from .page import render_page
from .workspace import Stopped, Workspace

STATIC = Path(__file__).resolve().parent / "static"
# The page's own headers: its scripts and styles from this server only, pictures also from blob: (the photos the
# user chose, shown before any upload), never inside another site's frame, no address sent on.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; "
                               "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


NDJSON = "application/x-ndjson"  # /api/check's progress, line by line, where the request accepts it


@lru_cache(maxsize=None)
def _shipped(name: str) -> Profile:
    return load_profile(name)


class _Refused(Exception):
    """A request refused before any work, with the language to say why in."""

    def __init__(self, lang: str, error: DocprepError):
        super().__init__(error)
        self.lang, self.error = lang, error


async def _progress_lines(lines: asyncio.Queue, answer: asyncio.Future):
    """NDJSON: each progress event as it comes, then the answer (its JSON body on one line, with its status)."""
    while True:
        event = asyncio.ensure_future(lines.get())
        await asyncio.wait({event, answer}, return_when=asyncio.FIRST_COMPLETED)
        if not event.done():
            event.cancel()
            break
        yield json.dumps(event.result(), ensure_ascii=False) + "\n"
    while not lines.empty():
        yield json.dumps(lines.get_nowait(), ensure_ascii=False) + "\n"
    response = answer.result()
    body = json.loads(response.body)
    key = "report" if response.status_code == 200 else "error"
    yield json.dumps({"status": response.status_code, key: body if key == "report" else body["error"]},
                     ensure_ascii=False) + "\n"


def _error(status: int, text: str) -> Response:
    return Response(json.dumps({"error": text, "status": status}, ensure_ascii=False), status, media_type=JSON)


def _download(answer: Answer) -> Response:
    headers = {}
    if answer.filename is not None:
        fallback = answer.filename.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_")
        headers["Content-Disposition"] = (f'attachment; filename="{fallback}"; '
                                          f"filename*=UTF-8''{quote(answer.filename)}")
    return Response(answer.body, answer.status, headers=headers, media_type=answer.media_type)


class Api:
    """The endpoints, with the server's default profile and its private folder."""

    def __init__(self, profile: Profile, workspace: Workspace, upload_limit: int):
        self.profile, self.workspace, self.upload_limit = profile, workspace, upload_limit

    def profile_of(self, form) -> Profile:
        """The form's profile: a shipped one by name only (a path would let a page read the server's files)."""
        name = form.get("profile") or self.profile.name
        if name == self.profile.name:
            return self.profile
        if name not in shipped_profiles():
            raise UsageError("web_profile", name=name)
        return _shipped(name)

    async def _read(self, request: Request, field: str, one: bool) -> tuple[list[Upload], Profile, object, str]:
        """The uploads of `field` (one only with `one`), the profile, the form and the language (DocprepError:
        none, too many, an unknown profile)."""
        form = await request.form()
        lang = pick_lang(form.get("lang") or request.query_params.get("lang"))
        try:
            uploads = [Upload(f.filename or "", await f.read()) for f in form.getlist(field)
                       if isinstance(f, UploadFile)]
        finally:
            await form.close()
        if not uploads or (one and len(uploads) > 1):
            raise _Refused(lang, UsageError("web_one_file" if one else "web_no_files", field=field))
        try:
            return uploads, self.profile_of(form), form, lang
        except DocprepError as exc:
            raise _Refused(lang, exc) from None

    async def _handle(self, request: Request, job, field: str, one: bool = False, read=None) -> Response:
        """Read the form (or take `read`, already read), run `job(workspace, uploads, profile, form, lang)` in a
        thread, answer."""
        try:
            uploads, profile, form, lang = read or await self._read(request, field, one)
        except _Refused as refused:
            return _error(400, refused.error.message(refused.lang))
        try:
            answer = await run_in_threadpool(job, self.workspace, uploads, profile, form, lang)
        except DocprepError as exc:
            return _error(400, exc.message(lang))
        except (Stopped, asyncio.CancelledError):  # the server is stopping (Ctrl-C): no traceback, a plain answer
            return _error(503, message("web.stopping")(lang))
        if form.get("wording") == "page" and answer.media_type == JSON:  # the page's own words (web.advice)
            answer = replace(answer, body=page_document(answer.body.decode("utf-8"), lang).encode("utf-8"))
        return _download(answer)

    async def check(self, request: Request) -> Response:
        """docprep.report/1; asked for `application/x-ndjson`, a line per file checked ({"done", "total",
        "path"}) comes first and the last line is {"status", "report"} or {"status", "error"}."""
        if NDJSON not in request.headers.get("accept", ""):
            return await self._handle(request, lambda ws, up, profile, form, lang: check_uploads(
                ws, up, profile, form.get("kind") or None, lang), "files")
        try:
            read = await self._read(request, "files", False)  # before the answer starts: it reads no more
        except _Refused as refused:
            return _error(400, refused.error.message(refused.lang))
        lines: asyncio.Queue = asyncio.Queue()
        loop = asyncio.get_running_loop()

        def progress(done: int, total: int, path: str | None) -> None:
            loop.call_soon_threadsafe(lines.put_nowait, {"done": done, "total": total, "path": path})

        answer = asyncio.ensure_future(self._handle(request, lambda ws, up, profile, form, lang: check_uploads(
            ws, up, profile, form.get("kind") or None, lang, progress), "files", read=read))
        return StreamingResponse(_progress_lines(lines, answer), media_type=NDJSON)

    async def fix(self, request: Request) -> Response:
        return await self._handle(request, lambda ws, up, profile, form, lang: fix_upload(
            ws, up[0], profile, lang), "file", one=True)

    async def scan_pdf(self, request: Request) -> Response:
        return await self._handle(request, lambda ws, up, profile, form, lang: scan_uploads(
            ws, up, profile, form.get("kind") or None, form.get("name") or None, lang), "files")

    async def bundle(self, request: Request) -> Response:
        return await self._handle(request, lambda ws, up, profile, form, lang: bundle_uploads(
            ws, up, profile, form.get("fix_photo", "") in ("1", "true", "on"), lang), "files")

    async def annotation(self, request: Request) -> Response:
        path = self.workspace.picture(request.path_params["token"])
        if path is None:
            lang = pick_lang(request.query_params.get("lang"))
            return _error(404, message("web.picture_gone")(lang))
        return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, max-age=600"})

    async def page(self, request: Request) -> Response:
        html = render_page(self.profile, pick_lang(request.query_params.get("lang")), self.upload_limit)
        return HTMLResponse(html, headers=PAGE_HEADERS)


def create_app(profile: Profile, host: str = "127.0.0.1", upload_limit_mb: float | None = None) -> Starlette:
    """The web application: `profile` is the page's default (and its [file.serve] settings hold); `host` is the
    address the server is bound to (the Host check); `upload_limit_mb` overrides the profile's upload limit."""
    serve = profile.section("file").serve
    limit = int((upload_limit_mb if upload_limit_mb is not None else serve.upload_limit_mb) * 1_000_000)
    workspace = Workspace(serve.pictures_minutes * 60)
    api = Api(profile, workspace, limit)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        try:
            yield
        finally:  # the server stops (Ctrl-C): every upload and picture left is removed
            workspace.close()

    routes = [
        Route("/", api.page),
        Route("/api/check", api.check, methods=["POST"]),
        Route("/api/fix", api.fix, methods=["POST"]),
        Route("/api/scan-pdf", api.scan_pdf, methods=["POST"]),
        Route("/api/bundle", api.bundle, methods=["POST"]),
        Route("/api/annotation/{token}", api.annotation),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(Guard, bound=host, limit_bytes=limit)], lifespan=lifespan)
    app.state.workspace = workspace
    return app
