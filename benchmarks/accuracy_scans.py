"""Detection rates of the per-page scan-quality rules (docprep/checks/pdf.py) on generated certificate scans.

    python benchmarks/accuracy_scans.py [--pages 240] [--dpi 200] [--seed 0] [--jobs 2] [--json out.json]

Every page starts as a clean certificate scan from benchmarks/scanset.py and gets at most one fault (CASES), with
its amount drawn from a seeded generator; it is saved as a one-page scanner-style PDF and checked with
`docprep.engine.check_pdf_bytes` under the default profile, as an uploaded attachment would be. Only the
scan-quality rules count (QUALITY); other rules (structure, verification marks) are ignored.

Counted per case: a page is detected when its own rule fires with the right verdict (dark vs washed out, the
direction of a tilt or a quarter turn, error vs warning for the resolution); any other scan-quality finding on it is
cross-talk. On clean pages, any scan-quality finding is a false alarm. Check time is the `check_pdf_bytes` call
alone (parse, measure, rules), per page, in worker processes that each checked one page first (model loading).
The JSON goes to stdout (and --json FILE), a short table to stderr.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, replace
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from pdf_fixtures import pdf_from_images  # noqa: E402

from benchmarks.scanset import make_page  # noqa: E402
from docprep.documents.pdf import load_pdf  # noqa: E402
from docprep.engine import check_pdf_bytes  # noqa: E402
from docprep.model import Severity  # noqa: E402
from docprep.profiles.loader import DEFAULT_PROFILE, load_profile  # noqa: E402

QUALITY = ("pdf.low-resolution", "pdf.blank-page", "pdf.blurry-page", "pdf.exposure", "pdf.skew", "pdf.rotation",
           "pdf.cut-off", "pdf.color")
# case -> the rule it must trigger (None: a clean page, which must trigger none)
CASES = {
    "clean": None,
    "blurry": "pdf.blurry-page",
    "dark": "pdf.exposure",
    "washed-out": "pdf.exposure",
    "skew": "pdf.skew",
    "upside-down": "pdf.rotation",
    "sideways": "pdf.rotation",
    "cut-off": "pdf.cut-off",
    "blank": "pdf.blank-page",
    "low-res-error": "pdf.low-resolution",
    "low-res-warning": "pdf.low-resolution",
    "grayscale": "pdf.color",
}
# The pages are checked as copies (pdf.color is judged only where a seal is required) with the verification-mark
# rules off, so no OCR runs: the figures are the scan-quality rules' alone.
KIND = {"attachment_kind": "copy"}
MARK_RULES = ("pdf.missing-seal", "pdf.missing-verification", "pdf.missing-date")


def mm(value: float, dpi: int) -> float:
    """Millimetres to pixels at `dpi`."""
    return value * dpi / 25.4


def _noise(a: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Sensor noise over a changed page, so that a blurred or re-exposed page is not unnaturally smooth."""
    a = a.astype(np.float32) + (rng.standard_normal(a.shape[:2], dtype=np.float32) * rng.uniform(1.5, 3))[..., None]
    return a.clip(0, 255).astype(np.uint8)


def _paper(rgb: np.ndarray) -> np.ndarray:
    """The paper colour: a certificate page is mostly paper, so the per-channel median is paper."""
    return np.median(rgb[::4, ::4].reshape(-1, 3), axis=0)


def _cut(rgb: np.ndarray, rng: np.random.Generator, dpi: int) -> tuple[np.ndarray, dict]:
    """Crop 10-30 % off one side, redrawn until the new edge runs through text (ink along at least 3 mm of a 1-mm
    band at the edge): a crop through the empty margin loses nothing and is not a cut-off page."""
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    ink = gray < _paper(rgb).mean() - 60
    h, w = gray.shape
    band = max(1, round(mm(1, dpi)))
    for _ in range(100):
        side, share = str(rng.choice(["left", "right", "top", "bottom"])), float(rng.uniform(0.10, 0.30))
        size = w if side in ("left", "right") else h
        at = round(size * share) if side in ("left", "top") else size - round(size * share)
        kept = {"left": rgb[:, at:], "right": rgb[:, :at], "top": rgb[at:], "bottom": rgb[:at]}[side]
        edge = {"left": ink[:, at:at + band].T, "right": ink[:, at - band:at].T, "top": ink[at:at + band],
                "bottom": ink[at - band:at]}[side]
        if edge.any(axis=0).sum() >= mm(3, dpi):
            return np.ascontiguousarray(kept), {"side": side, "share": round(share, 3)}
    raise RuntimeError("no crop through text found")


def _blank_back(rgb: np.ndarray, rng: np.random.Generator, dpi: int) -> tuple[np.ndarray, dict]:
    """The empty back of the page: warm paper with a faint texture, the front showing through (mirrored, blurred,
    4-15 % of its darkness), a few dust specks and sensor noise."""
    h, w = rgb.shape[:2]
    front = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    darkness = cv2.GaussianBlur(np.maximum(np.median(front[::4, ::4]) - front, 0), (0, 0), mm(0.5, dpi))
    through = float(rng.uniform(0.04, 0.15))
    texture = cv2.resize(rng.standard_normal((h // 80 + 2, w // 80 + 2)).astype(np.float32), (w, h),
                         interpolation=cv2.INTER_CUBIC) * rng.uniform(1, 3)
    paper = rng.uniform(0.93, 0.99) * 255 - np.asarray([0, rng.uniform(0, 4), rng.uniform(1, 8)], np.float32)
    page = paper + (texture - np.fliplr(darkness) * through)[..., None]
    specks = int(rng.integers(0, 5))
    for _ in range(specks):
        centre = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        cv2.circle(page, centre, max(1, round(mm(rng.uniform(0.1, 0.3), dpi))), (float(rng.uniform(60, 150)),) * 3,
                   -1)
    return _noise(page, rng), {"show_through": round(through, 3), "specks": specks}


def degrade(case: str, rgb: np.ndarray, dpi: int, rng: np.random.Generator) -> tuple[Image.Image, float, object]:
    """One fault on a clean page: the image to embed, the resolution to embed it at, and the amount drawn."""
    if case == "clean":
        return Image.fromarray(rgb), dpi, None
    if case == "blurry":  # out of focus: Gaussian blur, sigma 0.5-1.2 mm (body text is 4-5 mm)
        sigma = float(rng.uniform(0.5, 1.2))
        return Image.fromarray(_noise(cv2.GaussianBlur(rgb, (0, 0), mm(sigma, dpi)), rng)), dpi, round(sigma, 3)
    if case == "dark":  # under-exposed: everything scaled down until the paper is at 60-105
        level = float(rng.uniform(60, 105))
        return Image.fromarray(_noise(rgb * (level / _paper(rgb).mean()), rng)), dpi, round(level, 1)
    if case == "washed-out":  # over-exposed or faded: the darkest ink only 40-60 grey levels under the paper
        contrast = float(rng.uniform(40, 60))
        paper = _paper(rgb)
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        darkest = paper.mean() - float(np.percentile(gray, 0.5))
        faint = paper - (paper - rgb.astype(np.float32)) * (contrast / darkest)
        return Image.fromarray(_noise(faint, rng)), dpi, round(contrast, 1)
    if case == "skew":  # tilted on the glass by 4-10° either way (positive: clockwise), the scan area unchanged
        angle = float(rng.uniform(4, 10) * rng.choice([-1, 1]))
        h, w = rgb.shape[:2]
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)  # OpenCV turns counter-clockwise
        turned = cv2.warpAffine(rgb, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=tuple(_paper(rgb).tolist()))
        return Image.fromarray(turned), dpi, round(angle, 2)
    if case == "upside-down":
        return Image.fromarray(np.ascontiguousarray(rgb[::-1, ::-1])), dpi, 180
    if case == "sideways":  # turn: the clockwise turn that makes it upright again
        turn = int(rng.choice([90, 270]))
        return Image.fromarray(np.ascontiguousarray(np.rot90(rgb, 1 if turn == 90 else -1))), dpi, turn
    if case == "cut-off":
        kept, amount = _cut(rgb, rng, dpi)
        return Image.fromarray(kept), dpi, amount
    if case == "blank":
        back, amount = _blank_back(rgb, rng, dpi)
        return Image.fromarray(back), dpi, amount
    if case in ("low-res-error", "low-res-warning"):  # scanned at a lower resolution and embedded as such
        low = int(rng.integers(100, 141) if case == "low-res-error" else rng.integers(150, 200))
        h, w = rgb.shape[:2]
        small = cv2.resize(rgb, (round(w * low / dpi), round(h * low / dpi)), interpolation=cv2.INTER_AREA)
        return Image.fromarray(small), low, low
    if case == "grayscale":  # a grey scan, stored as grey or as colour with equal channels
        stored = str(rng.choice(["L", "RGB"]))
        return Image.fromarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)).convert(stored), dpi, stored
    raise ValueError(case)


def _right_verdict(case: str, amount, finding: dict) -> bool:
    """Whether a finding of the case's rule says the right thing: dark vs washed out, the direction of a tilt or a
    quarter turn (or "90 or 270" when the direction is left open), error vs warning for the resolution."""
    measured, severity = finding["measured"], finding["severity"]
    if case in ("dark", "washed-out"):
        return ("paper" if case == "dark" else "ink_contrast") in measured
    if case == "skew":
        return (measured > 0) == (amount > 0)
    if case == "upside-down":
        return measured == 180
    if case == "sideways":
        return measured in (amount, "90 or 270")
    if case in ("low-res-error", "low-res-warning"):
        return severity == case.rsplit("-", 1)[1]
    return True


@lru_cache(maxsize=1)
def _profile():
    profile = load_profile(DEFAULT_PROFILE)
    return replace(profile, severities={**profile.severities, **{r: Severity.OFF for r in MARK_RULES}})


def check_page(case: str, index: int, page_seed: int, dpi: int, seed: int) -> dict:
    """Make one page of a case, check it, and judge the scan-quality findings; runs in a worker process. A page
    that misses its rule or raises another also carries its measurements, to see why."""
    rng = np.random.default_rng([seed, index])
    image, embed_dpi, amount = degrade(case, make_page("clean", dpi, page_seed).rgb, dpi, rng)
    data = pdf_from_images([image], embed_dpi)
    t0 = time.perf_counter()
    found = check_pdf_bytes(f"{case}-{index}.pdf", data, _profile(), **KIND)
    seconds = time.perf_counter() - t0
    findings = [{"rule": f.rule, "severity": f.severity.value, "measured": f.measured} for f in found
                if f.rule in QUALITY]
    own = CASES[case]
    hit = any(f["rule"] == own and _right_verdict(case, amount, f) for f in findings) if own else None
    others = sorted({f["rule"] for f in findings if f["rule"] != own})
    result = {"case": case, "index": index, "page_seed": page_seed, "amount": amount, "detected": hit,
              "others": others, "seconds": seconds}
    if hit is False or others:
        with load_pdf("page.pdf", data, _profile().section("pdf")) as document:
            scan = next(document.pages()).scan
        result["findings"] = findings
        result["scan"] = scan and {k: v for k, v in asdict(scan).items() if k not in ("cut_boxes", "size_px")}
    return result


def _warm_up(dpi: int) -> None:
    """Load the profile and the direction model before the timed pages."""
    check_pdf_bytes("warm-up.pdf", pdf_from_images([Image.fromarray(make_page("clean", dpi, 999_999).rgb)], dpi),
                    _profile(), **KIND)


def ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def run(pages: int, dpi: int, seed: int, jobs: int) -> dict:
    names = list(CASES)
    plan = [(names[i % len(names)], i, seed * 100_000 + i) for i in range(pages)]
    start = time.perf_counter()
    with ProcessPoolExecutor(jobs, mp_context=get_context("spawn"), initializer=_warm_up, initargs=(dpi,)) as pool:
        results = list(pool.map(check_page, *zip(*plan), [dpi] * pages, [seed] * pages))
    wall = time.perf_counter() - start

    per_case = {}
    for case, rule in CASES.items():
        rows = [r for r in results if r["case"] == case]
        cross = Counter(other for r in rows for other in r["others"])
        entry = {"rule": rule, "pages": len(rows), "cross_talk": dict(cross)}
        if rule:
            hits = sum(r["detected"] for r in rows)
            entry.update(detected=hits, rate=ratio(hits, len(rows)))
        else:
            alarms = sum(bool(r["others"]) for r in rows)
            entry.update(false_alarms=alarms, false_alarm_rate=ratio(alarms, len(rows)))
        per_case[case] = entry
    times = np.asarray([r["seconds"] for r in results])
    return {
        "command": f"python benchmarks/accuracy_scans.py --pages {pages} --dpi {dpi} --seed {seed} --jobs {jobs}",
        "pages": len(results), "dpi": dpi, "profile": DEFAULT_PROFILE, "marks_skipped": bool(KIND),
        "cases": per_case,
        "seconds_per_page": {"mean": round(float(times.mean()), 3), "p90": round(float(np.percentile(times, 90)), 3),
                             "max": round(float(times.max()), 3)},
        "wall_seconds": round(wall, 1),
        "failures": [r for r in results if r["detected"] is False or r["others"]],
    }


def table(result: dict) -> str:
    lines = [f"{'case':<16} {'rule':<19} {'pages':>5} {'rate':>6}  cross-talk / false alarms"]
    for case, c in result["cases"].items():
        rate = c["rate"] if c["rule"] else f"fa {c['false_alarm_rate']}"
        cross = ", ".join(f"{k} {v}" for k, v in c["cross_talk"].items()) or "-"
        lines.append(f"{case:<16} {c['rule'] or '(none)':<19} {c['pages']:>5} {rate!s:>6}  {cross}")
    t = result["seconds_per_page"]
    lines.append(f"check per page: mean {t['mean']} s, p90 {t['p90']} s; wall {result['wall_seconds']} s")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=240)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    result = run(args.pages, args.dpi, args.seed, args.jobs)
    text = json.dumps(result, ensure_ascii=False, indent=2, default=str)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    print(text)
    print(table(result), file=sys.stderr)


if __name__ == "__main__":
    main()
