"""Make docs/html-report.png: the HTML report of `docprep check samples/applications` (profile zj-2021, in Chinese),
opened filtered to the applicants with errors (`report.html#error`) and taken by the system's chromium in headless
mode (Debian's `chromium` package), as a person sees it in a browser.

    pip install . && apt-get install chromium fonts-noto-cjk
    python docs/make_html_screenshot.py [--window-size 1200,1800]

The report is the command line's own (`--format html`, thumbnails inside), written to a temporary folder; the
picture is the top of the page at the window's size. Look at it before committing: the Chinese must read well."""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "html-report.png"


def render_report(folder: Path) -> Path:
    """The HTML report of the sample applicants, as `docprep check` writes it (it exits 1: 王芳 has errors)."""
    report = folder / "report.html"
    command = [sys.executable, "-m", "docprep", "check", "samples/applications", "--format", "html",
               "-o", str(report), "--lang", "zh", "--no-cache", "--quiet"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode not in (0, 1) or not report.exists():
        raise SystemExit(f"docprep check failed ({done.returncode}): {done.stderr}")
    return report


def screenshot(report: Path, out: Path, window_size: str) -> None:
    """`chromium --headless --screenshot` of the report opened filtered to errors."""
    executable = os.environ.get("DOCPREP_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        raise SystemExit("chromium not found (apt-get install chromium, or set DOCPREP_CHROMIUM)")
    command = [executable, "--headless", f"--screenshot={out}", f"--window-size={window_size}", "--hide-scrollbars",
               "--force-device-scale-factor=1", "--disable-gpu", "--virtual-time-budget=5000",
               f"{report.as_uri()}#error"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.insert(1, "--no-sandbox")  # chromium refuses to run as root with its sandbox
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if done.returncode != 0 or not out.exists():
        raise SystemExit(f"chromium failed ({done.returncode}): {done.stderr}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window-size", default="1200,1800", help="WIDTH,HEIGHT of the window, in pixels")
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="docprep-html-") as folder:
        screenshot(render_report(Path(folder)), args.output.resolve(), args.window_size)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
