"""docprep's command line with photo.face replaced by a check that misbehaves on files by their names, for the
tests of what a run does when a check fails (tests/test_check_failed.py, tests/test_isolation.py):

- `boom*`: raises a RuntimeError (INJECTED, and the process it was raised in);
- `crash*`: the process dies of SIGSEGV, as when a native parser crashes (no exception, no cleanup);
- `greedy*`: holds ever more memory, up to GREEDY_MB, until something stops it.

Run as a script (`run(...)`): the check is replaced when the script is imported as the main module, so also in each
spawned worker (they import the main script, as they would a user's). Imported by a test it changes nothing. No
switch in docprep turns failures on: nothing a profile or the environment could set by accident."""
from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time

INJECTED = "injected failure for the test"
GREEDY_MB = 3000


def _misbehaving(photo, settings):
    name = os.path.basename(photo.name)
    if name.startswith("boom"):
        raise RuntimeError(f"{INJECTED!r} in process {os.getpid()}")
    if name.startswith("crash"):
        os.kill(os.getpid(), signal.SIGSEGV)
    if name.startswith("greedy"):
        held = []
        for _ in range(GREEDY_MB // 50):
            held.append(b"\1" * (50 * 1024 * 1024))  # written, so it is resident
            time.sleep(0.01)  # the worker's memory watchdog samples every 50 ms
    return _original(photo, settings)


def _replace_face_check() -> None:
    global _original
    from docprep.rules import photo as photo_rules

    rules = photo_rules.FAMILY.rules
    index = next(i for i, rule in enumerate(rules) if rule.id == "photo.face")
    _original = rules[index].check
    rules[index] = dataclasses.replace(rules[index], check=_misbehaving)


def run(*args) -> subprocess.CompletedProcess:
    """`docprep ARGS` with the misbehaving check, in a new process: its exit code, standard output and error."""
    return subprocess.run([sys.executable, __file__, *map(str, args)], capture_output=True, timeout=300, check=False,
                          encoding="utf-8", errors="backslashreplace",
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


if __name__ in ("__main__", "__mp_main__"):  # the command line, or one of its spawned workers
    _replace_face_check()

if __name__ == "__main__":
    from docprep.cli import main

    print(f"main process {os.getpid()}", file=sys.stderr)
    main(sys.argv[1:])
