"""Files that are not what they claim: empty, truncated, bombs, junk, folders, links, unreadable, odd names.

Each must give the exact rule, never an exception; through the CLI, errors exit 1 and warnings only exit 0."""
from __future__ import annotations

import io
import os
import random
import struct
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from helpers import rules_of
from PIL import ImageFile
from portrait import portrait

from docprep.engine import check_file, check_paths, check_photo_bytes
from docprep.model import Severity


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def blank_1bit_png(width: int, height: int) -> bytes:
    """A valid all-black 1-bit PNG, compressed row by row: 30000×30000 is ~110 KB on disk, 900 megapixels decoded."""
    squeeze = zlib.compressobj(9)
    row = bytes(1 + (width + 7) // 8)  # filter byte + packed bits
    data = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", data) + png_chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def bomb_png() -> bytes:
    return blank_1bit_png(30_000, 30_000)


def report_for(path, profile):
    """The one file report check_paths makes for `path` (links and folders are judged there, not in check_file)."""
    [report] = check_paths([path], profile).files
    return report


def single(report):
    [found] = report.findings
    return found


# ---- content that cannot be a photo ----

def truncated(good: bytes) -> bytes:
    return good[: len(good) // 2]


def random_bytes(good: bytes) -> bytes:
    data = random.Random(20240601).randbytes(40_000)
    assert not data.startswith(b"\xff\xd8")
    return data


@pytest.mark.parametrize("name, make, rule", [
    ("empty.jpg", lambda good: b"", "photo.unreadable"),
    ("half.jpg", truncated, "photo.unreadable"),
    ("noise.jpg", random_bytes, "photo.not-jpeg"),
    ("notes.jpg", lambda good: "申报说明\nThis is a text file.\n".encode("utf-8") * 200, "photo.not-jpeg"),
    ("page.jpg", lambda good: b"<!DOCTYPE html>\n<html><body><img src='photo.jpg'></body></html>\n" * 50,
     "photo.not-jpeg"),
])
def test_broken_content_named_jpg(name, make, rule, tmp_path, good_jpeg, profile):
    path = tmp_path / name
    path.write_bytes(make(good_jpeg))
    report = check_file(path, profile)
    assert report.kind == "photo"
    assert report.status == "error"
    found = single(report)
    assert found.rule == rule and found.severity is Severity.ERROR
    assert found.measured is not None and found.expected is not None


@pytest.mark.parametrize("content, what", [
    (b"hello\n" * 100, "text"),
    (b"<html><body>not a photo</body></html>" * 20, "HTML"),
])
def test_not_jpeg_says_what_the_content_is(content, what, profile):
    [found] = check_photo_bytes("photo.jpg", content, profile)
    assert found.rule == "photo.not-jpeg"
    assert found.measured == what and what in found.message.en


# ---- decompression bombs ----

def test_the_bomb_is_small_on_disk_and_huge_decoded(bomb_png):
    assert len(bomb_png) < 200_000
    assert struct.unpack(">II", bomb_png[16:24]) == (30_000, 30_000)


@pytest.mark.parametrize("make, measured", [
    pytest.param(lambda bomb: bomb, "900000000 pixels", id="30000x30000-past-pillows-limit"),
    pytest.param(lambda bomb: blank_1bit_png(9_000, 8_000), [9_000, 8_000], id="9000x8000-past-the-profile-limit"),
])
def test_decompression_bomb_is_refused_without_decoding(make, measured, bomb_png, profile, monkeypatch):
    data = make(bomb_png)

    def never(*args, **kwargs):
        raise AssertionError("the bomb's pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", never)
    started = time.perf_counter()
    findings = check_photo_bytes("bomb.jpg", data, profile)
    assert time.perf_counter() - started < 5
    [found] = findings
    assert found.rule == "photo.unreadable" and found.severity is Severity.ERROR
    assert found.measured == measured
    assert found.expected == "<= 64000000 pixels"


def test_decompression_bomb_through_the_cli(tmp_path, bomb_png, run_cli):
    path = tmp_path / "bomb.jpg"
    path.write_bytes(bomb_png)
    result = run_cli("check", "--lang", "en", path)
    assert result.returncode == 1, result.stderr
    assert "photo.unreadable" in result.stdout and "decompression bomb" in result.stdout


# ---- things that are not regular files ----

def test_folder_named_like_a_photo(tmp_path, profile):
    folder = tmp_path / "x.jpg"
    folder.mkdir()
    found = single(report_for(folder, profile))
    assert found.rule == "file.not-regular" and found.severity is Severity.ERROR


def test_folder_named_like_a_photo_inside_a_checked_folder(tmp_path, profile, good_jpeg):
    (tmp_path / "x.jpg").mkdir()
    (tmp_path / "good.jpg").write_bytes(good_jpeg)
    reports = {Path(r.path).name: r for r in check_paths([tmp_path], profile).files}
    assert rules_of(reports["x.jpg"].findings) == ["file.not-regular"]
    assert reports["good.jpg"].findings == []


needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32",
                                    reason="symbolic links need privileges or are missing on this platform")


@needs_symlinks
def test_symbolic_link_is_not_followed(tmp_path, good_photo, profile):
    link = tmp_path / "link.jpg"
    link.symlink_to(good_photo)
    report = report_for(link, profile)
    found = single(report)
    assert found.rule == "file.link" and found.severity is Severity.WARNING
    assert report.sha256 is None  # not read


@needs_symlinks
def test_broken_symbolic_link(tmp_path, profile):
    link = tmp_path / "broken.jpg"
    link.symlink_to(tmp_path / "nowhere.jpg")
    found = single(report_for(link, profile))
    assert found.rule == "file.link" and found.severity is Severity.WARNING


@needs_symlinks
def test_symbolic_link_loop_in_a_folder_terminates(tmp_path, good_jpeg, profile):
    (tmp_path / "good.jpg").write_bytes(good_jpeg)
    (tmp_path / "loop").symlink_to(tmp_path)
    reports = {Path(r.path).name: rules_of(r.findings) for r in check_paths([tmp_path], profile).files}
    assert reports == {"good.jpg": [], "loop": ["file.link"]}


# ---- files that cannot be read ----

@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0,
                    reason="root (and Windows) can read a chmod 000 file, so no permission error can be provoked")
def test_unreadable_file_permission_denied(tmp_path, good_photo, profile):
    good_photo.chmod(0)
    try:
        found = single(check_file(good_photo, profile))
    finally:
        good_photo.chmod(0o644)
    assert found.rule == "file.unreadable" and found.severity is Severity.ERROR


def test_unreadable_file_when_open_fails(tmp_path, good_photo, profile, monkeypatch):
    """The same path as a permission error, provoked for any user (root included) by failing open()."""
    import builtins

    real_open = builtins.open

    def failing_open(file, *args, **kwargs):
        if os.fspath(file) == os.fspath(good_photo):
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", failing_open)
    report = check_file(good_photo, profile)
    found = single(report)
    assert found.rule == "file.unreadable" and found.severity is Severity.ERROR
    assert "Permission denied" in found.message.en
    assert report.sha256 is None


# ---- names and types ----

GBK_NAME = "照片.jpg".encode("gbk")  # b'\xd5\xd5\xc6\xac.jpg'


@pytest.fixture
def gbk_photo(tmp_path, good_jpeg) -> Path:
    if sys.platform in ("win32", "darwin"):
        pytest.skip("file names must be Unicode on Windows and macOS: a GBK byte name cannot exist there")
    assert GBK_NAME == b"\xd5\xd5\xc6\xac.jpg"
    raw = os.path.join(os.fsencode(tmp_path), GBK_NAME)
    try:
        with open(raw, "wb") as out:
            out.write(good_jpeg)
    except OSError as exc:
        pytest.skip(f"this file system refuses non-UTF-8 names: {exc}")
    return Path(os.fsdecode(raw))


def test_gbk_file_name_warns_and_is_still_checked(gbk_photo, profile):
    report = check_file(gbk_photo, profile)
    assert report.kind == "photo" and report.sha256 is not None  # read and checked
    found = single(report)
    assert found.rule == "file.name-encoding" and found.severity is Severity.WARNING
    assert "照片.jpg" in found.message.zh  # read as GBK, the name is shown as meant


def test_gbk_file_name_in_a_folder_is_checked_like_any_other(gbk_photo, tmp_path, profile, write_jpeg):
    write_jpeg(tmp_path / "blue.jpg", portrait(background=(70, 110, 200)))
    reports = check_paths([tmp_path], profile).files
    assert sorted(rules_of(r.findings)[0] for r in reports) == ["file.name-encoding", "photo.background"]


def test_gbk_file_name_through_the_cli_exits_0(gbk_photo, run_cli):
    result = run_cli("check", "--format", "json", gbk_photo.parent)
    assert result.returncode == 0, result.stderr
    assert "file.name-encoding" in result.stdout


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_word_document_is_unsupported(tmp_path, profile):
    path = tmp_path / "申报表.docx"
    path.write_bytes(docx_bytes())
    report = check_file(path, profile)
    assert report.kind == "other"
    found = single(report)
    assert found.rule == "file.unsupported" and found.severity is Severity.WARNING


def test_word_document_renamed_jpg_is_not_jpeg(tmp_path, profile):
    path = tmp_path / "photo.jpg"
    path.write_bytes(docx_bytes())
    assert rules_of(check_file(path, profile).findings) == ["photo.not-jpeg"]


# ---- through the CLI: exit 1 for errors, 0 for warnings only ----

def put(path: Path, content) -> Path:
    """Make `path`: bytes -> a file, "folder" -> a folder, ("link", target) -> a symbolic link."""
    if content == "folder":
        path.mkdir()
    elif isinstance(content, tuple):
        path.symlink_to(path.parent / content[1])
    else:
        path.write_bytes(content)
    return path


@pytest.mark.parametrize("name, make, rule, code", [
    pytest.param("empty.jpg", lambda good: b"", "photo.unreadable", 1, id="empty"),
    pytest.param("half.jpg", truncated, "photo.unreadable", 1, id="truncated"),
    pytest.param("page.jpg", lambda good: b"<html><body>x</body></html>", "photo.not-jpeg", 1, id="html"),
    pytest.param("x.jpg", lambda good: "folder", "file.not-regular", 1, id="folder"),
    pytest.param("a.docx", lambda good: docx_bytes(), "file.unsupported", 0, id="docx"),
    pytest.param("link.jpg", lambda good: ("link", "nowhere.jpg"), "file.link", 0, id="broken-link",
                 marks=needs_symlinks),
])
def test_cli_exit_code(name, make, rule, code, tmp_path, good_jpeg, run_cli):
    target = put(tmp_path / name, make(good_jpeg))
    result = run_cli("check", target)
    assert result.returncode == code, result.stdout + result.stderr
    assert rule in result.stdout
    assert "Traceback" not in result.stderr
