"""Results kept on local disk, so a second run over the same files decodes nothing.

An entry is one file's findings (and what it was checked as), found by a key made of everything that decides them:
the content's SHA-256, the file's name (name hints choose an attachment kind, and messages quote the name), the
profile's digest (its settings and rule levels), docprep's version with a fingerprint of its own code and of the
libraries that measure, and the attachment kind asked for (`--kind`). The path a report shows is always the
current one: the folder a file sits in is not part of the key.

Entries are written once, atomically (a temporary file renamed into place), and never changed: two runs at once
need no lock (two runs writing the same entry write the same bytes). An entry that cannot be read back — cut
short, garbage, another schema — is a miss, and the check's new result replaces it."""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePath, PurePosixPath

from .. import __version__
from ..atomic import write_atomic
from ..documents.sniff import is_own_output
from ..errors import OutputError
from ..i18n import Text, default_language, message
from ..model import FileReport, FileType, Finding, LoadFailure, Severity, Thumbnail
from ..paths import display_path, name_bytes
from ..profiles import Profile

log = logging.getLogger(__name__)

SCHEMA = "docprep.cache/1"
FOLDER_ENV = "DOCPREP_CACHE_DIR"
# The libraries whose measurements decide verdicts: a new version of one may change a finding.
_LIBRARIES = ("numpy", "pillow", "opencv-python-headless", "pypdfium2", "pypdf", "pikepdf", "img2pdf", "rapidocr",
              "onnxruntime")
_TUPLE = "__tuple__"  # how a tuple (a measured size, a box) is kept apart from a list in JSON


def _library_versions() -> list[str]:
    """"name=version" of each of _LIBRARIES ("name=-" where it is not installed), read from the names of the
    .dist-info folders on sys.path ({name}-{version}.dist-info, as installers name them): what
    importlib.metadata.version() gives, without importing its e-mail parser, a fifth of a cached run's start."""
    wanted = {_distribution_key(name) for name in _LIBRARIES}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                distribution, _, version = name[:-len(".dist-info")].partition("-")
                key = _distribution_key(distribution)
                if key in wanted:
                    found.setdefault(key, version)  # the first on sys.path is the one imported
    return [f"{name}={found.get(_distribution_key(name), '-')}" for name in _LIBRARIES]


def _distribution_key(name: str) -> str:
    """A distribution's name as installers spell it in folder names (PEP 503 normalised, "_" for runs of -_.)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def default_folder() -> Path:
    """DOCPREP_CACHE_DIR, else the platform's user cache folder (platformdirs: ~/.cache/docprep on Linux,
    ~/Library/Caches/docprep on macOS, %LOCALAPPDATA%\\docprep\\Cache on Windows)."""
    given = os.environ.get(FOLDER_ENV)
    if given:
        return Path(given)
    import platformdirs

    return Path(platformdirs.user_cache_dir("docprep", appauthor=False))


@lru_cache(maxsize=None)
def engine_version() -> str:
    """docprep's version, with a fingerprint of its own code and data and of the measuring libraries' versions:
    an editable install changed without a new version number, or a library upgraded, does not reuse old results."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".toml") and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    digest.update("\0".join(_library_versions()).encode("utf-8"))
    return f"{__version__}+{digest.hexdigest()[:16]}"


class _Unstorable(TypeError):
    """A value JSON cannot carry exactly (e.g. a numpy number): that result is not cached."""


def _encode(value):
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, tuple):
        return {_TUPLE: [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value) and _TUPLE not in value:
        return {k: _encode(v) for k, v in value.items()}
    raise _Unstorable(type(value).__name__)


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if set(value) == {_TUPLE}:
            return tuple(_decode(v) for v in value[_TUPLE])
        return {k: _decode(v) for k, v in value.items()}
    return value


def _finding_entry(finding: Finding) -> dict:
    return {"rule": finding.rule, "severity": finding.severity.value, "zh": finding.message.zh,
            "en": finding.message.en, "measured": _encode(finding.measured), "expected": _encode(finding.expected),
            "page": finding.page, "box": _encode(finding.box)}


def _finding(entry: dict) -> Finding:
    """A Finding back from its entry; ValueError, KeyError or TypeError when the entry is not one."""
    page, box = entry["page"], _decode(entry["box"])
    if not (isinstance(entry["rule"], str) and isinstance(entry["zh"], str) and isinstance(entry["en"], str)):
        raise TypeError("rule and message must be text")
    if page is not None and not isinstance(page, int):
        raise TypeError("page must be a number")
    if box is not None and not (isinstance(box, tuple) and len(box) == 4):
        raise TypeError("box must be four numbers")
    return Finding(entry["rule"], Severity(entry["severity"]), Text(entry["zh"], entry["en"]),
                   _decode(entry["measured"]), _decode(entry["expected"]), page, box)


@dataclass(frozen=True)
class CachedResult:
    """What an entry holds: what the file was taken as, and its findings."""

    kind: FileType
    attachment_kind: str | None
    findings: list[Finding]
    first_page_text: str | None = None  # a PDF's first page's text layer (what an application's classification reads)
    thumbnails: tuple[Thumbnail, ...] = ()  # in a cache for pictures: the HTML report's thumbnails


def _thumbnail_entry(thumbnail: Thumbnail) -> dict:
    return {"jpeg": base64.b64encode(thumbnail.jpeg).decode("ascii"), "width": thumbnail.width,
            "height": thumbnail.height, "page": thumbnail.page}


def _thumbnail(entry: dict) -> Thumbnail:
    """A Thumbnail back from its entry; ValueError, KeyError or TypeError when the entry is not one."""
    numbers = (entry["width"], entry["height"], 1 if entry["page"] is None else entry["page"])
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers):
        raise TypeError("a thumbnail's sizes and page must be numbers")
    return Thumbnail(base64.b64decode(entry["jpeg"], validate=True), entry["width"], entry["height"], entry["page"])


def storable(report: FileReport) -> bool:
    """A finished check of a file's content: not a file that could not be read or checked, nor one passed over."""
    return (report.sha256 is not None and not report.own_output
            and not any(f.rule == "file.check-failed" for f in report.findings))


class ResultCache:
    """Results on local disk under `folder` (default_folder()), for one profile and one attachment kind asked for.
    `version` is docprep's (engine_version()); another value is another cache. A cache for `pictures` (a check
    for the HTML report) keeps each file's thumbnails with its findings, in entries of its own: a check without
    pictures never pays for storing or reading them, and one with pictures never meets an entry without them."""

    def __init__(self, profile: Profile, attachment_kind: str | None = None, folder: str | os.PathLike | None = None,
                 version: str | None = None, pictures: bool = False):
        self.folder = Path(folder) if folder is not None else default_folder()
        self.pictures = pictures
        self.context = [SCHEMA, profile.digest, attachment_kind, version or engine_version(),
                        *(["pictures"] if pictures else [])]
        self.warned = False

    def key(self, sha256: str, path: str | os.PathLike, title: bool = False) -> str:
        """The entry's name: everything that decides a file's findings, hashed (`title`: its title read by OCR)."""
        name = os.fsencode(PurePath(path).name).hex()
        text = json.dumps([*self.context, sha256, name, *(["title"] if title else [])], separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def entry_path(self, key: str) -> Path:
        return self.folder / "results-1" / key[:2] / f"{key[2:]}.json"

    def get(self, sha256: str, path: str | os.PathLike, title: bool = False) -> CachedResult | None:
        """The stored result for this content under this name, or None (none stored, or unreadable: a miss)."""
        key = self.key(sha256, path, title)
        try:
            entry = json.loads(self.entry_path(key).read_bytes().decode("utf-8"))
            if entry["schema"] != SCHEMA or entry["key"] != key:
                raise ValueError("another schema or entry")
            text = entry.get("text")
            if text is not None and not isinstance(text, str):
                raise TypeError("text must be text")
            return CachedResult(FileType(entry["kind"]), entry["attachment_kind"],
                                [_finding(f) for f in entry["findings"]], text,
                                tuple(_thumbnail(t) for t in entry.get("thumbnails", [])))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:  # cut short, garbage, old schema
            log.debug("docprep: cache entry %s unusable (%s); the file is checked again", key, exc)
            return None

    def lookup(self, path: str | os.PathLike, in_folder: bool = False, title: bool = False) -> FileReport | None:
        """The report of the file at `path` from the cache, shown with its current path, or None on a miss. Reads
        the file (to hash it), never decodes it. A picture or report docprep wrote, met `in_folder`, is a miss:
        the check passes over it."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError:
            return None  # the check reports what is wrong with it
        if in_folder and is_own_output(data[:1024]):
            return None
        return self._found(data, path, display_path(path), name_bytes(path), title)

    def lookup_target(self, target) -> FileReport | None:
        """lookup() for what a run checks: a file found by a walk (engine.walk.Target), or a member of a zip
        (engine.archives.MemberTarget: unpacked in memory to be hashed). A target whose title is read by OCR
        (`read_title`) has entries of its own: its stored text holds that title."""
        if hasattr(target, "member"):
            try:
                data = target.member.read()
            except LoadFailure:
                return None  # the check reports it
            return self._found(data, PurePosixPath(target.shown), target.shown, None, target.read_title)
        return self.lookup(target.path, target.in_folder, target.read_title)

    def _found(self, data: bytes, path: PurePath, shown: str, path_bytes: str | None, title: bool
               ) -> FileReport | None:
        sha256 = hashlib.sha256(data).hexdigest()
        cached = self.get(sha256, path, title)
        if cached is None:
            return None
        return FileReport(shown, cached.kind, sha256, list(cached.findings), cached.attachment_kind,
                          path_bytes=path_bytes, first_page_text=cached.first_page_text,
                          thumbnails=list(cached.thumbnails))

    def put(self, path: str | os.PathLike, report: FileReport, title: bool = False) -> None:
        """Store a report's result (if storable) under its content's hash; a cache that cannot be written is
        skipped with one warning, never a failed run."""
        if not storable(report):
            return
        key = self.key(report.sha256, path, title)
        try:
            entry = {"schema": SCHEMA, "key": key, "kind": report.kind.value, "attachment_kind": report.attachment_kind,
                     "findings": [_finding_entry(f) for f in report.findings],
                     **({"text": report.first_page_text} if report.first_page_text is not None else {}),
                     **({"thumbnails": [_thumbnail_entry(t) for t in report.thumbnails]} if self.pictures else {})}
            data = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        except _Unstorable as exc:
            log.debug("docprep: %s not cached: a finding holds a %s", report.path, exc)
            return
        try:
            write_atomic(self.entry_path(key), data)
        except OutputError as exc:
            if not self.warned:
                self.warned = True
                log.warning("%s", message("cache.not_written", reason=exc.text)(default_language()))
