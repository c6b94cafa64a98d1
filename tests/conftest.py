"""Shared fixtures: profiles, JPEG writers, the good photo, byte-exact files and a CLI runner.

Every photo in the tests is built from the real astronaut photograph (tests/fixtures/portrait.py), never
from drawings alone: the face detector and the picture measures must see a real face."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import sys
from pathlib import Path

import pytest
from PIL import Image

HERE = Path(__file__).parent
# helpers.py and fixtures/portrait.py import as top-level modules whatever pytest's import mode
for folder in (HERE / "fixtures", HERE):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
# benchmarks/ (the page and desk-photo generators) imports from the project root, put after the installed packages:
# docprep itself is the one pip installed (in CI not the source tree), as in the worker processes the tests start.
if str(HERE.parent) not in sys.path:
    sys.path.append(str(HERE.parent))

from helpers import encode_jpeg, write_jpeg  # noqa: E402
from portrait import portrait  # noqa: E402  (tests/fixtures/portrait.py: the real astronaut photograph)

from docprep.profiles.loader import load_profile  # noqa: E402

GOOD_SIZE = (413, 579)  # 2寸 at 300 dpi: the size `docprep fix` makes for zj-2021


@pytest.fixture(scope="session")
def profile():
    """The default profile, zj-2021 (Zhejiang)."""
    return load_profile("zj-2021")


@pytest.fixture(scope="session")
def cpta_profile():
    return load_profile("cpta-exam")


@pytest.fixture(scope="session")
def health_profile():
    return load_profile("health-exam")


@pytest.fixture(scope="session")
def good_image() -> Image.Image:
    """413×579 portrait on white: passes every zj-2021 rule. Treat as read-only (copy before drawing on it)."""
    return portrait(*GOOD_SIZE)


@pytest.fixture(scope="session")
def good_jpeg(good_image) -> bytes:
    return encode_jpeg(good_image, 92)


@pytest.fixture
def good_photo(tmp_path, good_jpeg) -> Path:
    """The good photo as a file: 413×579, white background, ~45 KB JPEG."""
    path = tmp_path / "good.jpg"
    path.write_bytes(good_jpeg)
    return path


@pytest.fixture(name="write_jpeg", scope="session")
def write_jpeg_fixture():
    """write_jpeg(path, image, quality=92, **save_options) -> path. Byte-level helpers (encode_jpeg, pad_to,
    jpeg_of_size for files of an exact size) are imported from tests/helpers.py."""
    return write_jpeg


# The command line caches results (engine.cache): the tests' runs share one cache of their own, never the user's,
# removed when the session ends.
_CLI_CACHE = tempfile.mkdtemp(prefix="docprep-test-cache-")


def pytest_unconfigure(config):
    shutil.rmtree(_CLI_CACHE, ignore_errors=True)


def _cli_env(**overrides: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DOCPREP_LANG"}
    env["PYTHONIOENCODING"] = "utf-8"
    env.setdefault("DOCPREP_CACHE_DIR", _CLI_CACHE)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


@pytest.fixture(scope="session")
def run_cli():
    """run_cli(*args, env=None, cwd=None) -> CompletedProcess of `python -m docprep ARGS`.

    A subprocess, so that docprep.cli.main() maps exceptions to exit codes exactly as for a user.
    DOCPREP_LANG is removed from the environment unless given in `env`."""

    def run(*args, env: dict[str, str] | None = None, cwd=None) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "docprep", *(os.fspath(a) if isinstance(a, os.PathLike) else a for a in args)]
        return subprocess.run(command, capture_output=True, env=_cli_env(**(env or {})), cwd=cwd, timeout=120,
                              encoding="utf-8", errors="backslashreplace")

    return run
