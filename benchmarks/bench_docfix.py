"""Timing of the two document fixes of issue 12: a phone photo of a document made into a page, and a PDF repaired.

A plain script, not a test: it prints figures and asserts nothing, because timings depend on the machine.
Run from the repository root:  python benchmarks/bench_docfix.py [--runs 5] [--picture]
(--picture also writes docs/docphoto-before-after.png: the photo as taken, left, and the page `fix` made of it,
right, both scaled to 800 px tall.)

Cases, timed in this process after one warm-up run (wall time, median, and the process's CPU time, which other
processes on a busy machine disturb less):
- photo: `images_to_pdf` on a 12-megapixel phone JPEG (4000×3000, quality 90) of a certificate (scanset.py's
  "clean" case at 200 dpi) lying on a walnut desk, seen leaning 20° and turned 8° under a lamp
  (deskphoto.py): the sheet found, cut out to A4, evened and whitened, encoded; then, apart, the `check` of the
  page made (as an original: no OCR of the verification marks), which `fix` runs before writing;
- the same photo of a print lying 2° crooked on its sheet: the page is also straightened (in the same warp);
- flat scans, not photos of a sheet: a 300 dpi JPEG of the certificate as a scanner makes it (embedded as it is),
  and the same tilted by 2° (decoded, straightened, encoded again);
- repair: `repair_bytes` on a 10-page 200 dpi scanner PDF with two pages turned (90°, 180°), two tilted (4°, -3.5°)
  and a blank one (measuring every page as `check` does, then rewriting), reported per page of the input; then the
  `check` of the repaired PDF (as an original), also per page.
The 1-minute load average is printed before and after: figures taken under load are not comparable.
docs/benchmarks.md records the figures and the targets."""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
from pdf_fixtures import blank, degrade, pdf_from_images  # noqa: E402

from benchmarks.deskphoto import View, desk_photo  # noqa: E402
from benchmarks.scanset import make_page  # noqa: E402
from docprep.engine import check_pdf_bytes  # noqa: E402
from docprep.fix.repair import repair_bytes  # noqa: E402
from docprep.fix.scan import images_to_pdf  # noqa: E402
from docprep.profiles.loader import load_profile  # noqa: E402

PHOTO_TARGET_S = 1.0  # a document photo to a page
REPAIR_TARGET_S = 0.3  # per page, without OCR


def timed(function, runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of `function()` over `runs`, after one warm-up."""
    function()
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def jpeg(pixels: np.ndarray, **options) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=90, **options)
    return out.getvalue()


def tilted(pixels: np.ndarray, degrees: float) -> np.ndarray:
    """Turned counter-clockwise by `degrees` on white paper of the same size."""
    h, w = pixels.shape[:2]
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(pixels, turn, (w, h), flags=cv2.INTER_CUBIC, borderValue=(255, 255, 255))


def phone_jpeg(crooked: float = 0.0) -> bytes:
    page = make_page("clean", 200, seed=11).rgb
    photo, _ = desk_photo(tilted(page, crooked) if crooked else page, View(tilt=20, turn=8), seed=5,
                          frame=(3000, 4000))
    return jpeg(photo)


def scan_jpeg(degrees: float = 0.0) -> bytes:
    page = make_page("clean", 300, seed=3).rgb
    return jpeg(tilted(page, degrees) if degrees else page, dpi=(300, 300))


def faulty_pdf() -> bytes:
    pages = [Image.fromarray(make_page("clean", 200, seed=s).rgb) for s in range(10)]
    pages[1], pages[3] = degrade(pages[1], "turn", 90), degrade(pages[3], "turn", 180)
    pages[5], pages[7] = degrade(pages[5], "skew", 4.0), degrade(pages[7], "skew", -3.5)
    pages[8] = blank(200)
    return pdf_from_images(pages, dpi=200)


def picture(photo: bytes, made: bytes) -> Path:
    """docs/docphoto-before-after.png: the phone photo (left) and the page made of it (right), 800 px tall."""
    height = 800
    before = Image.open(io.BytesIO(photo)).convert("RGB")
    before = before.resize((round(before.width * height / before.height), height), Image.LANCZOS)
    document = pdfium.PdfDocument(made)
    try:
        page = document[0]
        after = page.render(scale=height / page.get_size()[1]).to_pil().convert("RGB")
    finally:
        document.close()
    gap = 24
    sheet = Image.new("RGB", (before.width + gap + after.width, height), (255, 255, 255))
    sheet.paste(before, (0, 0))
    sheet.paste(after, (before.width + gap, 0))
    path = REPO / "docs" / "docphoto-before-after.png"
    sheet.save(path, optimize=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--picture", action="store_true", help="also write docs/docphoto-before-after.png")
    args = parser.parse_args()
    profile = load_profile("zj-2021")
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    photo = phone_jpeg()
    made = images_to_pdf([("IMG_0001.jpg", photo)], profile).data
    if args.picture:
        print(f"wrote {picture(photo, made)}")
    pdf = faulty_pdf()
    repaired = repair_bytes("in.pdf", pdf, profile)[0]
    crooked, scan, scan_tilted = phone_jpeg(2.0), scan_jpeg(), scan_jpeg(2.0)

    def page(data: bytes):
        return lambda: images_to_pdf([("IMG_0001.jpg", data)], profile)

    rows = [
        ("photo 12 MP -> A4 page", timed(page(photo), args.runs), 1, PHOTO_TARGET_S),
        ("  check of the page made", timed(lambda: check_pdf_bytes("out.pdf", made, profile, "original"), args.runs),
         1, None),
        ("photo 12 MP, print 2° crooked -> A4 page", timed(page(crooked), args.runs), 1, PHOTO_TARGET_S),
        ("scan 300 dpi JPEG, straight -> page", timed(page(scan), args.runs), 1, None),
        ("scan 300 dpi JPEG, tilted 2° -> page", timed(page(scan_tilted), args.runs), 1, None),
        ("repair, per page", timed(lambda: repair_bytes("in.pdf", pdf, profile), args.runs), 10, REPAIR_TARGET_S),
        ("  check of the repaired PDF, per page",
         timed(lambda: check_pdf_bytes("out.pdf", repaired, profile, "original"), args.runs), 9, None),
    ]
    print(f"{'case':40} {'wall median':>12} {'CPU median':>12} {'target':>8}")
    for name, (wall, cpu), per, target in rows:
        goal = f"{target:.2f} s" if target else ""
        print(f"{name:40} {wall / per * 1000:9.0f} ms {cpu / per * 1000:9.0f} ms {goal:>8}")
    print(f"photo {len(photo):,} bytes -> PDF {len(made):,} bytes; repair 10 pages -> 9")
    straightened = [images_to_pdf([("IMG_0001.jpg", data)], profile).pages[0].deskewed
                    for data in (photo, crooked, scan_tilted)]
    print("straightened by: photo {}°, crooked print {}°, tilted scan {}°".format(*straightened))
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
