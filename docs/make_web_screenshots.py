"""Make docs/web-photo.png and docs/web-pdf.png: the local web page (`docprep serve`) with real findings, taken by
Playwright driving the system's chromium (Debian's `chromium` package).

    pip install ".[test,web]" && apt-get install chromium
    python docs/make_web_screenshots.py

A phone photo of the wrong shape is checked and fixed with the page's button (the fixed photo beside the
original); a copy without its seal is checked (its annotated page shown). The samples are samples/photos and
samples/attachments; the profile is zj-2021, the page in Chinese."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _serve() -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "docprep", "serve", "--port", str(port)], cwd=ROOT)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(120):
        try:
            urllib.request.urlopen(url, timeout=1)
            return process, url
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("docprep serve did not start")


def _shoot(browser, url: str, files: list[Path], out: Path, fix: bool) -> None:
    page = browser.new_page(viewport={"width": 900, "height": 1000}, accept_downloads=True)
    page.goto(url)
    page.set_input_files("#files", [str(f) for f in files])
    card = page.locator("article.card").first
    card.wait_for(timeout=120_000)
    if fix:
        with page.expect_download(timeout=120_000):
            card.locator("button.fix").click()
        card.locator("figure.fixed img").wait_for()
    page.wait_for_load_state("networkidle")
    page.evaluate("document.querySelector('#step-scan').parentElement.hidden = true")  # the check alone
    page.screenshot(path=str(out), full_page=True)
    page.close()
    print(f"wrote {out.relative_to(ROOT)}")


def main() -> None:
    executable = os.environ.get("DOCPREP_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    process, url = _serve()
    try:
        with sync_playwright() as playwright:
            args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
            browser = playwright.chromium.launch(executable_path=executable, args=args)
            _shoot(browser, url, [ROOT / "samples/photos/landscape-phone-1600x1200.jpg"], DOCS / "web-photo.png",
                   fix=True)
            _shoot(browser, url, [ROOT / "samples/attachments/no-seal.pdf"], DOCS / "web-pdf.png", fix=False)
            browser.close()
    finally:
        process.terminate()
        process.wait(30)


if __name__ == "__main__":
    main()
