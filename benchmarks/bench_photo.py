"""Timing of the photo paths a user waits for: `check` on one ID photo, `fix` on a phone photo.

A plain script, not a test: it prints figures and asserts nothing, because timings depend on the machine.
Run from the repository root:  python benchmarks/bench_photo.py
docs/benchmarks.md records the figures and the targets."""
from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import PIL
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "fixtures"))
from portrait import portrait  # noqa: E402

import docprep  # noqa: E402
from docprep.fix.photo import fix_photo_bytes  # noqa: E402

CHECK_TARGET_MS = 30
FIX_TARGET_MS = 1000


def id_photo() -> bytes:
    """A 2寸 photo (413×579) as a photo studio delivers it."""
    out = io.BytesIO()
    portrait(413, 579).save(out, "JPEG", quality=92, dpi=(300, 300))
    return out.getvalue()


def phone_photo() -> bytes:
    """A 12-megapixel landscape phone photo: the person small in the frame, with fixed-seed sensor noise so the
    JPEG has a phone's entropy (a few MB) rather than a drawing's."""
    image = np.asarray(portrait(4000, 3000, face_height=0.22, face_cy=0.45)).astype(np.int16)
    noise = np.random.default_rng(12).normal(0, 6, image.shape[:2] + (1,)).astype(np.int16)
    out = io.BytesIO()
    Image.fromarray(np.clip(image + noise, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=92)
    return out.getvalue()


def timings(call, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and process CPU milliseconds per run. CPU time counts every thread (OpenCV uses several) and
    is less disturbed by other processes, so it compares runs on a busy machine."""
    call()  # warm: imports, cascade loading, first allocations
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check-runs", type=int, default=200)
    parser.add_argument("--fix-runs", type=int, default=7)
    parser.add_argument("--profile", default="zj-2021")
    args = parser.parse_args()
    profile = docprep.load_profile(args.profile)
    load_before = os.getloadavg()[0]

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "photo-413x579.jpg"
        path.write_bytes(id_photo())
        report = docprep.check_file(path, profile)
        check = timings(lambda: docprep.check_file(path, profile), args.check_runs)
    phone = phone_photo()
    fixed = fix_photo_bytes("phone.jpg", phone, profile)
    fix = timings(lambda: fix_photo_bytes("phone.jpg", phone, profile), args.fix_runs)

    print(f"machine: {os.cpu_count()} CPUs, {cpu_model()}; Python {platform.python_version()}, "
          f"OpenCV {cv2.__version__}, Pillow {PIL.__version__}, OpenCV threads {cv2.getNumThreads()}")
    # Other processes skew the figures: the 1-minute load average says whether the machine was quiet.
    print(f"load average before {load_before:.2f}, after {os.getloadavg()[0]:.2f}")
    print(f"check: {path.name}, findings {[f.rule for f in report.findings] or 'none'}")
    print(f"fix:   4000×3000 JPEG of {len(phone):,} bytes -> {fixed.size[0]}×{fixed.size[1]}, "
          f"{len(fixed.data):,} bytes, quality {fixed.quality}")
    print()
    print(f"{'case':<34} {'runs':>5} {'median ms':>10} {'p90 ms':>8} {'target ms':>10} {'CPU median ms':>14}")
    for name, (wall, cpu), target in (("check_file 413×579 (with faces)", check, CHECK_TARGET_MS),
                                      ("fix_photo_bytes 4000×3000", fix, FIX_TARGET_MS)):
        p90 = statistics.quantiles(wall, n=10)[-1]
        print(f"{name:<34} {len(wall):>5} {statistics.median(wall):>10.1f} {p90:>8.1f} {'<= ' + str(target):>10} "
              f"{statistics.median(cpu):>14.1f}")


if __name__ == "__main__":
    main()
