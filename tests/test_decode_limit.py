"""What keeps a check close to the cost of decoding (issue 10; benchmarks/bench_limit.py measures it): JPEG page
images decoded at the smallest draft scale that covers the analysis size, an original's pages decoded grey only,
freed memory returned after each page, and the libraries a run may not need left unimported."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from pdf_fixtures import page, pdf_from_images

from docprep import load_profile
from docprep.analysis.pagescan import PageScan, is_grey
from docprep.documents import pdfpages
from docprep.documents.pdf import load_pdf
from docprep.documents.pdfpages import draft_request
from docprep.engine import check_pdf_bytes

PROFILE = load_profile("zj-2021")
CFG = PROFILE.section("pdf")


# --- draft mode ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("size, target, decoded", [
    ((1654, 2339), (827, 1170), (827, 1170)),  # A4 at 200 dpi, wanted at 100: half exactly covers it
    ((1654, 2339), (828, 1170), (1654, 2339)),  # one pixel more than half gives: decoded whole
    ((1654, 2339), (827, 1171), (1654, 2339)),
    ((2480, 3508), (827, 1169), (1240, 1754)),  # 300 dpi: a quarter (620 wide) would not cover 827
    ((2480, 3508), (620, 877), (620, 877)),  # ...and does cover 620
    ((2480, 3508), (310, 439), (310, 439)),  # an eighth, the smallest scale
    ((2480, 3508), (100, 100), (310, 439)),
    ((1240, 1754), (827, 1169), (1240, 1754)),  # 150 dpi: decoded whole
])
def test_draft_decodes_at_the_smallest_scale_that_covers_the_target(size, target, decoded):
    from PIL import Image

    request = draft_request(size, target)
    image = Image.new("RGB", size, (250, 250, 250))
    jpeg = __import__("io").BytesIO()
    image.save(jpeg, "JPEG")
    with Image.open(jpeg) as opened:
        opened.draft("RGB", request)
        assert opened.size == decoded


def test_a_200_dpi_page_is_decoded_at_half_scale(monkeypatch):
    """A4 at 200 dpi has an odd height (2339 px): asked for its own half, Pillow used to decode it whole."""
    shapes = []
    original = pdfpages._decode_image
    monkeypatch.setattr(pdfpages, "_decode_image",
                        lambda *a: (lambda r: shapes.append(r[0].shape) or r)(original(*a)))
    a4 = page(200).resize((1654, 2339))
    with load_pdf("x.pdf", pdf_from_images([a4], 200), CFG) as document:
        [measured] = list(document.pages())
    assert (1654, 2339) == measured.image.pixels
    assert shapes and all(s[:2] == (1170, 827) for s in shapes)


# --- grey only where nothing judges colour ------------------------------------------------------------------------

def test_an_original_has_no_colour_measure_and_is_never_called_grey():
    data = pdf_from_images([page(150)], 150)
    with load_pdf("x.pdf", data, CFG, "none") as document:
        document.attachment_kind = "original"
        [original] = list(document.pages())
    with load_pdf("x.pdf", data, CFG, "none") as document:
        document.attachment_kind = "copy"  # the mark rules off: pdf.color still judges a copy's colour
        [copy] = list(document.pages())
    assert original.scan.stored_gray is False and original.scan.chroma is None
    assert not is_grey(original.scan, CFG)
    assert copy.scan.chroma is not None and copy.scan.chroma > CFG.color.max_gray_chroma
    # everything else measured the same: both are measured on the same grey pixels
    assert {k: v for k, v in vars(original.scan).items() if k != "chroma"} == \
        {k: v for k, v in vars(copy.scan).items() if k != "chroma"}


def test_chroma_not_measured_is_not_grey_but_measured_grey_is():
    base = dict(dpi=100.0, size_px=(10, 10), paper=250.0, ink_fraction=0.01, ink_contrast=80.0, text_components=0)
    assert not is_grey(PageScan(**base, stored_gray=False, chroma=None), CFG)
    assert is_grey(PageScan(**base, stored_gray=False, chroma=CFG.color.max_gray_chroma), CFG)
    assert not is_grey(PageScan(**base, stored_gray=False, chroma=CFG.color.max_gray_chroma + 0.1), CFG)
    assert is_grey(PageScan(**base, stored_gray=True, chroma=0.0), CFG)


def test_an_original_and_a_copy_get_the_same_scan_verdicts():
    pages = [page(150), page(300, 2).rotate(-4, fillcolor=(245, 245, 245)), page(200, 3)]
    data = pdf_from_images(pages, 150)
    quality = {"pdf.skew", "pdf.rotation", "pdf.blur", "pdf.exposure", "pdf.cut-off", "pdf.blank-page"}
    as_original = [(f.rule, f.page) for f in check_pdf_bytes("x.pdf", data, PROFILE, "original") if f.rule in quality]
    as_copy = [(f.rule, f.page) for f in check_pdf_bytes("x.pdf", data, PROFILE, "copy") if f.rule in quality]
    assert as_original == as_copy


# --- memory and imports -------------------------------------------------------------------------------------------

def test_freed_memory_is_returned_after_each_page(monkeypatch):
    returned = []
    monkeypatch.setattr(pdfpages, "_return_freed_memory", lambda: returned.append(1))
    with load_pdf("x.pdf", pdf_from_images([page(100), page(100, 2), page(100, 3)], 100), CFG) as document:
        list(document.pages())
    assert len(returned) == 3
    pdfpages._malloc_trim()  # glibc's where there is one, None elsewhere: either way no error


# What a run whose every file is cached has no use for: the decoders and measuring libraries, the OCR runtime, the
# worker pool (and logging.handlers, which its log queue needs), the HTML report's templates, the module that checks
# a file, and importlib.metadata (its e-mail parser was a fifth of such a run's start: engine.cache reads versions
# from folder names).
HEAVY = ("numpy", "cv2", "PIL", "pypdfium2", "pypdf", "pikepdf", "onnxruntime", "rapidocr", "pillow_heif", "jinja2",
         "pebble", "multiprocessing", "logging.handlers", "docprep.engine.checkfile", "importlib.metadata")
_IMPORTED = f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"


def test_a_run_imports_no_ocr_runtime_or_optional_plugin_before_it_needs_one():
    """Importing the command line imports none of HEAVY: a rule family, the executor or anything else that imports
    NumPy, OpenCV, Pillow or PDFium at module level (rather than in the function that measures) fails here. A
    cached run, or one over photos only, never starts onnxruntime or RapidOCR, nor pillow-heif."""
    done = subprocess.run([sys.executable, "-c", "import sys, docprep.cli; " + _IMPORTED], capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == ""


def test_a_cached_check_decodes_nothing_and_starts_no_worker(tmp_path, run_cli, good_jpeg):
    """A photo and a PDF checked once fill the cache; the same `check -j 2` again, through the command line's own
    entry in a fresh process, writes the same JSON report and a text one, and imports none of HEAVY: no decoder,
    no worker pool (pebble, multiprocessing), not engine.checkfile."""
    folder, cache = tmp_path / "files", str(tmp_path / "cache")
    folder.mkdir()
    (folder / "照片.jpg").write_bytes(good_jpeg)
    (folder / "毕业证.pdf").write_bytes(pdf_from_images([page(100)], 100))
    cold = run_cli("check", folder, "--format", "json", "-o", tmp_path / "cold.json", env={"DOCPREP_CACHE_DIR": cache})
    assert cold.returncode in (0, 1), cold.stderr
    run = ("import sys\nfrom docprep.cli import cli\n"
           "for fmt in ('json', 'text'):\n"
           "    cli.main(['check', sys.argv[1], '-j', '2', '--format', fmt, '-o', sys.argv[2] + '.' + fmt],"
           " standalone_mode=False)\n" + _IMPORTED)
    done = subprocess.run([sys.executable, "-c", run, str(folder), str(tmp_path / "cached")], capture_output=True,
                          text=True, check=True, env={**os.environ, "DOCPREP_CACHE_DIR": cache})
    assert done.stdout.strip() == ""
    assert (tmp_path / "cached.json").read_bytes() == (tmp_path / "cold.json").read_bytes()
    text = (tmp_path / "cached.text").read_text(encoding="utf-8")
    assert "照片.jpg" in text and "毕业证.pdf" in text


def test_pages_decoded_grey_match_the_colour_decode_where_it_matters():
    """The luma a JPEG decodes to is the grey of its colour pixels, but for rounding and clipping (on about one
    pixel in a thousand, most on the red seal's saturated ink)."""
    import cv2

    data = pdf_from_images([page(200)], 200)
    with load_pdf("x.pdf", data, CFG) as document:
        reader = document._reader
        obj = next(iter(reader.pdf[0].get_objects()))
        raw = bytes(obj.get_data(decode_simple=False))
        grey, _ = pdfpages._decode_image(obj, raw, (827, 1170), True)
        colour, _ = pdfpages._decode_image(obj, raw, (827, 1170), False)
    difference = np.abs(grey.astype(int) - cv2.cvtColor(colour, cv2.COLOR_RGB2GRAY))
    assert (difference > 0).mean() < 0.003 and (difference > 2).mean() < 0.001
