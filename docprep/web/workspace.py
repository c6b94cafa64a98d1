"""Where the web page's uploads live: one private folder per server (made with mkdtemp: only this user may read
it), a folder per request inside it, deleted when the answer has been made, and the annotated page pictures of
recent checks, each behind a random token until it expires.

Uploaded names are labels: each part of a name is cleaned (no "..", no drive, no separators of either kind, no
control characters) before it is joined to the request's folder, so nothing is ever written outside it; two names
that clean to the same file are told apart with " (2)"."""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterator

from ..paths import display_path

# What a part of an uploaded name may not hold: separators, characters Windows refuses in names, controls.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_MAX_PART = 120  # characters of one name part kept (file systems allow 255 bytes; Chinese takes 3 each)


def clean_parts(name: str) -> list[str]:
    """The parts of an uploaded name that may become a path: "." and ".." and empty parts dropped, a drive or
    unsafe characters replaced; [] when nothing is left."""
    parts = []
    for part in re.split(r"[\\/]+", name):
        part = _UNSAFE.sub("_", part).strip().rstrip(".")
        if part and part not in (".", ".."):
            parts.append(part[:_MAX_PART])
    return parts


@dataclass(frozen=True)
class Saved:
    """One uploaded file: where it was written and the name it is reported by (its cleaned relative path)."""

    path: Path
    label: str


class Request:
    """One request's private folder: files saved under their cleaned names, paths in answers relabelled."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.files = folder / "files"
        self.files.mkdir()
        self._taken: set[str] = set()

    def save(self, name: str, data: bytes, fallback: str = "file") -> Saved:
        """Write one upload under its cleaned name (inside this request's folder whatever the name says)."""
        parts = clean_parts(name) or [fallback]
        stem, dot, ext = parts[-1].rpartition(".")
        stem, ext = (stem, dot + ext) if stem else (parts[-1], "")
        n = 1
        while "/".join(parts).lower() in self._taken:
            n += 1
            parts[-1] = f"{stem} ({n}){ext}"
        self._taken.add("/".join(parts).lower())
        path = self.files.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return Saved(path, PurePosixPath(*parts).as_posix())

    def label(self, path: str) -> str:
        """A path as shown (display_path) of a file saved here, as its uploaded name."""
        return path.removeprefix(display_path(self.files) + os.sep)

    def relabel(self, document: str) -> str:
        """A JSON `document` with this request's folders left out of every path in it, so that paths read as the
        uploaded names (and an output made here as its own name)."""
        for folder in (self.files, self.folder):
            document = document.replace(json.dumps(display_path(folder) + os.sep, ensure_ascii=False)[1:-1], "")
        return document


class Stopped(Exception):
    """The server is stopping: a check in progress ends at its next file."""


class Workspace:
    """The server's private folder: requests' folders and the pictures store. `close()` removes it all."""

    def __init__(self, pictures_seconds: float):
        self.root = Path(tempfile.mkdtemp(prefix="docprep-serve-"))
        self.pictures_dir = self.root / "pictures"
        self.pictures_dir.mkdir()
        self.pictures_seconds = pictures_seconds
        self._pictures: dict[str, tuple[Path, float]] = {}
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._active = 0  # requests whose folders exist

    @contextmanager
    def request(self) -> Iterator[Request]:
        """A private folder for one request, removed when the block ends (the answer is made by then). Pictures
        past their time go first."""
        self.stop_if_closed()
        self.expire()
        folder = Path(tempfile.mkdtemp(prefix="r-", dir=self.root))
        with self._lock:
            self._active += 1
        try:
            yield Request(folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            with self._lock:
                self._active -= 1

    def stop_if_closed(self, *_) -> None:
        """Raise Stopped once the server is stopping (a check's on_file: it ends at its next file)."""
        if self._closed.is_set():
            raise Stopped

    def keep_picture(self, path: Path) -> str:
        """Move a picture into the store; its token (random, unguessable) until it expires."""
        self.stop_if_closed()
        token = secrets.token_urlsafe(18)
        kept = self.pictures_dir / f"{token}.png"
        shutil.move(os.fspath(path), kept)
        with self._lock:
            self._pictures[token] = (kept, time.monotonic() + self.pictures_seconds)
        return token

    def picture(self, token: str) -> Path | None:
        """The picture behind `token`, or None when there is none or it has expired (expired ones are deleted)."""
        self.expire()
        with self._lock:
            found = self._pictures.get(token)
        return found[0] if found is not None else None

    def expire(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            gone = [token for token, (_, until) in self._pictures.items() if until <= now]
            paths = [self._pictures.pop(token)[0] for token in gone]
        for path in paths:
            path.unlink(missing_ok=True)

    def close(self, wait: float = 0) -> None:
        """Remove everything; with `wait`, give requests still at work (they stop at their next file) up to that
        many seconds to end, then remove what they wrote meanwhile."""
        self._closed.set()
        shutil.rmtree(self.root, ignore_errors=True)
        deadline = time.monotonic() + wait
        while self._active and time.monotonic() < deadline:
            time.sleep(0.05)
        shutil.rmtree(self.root, ignore_errors=True)
