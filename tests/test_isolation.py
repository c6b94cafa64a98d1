"""Isolation of files from each other in worker processes (issue 10): a file past the profile's time or memory
limit, or one whose worker dies, gets a finding and the run goes on; the worker is replaced."""
from __future__ import annotations

import os
import time
from pathlib import Path

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
