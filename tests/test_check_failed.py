"""One file never stops a run: an unexpected exception while checking a file becomes `file.check-failed` on that
file (its type and a short text in the message, the traceback in the log), every other file is still checked and
reported, and the command exits 2 — in this process and in `-j` worker processes.

How failures are injected: one registered rule's check replaced by one that raises — through the rule registry,
the seam every check goes through, in this process with pytest's monkeypatch; for worker processes by
tests/faulty_docprep.py, a script that replaces it when imported, since spawned workers import the main script (as
they would a user's). No switch in docprep turns failures on: nothing a profile or the environment could set by
accident."""
from __future__ import annotations

import dataclasses
import json
import logging
import struct
import zlib
from pathlib import Path

import faulty_docprep
import pytest
from helpers import rules_of

from docprep.engine import check_file, check_paths
from docprep.errors import OutputError
from docprep.model import LoadFailure, Problem, Severity
from docprep.rules import photo as photo_rules

INJECTED = faulty_docprep.INJECTED


def _png(width: int, height: int) -> bytes:
    """A valid all-black 1-bit PNG of any size (tests/test_bad_inputs.py builds its bomb the same way)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = bytes(1 + (width + 7) // 8) * height
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def replace_check(monkeypatch, rule_id: str, check) -> None:
    """Put `check` in place of the registered check of `rule_id` for this test."""
    rules = [dataclasses.replace(rule, check=check) if rule.id == rule_id else rule
             for rule in photo_rules.FAMILY.rules]
    monkeypatch.setattr(photo_rules.FAMILY, "rules", rules)


def raising(exc: BaseException):
    def check(photo, settings):
        raise exc
    return check


@pytest.fixture
def folder(tmp_path, good_jpeg):
    """A good photo, a second photo, and a file that is no photo (so it never reaches the photo rules)."""
    (tmp_path / "a-good.jpg").write_bytes(good_jpeg)
    (tmp_path / "b-second.jpg").write_bytes(good_jpeg)
    (tmp_path / "c-notes.docx").write_bytes(b"PK\x03\x04" + b"\0" * 100)
    return tmp_path


# ---- in this process ----

def test_a_failing_check_gives_check_failed_and_the_run_goes_on(folder, profile, monkeypatch, caplog):
    replace_check(monkeypatch, "photo.background", raising(RuntimeError(INJECTED)))
    with caplog.at_level(logging.ERROR, logger="docprep"):
        report = check_paths(folder, profile)
    assert [Path(f.path).name for f in report.files] == ["a-good.jpg", "b-second.jpg", "c-notes.docx"]
    for photo in report.files[:2]:
        [failed] = photo.findings
        assert (failed.rule, failed.severity, failed.page) == ("file.check-failed", Severity.ERROR, None)
        assert f"RuntimeError: {INJECTED}" in failed.message.en and f"RuntimeError: {INJECTED}" in failed.message.zh
        assert "docprep's maintainers" in failed.message.en and "docprep 的维护者" in failed.message.zh
        assert "Traceback" not in failed.message.en  # the traceback is in the log, not the report
        assert photo.sha256 is not None and photo.kind == "photo"
    assert rules_of(report.files[2].findings) == ["file.unsupported"]  # the rest checked as usual
    traces = [r for r in caplog.records if r.levelno == logging.ERROR and r.exc_info]
    assert len(traces) == 2 and "a-good.jpg" in traces[0].getMessage()
    assert INJECTED in caplog.text and "Traceback" in caplog.text


def test_the_message_names_the_type_and_a_short_text(good_photo, profile, monkeypatch):
    replace_check(monkeypatch, "photo.face", raising(ValueError("first line\n\n  second   line " + "x" * 400)))
    [failed] = check_file(good_photo, profile).findings
    assert "ValueError: first line second line xxx" in failed.message.en
    assert failed.measured == "ValueError" and failed.expected == "a completed check"
    detail = failed.message.en.split("(ValueError: ", 1)[1].split(")", 1)[0]
    assert len(detail) == 160 and detail.endswith("…")


def test_a_library_exception_is_named_with_its_module(good_photo, profile, monkeypatch):
    import cv2

    replace_check(monkeypatch, "photo.face", raising(cv2.error("assertion failed")))
    [failed] = check_file(good_photo, profile).findings
    assert "cv2.error: assertion failed" in failed.message.en


def test_check_failed_stays_an_error_whatever_the_profile_says(good_photo, profile, monkeypatch):
    relaxed = dataclasses.replace(profile, severities={**profile.severities, "file.check-failed": Severity.OFF})
    replace_check(monkeypatch, "photo.face", raising(RuntimeError(INJECTED)))
    assert [(f.rule, f.severity) for f in check_file(good_photo, relaxed).findings] == [
        ("file.check-failed", Severity.ERROR)]


def test_a_name_finding_is_kept_beside_the_failure(tmp_path, good_jpeg, profile, monkeypatch):
    import os

    gbk = tmp_path / os.fsdecode("证件照.jpg".encode("gbk"))
    gbk.write_bytes(good_jpeg)
    replace_check(monkeypatch, "photo.face", raising(RuntimeError(INJECTED)))
    assert rules_of(check_file(gbk, profile).findings) == ["file.name-encoding", "file.check-failed"]


def test_a_load_failure_raised_by_a_check_is_its_own_rule_not_a_crash(good_photo, profile, monkeypatch):
    from docprep.i18n import Text

    failure = LoadFailure("photo.unreadable", Problem(Text("坏了", "broken")))
    replace_check(monkeypatch, "photo.face", raising(failure))
    assert rules_of(check_file(good_photo, profile).findings) == ["photo.unreadable"]


def test_a_docprep_error_still_stops_the_run(good_photo, profile, monkeypatch):
    """How docprep was called (an output it cannot write, an unknown kind) is not one file's failure: exit 2."""
    replace_check(monkeypatch, "photo.face", raising(OutputError("cannot_write", path="x", reason="full")))
    with pytest.raises(OutputError):
        check_file(good_photo, profile)


def test_a_working_check_gives_no_check_failed(folder, profile):
    """The passing case: nothing is reported as failed when nothing fails."""
    report = check_paths(folder, profile)
    assert all("file.check-failed" not in rules_of(f.findings) for f in report.files)


# ---- a real input that used to crash ----

@pytest.mark.parametrize("size", [(20000, 1), (1, 20000), (65500, 4), (4, 65500)])
def test_an_extreme_strip_picture_gets_verdicts_not_a_crash(tmp_path, good_jpeg, run_cli, size):
    """A 20000×1 1-bit PNG made cv2.resize raise inside load_photo (it scaled the picture to zero rows), and before
    file.check-failed that ended the whole run: it now gets photo verdicts and the run its usual exit code."""
    (tmp_path / "good.jpg").write_bytes(good_jpeg)
    (tmp_path / "strip.png").write_bytes(_png(*size))
    done = run_cli("check", "--format", "json", "--no-cache", tmp_path)
    assert done.returncode == 1, done.stderr[-3000:]
    files = {Path(f["path"]).name: f for f in json.loads(done.stdout)["files"]}
    assert files["good.jpg"]["status"] == "ok"
    rules = rules_of_entry(files["strip.png"])
    assert "file.check-failed" not in rules and "photo.dimensions" in rules


def rules_of_entry(entry: dict) -> list[str]:
    return [f["rule"] for f in entry["findings"]]


# ---- in worker processes ----

@pytest.fixture(scope="module")
def boom_folder(tmp_path_factory, good_jpeg):
    """A folder of two good photos around one that tests/faulty_docprep.py's check fails on."""
    folder = tmp_path_factory.mktemp("inject") / "photos"
    folder.mkdir()
    for name in ("a.jpg", "boom.jpg", "c.jpg"):
        (folder / name).write_bytes(good_jpeg)
    return folder


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_failure_in_a_worker_is_reported_like_one_in_process(boom_folder, jobs):
    done = faulty_docprep.run("check", "--format", "json", "--no-cache", "-j", jobs, "--lang", "en", boom_folder)
    assert done.returncode == 2, done.stderr[-3000:]
    files = {Path(f["path"]).name: f for f in json.loads(done.stdout)["files"]}
    assert [files[n]["status"] for n in ("a.jpg", "boom.jpg", "c.jpg")] == ["ok", "error", "ok"]
    [failed] = files["boom.jpg"]["findings"]
    assert failed["rule"] == "file.check-failed" and f"RuntimeError: '{INJECTED}' in process" in failed["message"]
    main_pid = done.stderr.split("main process ", 1)[1].split()[0]
    failed_pid = failed["message"].split("in process ", 1)[1].split(")")[0]
    assert (failed_pid != main_pid) == (jobs == "2")  # -j 2: it failed in a worker, and still came back
    assert "Traceback" in done.stderr and "_misbehaving" in done.stderr  # the worker's log reached this stderr
    assert "1 file could not be checked" in done.stderr
