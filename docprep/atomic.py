"""Output files: checked for writability before any work is done, then written atomically (a temporary file
beside the target, renamed into place with os.replace, which is Windows-safe)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputError
from .i18n import Text, message
from .paths import display_path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _cannot_write(path: Path, reason: Text) -> OutputError:
    return OutputError("cannot_write", path=display_path(path), reason=reason)


def _os_reason(exc: OSError) -> Text:
    reason = exc.strerror or type(exc).__name__
    return Text(reason, reason)


def ensure_writable(path: str | os.PathLike, folder: bool = False) -> None:
    """Raise OutputError unless `path` (a file, or with `folder` a folder) could be written now. Checked before the
    work is done, so a read-only share fails at once, not after a long run. The probe is a real write (a temporary
    file, removed at once) in the nearest existing folder: permission bits do not tell on shares, on read-only
    file systems or for root."""
    target = Path(path)
    if target.is_dir() and not folder:
        raise _cannot_write(target, message("error.is_folder"))
    if target.exists() and folder and not target.is_dir():
        raise _cannot_write(target, message("error.is_file"))
    existing = target if folder else target.parent
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        raise _cannot_write(target, message("error.file_in_path", name=display_path(existing)))
    try:
        handle, probe = tempfile.mkstemp(prefix=".docprep-probe-", dir=existing)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise _cannot_write(target, _os_reason(exc)) from None


def write_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write `data` to `path` whole or not at all; OutputError when it cannot be written. The file gets the usual
    permissions (0666 less the umask), not the temporary file's private 0600: reports and pictures on a shared
    drive are for others to read."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise _cannot_write(target, _os_reason(exc)) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise _cannot_write(target, _os_reason(exc)) from None
        raise
