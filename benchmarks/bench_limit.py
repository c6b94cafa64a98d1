"""The decode limit: what `docprep check` costs against just decoding every photo and page image, on one corpus.

A plain script, not a test: it prints figures and asserts nothing, because timings depend on the machine.
Run from the repository root:
    python benchmarks/bench_limit.py [--quick] [--corpus DIR] [--json out.json]

The corpus (generated, deterministic; `--corpus DIR` keeps it there and reuses it on the next run):
- photos: ID photos and phone pictures of the astronaut portrait of tests/fixtures in eight sizes from 295×413 to
  3000×4000 (a phone's 12 megapixels, a quarter of them stored landscape with EXIF orientation 6, as phones store
  them), JPEG quality 80-95 with fixed-seed sensor noise on the large ones, a few PNGs;
- PDFs: scanned certificate copies (benchmarks/scanset.py) of 1-4 pages at 150, 200 or 300 dpi, colour, one JPEG
  per page as a scanner writes them (img2pdf: the JPEG's bytes are the page image). Every page stream is distinct
  (its own page or JPEG quality), so no page is served from another page's decoded pixels.

Measured in one run:
(a) decode only, in this process: every photo read and fully decoded with Pillow (`Image.open().load()`, the EXIF
    orientation applied by a transpose as docprep applies it), and every page image decoded at its stored size
    with pypdfium2 (`PdfImage.get_bitmap(render=False)`: the image object's pixels, no rendering; the PDF opened
    with pypdfium2 counts too). Rendering each page at docprep's analysis resolution (100 dpi) is printed beside it.
(b) `check` without OCR (`--kind original`: no verification marks are looked for): in this process with
    `docprep.engine.run.check_paths(..., jobs=1)`, cold (an empty result cache) and cached (the same cache again);
    and the command line, `python -m docprep check CORPUS --kind original -j N`, cold with -j 1 and -j 2, and cached.
    The page-direction classifier (a small onnxruntime model that tells upside-down pages) still runs: it is part of
    the scan-quality rules, not of OCR.
Printed: the ratio b/a (target: at most 3), cached/cold (target: at most 0.05), where a cached command's time goes
(interpreter start, imports, the check; which heavy libraries it imported), pages per second without and with OCR
(with: the default kind, copies needing seal, 核对无误 and date on every page, on the corpus's first --ocr-pdfs
PDFs), 1→2 jobs scaling, and the peak resident memory of a process checking a 50-page colour scan at 300 dpi with jobs=1
(VmHWM from /proc where there is one, which a new program does not inherit; else ru_maxrss).
docs/benchmarks.md ("Decode limit") records the figures and the targets."""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from benchmarks.bench_applications import environment  # noqa: E402  (puts tests/fixtures on the path)
from benchmarks.bench_photo import cpu_model  # noqa: E402
from benchmarks.scanset import CASES, make_page  # noqa: E402
from portrait import portrait  # noqa: E402

DECODE_RATIO_TARGET = 3.0
CACHED_SHARE_TARGET = 0.05
PEAK_TARGET_MB = 600
# (width, height, stored landscape with EXIF orientation 6, noise): studio ID photos to a phone's 12 MP
PHOTO_SIZES = ((413, 579, False, 0), (295, 413, False, 0), (358, 441, False, 0), (480, 640, False, 2),
               (600, 800, False, 3), (1200, 1600, False, 4), (2448, 3264, True, 6), (3000, 4000, False, 6),
               (3000, 4000, True, 6))
DPIS = (150, 200, 300)
POOL = 4  # distinct pages drawn per dpi; PDFs take up to four of them, each page at its own JPEG quality
MEMORY_PAGES, MEMORY_DPI = 50, 300
CHILD = Path(__file__).with_name("limit_child.py")  # what runs in a fresh process: docprep's imports only


# --- the corpus -------------------------------------------------------------------------------------------------

def photo_bytes(index: int, base: dict) -> tuple[str, bytes]:
    """Photo `index`: a size of PHOTO_SIZES, its own noise seed and quality; every ninth one a PNG."""
    width, height, sideways, noise = PHOTO_SIZES[index % len(PHOTO_SIZES)]
    image = base.setdefault((width, height), np.asarray(portrait(width, height, face_height=0.36 if width < 1000
                                                                 else 0.3)))
    rng = np.random.default_rng(index)
    if noise:
        image = np.clip(image + rng.normal(0, noise, image.shape[:2] + (1,)), 0, 255).astype(np.uint8)
    picture = Image.fromarray(image)
    out = io.BytesIO()
    if index % 9 == 4 and width < 1000:
        picture.save(out, "PNG", dpi=(300, 300))
        return f"photo-{index:03d}.png", out.getvalue()
    exif = Image.Exif()
    if sideways:  # stored as the sensor saw it, turned upright by the viewer
        picture = picture.transpose(Image.Transpose.ROTATE_90)
        exif[0x0112] = 6
    picture.save(out, "JPEG", quality=80 + index % 16, dpi=(300, 300), exif=exif.tobytes())
    return f"photo-{index:03d}.jpg", out.getvalue()


def page_pool(dpis=DPIS) -> dict[int, list[np.ndarray]]:
    """POOL distinct certificate copies per dpi, cycling through scanset's cases."""
    names = list(CASES)
    return {dpi: [make_page(names[(i + dpi) % len(names)], dpi, 10 + i).rgb for i in range(POOL)] for dpi in dpis}


def scan_pdf(pages: list[tuple[np.ndarray, int, int]]) -> bytes:
    """A scanner-style PDF: each (pixels, dpi, quality) one JPEG page, embedded as it is (img2pdf)."""
    import img2pdf

    jpegs = []
    for pixels, dpi, quality in pages:
        out = io.BytesIO()
        Image.fromarray(pixels).save(out, "JPEG", quality=quality, dpi=(dpi, dpi))
        jpegs.append(out.getvalue())
    return img2pdf.convert(jpegs)


def pdf_pages(index: int, pool: dict) -> list[tuple[np.ndarray, int, int]]:
    """PDF `index`: 1-4 pages at one of DPIS, distinct pool pages, its own JPEG quality."""
    dpi = DPIS[index % len(DPIS)]
    count = 1 + index % 4
    return [(pool[dpi][(index + k) % POOL], dpi, 70 + (index * 7 + k) % 22) for k in range(count)]


def make_corpus(root: Path, photos: int, pdfs: int) -> dict:
    """Write the corpus under root/photos and root/pdfs (kept when root.json beside it says the same counts: inside,
    the check would count it as a file)."""
    manifest = root.with_suffix(".json")
    wanted = {"photos": photos, "pdfs": pdfs, "version": 1}
    if manifest.exists() and json.loads(manifest.read_text())["wanted"] == wanted:
        return json.loads(manifest.read_text())
    for folder in ("photos", "pdfs"):
        (root / folder).mkdir(parents=True, exist_ok=True)
        for old in (root / folder).iterdir():
            old.unlink()
    base: dict = {}
    for i in range(photos):
        name, data = photo_bytes(i, base)
        (root / "photos" / name).write_bytes(data)
    pool = page_pool()
    pages = 0
    for i in range(pdfs):
        spec = pdf_pages(i, pool)
        (root / "pdfs" / f"attachment-{i:03d}.pdf").write_bytes(scan_pdf(spec))
        pages += len(spec)
    facts = {"wanted": wanted, "pages": pages,
             "bytes": sum(p.stat().st_size for p in root.rglob("*") if p.suffix in (".jpg", ".png", ".pdf"))}
    manifest.write_text(json.dumps(facts))
    return facts


def memory_scan(path: Path) -> None:
    """The 50-page colour scan at 300 dpi: pool pages at 13 JPEG qualities, so every page stream is distinct."""
    if path.exists():
        return
    pool = page_pool((MEMORY_DPI,))[MEMORY_DPI]
    path.write_bytes(scan_pdf([(pool[i % POOL], MEMORY_DPI, 70 + 2 * (i // POOL)) for i in range(MEMORY_PAGES)]))


# --- (a) decoding only ------------------------------------------------------------------------------------------

_TURNS = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
          5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
          8: Image.Transpose.ROTATE_90}


def decode_photo(path: Path) -> tuple[int, int]:
    """Read and fully decode a photo, turned upright by its EXIF orientation."""
    with Image.open(io.BytesIO(path.read_bytes())) as image:
        image.load()
        turn = _TURNS.get(image.getexif().get(0x0112, 1))
        upright = image.transpose(turn) if turn is not None else image
        return upright.size


def decode_pages(path: Path, render_dpi: float | None = None, count_only: bool = False) -> int:
    """Every page image of a PDF decoded at its stored size by pypdfium2 (or, with `render_dpi`, every page
    rendered at that resolution; with `count_only`, none); returns the pages."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pdf = pdfium.PdfDocument(path.read_bytes())
    try:
        for page in pdf if not count_only else ():
            if render_dpi is not None:
                page.render(scale=render_dpi / 72).to_numpy()
            else:
                for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)):
                    obj.get_bitmap(render=False).to_numpy()
            page.close()
        return len(pdf)
    finally:
        pdf.close()


def timed(call) -> tuple[float, float, object]:
    """Wall and process CPU seconds of one call, and its result."""
    start, start_cpu = time.perf_counter(), time.process_time()
    result = call()
    return time.perf_counter() - start, time.process_time() - start_cpu, result


def decode_only(root: Path) -> dict:
    photos = sorted((root / "photos").iterdir())
    pdfs = sorted((root / "pdfs").iterdir())
    for path in photos[:2] + pdfs[:1]:  # warm: the libraries' first calls
        decode_photo(path) if path.suffix != ".pdf" else decode_pages(path)
    photo = timed(lambda: [decode_photo(p) for p in photos])
    page = timed(lambda: sum(decode_pages(p) for p in pdfs))
    render = timed(lambda: sum(decode_pages(p, 100) for p in pdfs))
    return {"photos": len(photos), "pages": page[2], "photos_s": photo[0], "pages_s": page[0],
            "photos_cpu_s": photo[1], "pages_cpu_s": page[1], "wall_s": photo[0] + page[0],
            "cpu_s": photo[1] + page[1], "render_100dpi_s": render[0]}


# --- (b) the check ----------------------------------------------------------------------------------------------

def check_in_process(root: Path, profile, kind: str | None, cache_folder: Path | None) -> dict:
    """check_paths(jobs=1) over root: wall and CPU seconds, and the seconds spent on photos and on PDFs (from the
    moments each file's report arrived: in this process files are checked one after another)."""
    from docprep.engine.cache import ResultCache
    from docprep.engine.run import check_paths

    cache = ResultCache(profile, kind, cache_folder) if cache_folder is not None else None
    moments = [(time.perf_counter(), time.process_time(), None)]
    wall, cpu, report = timed(lambda: check_paths([root], profile, jobs=1, attachment_kind=kind, cache=cache,
                                                  on_file=lambda r: moments.append((time.perf_counter(),
                                                                                    time.process_time(), r))))
    spent = {"photos_s": 0.0, "pdfs_s": 0.0, "photos_cpu_s": 0.0, "pdfs_cpu_s": 0.0}
    for (before, before_cpu, _), (moment, moment_cpu, file_report) in zip(moments, moments[1:]):
        kind_of = "pdfs" if str(file_report.path).endswith(".pdf") else "photos"
        spent[f"{kind_of}_s"] += moment - before
        spent[f"{kind_of}_cpu_s"] += moment_cpu - before_cpu
    rules = sorted({f.rule for r in report.files for f in r.findings})
    return {"wall_s": wall, "cpu_s": cpu, "files": len(report.files), **spent, "rules": rules}


def cli_check(folder: Path, work: Path, cache: Path, jobs: int, report: Path) -> dict:
    """`docprep check FOLDER --kind original -j N` in a fresh process, DOCPREP_CACHE_DIR=`cache`: wall seconds from
    start to exit, and CPU seconds of the process and its workers."""
    command = [sys.executable, "-m", "docprep", "check", str(folder), "--kind", "original", "-j", str(jobs),
               "--quiet", "--format", "json", "-o", str(report)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, _, done = timed(lambda: subprocess.run(command, env=environment(work, cache), capture_output=True,
                                                 text=True, encoding="utf-8"))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        sys.exit(f"docprep check failed (exit {done.returncode}):\n{done.stderr}")
    return {"wall_s": wall, "cpu_s": after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime,
            "exit": done.returncode, "report": report.read_bytes()}


def hashing_seconds(root: Path) -> float:
    """What a cached run cannot skip: reading every file and hashing it (SHA-256, as engine.cache keys entries)."""
    start = time.perf_counter()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            hashlib.sha256(path.read_bytes()).hexdigest()
    return time.perf_counter() - start


def child(arguments: list[str], work: Path, cache: Path | None = None) -> tuple[float, dict]:
    """Run benchmarks/limit_child.py in a fresh process (with DOCPREP_CACHE_DIR=`cache`): its wall seconds from
    start to exit, and the JSON it printed."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(CHILD), *arguments], env=environment(work, cache),
                          capture_output=True, text=True, encoding="utf-8")
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"child {arguments} failed (exit {done.returncode}):\n{done.stderr}")
    return wall, json.loads(done.stdout.strip().splitlines()[-1])


def bare_start(work: Path, code: str) -> float:
    """Seconds from start to exit of `python -c code` (best of three)."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], env=environment(work), check=True)
        best = min(best, time.perf_counter() - start)
    return best


# --- the run ----------------------------------------------------------------------------------------------------

def in_process_runs(root: Path, work: Path, args, results: dict) -> None:
    import docprep

    profile = docprep.load_profile(args.profile)
    results["decode"] = d = decode_only(root)
    say(f"decode only: {d['photos']} photos in {d['photos_s']:.2f} s, {d['pages']} page images in "
        f"{d['pages_s']:.2f} s (rendering the pages at 100 dpi instead: {d['render_100dpi_s']:.2f} s)")
    results["cold"] = c = check_in_process(root, profile, "original", work / "cache-inproc")
    say(f"check, in process, cold:   {c['wall_s']:.2f} s (photos {c['photos_s']:.2f} s, PDFs {c['pdfs_s']:.2f} s)")
    results["cached"] = c = check_in_process(root, profile, "original", work / "cache-inproc")
    say(f"check, in process, cached: {c['wall_s']:.3f} s (reading and hashing every file alone: "
        f"{hashing_seconds(root):.3f} s)")
    if args.ocr_pdfs:
        ocr_root = work / "ocr"
        (ocr_root / "pdfs").mkdir(parents=True, exist_ok=True)
        for path in sorted((root / "pdfs").iterdir())[:args.ocr_pdfs]:
            target = ocr_root / "pdfs" / path.name
            if not target.exists():
                target.write_bytes(path.read_bytes())
        results["ocr"] = o = check_in_process(ocr_root, profile, None, None)
        o["pages"] = sum(decode_pages(path, count_only=True) for path in (ocr_root / "pdfs").iterdir())
        say(f"check with OCR (default kind: copies), in process: {o['pages']} pages in {o['wall_s']:.2f} s")


def cli_runs(root: Path, work: Path, results: dict) -> None:
    for jobs in (1, 2):
        cache, report = work / f"cache-cli-{jobs}", work / f"cli-{jobs}.json"
        results[f"cli_cold_j{jobs}"] = r = cli_check(root, work, cache, jobs, report)
        say(f"docprep check -j {jobs}, cold:   {r['wall_s']:.2f} s (CPU of the process and its workers "
            f"{r['cpu_s']:.1f} s)")
    results["cli_cached_j2"] = r = cli_check(root, work, work / "cache-cli-2", 2, work / "cli-2-cached.json")
    say(f"docprep check -j 2, cached: {r['wall_s']:.2f} s (CPU {r['cpu_s']:.2f} s); report "
        f"{'byte-identical to' if r['report'] == results['cli_cold_j2']['report'] else 'DIFFERENT from'} the cold one")
    wall, inside = child(["cached", str(root), str(work / "cli-child.json")], work, work / "cache-cli-2")
    results["cached_breakdown"] = {"process_s": wall, **inside, "python_start_s": bare_start(work, "pass"),
                                   "import_docprep_cli_s": bare_start(work, "import docprep.cli")}


def memory_runs(scan: Path, work: Path, args, results: dict) -> None:
    memory_scan(scan)
    for kind in ("original",) + (() if args.quick else ("default",)):
        wall, figures = child(["memory", str(scan), kind, args.profile], work)
        results[f"memory_{kind}"] = figures
        peak = figures.get("vmhwm_mb", figures["ru_maxrss_mb"])
        say(f"50 pages at 300 dpi, kind {kind}: peak {peak:.0f} MB, {figures['wall_s']:.1f} s "
            f"({MEMORY_PAGES / figures['wall_s']:.2f} pages/s)")


def say(text: str) -> None:
    print(text, flush=True)


def summary(results: dict, facts: dict) -> list[str]:
    d, cold, cached = results["decode"], results["cold"], results["cached"]
    lines = [f"check cold / decode only (jobs=1, in process): {cold['wall_s'] / d['wall_s']:.2f}x wall, "
             f"{cold['cpu_s'] / d['cpu_s']:.2f}x CPU (target <= {DECODE_RATIO_TARGET:.0f}x); photos "
             f"{cold['photos_s'] / d['photos_s']:.2f}x wall, {cold['photos_cpu_s'] / d['photos_cpu_s']:.2f}x CPU; "
             f"PDF pages {cold['pdfs_s'] / d['pages_s']:.2f}x wall, {cold['pdfs_cpu_s'] / d['pages_cpu_s']:.2f}x CPU",
             f"cached / cold, in process: {cached['wall_s'] / cold['wall_s']:.1%} "
             f"(target <= {CACHED_SHARE_TARGET:.0%})",
             f"pages per second without OCR (in process, jobs=1): {facts['pages'] / cold['pdfs_s']:.1f}"]
    if "ocr" in results:
        ocr = results["ocr"]
        lines.append(f"pages per second with OCR (in process, jobs=1): {ocr['pages'] / ocr['wall_s']:.2f}")
    if "cli_cold_j2" in results:
        j1, j2, hit = (results[k]["wall_s"] for k in ("cli_cold_j1", "cli_cold_j2", "cli_cached_j2"))
        cpu_cold, cpu_hit = results["cli_cold_j2"]["cpu_s"], results["cli_cached_j2"]["cpu_s"]
        b = results["cached_breakdown"]
        lines += [f"docprep check -j 1 -> -j 2, cold: {j1:.2f} s -> {j2:.2f} s, {j1 / j2:.2f}x faster; "
                  f"-j 2 / decode only: {j2 / d['wall_s']:.2f}x",
                  f"cached / cold, command line -j 2: {hit / j2:.1%} wall ({hit:.2f} / {j2:.2f} s; target <= "
                  f"{CACHED_SHARE_TARGET:.0%}), {cpu_hit / cpu_cold:.1%} CPU ({cpu_hit:.2f} / {cpu_cold:.1f} s)",
                  f"  a cached command's {b['process_s']:.2f} s: Python's start {b['python_start_s']:.2f} s, "
                  f"importing docprep.cli {b['import_s']:.2f} s (alone, start included: "
                  f"{b['import_docprep_cli_s']:.2f} s), the check {b['check_s']:.2f} s; heavy libraries "
                  f"imported: {', '.join(b['heavy']) or 'none'}"]
    for kind in ("original", "default"):
        figures = results.get(f"memory_{kind}")
        if figures:
            lines.append(f"peak memory, 50 pages at 300 dpi, kind {kind}, jobs=1: "
                         f"{figures.get('vmhwm_mb', figures['ru_maxrss_mb']):.0f} MB (target < {PEAK_TARGET_MB} MB)")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a smaller corpus (20 photos, 12 PDFs), no memory run with OCR")
    parser.add_argument("--photos", type=int)
    parser.add_argument("--pdfs", type=int)
    parser.add_argument("--ocr-pdfs", type=int, help="PDFs checked with OCR (default 12; --quick 4; 0: none)")
    parser.add_argument("--no-cli", action="store_true", help="skip the command-line runs")
    parser.add_argument("--corpus", type=Path, help="keep the corpus here and reuse it (default: a temporary folder)")
    parser.add_argument("--profile", default="zj-2021")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    photos = args.photos or (20 if args.quick else 60)
    pdfs = args.pdfs or (12 if args.quick else 40)
    args.ocr_pdfs = (4 if args.quick else 12) if args.ocr_pdfs is None else args.ocr_pdfs
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="docprep-bench-limit-") as temporary:
        work = Path(temporary)
        kept = args.corpus or work  # the corpus in kept/corpus, the 50-page scan beside it
        root = kept / "corpus"
        start = time.perf_counter()
        facts = make_corpus(root, photos, pdfs)
        say(f"corpus: {photos} photos, {pdfs} PDFs with {facts['pages']} pages, {facts['bytes'] / 1e6:.1f} MB "
            f"(ready in {time.perf_counter() - start:.1f} s)")
        subprocess.run([sys.executable, "-c", "import compileall, os, docprep; "  # as installed: modules compiled
                        "compileall.compile_dir(os.path.dirname(docprep.__file__), quiet=1)"],
                       env=environment(work), check=True)
        results: dict = {}
        memory_runs(kept / "scan-50p-300dpi.pdf", work, args, results)  # first: a fresh process, as a worker starts
        in_process_runs(root, work, args, results)
        if not args.no_cli:
            cli_runs(root, work, results)
    say("")
    for line in summary(results, facts):
        say(line)
    machine = f"{os.cpu_count()} CPUs, {cpu_model()}; Python {platform.python_version()}"
    load = f"load average before {load_before:.2f}, after {os.getloadavg()[0]:.2f}"
    say(f"machine: {machine}\n{load}")  # figures taken with a load well above 0 are not comparable
    if args.json:
        for r in results.values():
            r.pop("report", None)
        figures = {"command": "python benchmarks/bench_limit.py " + " ".join(sys.argv[1:]), "machine": machine,
                   "load": load, "corpus": facts, "results": results}
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
