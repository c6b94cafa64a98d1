"""Isolation of files from each other in worker processes (issue 10): a file past the profile's time or memory
limit, or one whose worker dies, gets a finding and the run goes on; the worker is replaced."""
from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import faulty_docprep
import pytest

from docprep.engine.executor import MEMORY_EXIT, JobFailed, Limits, ProcessPool
from docprep.engine.run import check_paths
from docprep.profiles import load_profile
from helpers import write_jpeg
from pdf_fixtures import page, pdf_from_images
from portrait import portrait


def sleepy(seconds: float) -> str:
    time.sleep(seconds)
    return f"slept {seconds}"


def greedy(megabytes: int) -> int:
    block = bytearray(megabytes * 1024 * 1024)
    for i in range(0, len(block), 4096):  # touched, so it is resident
        block[i] = 1
    time.sleep(0.5)
    return len(block)


def crashing(code: int) -> int:
    if code:
        os._exit(code)  # as a native library's crash ends a process: no exception, no cleanup
    return code


def test_a_job_past_the_time_limit_fails_alone_and_the_others_run():
    pool = ProcessPool(2, Limits(seconds=1.5))
    assert list(pool.map(sleepy, [0.1, 30, 0.2, 0.1])) == [
        "slept 0.1", JobFailed("time", "1.5"), "slept 0.2", "slept 0.1"]


def test_a_job_past_the_memory_limit_fails_alone():
    pool = ProcessPool(2, Limits(memory_mb=400))
    results = list(pool.map(greedy, [10, 800, 20]))
    assert results == [10 * 1024 * 1024, JobFailed("memory", "400"), 20 * 1024 * 1024]


def test_a_worker_that_dies_is_replaced():
    pool = ProcessPool(2)
    assert list(pool.map(crashing, [0, 9, 0, 0])) == [0, JobFailed("crashed", "exit code 9"), 0, 0]
    assert MEMORY_EXIT != 9


def test_without_limits_nothing_is_stopped():
    assert list(ProcessPool(2).map(sleepy, [0.2, 0.3])) == ["slept 0.2", "slept 0.3"]


@pytest.fixture
def slow_profile(tmp_path):
    path = tmp_path / "limits.toml"
    path.write_text('extends = "zj-2021"\n[file]\ntime_limit_s = 2.0\nmemory_limit_mb = 2048\n', encoding="utf-8")
    return load_profile(path)


def test_a_file_past_the_time_limit_gets_a_finding_and_the_run_goes_on(tmp_path, slow_profile):
    folder = tmp_path / "files"
    folder.mkdir()
    write_jpeg(folder / "a-photo.jpg", portrait())
    # 40 pages read for their verification marks: far more than 2 s of work
    (folder / "b-long-copy.pdf").write_bytes(pdf_from_images([page(dpi=150, seed=s % 4) for s in range(40)]))
    write_jpeg(folder / "c-photo.jpg", portrait())
    report = check_paths([folder], slow_profile, jobs=2)
    assert [Path(f.path).name for f in report.files] == ["a-photo.jpg", "b-long-copy.pdf", "c-photo.jpg"]
    slow = report.files[1]
    assert [x.rule for x in slow.findings] == ["file.time-limit"]
    assert slow.kind.value == "pdf" and "2" in slow.findings[0].message.en
    assert not any(x.rule.startswith("file.") for f in (report.files[0], report.files[2]) for x in f.findings)


# ---- end to end: the command line with -j 2, a check that misbehaves on one real file (tests/faulty_docprep.py) ----

SMALL_MEMORY_MB = 600  # a worker checking a photo holds under 100 MB; faulty_docprep's greedy check goes far past


@pytest.fixture
def limits_toml(tmp_path):
    path = tmp_path / "small-memory.toml"
    path.write_text(f'extends = "zj-2021"\n[file]\nmemory_limit_mb = {SMALL_MEMORY_MB}\n', encoding="utf-8")
    return path


def run_photos(tmp_path, good_jpeg, profile: Path, names: list[str]) -> tuple[int, dict, str]:
    """`docprep check -j 2` of good photos under `names` (in name order, as the report lists them): exit code,
    {name: JSON entry}, stderr."""
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in names:
        (folder / name).write_bytes(good_jpeg)
    done = faulty_docprep.run("check", "--format", "json", "--no-cache", "-j", "2", "--lang", "en",
                              "--profile", profile, folder)
    report = json.loads(done.stdout)
    assert [Path(f["path"]).name for f in report["files"]] == names, done.stderr[-3000:]
    return done.returncode, {Path(f["path"]).name: f for f in report["files"]}, done.stderr


def test_a_file_whose_worker_dies_gets_check_failed_and_the_run_goes_on(tmp_path, good_jpeg, limits_toml):
    code, files, stderr = run_photos(tmp_path, good_jpeg, limits_toml, ["a.jpg", "crash.jpg", "x.jpg", "y.jpg"])
    assert code == 2, stderr[-3000:]  # a file with no verdict: the run is no verdict either
    assert [files[n]["status"] for n in ("a.jpg", "x.jpg", "y.jpg")] == ["ok"] * 3
    [died] = files["crash.jpg"]["findings"]
    assert (died["rule"], died["severity"]) == ("file.check-failed", "error")
    assert f"WorkerProcessDied: exit code -{signal.SIGSEGV}" in died["message"]
    assert "1 file could not be checked" in stderr


def test_a_file_past_the_memory_limit_gets_a_finding_and_the_run_goes_on(tmp_path, good_jpeg, limits_toml):
    code, files, stderr = run_photos(tmp_path, good_jpeg, limits_toml, ["a.jpg", "greedy.jpg", "x.jpg", "y.jpg"])
    assert code == 1, stderr[-3000:]  # a verdict on the file (too heavy), not a failed run
    assert [files[n]["status"] for n in ("a.jpg", "x.jpg", "y.jpg")] == ["ok"] * 3
    [heavy] = files["greedy.jpg"]["findings"]
    assert (heavy["rule"], heavy["severity"]) == ("file.memory-limit", "error")
    assert f"{SMALL_MEMORY_MB} MB" in heavy["message"]
    assert "could not be checked" not in stderr
