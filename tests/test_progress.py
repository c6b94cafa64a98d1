"""Progress of a bulk run (docprep/render/progress.py) and how many worker processes it uses (-j's default)."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import time

import pytest

from docprep.engine.executor import ProcessPool, Serial, executor_for, usable_cores
from docprep.render.progress import PLAIN_EVERY, Progress

# ---- the plain line in a pipe or a CI log ----

def test_the_plain_line_comes_every_few_seconds():
    assert PLAIN_EVERY == 5.0


def test_a_pipe_gets_a_plain_line_while_the_run_lasts():
    log = io.StringIO()  # not a terminal
    with Progress(3, "zh", stream=log, every=0.05) as progress:
        progress.update()
        time.sleep(0.3)
        progress.update()
        time.sleep(0.3)
    lines = log.getvalue().splitlines()
    assert "docprep: 已检查 1/3 个文件" in lines and "docprep: 已检查 2/3 个文件" in lines
    assert progress.mode == "plain" and "\r" not in log.getvalue() and "\x1b" not in log.getvalue()


def test_a_run_shorter_than_the_interval_prints_nothing():
    log = io.StringIO()
    with Progress(150, "en", stream=log) as progress:
        for _ in range(150):
            progress.update()
    assert log.getvalue() == ""


def test_quiet_prints_nothing():
    log = io.StringIO()
    with Progress(3, "zh", quiet=True, stream=log, every=0.01) as progress:
        progress.update()
        time.sleep(0.1)
    assert progress.mode == "off" and log.getvalue() == ""


# ---- the bar on a terminal ----

def _read_all(descriptor: int) -> bytes:
    """Everything written to the terminal so far: a pseudo-terminal hands it over in pieces."""
    import select

    data = b""
    while select.select([descriptor], [], [], 0.5)[0]:
        chunk = os.read(descriptor, 65536)
        if not chunk:
            break
        data += chunk
    return data


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_terminal_gets_a_bar_that_goes_away():
    import fcntl
    import struct
    import termios

    main, secondary = os.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))  # a new one is 0 columns wide
    with open(secondary, "w", encoding="utf-8", closefd=True) as terminal:
        with Progress(4, "en", stream=terminal) as progress:
            assert progress.mode == "bar"
            time.sleep(0.6)  # past the bar's delay
            for _ in range(4):
                progress.update()
                time.sleep(0.15)  # past tqdm's minimum interval between redraws, so each step is drawn
        terminal.flush()
        drawn = _read_all(main).decode("utf-8", "replace")
    os.close(main)
    assert "Checking:" in drawn and "/4" in drawn and drawn.endswith("\r")  # drawn in place, then cleared


# ---- through the command line (a pipe) ----

def test_quiet_run_says_nothing_but_the_report(tmp_path, good_jpeg, run_cli):
    for name in ("a.jpg", "b.jpg"):
        (tmp_path / name).write_bytes(good_jpeg)
    done = run_cli("check", "-q", "--no-cache", tmp_path)
    assert done.returncode == 0 and done.stderr == ""


# ---- -j: the usable cores ----

def test_usable_cores_is_what_this_process_may_use():
    if hasattr(os, "process_cpu_count"):
        assert usable_cores() == os.process_cpu_count()
    elif hasattr(os, "sched_getaffinity"):
        assert usable_cores() == len(os.sched_getaffinity(0))
    else:
        assert usable_cores() == os.cpu_count()


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="no CPU affinity on this platform")
def test_usable_cores_follows_the_affinity_mask():
    code = ("import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
            "from docprep.engine.executor import usable_cores; print(usable_cores())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "1", done.stderr


def test_the_default_jobs_are_the_usable_cores_and_one_is_serial():
    default = executor_for(None, 100)
    if usable_cores() > 1:
        assert isinstance(default, ProcessPool) and default.workers == usable_cores()
    else:
        assert isinstance(default, Serial)
    assert isinstance(executor_for(1, 100), Serial)
    assert isinstance(executor_for(8, 1), Serial)  # one file: no pool to start
    assert executor_for(8, 3).workers == 3  # never more workers than files
