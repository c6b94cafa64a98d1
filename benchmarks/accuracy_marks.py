"""Accuracy and speed of the verification-mark finders (docprep/marks.py) on generated certificate scans.

    python benchmarks/accuracy_marks.py [--pages 240] [--dpi 200] [--seed 0] [--json out.json]

Each page comes from benchmarks/scanset.py (cycling through its cases with a fixed seed), is saved as a
scanner would (one JPEG, quality 85, in a PDF) and is checked the way docprep checks a copy: decoded once at
the profile's analysis resolution, measured, and its marks found (docprep.pdfdoc -> docprep.marks). Counted
per page:
- seals: a found seal is right when it overlaps a seal the generator stamped; grayscale pages carry a seal
  that cannot be seen as red, so nothing should be found there (the PDF family reports pdf.color instead);
- words (核对无误 and variants): right when the found box overlaps the generator's words;
- dates: right when the found box overlaps the generator's verification date, never the document's own.
Timing is the whole page check (decode, measures, marks) in one worker process, after one warm-up page
(model loading). Peak memory is that worker's maximum RSS.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from pdf_fixtures import pdf_from_images  # noqa: E402

from benchmarks.scanset import CASES, make_page, make_set  # noqa: E402
from docprep.documents.pdf import load_pdf  # noqa: E402
from docprep.profiles.loader import load_profile  # noqa: E402

CFG = load_profile().section("pdf")

COMPLETE = ("clean", "faded", "cut", "oval", "square", "over-words")  # pages carrying every mark


def hit(a, b) -> bool:
    return a is not None and b is not None and min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def detect(pdf: bytes, dpi: int) -> dict:
    """One page checked as docprep checks a copy (decoded once at the profile's analysis resolution, measured,
    marks found), timed; runs in the worker process. Boxes come back in pixels of the generated page."""
    t0 = time.perf_counter()
    with load_pdf("page.pdf", pdf, CFG, "every-page") as document:
        [page] = list(document.pages())
    seconds = time.perf_counter() - t0
    m = page.marks

    def px(box):
        return None if box is None else tuple(round(v * dpi / 72) for v in (box[0], box[1], box[0] + box[2],
                                                                              box[1] + box[3]))

    return {"seals": [px(b) for b in m.seals], "words": m.words and (px(m.words), m.words_text),
            "date": m.date and (px(m.date), m.date_text), "source": m.words_source, "seconds": seconds,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def as_pdf(rgb, dpi: int) -> bytes:
    """The page as a scanner saves it: one JPEG (quality 85) sized by its resolution."""
    return pdf_from_images([Image.fromarray(rgb)], dpi)


def run(pages: int, dpi: int, seed: int) -> dict:
    c = Counter()
    per_case: dict[str, Counter] = {name: Counter() for name in CASES}
    total_times, failures, peak = [], [], 0.0
    # A fresh worker process does the finding, as a docprep worker would: its memory is the finders' alone.
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as worker:
        worker.submit(detect, as_pdf(make_page("clean", dpi, seed + 999_999).rgb, dpi), dpi).result()  # models
        for case, page_seed in make_set(pages, dpi, seed):
            scan = make_page(case, dpi, page_seed)
            truth = scan.truth
            got = worker.submit(detect, as_pdf(scan.rgb, dpi), dpi).result()
            total_times.append(got["seconds"])
            peak = max(peak, got["peak_rss_mb"])
            seals = got["seals"]
            words = got["words"][0] if got["words"] else None
            date = got["date"][0] if got["date"] else None

            visible = [] if truth.gray else truth.seals
            seals_right = [s for s in seals if any(hit(s, t) for t in visible)]
            c["seal_truth"] += len(visible)
            c["seal_found"] += len(seals)
            c["seal_right"] += len(seals_right)
            c["seal_recalled"] += sum(any(hit(s, t) for s in seals) for t in visible)
            words_right = hit(words, truth.words)
            c["words_truth"] += truth.words is not None
            c["words_found"] += words is not None
            c["words_right"] += words_right
            date_right = hit(date, truth.date)
            c["date_truth"] += truth.date is not None
            c["date_found"] += date is not None
            c["date_right"] += date_right
            c["date_issue"] += hit(date, truth.issue_date)

            seal_ok = len(seals_right) == len(seals) and (bool(seals_right) if visible else not seals)
            words_ok = words_right if truth.words else words is None
            date_ok = date_right if truth.date else date is None
            complete = case in COMPLETE
            k = per_case[case]
            k["pages"] += 1
            k["seal_ok"] += seal_ok
            k["words_ok"] += words_ok
            k["date_ok"] += date_ok
            c["complete_pages"] += complete
            c["complete_alarms"] += complete and not (seal_ok and words_ok and date_ok)
            if not (seal_ok and words_ok and date_ok):
                failures.append({"case": case, "seed": page_seed, "seals": seals, "words": got["words"],
                                 "date": got["date"], "truth_words": truth.words_text, "truth_date": truth.date_text})

    n = len(total_times)
    return {
        "command": f"python benchmarks/accuracy_marks.py --pages {pages} --dpi {dpi} --seed {seed}",
        "pages": n, "dpi": dpi,
        "seal": {"recall": ratio(c["seal_recalled"], c["seal_truth"]),
                 "precision": ratio(c["seal_right"], c["seal_found"]),
                 "truth": c["seal_truth"], "found": c["seal_found"]},
        "words": {"recall": ratio(c["words_right"], c["words_truth"]),
                  "precision": ratio(c["words_right"], c["words_found"]),
                  "truth": c["words_truth"], "found": c["words_found"]},
        "date": {"recall": ratio(c["date_right"], c["date_truth"]),
                 "precision": ratio(c["date_right"], c["date_found"]),
                 "truth": c["date_truth"], "found": c["date_found"], "issue_date_taken": c["date_issue"]},
        "complete_pages": {"pages": c["complete_pages"], "false_alarms": c["complete_alarms"]},
        "seconds_per_page": {"mean": round(sum(total_times) / n, 4),
                             "p90": round(sorted(total_times)[int(0.9 * (n - 1))], 4),
                             "max": round(max(total_times), 4)},
        "worker_peak_rss_mb": round(peak, 1),
        "per_case": {name: dict(k) for name, k in per_case.items()},
        "failures": failures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=240)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    result = run(args.pages, args.dpi, args.seed)
    text = json.dumps(result, ensure_ascii=False, indent=2, default=str)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
