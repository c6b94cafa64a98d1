"""Timing and memory of the PDF check a user waits for: `check_pdf_bytes` on a scanned certificate copy.

A plain script, not a test: it prints figures and asserts nothing, because timings depend on the machine.
Run from the repository root:  python benchmarks/bench_pdf.py [--runs 30] [--multi-runs 5] [--json out.json]

Cases, each in its own fresh worker process (spawned, as `check -j` starts them), timed after one warm-up check
that loads the models:
- one A4 page scanned in colour at 200 dpi (scanset.py's "clean" case, a JPEG in a scanner-style PDF), checked
  as an original (`attachment_kind="original"`: the verification marks are not looked for, so no OCR) and as a copy
  (`attachment_kind="copy"`: seal, 核对无误 and date are looked for, with OCR where the page has no text layer);
- ten such pages in one PDF, both ways, reported per page.
Peak memory is the worker's ru_maxrss (its peak resident set). On Linux a spawned process starts with its parent's
peak as its own, so every worker is started before the parent builds any page; VmHWM from /proc, which does not
inherit, is kept in the JSON as a cross-check.
docs/benchmarks.md records the figures and the targets."""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import cv2
import PIL
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
from pdf_fixtures import pdf_from_images  # noqa: E402

import docprep  # noqa: E402
from benchmarks.bench_photo import cpu_model  # noqa: E402
from benchmarks.scanset import make_page  # noqa: E402
from docprep.engine import check_pdf_bytes  # noqa: E402

# The targets, per page, on average.
WITHOUT_OCR_TARGET_S = 0.15
WITH_OCR_TARGET_S = 0.6
PEAK_TARGET_MB = 600
DPI = 200


def scan_pdf(pages: int) -> bytes:
    """A scanner-style PDF of `pages` different certificate copies (A4, colour, 200 dpi, JPEG quality 85). Seeds
    from 1: page 1 is the first page of samples/attachments/good-copy.pdf, on which every mark is found."""
    return pdf_from_images([Image.fromarray(make_page("clean", DPI, seed).rgb) for seed in range(1, pages + 1)],
                           DPI, 85)


def peak_rss_mb() -> dict:
    """This process's peak resident memory in MB: ru_maxrss, and VmHWM where /proc has it."""
    peak = {"ru_maxrss": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak["vmhwm"] = round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return peak


def measure(data: bytes, kind: str, runs: int, profile_name: str) -> dict:
    """In the worker: one warm-up check, then `runs` timed ones (wall and process CPU seconds)."""
    profile = docprep.load_profile(profile_name)
    findings = check_pdf_bytes("scan.pdf", data, profile, kind)
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        check_pdf_bytes("scan.pdf", data, profile, kind)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return {"findings": [f.rule for f in findings], "wall": wall, "cpu": cpu, "peak_rss_mb": peak_rss_mb()}


def run_cases(cases: dict[str, tuple[int, str, int]], profile_name: str) -> dict:
    """Each case (pages, kind, runs) in its own fresh worker. Every worker is started before the parent builds any
    page: on Linux a spawned process starts with its parent's peak as its own ru_maxrss."""
    workers = {name: ProcessPoolExecutor(1, mp_context=get_context("spawn")) for name in cases}
    try:
        idle = {name: worker.submit(peak_rss_mb).result() for name, worker in workers.items()}
        pdfs = {pages: scan_pdf(pages) for pages, _, _ in cases.values()}
        results = {}
        for name, (pages, kind, runs) in cases.items():
            result = workers[name].submit(measure, pdfs[pages], kind, runs, profile_name).result()
            workers[name].shutdown()
            wall = result["wall"]
            results[name] = {
                "pages": pages, "bytes": len(pdfs[pages]), "kind": kind, "runs": runs, "findings": result["findings"],
                "mean_s": round(statistics.fmean(wall), 4), "median_s": round(statistics.median(wall), 4),
                "p90_s": round(statistics.quantiles(wall, n=10)[-1], 4) if runs > 1 else round(wall[0], 4),
                "cpu_median_s": round(statistics.median(result["cpu"]), 4),
                "mean_per_page_s": round(statistics.fmean(wall) / pages, 4),
                "worker_idle_rss_mb": idle[name], "worker_peak_rss_mb": result["peak_rss_mb"],
            }
        return results
    finally:
        for worker in workers.values():
            worker.shutdown(cancel_futures=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed checks of the one-page PDF (after a warm-up)")
    parser.add_argument("--multi-runs", type=int, default=5, help="timed checks of the multi-page PDF")
    parser.add_argument("--pages", type=int, default=10, help="pages of the multi-page PDF")
    parser.add_argument("--profile", default="zj-2021")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]

    cases = {"one page, without OCR": (1, "original", args.runs),
             f"{args.pages} pages, without OCR": (args.pages, "original", args.multi_runs),
             "one page, with OCR": (1, "copy", args.runs),
             f"{args.pages} pages, with OCR": (args.pages, "copy", args.multi_runs)}
    results = run_cases(cases, args.profile)

    machine = (f"{os.cpu_count()} CPUs, {cpu_model()}; Python {platform.python_version()}, OpenCV {cv2.__version__}, "
               f"Pillow {PIL.__version__}, OpenCV threads {cv2.getNumThreads()}")
    load = f"load average before {load_before:.2f}, after {os.getloadavg()[0]:.2f}"
    print(f"machine: {machine}")
    print(load)  # figures taken with a load well above 0 are not comparable
    print()
    print(f"{'case':<24} {'runs':>5} {'mean s':>7} {'median s':>9} {'p90 s':>7} {'per page s':>11} {'target s':>9} "
          f"{'CPU median s':>13} {'peak MB':>8}  findings")
    for name, r in results.items():
        target = WITH_OCR_TARGET_S if r["kind"] == "copy" else WITHOUT_OCR_TARGET_S
        peak = r["worker_peak_rss_mb"]["ru_maxrss"]
        print(f"{name:<24} {r['runs']:>5} {r['mean_s']:>7.3f} {r['median_s']:>9.3f} {r['p90_s']:>7.3f} "
              f"{r['mean_per_page_s']:>11.3f} {'<= ' + str(target):>9} {r['cpu_median_s']:>13.3f} {peak:>8.0f}  "
              f"{r['findings'] or 'none'}")
    print(f"peak memory target: <= {PEAK_TARGET_MB} MB per worker")
    if args.json:
        figures = {"command": "python benchmarks/bench_pdf.py " + " ".join(sys.argv[1:]), "machine": machine,
                   "load": load,
                   "targets": {"without_ocr_s": WITHOUT_OCR_TARGET_S, "with_ocr_s": WITH_OCR_TARGET_S,
                               "peak_rss_mb": PEAK_TARGET_MB},
                   "cases": results}
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
