"""CI (.ci/run) runs README's test command, and never passes with the browser tests left out where a browser is
there: DOCPREP_REQUIRE_BROWSER=1 (set by .ci/run when it finds or installs chromium) turns their skip into a
failure that says why."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _commands(text: str) -> list[str]:
    return [line.split("#")[0].strip() for line in text.splitlines() if line.split("#")[0].strip()]


def test_ci_runs_readme_s_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [test_command] = [c for c in _commands(readme.split("```bash", 1)[1].split("```", 1)[0]) if "pytest" in c]
    assert _commands((ROOT / ".ci" / "run").read_text(encoding="utf-8"))[-1] == test_command == "pytest"


def browser_tests(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                           str(ROOT / "tests" / "test_web_browser.py")], capture_output=True, text=True, check=False,
                          timeout=300, cwd=ROOT, env={**os.environ, **env})


def test_browser_tests_fail_with_the_reason_when_required_and_no_browser_is_found(tmp_path):
    missing = str(tmp_path / "no-chromium")
    skipped = browser_tests(DOCPREP_CHROMIUM=missing, DOCPREP_REQUIRE_BROWSER="0")
    assert "1 skipped" in skipped.stdout and f"DOCPREP_CHROMIUM names no executable ({missing})" in skipped.stdout
    failed = browser_tests(DOCPREP_CHROMIUM=missing, DOCPREP_REQUIRE_BROWSER="1")
    assert failed.returncode == 1, failed.stdout[-3000:]
    assert f"DOCPREP_REQUIRE_BROWSER=1, but DOCPREP_CHROMIUM names no executable ({missing})" in failed.stdout
    assert "skipped" not in failed.stdout
