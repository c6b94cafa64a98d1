"""How often the sheet is found in a phone photo of a document, by desk and by how unevenly it is lit.

A plain script, not a test: it prints a table. For each desk of `benchmarks/deskphoto.py` (walnut, slate, linen,
and three light grey-white laminates: paper is about 250, they 232, 214 and 200) and each light (the darkest corner's share of
the brightest: 1.0 even, 0.8, 0.65, 0.5), --photos photos of one generated certificate (turned -9..+9 degrees,
leaning 15 degrees, thumbs on every other one), 900x1200 pixels. Per cell: how many photos the sheet was found in
(every corner within 1 % of the frame's diagonal of the true one), and how many `fix` would cut out (the sheet
found and taken for a photographed sheet by zj-2021's [pdf.sheet]; a wrong region taken is counted apart, as
"astray": it would cut the page wrongly).
Run from the repository root:
    python benchmarks/accuracy_sheet.py [--photos 4]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks import deskphoto  # noqa: E402
from benchmarks.scanset import make_page  # noqa: E402
from docprep.analysis.sheet import find_sheet  # noqa: E402
from docprep.profiles import load_profile  # noqa: E402

FRAME = (900, 1200)
DESKS = ("walnut", "slate", "linen", "white-laminate", "laminate", "grey-laminate")
LIGHTS = (1.0, 0.8, 0.65, 0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=4, help="photos per desk and light (default 4)")
    args = parser.parse_args()
    cfg = load_profile("zj-2021").section("pdf").sheet
    page = make_page("clean", 150, 7).rgb
    diagonal = float(np.hypot(*FRAME))
    print(f"{'desk':<18}" + "".join(f"light {light:<14}" for light in LIGHTS))
    totals = np.zeros(3, int)
    for desk in DESKS:
        cells = []
        for light in LIGHTS:
            found = cut = astray = 0
            for n in range(args.photos):
                view = deskphoto.View(tilt=15, turn=-9 + 18 * n / max(1, args.photos - 1), light=light, desk=desk,
                                      fingers=2 * (n % 2))
                photo, truth = deskphoto.desk_photo(page, view, seed=n, frame=FRAME)
                sheet = find_sheet(photo)
                right = sheet is not None and np.abs(np.asarray(sheet.corners) - truth).max() <= 0.01 * diagonal
                taken = sheet is not None and sheet.surrounded(cfg)
                found, cut, astray = found + right, cut + (right and taken), astray + (taken and not right)
            totals += (found, cut, astray)
            cells.append(f"{found}/{args.photos} found, {cut} cut" + (f", {astray} astray" if astray else ""))
        print(f"{desk:<18}" + "".join(f"{c:<20}" for c in cells))
    print(f"all: {totals[0]} found, {totals[1]} cut out, {totals[2]} cut out wrongly, "
          f"of {len(DESKS) * len(LIGHTS) * args.photos} photos")


if __name__ == "__main__":
    main()
