"""PDF structure rules: what is not a PDF, what cannot be read, what needs a password, what has no pages, size and
page limits, active content. Every bad input gets its rule and a message, never a traceback or a hang."""
from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from pdf_fixtures import handmade_pdf, image_object, jpeg_bytes, one_page_pdf, page, pdf_from_images, stream
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from docprep.engine import check_file, check_pdf_bytes, classify
from docprep.model import Severity
from docprep.profiles.loader import load_profile

PROFILE = load_profile()


def findings(data: bytes, profile=PROFILE, name: str = "attachment.pdf"):
    """Structure and scan rules: checked as an original, so no verification marks are looked for."""
    return check_pdf_bytes(name, data, profile, "original")


def rules(data: bytes, **kwargs) -> list[str]:
    return [f.rule for f in findings(data, **kwargs)]


@pytest.fixture(scope="module")
def good() -> bytes:
    """Two clean 200-dpi colour pages, as a scanner writes them."""
    return pdf_from_images([page(200), page(200, seed=1)], 200)


def rewrite(data: bytes, change) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_clean_scan_passes_every_structure_rule(good):
    assert [f for f in findings(good) if f.rule in STRUCTURE] == []


STRUCTURE = {"pdf.not-pdf", "pdf.unreadable", "pdf.encrypted", "pdf.empty", "pdf.file-size", "pdf.page-count",
             "pdf.active-content"}


# --- not a PDF --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("content, looks_like", [
    (b"<!DOCTYPE html><html><head><title>404</title></head><body>Not found</body></html>", "HTML"),
    (b"PK\x03\x04" + b"\x00" * 200, "ZIP/Office"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, "Office (OLE)"),
    (b"just some words, no pdf here\n" * 5, "text"),
])
def test_content_that_is_not_a_pdf(content, looks_like):
    [finding] = findings(content)
    assert finding.rule == "pdf.not-pdf" and finding.severity is Severity.ERROR
    assert finding.measured == looks_like and finding.expected == "PDF"
    assert "PDF" in finding.message.zh and "not a PDF" in finding.message.en


def test_a_jpeg_named_pdf_is_not_a_pdf():
    [finding] = findings(jpeg_bytes(page(72)))
    assert (finding.rule, finding.measured) == ("pdf.not-pdf", "JPEG")
    assert "JPEG" in finding.message.zh


def test_random_bytes_are_not_a_pdf():
    assert rules(os.urandom(4096)) == ["pdf.not-pdf"]


def test_random_bytes_after_a_pdf_header_are_unreadable():
    assert rules(b"%PDF-1.7\n" + os.urandom(4096)) == ["pdf.unreadable"]


def test_an_empty_file_is_unreadable():
    [finding] = findings(b"")
    assert (finding.rule, finding.measured) == ("pdf.unreadable", 0)


# --- damaged ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fraction", [0.0005, 0.02, 0.25, 0.5, 0.75, 0.95, 0.999])
def test_a_truncated_scan_is_unreadable_wherever_it_is_cut(good, fraction):
    cut = good[:int(len(good) * fraction)]
    assert "pdf.unreadable" in rules(cut)


@pytest.mark.parametrize("fraction", [0.02, 0.5, 0.9, 0.99])
def test_a_truncated_pypdf_file_is_unreadable(good, fraction):
    """pypdf writes pages before their images, so a cut file still opens in one reader: it must not pass."""
    rewritten = rewrite(good, lambda w: None)
    found = rules(rewritten[:int(len(rewritten) * fraction)])
    assert "pdf.unreadable" in found


def test_every_cut_point_gives_a_finding_and_no_traceback():
    data = pdf_from_images([page(60)], 60)
    for end in range(0, len(data), max(1, len(data) // 40)):
        found = rules(data[:end])
        assert found and found[0] in ("pdf.unreadable", "pdf.not-pdf"), (end, found)


def test_a_missing_end_marker_is_reported_even_when_readers_repair_it(good):
    cut = good[:good.rindex(b"%%EOF")]
    assert rules(cut)[0] == "pdf.unreadable"


def _jpeg_stream_bounds(data: bytes) -> tuple[int, int]:
    start = data.index(b"stream\n", data.index(b"/DCTDecode")) + len(b"stream\n")
    return start, data.index(b"endstream", start)


def test_a_zeroed_image_stream_is_unreadable(good):
    """Every parser opens it, and readers show a grey or white band: only the pixels tell."""
    start, end = _jpeg_stream_bounds(good)
    zeroed = good[:start] + b"\x00" * (end - start) + good[end:]
    found = findings(zeroed)
    [broken] = [f for f in found if f.rule == "pdf.unreadable"]
    assert broken.page == 1 and broken.severity is Severity.ERROR
    assert "0" in broken.message.zh and "zero" in broken.message.en
    assert not any(f.rule == "pdf.unreadable" and f.page == 2 for f in found)


def test_an_image_that_decodes_to_all_zero_is_unreadable():
    """Uncompressed image data of zero bytes decodes (to black) everywhere."""
    placeholder = Image.new("L", (400, 500))
    content = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
    data = one_page_pdf(content, {"Im0": image_object(placeholder, data=bytes(400 * 500))})
    [finding] = [f for f in findings(data) if f.rule == "pdf.unreadable"]
    assert finding.page == 1


def test_a_half_missing_jpeg_is_unreadable(good):
    start, end = _jpeg_stream_bounds(good)
    half = (end - start) // 2
    broken = good[:start] + good[start:start + half] + b"\x00" * (end - start - half) + good[end:]
    assert any(f.rule == "pdf.unreadable" and f.page == 1 for f in findings(broken))


# --- password, pages, limits ------------------------------------------------------------------------------------

def test_a_user_password_is_encrypted(good):
    locked = rewrite(good, lambda w: w.encrypt("secret", algorithm="AES-256"))
    [finding] = findings(locked)
    assert finding.rule == "pdf.encrypted" and "密码" in finding.message.zh


def test_an_rc4_user_password_is_encrypted(good):
    assert rules(rewrite(good, lambda w: w.encrypt("secret", algorithm="RC4-128"))) == ["pdf.encrypted"]


def test_an_owner_password_alone_opens_without_one(good):
    opened = rewrite(good, lambda w: w.encrypt("", "owner", algorithm="AES-128"))
    assert not set(rules(opened)) & STRUCTURE


def test_zero_pages_is_empty():
    writer = PdfWriter()
    out = io.BytesIO()
    writer.write(out)
    [finding] = findings(out.getvalue())
    assert (finding.rule, finding.measured) == ("pdf.empty", 0)


def test_a_handmade_empty_page_tree_is_empty():
    data = handmade_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])
    assert rules(data) == ["pdf.empty"]


def test_a_page_tree_that_lies_about_its_pages_is_unreadable():
    data = handmade_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [9 0 R] /Count 3 >>"])
    assert rules(data)[0] in ("pdf.unreadable", "pdf.empty")


def _profile_with(tmp_path: Path, body: str):
    path = tmp_path / "limits.toml"
    path.write_text('extends = "zj-2021"\n' + body, encoding="utf-8")
    return load_profile(path)


def test_file_size_has_no_limit_in_zj_2021(good):
    assert "pdf.file-size" not in rules(good)


def test_file_size_limit_inclusive(tmp_path, good):
    at_limit = _profile_with(tmp_path, f"[pdf]\nmax_bytes = {len(good)}\n")
    assert "pdf.file-size" not in rules(good, profile=at_limit)
    under = _profile_with(tmp_path, f"[pdf]\nmax_bytes = {len(good) - 1}\n")
    [finding] = [f for f in findings(good, profile=under) if f.rule == "pdf.file-size"]
    assert (finding.measured, finding.expected) == (len(good), len(good) - 1)
    assert f"{len(good):,}" in finding.message.zh


def test_page_count_limit_inclusive(tmp_path, good):
    assert "pdf.page-count" not in rules(good, profile=_profile_with(tmp_path, "[pdf]\nmax_pages = 2\n"))
    [finding] = [f for f in findings(good, profile=_profile_with(tmp_path, "[pdf]\nmax_pages = 1\n"))
                 if f.rule == "pdf.page-count"]
    assert (finding.measured, finding.expected, finding.severity) == (2, 1, Severity.ERROR)


def test_zero_means_no_limit(tmp_path, good):
    profile = _profile_with(tmp_path, "[pdf]\nmax_pages = 0\nmax_bytes = 0\n")
    assert not {"pdf.page-count", "pdf.file-size"} & set(rules(good, profile=profile))


def test_four_hundred_blank_pages_finish_fast_and_say_what_was_checked():
    writer = PdfWriter()
    for _ in range(400):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    started = time.perf_counter()
    found = findings(out.getvalue())
    assert time.perf_counter() - started < 10
    blank = [f for f in found if f.rule == "pdf.blank-page"]
    assert len(blank) == PROFILE.section("pdf").max_analysed_pages
    [capped] = [f for f in found if f.rule == "pdf.page-count"]
    assert capped.severity is Severity.WARNING and capped.measured == 400


# --- active content ---------------------------------------------------------------------------------------------

def test_document_javascript_is_active_content(good):
    found = findings(rewrite(good, lambda w: w.add_open_action(JavaScript("app.alert('hi');"))))
    [finding] = [f for f in found if f.rule == "pdf.active-content"]
    assert any("JavaScript" in item for item in finding.measured)
    assert "JavaScript" in finding.message.zh


def test_an_open_action_script_is_active_content(good):
    def add(writer):
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
            NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("this.print();")})
    assert "pdf.active-content" in rules(rewrite(good, add))


def test_a_launch_action_is_active_content():
    data = one_page_pdf(b"", {}, catalog_extra="/OpenAction << /S /Launch /F (calc.exe) >> ")
    [finding] = [f for f in findings(data) if f.rule == "pdf.active-content"]
    assert any("launch" in item for item in finding.measured)


def test_a_page_action_is_active_content():
    data = one_page_pdf(b"", {}, page_extra="/AA << /O << /S /JavaScript /JS (app.beep(0);) >> >> ")
    assert "pdf.active-content" in rules(data)


def test_an_embedded_file_is_active_content(good):
    found = findings(rewrite(good, lambda w: w.add_attachment("invoice.exe", b"MZ\x90\x00")))
    [finding] = [f for f in found if f.rule == "pdf.active-content"]
    assert any("embedded" in item for item in finding.measured)


def test_plain_scans_carry_no_active_content(good):
    assert "pdf.active-content" not in rules(good)


# --- through the engine -----------------------------------------------------------------------------------------

def test_classify_trusts_a_pdf_name_over_image_content():
    assert classify("scan.pdf", jpeg_bytes(page(72))[:1024]) == "pdf"
    assert classify("scan.PDF", b"<html>") == "pdf"
    assert classify("photo.jpg", b"%PDF-1.4\n") == "pdf"
    assert classify("photo.jpg", jpeg_bytes(page(72))[:1024]) == "photo"


@pytest.mark.parametrize("name, content, expected", [
    ("error-page.pdf", b"<html><body>Session expired</body></html>", "pdf.not-pdf"),
    ("photo-as.pdf", "jpeg", "pdf.not-pdf"),
    ("cut.pdf", "truncated", "pdf.unreadable"),
    ("locked.pdf", "encrypted", "pdf.encrypted"),
    ("nothing.pdf", "empty", "pdf.empty"),
    ("noise.pdf", "random", "pdf.not-pdf"),
])
def test_check_file_reports_bad_pdfs(tmp_path, good, name, content, expected):
    data = {
        "jpeg": lambda: jpeg_bytes(page(72)),
        "truncated": lambda: good[: len(good) // 3],
        "encrypted": lambda: rewrite(good, lambda w: w.encrypt("pw", algorithm="AES-256")),
        "empty": lambda: handmade_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]),
        "random": lambda: os.urandom(2048),
    }.get(content, lambda: content)()
    path = tmp_path / name
    path.write_bytes(data)
    report = check_file(path, PROFILE)
    assert report.kind == "pdf" and report.status == "error"
    assert [f.rule for f in report.findings] == [expected]
    assert report.findings[0].message.zh and report.findings[0].message.en


def test_check_file_on_a_clean_scan(tmp_path, good):
    path = tmp_path / "diploma.pdf"
    path.write_bytes(good)
    report = check_file(path, PROFILE, "original")
    assert report.kind == "pdf" and report.attachment_kind == "original"
    assert [f.rule for f in report.findings] == [], [f.message.en for f in report.findings]
    assert report.status == "ok"


def test_structure_findings_carry_bilingual_messages_with_the_fix(good):
    for data in (b"<html></html>", good[:1000], handmade_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                                              b"<< /Type /Pages /Kids [] /Count 0 >>"])):
        [finding] = findings(data)
        assert "请" in finding.message.zh
        assert any(word in finding.message.en for word in ("Scan", "Make", "scan", "export"))


def test_a_form_xobject_image_is_found_and_measured():
    """An image drawn inside a form XObject is placed through both matrices."""
    scan = page(120, seal=False)
    form = stream("/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << /XObject << /Im0 6 0 R >> >>",
                  b"q 1 0 0 1 0 0 cm /Im0 Do Q")
    content = b"q 595 0 0 842 0 0 cm /Fm0 Do Q"
    data = one_page_pdf(content, {"Fm0": form, "Im0": image_object(scan)})
    [low] = [f for f in findings(data) if f.rule == "pdf.low-resolution"]
    assert low.measured == pytest.approx(scan.width / (595 / 72), abs=0.2)


def test_a_decompression_bomb_image_is_refused_undecoded():
    import zlib
    huge = stream("/Type /XObject /Subtype /Image /Width 60000 /Height 60000 /ColorSpace /DeviceGray "
                  "/BitsPerComponent 8 /Filter /FlateDecode", zlib.compress(b"\xff" * 100000))
    data = one_page_pdf(b"q 595 0 0 842 0 0 cm /Im0 Do Q", {"Im0": huge})
    started = time.perf_counter()
    [finding] = [f for f in findings(data) if f.rule == "pdf.unreadable"]
    assert time.perf_counter() - started < 5
    assert finding.page == 1 and "60000" in finding.message.en


def test_damaged_bytes_anywhere_give_findings_not_tracebacks(good):
    """Bytes overwritten at random places (a flaky disk or transfer): whatever breaks, a finding says so."""
    import random

    source = rewrite(pdf_from_images([page(60), page(60, seed=2)], 60), lambda w: None)
    chance = random.Random(7)
    for _ in range(40):
        data = bytearray(source)
        for _ in range(chance.randint(1, 20)):
            at = chance.randrange(len(data))
            data[at:at + 8] = bytes(chance.randrange(256) for _ in range(8))
        found = findings(bytes(data))  # must not raise
        assert all(f.message.zh and f.message.en for f in found)
