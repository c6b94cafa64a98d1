"""What benchmarks/bench_limit.py runs in a fresh process, importing nothing but docprep and the standard library
(the benchmark's own imports would otherwise be counted as docprep's):

    python benchmarks/limit_child.py cached FOLDER REPORT   # a cached `docprep check -j 2` through the CLI's entry
    python benchmarks/limit_child.py memory PDF KIND PROFILE  # one PDF checked with jobs=1, peak memory

Each prints one line of JSON."""
from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

# What a cached run has no use for: the heavy libraries whose import it would pay for.
HEAVY = ("numpy", "cv2", "PIL.Image", "pypdfium2", "pypdf", "pikepdf", "onnxruntime", "rapidocr", "jinja2")


def cached(folder: str, report: str) -> None:
    """`docprep check FOLDER --kind original -j 2` through the CLI's own entry point: the seconds of importing
    docprep.cli and of the run, and the heavy libraries imported by the end."""
    start = time.perf_counter()
    from docprep.cli import cli

    imported = time.perf_counter()
    try:
        cli.main(["check", folder, "--kind", "original", "-j", "2", "--quiet", "--format", "json", "-o", report],
                 standalone_mode=False)
    finally:
        done = time.perf_counter()
        print(json.dumps({"import_s": imported - start, "check_s": done - imported,
                          "heavy": [m for m in HEAVY if m in sys.modules]}))


def memory(path: str, kind: str, profile_name: str) -> None:
    """One PDF checked in this process (jobs=1, kind "default": the kind the name gives, else a copy): seconds,
    findings and peak resident memory (VmHWM, which a new program does not inherit; ru_maxrss, which on Linux
    starts from the parent's peak at the fork)."""
    import docprep
    from docprep.engine.run import check_paths

    profile = docprep.load_profile(profile_name)
    start, start_cpu = time.perf_counter(), time.process_time()
    report = check_paths([path], profile, jobs=1, attachment_kind=None if kind == "default" else kind)
    figures = {"wall_s": time.perf_counter() - start, "cpu_s": time.process_time() - start_cpu,
               "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
               "rules": sorted({f.rule for r in report.files for f in r.findings})}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                figures["vmhwm_mb"] = int(line.split()[1]) / 1024
    except OSError:
        pass
    print(json.dumps(figures))


if __name__ == "__main__":
    {"cached": cached, "memory": memory}[sys.argv[1]](*sys.argv[2:])
