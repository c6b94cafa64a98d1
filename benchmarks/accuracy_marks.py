"""Accuracy and speed of the verification-mark finders (docprep/marks.py) on generated certificate scans.

    python benchmarks/accuracy_marks.py [--pages 240] [--dpi 200] [--seed 0] [--json out.json]

Each page comes from benchmarks/scanset.py (cycling through its cases with a fixed seed), is saved as a
scanner would (one JPEG, quality 85, in a PDF) and is checked the way docprep checks a copy: decoded once at
the profile's analysis resolution, measured, and its marks found (docprep.pdfdoc -> docprep.marks). Counted
per page:
- seals: a found seal is right when it overlaps a seal the generator stamped; grayscale pages carry a seal
  that cannot be seen as red, so nothing should be found there (the PDF family reports pdf.color instead);
- rings (grey and one-bit pages): the seal's impression found in the dark ink, right when it overlaps the
  stamped seal (a grey page without one gets pdf.missing-seal);
- words (核对无误 and variants): right when the found box overlaps the generator's words;
- dates: right when the found box overlaps the generator's verification date, never the document's own;
- the verifier's signature (on pages whose words were found): right when the found ink overlaps the drawn
  signature, and on unsigned pages when none is found.
Recall and precision are given for the run and per case (`per_case`); `--cases` picks the cases (families of
benchmarks/scanset_words.py: red-word-stamp, date-under-seal, signed, unsigned; of benchmarks/scanset_seals.py:
touching-seals, seal-on-red-frame, ... gold-seal). `per_class` gives the seal finder's figures per class of
real-world page (issue 11's classes 2, 3, 4, 6; "base" for the twelve original cases): seal recall (red seals,
and rings on grey pages), seals found one to one, precision, and the negatives' pages with a seal reported.
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

from benchmarks.scanset import BASE_CASES, CASES, make_page, make_set  # noqa: E402
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

    return {"seals": [px(b) for b in m.seals], "rings": [px(b) for b in getattr(m, "rings", ())],
            "words": m.words and (px(m.words), m.words_text),
            "signature": px(getattr(m, "signature", None)),
            "date": m.date and (px(m.date), m.date_text), "source": m.words_source, "seconds": seconds,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def as_pdf(rgb, dpi: int, store: str = "RGB") -> bytes:
    """The page as a scanner saves it: one JPEG (quality 85; grey for "L"), or one bit per pixel ("1"), sized by
    its resolution."""
    return pdf_from_images([Image.fromarray(rgb).convert(store)], dpi)


def run(pages: int, dpi: int, seed: int, cases=None) -> dict:
    c = Counter()
    per_case: dict[str, Counter] = {name: Counter() for name in CASES}
    total_times, failures, peak = [], [], 0.0
    # A fresh worker process does the finding, as a docprep worker would: its memory is the finders' alone.
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as worker:
        worker.submit(detect, as_pdf(make_page("clean", dpi, seed + 999_999).rgb, dpi), dpi).result()  # models
        for case, page_seed in make_set(pages, dpi, seed, cases):
            scan = make_page(case, dpi, page_seed)
            truth = scan.truth
            got = worker.submit(detect, as_pdf(scan.rgb, scan.dpi, scan.store), scan.dpi).result()  # phone: 60-90
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
            signature_ok = _count_marks(per_case[case], truth, visible, seals, words, date, got["signature"], c)
            _count_seal_pages(per_case[case], truth, seals, got["rings"])

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
            k["signature_ok"] += signature_ok
            if not (seal_ok and words_ok and date_ok and signature_ok):
                failures.append({"case": case, "seed": page_seed, "seals": seals, "words": got["words"],
                                 "signature": got["signature"], "truth_signature": truth.signature,
                                 "date": got["date"], "truth_words": truth.words_text, "truth_date": truth.date_text})

    n = len(total_times)
    return {
        "command": f"python benchmarks/accuracy_marks.py --pages {pages} --dpi {dpi} --seed {seed}"
                   + (f" --cases {','.join(cases)}" if cases else ""),
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
        "signature": {"recall": ratio(c["signature_right"], c["signature_truth"]),
                      "precision": ratio(c["signature_right"], c["signature_found"]),
                      "truth": c["signature_truth"], "found": c["signature_found"],
                      "unsigned_pages": c["unsigned_pages"], "found_on_unsigned": c["signature_on_unsigned"]},
        "complete_pages": {"pages": c["complete_pages"], "false_alarms": c["complete_alarms"]},
        "seconds_per_page": {"mean": round(sum(total_times) / n, 4),
                             "p90": round(sorted(total_times)[int(0.9 * (n - 1))], 4),
                             "max": round(max(total_times), 4)},
        "worker_peak_rss_mb": round(peak, 1),
        "per_case": {name: _case_figures(k) for name, k in per_case.items() if k["pages"]},
        "per_class": _class_figures(per_case),
        "failures": failures,
    }


def _count_marks(k: Counter, truth, visible, seals, words, date, signature, c: Counter) -> bool:
    """Per-case counts of each mark (truth, found, right), and the signature's over the whole run: a signature
    is looked for beside words that were found, so it is counted on pages whose words were found; whether it
    was right (found where one was drawn, none where none was)."""
    for mark, found, truths in (("seal", seals, visible), ("words", [words] if words else [], [truth.words]),
                                ("date", [date] if date else [], [truth.date])):
        truths = [t for t in truths if t is not None]
        k[mark + "_truth"] += len(truths)
        k[mark + "_found"] += len(found)
        k[mark + "_right"] += sum(any(hit(f, t) for t in truths) for f in found)
        k[mark + "_recalled"] += sum(any(hit(f, t) for f in found) for t in truths)
    if not hit(words, truth.words):
        return True  # no words found: no signature looked for (pdf.missing-verification covers the page)
    right = hit(signature, truth.signature)
    for counter in (k, c):
        counter["signature_truth"] += truth.signature is not None
        counter["signature_found"] += signature is not None
        counter["signature_right"] += right
    c["unsigned_pages"] += truth.signature is None
    c["signature_on_unsigned"] += truth.signature is None and signature is not None
    return right if truth.signature is not None else signature is None


def _case_figures(k: Counter) -> dict:
    """Recall and precision of each mark on one case's pages (None where the case has none of it)."""
    figures = {"pages": k["pages"], "ok": {m: k[m + "_ok"] for m in ("seal", "words", "date", "signature")}}
    for mark in ("seal", "ring", "words", "date", "signature"):
        recalled = k[mark + "_recalled"] if mark != "signature" else k["signature_right"]
        figures[mark] = {"recall": ratio(recalled, k[mark + "_truth"]),
                         "precision": ratio(k[mark + "_right"], k[mark + "_found"]),
                         "truth": k[mark + "_truth"], "found": k[mark + "_found"]}
    return figures


def _count_seal_pages(k: Counter, truth, seals: list, rings: list) -> None:
    """Per case: the seal's impression on grey pages (rings: every stamped seal counts there), and per page
    whether a seal was found at all (red or ring), whether one was found right, and whether every stamped seal
    was found by a seal of its own (two touching seals found as two)."""
    truths = truth.seals if truth.gray else []
    k["ring_truth"] += len(truths)
    k["ring_found"] += len(rings)
    k["ring_right"] += sum(any(hit(r, t) for t in truths) for r in rings)
    k["ring_recalled"] += sum(any(hit(r, t) for r in rings) for t in truths)
    found = seals + rings
    k["seal_pages"] += bool(truth.seals)
    k["seal_pages_found"] += any(hit(f, t) for f in found for t in truth.seals)
    k["pages_with_false_seal"] += any(not any(hit(f, t) for t in truth.seals) for f in found)
    free = list(found)
    for t in truth.seals:  # one found seal for each stamped one
        mine = next((f for f in free if hit(f, t) and _iou(f, t) >= 0.3), None)
        k["seals_one_to_one"] += mine is not None
        free = [f for f in free if f is not mine]


def _iou(a, b) -> float:
    w, h = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
    inter = max(0, w) * max(0, h)
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def _class_figures(per_case: dict[str, Counter]) -> dict:
    """The seal finder per class of real-world page (issue 11: 2 touching seals, 3 seals on red or brown lines,
    4 phone photos, 6 grey and one-bit scans; "base" the twelve original cases): seal recall over stamped seals
    (red seals on colour pages, rings on grey ones), seals found one to one, pages with a seal found, precision
    over all seals reported, and the negatives' pages with any seal reported."""
    classes: dict[str, Counter] = {}
    for name, k in per_case.items():
        if k["pages"]:
            total = classes.setdefault(str(CASES[name].get("cls", "base" if name in BASE_CASES else name)), Counter())
            total.update({key: value for key, value in k.items() if isinstance(value, int)})
            total["negative_pages"] += 0 if CASES[name].get("seal") else k["pages"]
    return {cls: {"pages": k["pages"], "seal_recall": ratio(k["seal_recalled"] + k["ring_recalled"],
                                                            k["seal_truth"] + k["ring_truth"]),
                  "seals_stamped": k["seal_truth"] + k["ring_truth"], "found_one_to_one": k["seals_one_to_one"],
                  "page_recall": ratio(k["seal_pages_found"], k["seal_pages"]),
                  "precision": ratio(k["seal_right"] + k["ring_right"], k["seal_found"] + k["ring_found"]),
                  "negative_pages": k["negative_pages"], "pages_with_false_seal": k["pages_with_false_seal"]}
            for cls, k in sorted(classes.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=240)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cases", help="comma-separated scanset cases (default: the twelve base cases), or 'all'")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    cases = None if not args.cases else list(CASES) if args.cases == "all" else args.cases.split(",")
    unknown = [name for name in cases or () if name not in CASES]
    if unknown:
        parser.error(f"unknown cases: {', '.join(unknown)} (known: {', '.join(CASES)})")
    result = run(args.pages, args.dpi, args.seed, cases)
    text = json.dumps(result, ensure_ascii=False, indent=2, default=str)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
