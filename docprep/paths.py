"""File names as people see them and as scripts reach them.

Shared drives written by Chinese Windows hold names in GBK; on a UTF-8 system Python sees them as undecodable
bytes. For display and for the name hints they are read as GB18030 (a superset of GBK) where that is valid;
the raw bytes stay available (`name_bytes`) so a script can still open the real file."""
from __future__ import annotations

import os
import re
from pathlib import Path

_SEPARATORS = re.compile(rb"([/\\])" if os.sep == "\\" else rb"(/)")
# C0 controls (tab excepted), DEL and C1 controls: an ESC in a file name must not drive the terminal.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def _decode_part(part: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return part.decode(encoding)
        except UnicodeDecodeError:
            continue
    return part.decode("utf-8", "backslashreplace")


def is_utf8_name(path: str | os.PathLike) -> bool:
    try:
        os.fsencode(path).decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def display_path(path: str | os.PathLike) -> str:
    """A printable path: each part that is not UTF-8 is read as GB18030 (GBK names on shares), else its bad bytes
    are shown as \\x escapes."""
    raw = os.fsencode(path)
    return "".join(_decode_part(part) for part in _SEPARATORS.split(raw))


def display_name(path: str | os.PathLike) -> str:
    """The last part of display_path: what name hints and output names are made from."""
    return _decode_part(os.fsencode(Path(path).name))


def name_bytes(path: str | os.PathLike) -> str | None:
    """The path's bytes as hex when its name is not UTF-8 (else None): `os.fsdecode(bytes.fromhex(value))`
    gives a script the real path back."""
    return None if is_utf8_name(path) else os.fsencode(path).hex()


def terminal_safe(text: str) -> str:
    """Control characters (an ESC in a file name) shown as escapes instead of reaching the terminal."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def same_file(a: Path, b: Path) -> bool:
    """The same file on disk (also through links, case-insensitive file systems and different spellings)."""
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def inside(path: Path, folder: Path) -> bool:
    """`path` is `folder` or lies somewhere below it."""
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return False


def read_head(path: Path, size: int = 1024) -> bytes:
    """The file's first bytes (what it is, by content), or b"" when it cannot be read (its reader says why)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(size)
    except OSError:
        return b""
