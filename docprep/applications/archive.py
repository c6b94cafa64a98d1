"""A zipped application, read in place: nothing is extracted to disk.

The central directory is judged before any member is read: too many entries, too many bytes unpacked or too high a
compression ratio (a zip bomb) refuse the whole archive (`app.archive-bomb`), and the limits are enforced again
while a member is read, in case the directory lies. An entry whose name would climb out of the folder it is
unpacked into (`..`, an absolute path, a drive letter, a backslash, a control character) or that is a symbolic
link is refused (`app.archive-unsafe`), an encrypted entry too (`app.archive-encrypted`); a zip that is not one,
is truncated or is damaged is `app.archive-corrupt`. The rules are declared in docprep/rules/application.py.

Names are decoded as UTF-8 where the entry says so (flag 0x800) or carries an Info-ZIP Unicode Path field, else
as GB18030 (zips made on Chinese Windows), else as CP437 (the ZIP format's own default)."""
from __future__ import annotations

import os
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

try:
    from lzma import LZMAError
except ImportError:  # pragma: no cover - a Python built without lzma reads no LZMA member at all
    LZMAError = RuntimeError

from ..i18n import Text
from ..model import LoadFailure, Problem
from ..paths import display_path
from .metadata import Reader

UTF8_FLAG = 0x800
ENCRYPTED_FLAG = 0x1
UNICODE_PATH_FIELD = 0x7075  # Info-ZIP: a UTF-8 name beside a legacy-encoded one
READABLE_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate", zipfile.ZIP_BZIP2: "bzip2",
                    zipfile.ZIP_LZMA: "lzma"}
MACOS_FORKS = "__MACOSX/"  # Finder's zips carry each file's resource fork under this folder
_CHUNK = 1 << 20  # bytes unpacked at a time: limits are checked between chunks
_CONTROL = re.compile("[\x00-\x1f\x7f]")
_DRIVE = re.compile(r"[A-Za-z]:")
CORRUPT, BOMB, UNSAFE, ENCRYPTED = ("app.archive-corrupt", "app.archive-bomb", "app.archive-unsafe",
                                    "app.archive-encrypted")


def _problem(zh: str, en: str, measured=None, expected=None) -> Problem:
    return Problem(Text(zh, en), measured, expected)


def _corrupt(where: str, reason: str) -> Problem:
    return _problem(f"压缩包“{where}”已损坏或不完整（{reason}），无法读取。请重新打包，或重新下载、复制完整的文件。",
                    f"The zip '{where}' is damaged or incomplete ({reason}) and cannot be read. Zip the folder again, "
                    "or download or copy the whole file again.", reason, "a complete zip")


@dataclass(frozen=True)
class ArchiveMember:
    """One file in a zip: its decoded name, its size (unpacked, as the central directory says) and `read()`, which
    unpacks it in memory within the profile's limits. Plain data: it can go to a worker process, which opens the
    zip itself."""

    archive: str  # the zip's path
    index: int  # its place in the central directory (names may repeat; the index does not)
    name: str  # "/"-separated, decoded
    size: int
    compressed: int
    encoding: str  # how the name was decoded: "ascii", "utf-8", "gb18030" or "cp437"
    limits: object  # the profile's [app.archive] section

    def read(self) -> bytes:
        """The member's bytes. LoadFailure (app.archive-corrupt, app.archive-bomb) when it cannot be unpacked, or
        unpacks to more than the directory said or the limits allow."""
        try:
            with zipfile.ZipFile(self.archive) as archive:
                infos = archive.infolist()
                info = infos[self.index] if self.index < len(infos) else None
                if info is None or (info.file_size, info.compress_size) != (self.size, self.compressed):
                    raise LoadFailure(CORRUPT, _corrupt(self.name, "the zip changed since it was listed"))
                return self._unpack(archive, info)
        except (zipfile.BadZipFile, zlib.error, LZMAError, EOFError, OSError, ValueError, NotImplementedError,
                RuntimeError) as exc:
            raise LoadFailure(CORRUPT, _corrupt(self.name, str(exc) or type(exc).__name__)) from None

    def _unpack(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
        parts, done = [], 0
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                done += len(chunk)
                if done > self.size or _over_ratio(done, self.compressed, self.limits):
                    raise LoadFailure(BOMB, _problem(
                        f"“{self.name}”解压后超过了压缩包目录所写的 {self.size:,} 字节或允许的压缩比（已解出 {done:,} 字节），"
                        "疑似压缩炸弹，已停止读取。请重新打包。",
                        f"'{self.name}' unpacks to more than the {self.size:,} bytes its directory says or the "
                        f"compression ratio allowed ({done:,} bytes so far): a zip bomb, read no further. Zip the "
                        "folder again.", done, self.size))
                parts.append(chunk)
        return b"".join(parts)


@dataclass(frozen=True)
class Archive:
    """A zip's members that can be read, and the problems of the rest (rule id, Problem). `refused`: the whole zip
    was refused (corrupt, or a bomb) and lists no member."""

    path: str
    members: tuple[ArchiveMember, ...] = ()
    problems: tuple[tuple[str, Problem], ...] = ()
    refused: bool = False
    root: str = ""  # the one folder every member sits in ("张伟/"), where applicants zip their folder; else ""

    def member(self, name: str) -> ArchiveMember | None:
        """The member at `name`, relative to the root (the last one, where a zip repeats a name)."""
        return next((m for m in reversed(self.members) if m.name == self.root + name), None)

    def reader(self) -> Reader:
        """A Reader of the application inside (application.toml, the self-report file), from the root."""

        def read(name: str) -> bytes | None:
            member = self.member(name)
            return None if member is None else member.read()

        return read


def member_name(info: zipfile.ZipInfo) -> tuple[str, str]:
    """An entry's name and the encoding it was read in."""
    if info.flag_bits & UTF8_FLAG:
        return info.orig_filename, "utf-8"  # zipfile has decoded it as UTF-8
    raw = info.orig_filename.encode("cp437")  # zipfile decoded the raw bytes as CP437, which maps all 256 back
    unicode = _unicode_path(info.extra, raw)
    if unicode is not None:
        return unicode, "utf-8"
    if raw.isascii():
        return raw.decode("ascii"), "ascii"
    try:
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return raw.decode("cp437"), "cp437"


def _unicode_path(extra: bytes, raw: bytes) -> str | None:
    """The Info-ZIP Unicode Path field's name, when it is there and was written for this very name."""
    at = 0
    while at + 4 <= len(extra):
        field, size = struct.unpack_from("<HH", extra, at)
        data = extra[at + 4:at + 4 + size]
        at += 4 + size
        if field == UNICODE_PATH_FIELD and len(data) > 5 and data[0] == 1:
            if struct.unpack_from("<I", data, 1)[0] == zlib.crc32(raw):
                try:
                    return data[5:].decode("utf-8")
                except UnicodeDecodeError:
                    return None
    return None


def unsafe_name(name: str) -> Text | None:
    """Why an entry's name could climb out of the folder it is unpacked into, or None."""
    if "\\" in name:
        return Text("含反斜杠“\\”（Windows 下是路径分隔符）", "holds a backslash (a path separator on Windows)")
    if name.startswith("/"):
        return Text("是绝对路径", "is an absolute path")
    if _DRIVE.match(name):
        return Text("以盘符开头", "starts with a drive letter")
    if ".." in name.split("/"):
        return Text("含“..”，指向上级文件夹", "holds '..', which leads to the folder above")
    if _CONTROL.search(name):
        return Text("含控制字符", "holds control characters")
    return None


def _is_link(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def _over_ratio(size: int, compressed: int, limits) -> bool:
    return size >= limits.ratio_from_bytes and size > limits.max_ratio * max(compressed, 1)


def _bomb(infos: list[zipfile.ZipInfo], archive_bytes: int, limits) -> Problem | None:
    """The zip bomb the central directory shows, before anything is unpacked."""
    total = sum(info.file_size for info in infos)
    if len(infos) > limits.max_members:
        return _problem(f"压缩包有 {len(infos):,} 个条目，超过上限 {limits.max_members:,} 个（疑似压缩炸弹；确有这么多文件"
                        "请分开打包），未读取。",
                        f"The zip has {len(infos):,} entries, more than the {limits.max_members:,} allowed (a zip "
                        "bomb, or split it into several zips), not read.", len(infos), limits.max_members)
    if total > limits.max_total_bytes:
        return _problem(f"压缩包解压后共 {total:,} 字节，超过上限 {limits.max_total_bytes:,} 字节（疑似压缩炸弹；确有这么大"
                        "请分开打包），未读取。",
                        f"The zip unpacks to {total:,} bytes, more than the {limits.max_total_bytes:,} allowed (a "
                        "zip bomb, or split it into several zips), not read.", total, limits.max_total_bytes)
    for info in infos:
        if _over_ratio(info.file_size, info.compress_size, limits):
            name = member_name(info)[0]
            return _ratio(Text(f"“{name}”", f"'{name}'"), info.file_size, info.compress_size, limits)
    return _ratio(Text("压缩包", "the zip"), total, archive_bytes, limits)  # many small entries, or overlapping ones


def _ratio(what: Text, size: int, packed: int, limits) -> Problem | None:
    if not _over_ratio(size, packed, limits):
        return None
    ratio = size / max(packed, 1)
    return _problem(f"{what.zh}的压缩比为 {ratio:,.0f}:1（{size:,} 字节压成 {packed:,} 字节），上限 {limits.max_ratio:g}:1："
                    "疑似压缩炸弹，未读取。扫描件和照片几乎不能压缩，请检查压缩包的来源。",
                    f"{what.en} is compressed {ratio:,.0f}:1 ({size:,} bytes in {packed:,}); at most "
                    f"{limits.max_ratio:g}:1: a zip bomb, not read. Scans and photos hardly compress: check where "
                    "the zip came from.", round(ratio, 1), limits.max_ratio)


def _entry_problem(info: zipfile.ZipInfo, name: str) -> tuple[str, Problem] | None:
    """Why one entry is not listed as a member, or None."""
    reason = unsafe_name(name)
    if reason is None and _is_link(info):
        reason = Text("是符号链接", "is a symbolic link")
    if reason is not None:
        return UNSAFE, _problem(f"压缩包中的“{name}”{reason.zh}，解压时可能写到申报文件夹之外，已拒绝。请把文件放在"
                                "文件夹里重新打包（不要用链接）。",
                                f"The zip's entry '{name}' {reason.en}: unpacked, it could land outside the "
                                "application folder, so it was refused. Put the files in the folder and zip it "
                                "again (no links).", name, "a relative name inside the folder")
    if info.is_dir():
        return None
    if info.flag_bits & ENCRYPTED_FLAG:
        return ENCRYPTED, _problem(f"压缩包中的“{name}”设置了密码，无法检查，平台也无法读取。请不设密码重新打包。",
                                   f"The zip's entry '{name}' is password-protected: docprep cannot check it and the "
                                   "platform cannot read it. Zip it again without a password.", name, "no password")
    if info.compress_type not in READABLE_METHODS:
        return CORRUPT, _corrupt(name, f"compression method {info.compress_type}")
    return None


def _root(names: list[str]) -> str:
    """The one folder all members sit in, not counting the resource forks macOS's Finder adds (__MACOSX/)."""
    names = [name for name in names if not name.startswith(MACOS_FORKS)]
    tops = {name.split("/", 1)[0] for name in names}
    return tops.pop() + "/" if len(tops) == 1 and all("/" in name for name in names) else ""


def open_archive(path: str | os.PathLike, limits) -> Archive:
    """List a zip's members from its central directory (`limits`: the profile's [app.archive] section). A zip that
    cannot be opened, or is a bomb, comes back refused with its problem; OSError when the file cannot be read."""
    path = os.fspath(path)
    shown = display_path(Path(path).name)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, EOFError, UnicodeDecodeError, ValueError, NotImplementedError, struct.error) as exc:
        return Archive(path, problems=((CORRUPT, _corrupt(shown, str(exc) or type(exc).__name__)),), refused=True)
    bomb = _bomb(infos, os.path.getsize(path), limits)
    if bomb is not None:
        return Archive(path, problems=((BOMB, bomb),), refused=True)
    members, problems = [], []
    for index, info in enumerate(infos):
        name, encoding = member_name(info)
        problem = _entry_problem(info, name)
        if problem is not None:
            problems.append(problem)
        elif not info.is_dir():
            members.append(ArchiveMember(path, index, name, info.file_size, info.compress_size, encoding, limits))
    return Archive(path, tuple(members), tuple(problems), root=_root([m.name for m in members]))
