"""Loaders give a verdict on real damage only (issue 10). A page image whose stream is cut short renders black, and
one PDFium cannot decode renders as nothing: both are pdf.unreadable, never judged as a dark or blank scan. A flate
bomb inside a page image is refused without being inflated. PDFium's and the JPEG decoder's failures are page
failures; any other exception while a page is measured is docprep's bug (file.check-failed), not a verdict on the
file. A photo's junk EXIF is ignored as viewers ignore it; a PNG whose pixels fail while its EXIF is read is
photo.unreadable."""
from __future__ import annotations

import time
import zlib

import numpy as np
import pypdfium2 as pdfium
import pytest
from hostile import encoded, flate_bomb, hostile_pdfs, junk_exif, zeroed_run
from pdf_fixtures import jpeg_bytes, one_page_pdf, page, stream

from docprep.analysis import ocr
from docprep.documents import pdfpages
from docprep.documents.pdfstreams import BOMB_FACTOR
from docprep.engine import check_file, check_pdf_bytes, check_photo_bytes
from docprep.model import Severity
from docprep.profiles.loader import load_profile

PROFILE = load_profile()
FULL_PAGE = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
SMALL = b"q 400 0 0 566 90 130 cm /Im0 Do Q"  # not the whole page: PDFium renders it


@pytest.fixture(scope="module")
def grey() -> tuple[int, int, bytes]:
    """A 150-dpi grey scan of a page: (width, height, its 8-bit pixels)."""
    image = page(150, seal=False).convert("L")
    return image.width, image.height, image.tobytes()


def image(width: int, height: int, data: bytes, entries: str = "", bits: int = 8) -> bytes:
    return stream(f"/Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceGray "
                  f"/BitsPerComponent {bits} {entries}", data)


def findings(objects: dict, content: bytes = FULL_PAGE):
    return check_pdf_bytes("scan.pdf", one_page_pdf(content, objects), PROFILE, "original")


def unreadable(found) -> list:
    return [f for f in found if f.rule == "pdf.unreadable"]


# --- image streams cut short --------------------------------------------------------------------------------------

def _predicted(width: int, data: bytes) -> bytes:
    """The scanlines with a PNG predictor's filter byte (0: none) in front of each."""
    return b"".join(b"\x00" + data[at:at + width] for at in range(0, len(data), width))


SHORT = {
    "flate, half the pixels": lambda w, h, px: image(w, h, zlib.compress(px[:len(px) // 2]), "/Filter /FlateDecode"),
    "flate stream cut off": lambda w, h, px: image(w, h, zlib.compress(px)[:20_000], "/Filter /FlateDecode"),
    "no filter, half the pixels": lambda w, h, px: image(w, h, px[:len(px) // 2]),
    "16-bit flate, half": lambda w, h, px: image(w, h, zlib.compress(px), "/Filter /FlateDecode", bits=16),
    "predicted flate, half": lambda w, h, px: image(w, h, zlib.compress(_predicted(w, px)[:len(px) // 2]),
                                                    f"/Filter /FlateDecode /DecodeParms << /Predictor 15 /Columns {w} >>"),
}
WHOLE = {
    "flate": lambda w, h, px: image(w, h, zlib.compress(px), "/Filter /FlateDecode"),
    "no filter": lambda w, h, px: image(w, h, px),
    "16-bit flate": lambda w, h, px: image(w, h, zlib.compress((np.frombuffer(px, np.uint8).astype(">u2") * 257).tobytes()),
                                           "/Filter /FlateDecode", bits=16),
    "predicted flate": lambda w, h, px: image(w, h, zlib.compress(_predicted(w, px)),
                                              f"/Filter /FlateDecode /DecodeParms << /Predictor 15 /Columns {w} >>"),
}


@pytest.mark.parametrize("content", [FULL_PAGE, SMALL], ids=["page-image", "rendered"])
@pytest.mark.parametrize("case", SHORT)
def test_an_image_stream_cut_short_is_unreadable_not_a_dark_scan(grey, case, content):
    """Readers show the missing rows black: before, a page like this was "too dark" (pdf.exposure) or passed."""
    found = findings({"Im0": SHORT[case](*grey)}, content)
    [broken] = unreadable(found)
    assert broken.page == 1 and broken.severity is Severity.ERROR
    assert "cut short" in broken.message.en and "不完整" in broken.message.zh
    assert "pdf.exposure" not in [f.rule for f in found]


@pytest.mark.parametrize("content", [FULL_PAGE, SMALL], ids=["page-image", "rendered"])
@pytest.mark.parametrize("case", WHOLE)
def test_a_whole_image_stream_is_not_cut_short(grey, case, content):
    assert unreadable(findings({"Im0": WHOLE[case](*grey)}, content)) == []


def test_a_stream_is_cut_short_from_one_whole_row_missing(grey):
    """The bound, exactly: a row's worth of bytes missing is short; one byte less missing is not."""
    width, height, pixels = grey
    assert "cut short" in unreadable(findings({"Im0": image(width, height, pixels[:-width])}))[0].message.en
    assert unreadable(findings({"Im0": image(width, height, pixels[:-width + 1])})) == []


@pytest.mark.parametrize("content", [FULL_PAGE, SMALL], ids=["page-image", "rendered"])
def test_a_jpeg_cut_short_is_unreadable_wherever_it_is_drawn(content):
    scan = page(100, seal=False)
    whole = jpeg_bytes(scan)
    entries = f"/Type /XObject /Subtype /Image /Width {scan.width} /Height {scan.height} /ColorSpace /DeviceRGB " \
              "/BitsPerComponent 8 /Filter /DCTDecode"
    [broken] = unreadable(findings({"Im0": stream(entries, whole[:len(whole) * 2 // 3])}, content))
    assert broken.page == 1 and "end marker" in broken.message.en
    assert unreadable(findings({"Im0": stream(entries, whole)}, content)) == []


def test_a_jpeg_pdfium_cannot_decode_is_unreadable_not_a_blank_page():
    """PDFium draws a JPEG whose Huffman table is garbage as nothing; the page used to be called blank."""
    scan = page(60, seal=False)
    good = jpeg_bytes(scan)
    table = good.index(b"\xff\xc4") + 5
    broken = good[:table] + b"\xff" * 16 + good[table + 16:]
    entries = f"/Type /XObject /Subtype /Image /Width {scan.width} /Height {scan.height} /ColorSpace /DeviceRGB " \
              "/BitsPerComponent 8 /Filter /DCTDecode"
    found = findings({"Im0": stream(entries, broken)})
    assert [(f.rule, f.page) for f in found] == [("pdf.unreadable", 1)]
    assert "cannot be decoded" in found[0].message.en


# --- flate bombs --------------------------------------------------------------------------------------------------

def test_a_flate_bomb_in_a_page_image_is_refused_without_decoding(monkeypatch):
    """4 GiB of pixels from a 4 MiB stream, declared as a 20-megapixel image (under the pixel limit): counted a
    chunk at a time up to twice what the pixels need, and never handed to PDFium's decoder."""
    def never(*args, **kwargs):
        raise AssertionError("the bomb was decoded")

    monkeypatch.setattr(pdfium.PdfImage, "get_bitmap", never)
    monkeypatch.setattr(pdfium.PdfPage, "render", never)
    data = one_page_pdf(FULL_PAGE, {"Im0": flate_bomb(4000, 5000, 4)})
    started = time.perf_counter()
    found = check_pdf_bytes("bomb.pdf", data, PROFILE, "original")
    assert time.perf_counter() - started < 5
    [refused] = found
    assert (refused.rule, refused.page) == ("pdf.unreadable", 1)
    assert "decompression bomb" in refused.message.en and "40,000,000" in refused.message.en


def test_a_stream_is_a_bomb_past_twice_what_its_pixels_need(grey):
    """The bound, exactly: data inflating to BOMB_FACTOR times the pixels' bytes is kept; one byte more is not."""
    width, height, pixels = grey
    at_limit = pixels + bytes(len(pixels) * (BOMB_FACTOR - 1))
    assert unreadable(findings({"Im0": image(width, height, zlib.compress(at_limit), "/Filter /FlateDecode")})) == []
    [over] = unreadable(findings({"Im0": image(width, height, zlib.compress(at_limit + b"\0"), "/Filter /FlateDecode")}))
    assert "decompression bomb" in over.message.en


# --- what is damage, and what is a bug ----------------------------------------------------------------------------

def test_pdfium_refusing_a_page_object_is_unreadable():
    """A page tree that contains itself: PDFium refuses the second page; that page is unreadable, the first checked."""
    found = check_pdf_bytes("loop.pdf", hostile_pdfs()["page-tree-contains-itself"], PROFILE, "original")
    assert ("pdf.unreadable", 2) in [(f.rule, f.page) for f in found]
    assert any("page object cannot be read" in f.message.en for f in found)


def test_an_unexpected_error_while_measuring_a_page_is_a_failed_check(tmp_path, monkeypatch):
    """Only the parsers' and decoders' failures on damaged data are a verdict on the file; a bug is reported as
    the file not checked (file.check-failed), where it used to be pdf.unreadable."""
    def buggy(*args, **kwargs):
        raise ValueError("a bug in the page measures")

    monkeypatch.setattr(pdfpages, "measure_page", buggy)
    path = tmp_path / "scan.pdf"
    path.write_bytes(one_page_pdf(FULL_PAGE, {"Im0": image(300, 400, bytes(range(200)) * 600)}))
    [failed] = check_file(path, PROFILE, "original").findings
    assert failed.rule == "file.check-failed" and "ValueError: a bug in the page measures" in failed.message.en


def test_a_failing_direction_model_is_the_ocr_runtime_failing(monkeypatch):
    """The text-direction model's session failing is OcrUnavailable, carrying what onnxruntime raised."""
    class Session:
        def get_inputs(self):
            return [type("Input", (), {"name": "x"})]

        def run(self, *args):
            raise RuntimeError("onnxruntime: session is broken")

    monkeypatch.setattr(ocr, "_direction_classifier", lambda: Session())
    with pytest.raises(ocr.OcrUnavailable, match="session is broken") as failed:
        ocr.upside_down_votes([np.zeros((20, 80), np.uint8)])
    assert isinstance(failed.value.cause, RuntimeError)


# --- photos -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", ["exif-random", "exif-orientation-9", "exif-orientation-65535",
                                  "exif-count-past-end", "exif-offset-past-end"])
def test_junk_exif_is_ignored_as_viewers_ignore_it(case, good_jpeg, profile):
    """The good photo with an EXIF block that lies (no TIFF structure, orientation 9 or 65535, entries past the
    segment's end) passes as the good photo does: viewers show it upright and whole."""
    assert check_photo_bytes("photo.jpg", good_jpeg, profile) == []
    assert check_photo_bytes("photo.jpg", junk_exif(good_jpeg, 4)[case], profile) == []


def test_a_png_whose_pixels_fail_while_its_exif_is_read_is_unreadable(good_image):
    """Pillow decodes a PNG to look for EXIF after its pixels; a damaged one used to raise there (a traceback, and
    file.check-failed)."""
    damaged = zeroed_run(encoded(good_image, "PNG"), 3)
    [found] = check_photo_bytes("photo.jpg", damaged, PROFILE)
    assert found.rule == "photo.unreadable" and "damaged" in found.message.en
