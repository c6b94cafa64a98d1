"""Where reports and fixed files go: never over an input, never a traceback for an unwritable place, any console
encoding, colour only where it belongs, `-o -` as standard output (issue 7, items 1-6 and 19)."""
from __future__ import annotations

import json
import os
import sys

import pytest
from helpers import encode
from portrait import portrait

ROOT_CAN_WRITE_ANYWHERE = sys.platform == "win32" or os.geteuid() == 0


@pytest.fixture
def folder(tmp_path, good_jpeg):
    """A folder with a good photo, a copy PDF and a phone photo."""
    (tmp_path / "good.jpg").write_bytes(good_jpeg)
    (tmp_path / "phone.jpg").write_bytes(good_jpeg)
    return tmp_path


# ---- 1. check -o never overwrites what it checks ----

@pytest.mark.parametrize("args", [
    pytest.param(["good.jpg", "-o", "good.jpg"], id="the-input"),
    pytest.param(["good.jpg", "--format", "json", "-o", "./good.jpg"], id="json-same-file-other-spelling"),
    pytest.param([".", "-o", "./phone.jpg"], id="a-file-inside-the-checked-folder"),
])
def test_check_refuses_to_write_its_report_over_a_checked_file(folder, good_jpeg, run_cli, args):
    result = run_cli("check", *args, cwd=folder)
    assert result.returncode == 2, result.stdout + result.stderr
    assert (folder / "good.jpg").read_bytes() == good_jpeg and (folder / "phone.jpg").read_bytes() == good_jpeg
    assert "覆盖" in result.stderr and "Traceback" not in result.stderr


def test_check_refuses_a_report_path_that_is_a_checked_file_by_another_name(folder, good_jpeg, run_cli):
    """A hard link elsewhere to a file of the checked folder is that file (the walk's files are compared with the
    report path by device and inode, as os.path.samefile does)."""
    elsewhere = folder.parent / "elsewhere"
    elsewhere.mkdir()
    try:
        os.link(folder / "phone.jpg", elsewhere / "report.json")
    except OSError as exc:
        pytest.skip(f"no hard links here: {exc}")
    result = run_cli("check", ".", "--format", "json", "-o", elsewhere / "report.json", cwd=folder)
    assert result.returncode == 2, result.stdout + result.stderr
    assert (folder / "phone.jpg").read_bytes() == good_jpeg and "覆盖" in result.stderr


def test_check_may_write_a_new_report_inside_the_checked_folder(folder, run_cli):
    result = run_cli("check", ".", "-o", "report.txt", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert "good.jpg" in (folder / "report.txt").read_text(encoding="utf-8")


# ---- 2. any console encoding ----

@pytest.mark.parametrize("encoding", ["gbk", "cp936", "latin-1", "ascii"])
def test_check_survives_any_console_encoding(folder, tmp_path, run_cli, encoding, write_jpeg):
    write_jpeg(folder / "bad.jpg", portrait(358, 441, background=(70, 110, 200)))
    result = run_cli("check", "good.jpg", "bad.jpg", cwd=folder, env={"PYTHONIOENCODING": encoding})
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert "[X] bad.jpg" in result.stdout and "[OK] good.jpg" in result.stdout  # ✓/✗ fall back to plain marks


def test_gbk_console_shows_chinese_and_utf8_keeps_the_symbols(folder, run_cli):
    import subprocess

    command = [sys.executable, "-m", "docprep", "check", "good.jpg"]
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    env.pop("DOCPREP_LANG", None)
    raw = subprocess.run(command, capture_output=True, cwd=folder, env=env).stdout
    assert "个文件" in raw.decode("gbk")
    assert "✓ good.jpg" in run_cli("check", "good.jpg", cwd=folder).stdout


@pytest.mark.parametrize("encoding", ["gbk", "latin-1"])
def test_json_on_a_non_utf8_console_stays_exact(folder, run_cli, encoding):
    result = run_cli("check", "--format", "json", "good.jpg", cwd=folder, env={"PYTHONIOENCODING": encoding})
    assert result.returncode == 0, result.stderr
    assert result.stdout.isascii()
    assert json.loads(result.stdout)["files"][0]["path"] == "good.jpg"


def test_fix_survives_a_gbk_console(folder, run_cli):
    result = run_cli("fix", "good.jpg", "-o", "out.jpg", cwd=folder, env={"PYTHONIOENCODING": "gbk"})
    assert result.returncode == 0, result.stderr
    assert "internal error" not in result.stderr and (folder / "out.jpg").exists()


# ---- 3. unwritable outputs: a clear message before the work ----

@pytest.fixture
def blocked(tmp_path):
    """A path below a regular file: no folder can be made there, not even by root."""
    (tmp_path / "a-file").write_text("x")
    return tmp_path / "a-file"


@pytest.mark.parametrize("args", [
    pytest.param(["fix", "good.jpg", "-o", "{b}/out.jpg"], id="fix-photo"),
    pytest.param(["check", "good.jpg", "-o", "{b}/r.json"], id="check-report"),
    pytest.param(["check", "good.jpg", "--annotate", "{b}/ann"], id="annotate"),
    pytest.param(["fix", "good.jpg", "-o", "{b}/x.pdf"], id="fix-scan"),
    pytest.param(["fix", ".", "-o", "{b}/out"], id="fix-folder"),
])
def test_unwritable_output_is_a_clear_message(folder, blocked, run_cli, args):
    result = run_cli(*(a.format(b=blocked) for a in args), cwd=folder)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "无法写入" in result.stderr
    assert result.stdout == ""  # refused before any work: no report, no summary


@pytest.mark.skipif(ROOT_CAN_WRITE_ANYWHERE, reason="root (and Windows) can write into a chmod 555 folder")
@pytest.mark.parametrize("args", [
    pytest.param(["fix", "good.jpg"], id="fix-beside-input-on-a-read-only-share"),
    pytest.param(["check", "good.jpg", "-o", "r.json"], id="check-report"),
])
def test_read_only_folder_is_a_clear_message(folder, run_cli, args):
    folder.chmod(0o555)
    try:
        result = run_cli(*args, cwd=folder)
    finally:
        folder.chmod(0o755)
    assert result.returncode == 2 and "无法写入" in result.stderr and "Traceback" not in result.stderr


def test_unwritable_message_in_english(folder, blocked, run_cli):
    result = run_cli("check", "good.jpg", "-o", str(blocked / "r.json"), "--lang", "en", cwd=folder)
    assert result.returncode == 2 and "Cannot write" in result.stderr


# ---- 4. colour only on a terminal ----

def test_saved_text_report_has_no_terminal_escapes(folder, run_cli):
    for env in ({}, {"NO_COLOR": "1"}, {"FORCE_COLOR": "1"}):
        result = run_cli("check", ".", "-o", "r.txt", cwd=folder, env=env)
        assert result.returncode == 0
        assert "\x1b" not in (folder / "r.txt").read_text(encoding="utf-8")


def test_colour_follows_force_color_and_no_color(folder, run_cli):
    assert "\x1b[" not in run_cli("check", "good.jpg", cwd=folder).stdout  # a pipe: no colour
    assert "\x1b[" in run_cli("check", "good.jpg", cwd=folder, env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[" not in run_cli("check", "good.jpg", cwd=folder, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout


# ---- 5. folder fix: distinct names, not its own input, a folder for a folder ----

def test_folder_fix_gives_colliding_names_distinct_outputs(tmp_path, good_image, run_cli):
    photos = tmp_path / "照片"
    photos.mkdir()
    (photos / "a.png").write_bytes(encode(good_image, "PNG"))
    (photos / "a.tif").write_bytes(encode(good_image, "TIFF"))
    result = run_cli("fix", photos)
    assert result.returncode == 0, result.stdout + result.stderr
    outputs = sorted(p.name for p in (tmp_path / "照片-fixed").iterdir())
    assert outputs == ["a-png.jpg", "a-tif.jpg"]


def test_folder_fix_into_a_folder_inside_does_not_feed_on_itself(tmp_path, good_jpeg, run_cli):
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "a.jpg").write_bytes(good_jpeg)
    for _ in range(2):
        result = run_cli("fix", photos, "-o", photos / "out")
        assert result.returncode == 0, result.stderr
    assert sorted(p.relative_to(photos).as_posix() for p in photos.rglob("*")) == ["a.jpg", "out", "out/a.jpg"]


def test_folder_fix_refuses_a_file_name_as_output(tmp_path, good_jpeg, run_cli):
    photos = tmp_path / "照片"
    photos.mkdir()
    (photos / "a.jpg").write_bytes(good_jpeg)
    result = run_cli("fix", photos, "-o", tmp_path / "single.jpg")
    assert result.returncode == 2 and "文件夹" in result.stderr
    assert not (tmp_path / "single.jpg").exists()


# ---- 6. -o - is standard output ----

def test_check_dash_output_is_standard_output(folder, run_cli):
    result = run_cli("check", "--format", "json", "good.jpg", "-o", "-", cwd=folder)
    assert result.returncode == 0
    assert json.loads(result.stdout)["files"][0]["path"] == "good.jpg"
    assert not (folder / "-").exists()


def test_fix_dash_output_writes_the_jpeg_to_standard_output(folder, tmp_path, run_cli):
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "DOCPREP_LANG"}
    done = subprocess.run([sys.executable, "-m", "docprep", "fix", "good.jpg", "-o", "-"], capture_output=True,
                          cwd=folder, env=env)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert done.stdout.startswith(b"\xff\xd8") and done.stdout.endswith(b"\xff\xd9")
    assert "已生成" in done.stderr.decode("utf-8")
    assert not (folder / "-").exists()


# ---- 19. -o prints the summary; --errors-only; unsupported files collapse ----

def test_output_to_file_prints_the_summary_line(folder, run_cli):
    result = run_cli("check", ".", "-o", "r.json", "--format", "json", cwd=folder)
    assert result.stdout == "" and "共 2 个文件" in result.stderr


def test_errors_only_hides_passing_files_and_warnings(folder, run_cli, write_jpeg):
    write_jpeg(folder / "bad.jpg", portrait(358, 441, background=(70, 110, 200)))
    (folder / "notes.docx").write_bytes(b"PK\x03\x04 not really")
    full = run_cli("check", ".", cwd=folder).stdout
    quiet = run_cli("check", ".", "--errors-only", cwd=folder)
    assert quiet.returncode == 1
    assert "✓" in full and "file.unsupported" in full
    assert "✓" not in quiet.stdout and "file.unsupported" not in quiet.stdout and "警告" not in quiet.stdout.splitlines()[0]
    assert "photo.aspect-ratio" in quiet.stdout and "共 4 个文件" in quiet.stdout


def test_a_folder_of_non_documents_is_one_line(tmp_path, good_jpeg, run_cli):
    (tmp_path / "good.jpg").write_bytes(good_jpeg)
    docs = tmp_path / "word"
    docs.mkdir()
    for i in range(6):
        (docs / f"d{i}.docx").write_bytes(b"PK\x03\x04 not really")
    (docs / "sheet.xlsx").write_bytes(b"PK\x03\x04 not really")
    result = run_cli("check", tmp_path, "--lang", "en")
    lines = result.stdout.splitlines()
    assert sum("word" in line for line in lines) == 1
    [line] = [line for line in lines if "word" in line]
    assert "7 files" in line and ".docx ×6" in line and ".xlsx ×1" in line
    report = json.loads(run_cli("check", tmp_path, "--format", "json").stdout)
    assert report["summary"]["files"] == 8  # JSON still lists every file
