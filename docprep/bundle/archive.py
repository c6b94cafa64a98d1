"""Writing a package: the same files as one zip, byte for byte the same for the same files, or as a folder; either
whole or not at all.

The zip is written here rather than by Python's zipfile, which sets the UTF-8 name flag only on names that are not
ASCII (and gives no public way to set it on the others) and stamps the system it runs on: every entry has the
same fixed fields wherever it is made — the date 1980-01-01 00:00:00 (the earliest a zip can say), the UTF-8 name
flag (0x800), "made by" Unix 2.0 with permissions rw-r--r--, deflate at DEFLATE_LEVEL, no extra fields, no
comment — and the entries are sorted by name. (The deflated bytes are zlib's: the same zlib gives the same bytes.)"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import struct
import zlib
from pathlib import Path

from ..atomic import write_atomic
from ..errors import OutputError
from ..i18n import Text
from ..paths import display_path

DEFLATE_LEVEL = 9  # zlib's best: the package is written once and uploaded, often over a slow line
UTF8_NAMES = 0x800  # general purpose bit 11: the name is UTF-8
_DEFLATED = 8
_VERSION = 20  # 2.0: deflate, the oldest version every reader takes
_MADE_BY = (3 << 8) | _VERSION  # Unix, so that the permissions below are read as such
_FILE_MODE = 0o100644 << 16  # a regular file, rw-r--r--
_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1  # 00:00:00, 1980-01-01
_LIMIT = 0xFFFFFFFF  # sizes and offsets past this need ZIP64, which no package of attachments comes near


def _deflated(data: bytes) -> bytes:
    packer = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)  # raw deflate, as zips hold it
    return packer.compress(data) + packer.flush()


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A zip of `files` (name -> content; names "/"-separated), entries sorted by name, every field fixed."""
    body, central = bytearray(), bytearray()
    names = sorted(files)
    for name in names:
        data, encoded = files[name], name.encode("utf-8")
        packed, crc = _deflated(data), zlib.crc32(data)
        if max(len(data), len(packed), len(body)) > _LIMIT:
            raise ValueError(f"{name}: a package this large needs ZIP64")
        fields = (_DEFLATED, _DOS_TIME, _DOS_DATE, crc, len(packed), len(data), len(encoded))
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, _MADE_BY, _VERSION, UTF8_NAMES, *fields, 0, 0, 0, 0,
                               _FILE_MODE, len(body)) + encoded
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, _VERSION, UTF8_NAMES, *fields, 0) + encoded + packed
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(names), len(names), len(central), len(body), 0)
    return bytes(body + central + end)


def write_zip(path: Path, files: dict[str, bytes]) -> None:
    """The zip written atomically (atomic.write_atomic)."""
    write_atomic(path, zip_bytes(files))


def _cannot_write(path: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or type(exc).__name__
    return OutputError("cannot_write", path=display_path(path), reason=Text(reason, reason))


def _sibling(path: Path, suffix: str) -> Path:
    """A new name beside `path` that nothing has: .NAME.RANDOM.SUFFIX (hidden: a walk passes over it)."""
    return path.with_name(f".{path.name}.{secrets.token_hex(6)}{suffix}")


def _fill(folder: Path, files: dict[str, bytes]) -> None:
    """A new folder (with the usual permissions: os.mkdir and open honour the umask) holding `files`."""
    os.mkdir(folder)
    for name in sorted(files):
        target = folder.joinpath(*name.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as out:
            out.write(files[name])
            out.flush()
            os.fsync(out.fileno())


def write_folder(path: Path, files: dict[str, bytes]) -> None:
    """The files written into a new folder beside `path`, which then takes its place: a folder already there
    (checked by the caller to be empty or an earlier package: folder_is_package) is moved aside first, removed once
    the new one is in place, and moved back if that fails. Readers see the old folder or the new one, never half of
    one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary, old = _sibling(path, ".part"), None
    try:
        _fill(temporary, files)
        if path.exists():
            old = _sibling(path, ".old")
            os.replace(path, old)
        try:
            os.replace(temporary, path)
        except OSError:
            if old is not None:
                earlier, old = old, None  # kept, not removed, should moving it back fail too
                os.replace(earlier, path)
            raise
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def folder_is_package(path: Path, manifest_name: str, schema: str) -> bool:
    """Whether an existing folder may be replaced by a package: it is empty, or holds nothing but an earlier
    package's own files (its manifest, of `schema`, names them). A package never deletes anything else."""
    try:
        entries = {entry.name for entry in os.scandir(path)}
        if not entries:
            return True
        manifest = json.loads((path / manifest_name).read_text(encoding="utf-8"))
        own = {manifest_name, *manifest["extras"], *(output["name"] for output in manifest["outputs"])}
        return manifest["schema"] == schema and entries <= own
    except (OSError, ValueError, KeyError, TypeError):
        return False
