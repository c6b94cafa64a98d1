"""Timing of `docprep fix` on a 12 MP phone portrait whose blue backdrop is made white (target: 1.5 s), and the
before/after picture in docs/ (docs/backdrop-before-after.png).

A plain script, not a test: it prints figures and asserts nothing, because timings depend on the machine.
Run from the repository root:  python benchmarks/bench_backdrop.py [--runs N] [--picture]
The portrait is the astronaut cut-out (tests/fixtures) on a 4000×3000 blue backdrop, a JPEG at quality 92.
docs/benchmarks.md records the figures."""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
from portrait import portrait  # noqa: E402

from docprep.fix.photo import fix_photo_bytes  # noqa: E402
from docprep.profiles import load_profile  # noqa: E402

TARGET_MS = 1500
BACKDROPS = {"blue": (70, 110, 200), "red": (200, 30, 40), "grey": (150, 150, 150)}


def phone_portrait(colour, size=(3000, 4000)) -> bytes:
    """A 12 MP upright phone portrait on a plain backdrop of `colour`."""
    out = io.BytesIO()
    portrait(*size, background=colour, face_height=0.2, face_cy=0.4).save(out, "JPEG", quality=92)
    return out.getvalue()


def picture(profile) -> Path:
    """docs/backdrop-before-after.png: each backdrop before (left) and after `fix` (right), at output size."""
    tiles = []
    for colour in BACKDROPS.values():
        data = phone_portrait(colour, (600, 800))
        before = Image.open(io.BytesIO(data)).resize((413, 551))
        after = Image.open(io.BytesIO(fix_photo_bytes("portrait.jpg", data, profile).data))
        tiles += [before, after]
    sheet = Image.new("RGB", (sum(t.width for t in tiles) + 10 * (len(tiles) - 1), 579), (128, 128, 128))
    x = 0
    for tile in tiles:
        sheet.paste(tile, (x, (579 - tile.height) // 2))
        x += tile.width + 10
    path = ROOT / "docs" / "backdrop-before-after.png"
    sheet.resize((sheet.width // 2, sheet.height // 2), Image.LANCZOS).save(path, optimize=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--picture", action="store_true", help="also write docs/backdrop-before-after.png")
    args = parser.parse_args()
    profile = load_profile("zj-2021")
    print(f"load: {os.getloadavg()[0]:.2f} (1-minute average), cores: {os.cpu_count()}")
    for name, colour in {**BACKDROPS, "white (no change, for comparison)": (245, 245, 243)}.items():
        data = phone_portrait(colour)
        fixed = fix_photo_bytes("portrait.jpg", data, profile)  # warm-up, and the change is made
        assert bool(fixed.changes) == (name in BACKDROPS), "the backdrop was not replaced"
        times, cpu = [], []
        for _ in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            fix_photo_bytes("portrait.jpg", data, profile)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        print(f"fix, 12 MP (3000×4000), {name} backdrop: median {statistics.median(times):.0f} ms, "
              f"max {max(times):.0f} ms, CPU median {statistics.median(cpu):.0f} ms over {args.runs} runs "
              f"(target {TARGET_MS} ms)")
    print(f"load after: {os.getloadavg()[0]:.2f}")
    if args.picture:
        print(f"wrote {picture(profile).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
