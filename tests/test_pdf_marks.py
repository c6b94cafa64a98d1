"""The verification-mark rules (pdf.missing-seal, pdf.missing-verification, pdf.missing-date) through the whole
pipeline: generated certificate copies (benchmarks/scanset.py) saved as scanner PDFs, attachment kinds from the
profile, --kind, the text layer, and the OCR budget. The finders themselves are tested in tests/test_marks.py."""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # benchmarks/ holds the page generator

from pdf_fixtures import degrade, handmade_pdf, image_object, pdf_from_images, stream  # noqa: E402

from benchmarks.scanset import make_page  # noqa: E402
from docprep.analysis.words import find_verification  # noqa: E402
from docprep.cli import main  # noqa: E402
from docprep.documents import pdfpages as pdfdoc  # noqa: E402
from docprep.documents.pdf import load_pdf  # noqa: E402
from docprep.engine import check_file, check_pdf_bytes  # noqa: E402
from docprep.errors import ProfileError, UsageError  # noqa: E402
from docprep.model import Severity  # noqa: E402
from docprep.profiles.loader import load_profile  # noqa: E402
from docprep.rules.kinds import resolve_kind  # noqa: E402

PROFILE = load_profile()
CFG = PROFILE.section("pdf")
DPI = 200  # 150 earns a pdf.low-resolution warning; pages are measured at 100 dpi either way
MARK_RULES = {"pdf.missing-seal", "pdf.missing-verification", "pdf.missing-date"}


@pytest.fixture(scope="module")
def scan():
    """Generated pages as PIL images, each made once per module."""
    cache = {}

    def get(case: str, seed: int = 1) -> Image.Image:
        if (case, seed) not in cache:
            cache[case, seed] = Image.fromarray(make_page(case, DPI, seed).rgb)
        return cache[case, seed]

    return get


def found(images, kind=None, name="copy.pdf", profile=PROFILE):
    return [(f.rule, f.page) for f in check_pdf_bytes(name, pdf_from_images(images, DPI), profile, kind)]


# --- every page of a copy -----------------------------------------------------------------------------------------

def test_a_verified_copy_is_clean(scan):
    """Seal, 核对无误 and date present: no finding at all (no mark rule, no scan-quality false alarm)."""
    assert found([scan("clean")]) == []


@pytest.mark.parametrize("case, rule", [
    ("red-title", "pdf.missing-seal"),  # red ink, but a title is no seal
    ("red-pen", "pdf.missing-seal"),
    ("no-words", "pdf.missing-verification"),
    ("no-date", "pdf.missing-date"),  # the certificate's own issue date is 45 mm and more away: it does not count
])
def test_each_missing_mark_is_its_own_finding(scan, case, rule):
    assert found([scan(case)]) == [(rule, 1)]


def test_every_page_of_a_copy_is_judged(scan):
    assert found([scan("clean"), scan("no-words")]) == [("pdf.missing-verification", 2)]


def test_findings_say_where_docprep_looked(scan):
    data = pdf_from_images([scan("red-title"), scan("no-words"), scan("no-date")], DPI)
    by_rule = {f.rule: f for f in check_pdf_bytes("copy.pdf", data, PROFILE)}
    seal, words, date = by_rule["pdf.missing-seal"], by_rule["pdf.missing-verification"], by_rule["pdf.missing-date"]
    assert seal.box[:2] == (0.0, 0.0) and seal.box[2] > 590 and seal.box[3] > 840  # the whole page
    assert 0 < words.box[2] * words.box[3] < 595 * 842  # the regions read, not the whole page
    x, y, w, h = date.box  # round the words it found
    assert w < 300 and h < 300 and y > 842 / 2
    for finding in (seal, words, date):
        assert "--kind original" in finding.message("zh") and "--kind original" in finding.message("en")
        assert finding.measured and finding.expected


def test_a_grey_scan_gets_pdf_color_not_a_missing_seal(scan):
    """A seal cannot be seen in grey: docprep says so (pdf.color) instead of guessing; the words are still read."""
    assert found([scan("grayscale")]) == [("pdf.color", 1)]


def test_a_turned_page_is_not_read_for_words(scan):
    """OCR needs upright lines: pdf.rotation asks for the turn, and no word finding is guessed on top of it."""
    assert found([degrade(scan("clean"), "turn", 180)]) == [("pdf.rotation", 1)]


def test_a_blank_back_side_is_not_judged_for_marks(scan):
    blank = Image.new("RGB", scan("clean").size, (246, 245, 241))
    assert found([scan("clean"), blank]) == [("pdf.blank-page", 2)]


# --- kinds --------------------------------------------------------------------------------------------------------

def test_an_original_needs_no_marks(scan):
    assert found([scan("red-title")], kind="original") == []


def test_the_kind_comes_from_the_file_name(scan, tmp_path):
    path = tmp_path / "张三-岗位信息表.pdf"
    path.write_bytes(pdf_from_images([scan("no-words")], DPI))
    report = check_file(path, PROFILE)
    assert report.attachment_kind == "post-form" and report.findings == []
    assert resolve_kind("张三-毕业证书.pdf", None, CFG.kinds).name == "diploma"
    assert resolve_kind("scan.pdf", None, CFG.kinds).marks == "every-page"  # unknown: a copy, every page


def test_the_option_beats_the_file_name(scan, tmp_path):
    path = tmp_path / "岗位信息表.pdf"
    path.write_bytes(pdf_from_images([scan("no-words")], DPI))
    report = check_file(path, PROFILE, "diploma")
    assert report.attachment_kind == "diploma"
    assert [f.rule for f in report.findings] == ["pdf.missing-verification"]


def test_a_finding_names_the_kind_in_the_readers_language(scan):
    """In Chinese the kind's name from the profile's labels (毕业证书), not its id; in English the id."""
    finding, = check_pdf_bytes("x.pdf", pdf_from_images([scan("no-words")], DPI), PROFILE, "diploma")
    zh_label = dict(label.split("=", 1) for label in CFG.kinds.labels)["diploma"]
    assert f"材料类型：{zh_label}" in finding.message("zh") and "diploma" not in finding.message("zh")
    assert "attachment kind: diploma" in finding.message("en")


def test_a_copy_marked_once_needs_the_marks_on_one_page(scan):
    assert found([scan("no-words"), scan("clean")], kind="thesis") == []
    assert found([scan("red-title"), scan("red-pen")], kind="thesis") == [("pdf.missing-seal", None)]


def test_once_stops_looking_after_a_complete_page(scan, monkeypatch):
    calls = []
    real = pdfdoc.find_marks
    monkeypatch.setattr(pdfdoc, "find_marks", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert found([scan("clean"), scan("no-words"), scan("no-words")], kind="thesis") == []
    assert len(calls) == 1


def test_an_unknown_kind_is_a_usage_error(scan, tmp_path, capsys):
    with pytest.raises(UsageError, match="diplomaa"):
        resolve_kind("x.pdf", "diplomaa", CFG.kinds)
    path = tmp_path / "x.pdf"
    path.write_bytes(pdf_from_images([scan("clean")], DPI))
    with pytest.raises(SystemExit) as exit_:
        main(["check", str(path), "--kind", "diplomaa"])
    assert exit_.value.code == 2 and "diploma" in capsys.readouterr().err


def test_rules_switched_off_are_not_even_measured(scan, tmp_path, monkeypatch):
    profile = tmp_path / "no-marks.toml"
    profile.write_text('extends = "zj-2021"\n[rules]\n"pdf.missing-seal" = "off"\n"pdf.missing-verification" = "off"\n'
                       '"pdf.missing-date" = "off"\n', encoding="utf-8")
    monkeypatch.setattr(pdfdoc, "find_marks", lambda *a, **k: pytest.fail("marks looked for"))
    assert found([scan("red-title")], profile=load_profile(profile)) == []


@pytest.mark.parametrize("kinds, error", [
    ('once = ["copy", "thesis"]', "already listed"),
    ('name_hints = ["毕业证=diplomas"]', "no list"),
    ('name_hints = ["毕业证"]', "KEYWORD=KIND"),
    ('originals = ["unknown"]', "reserved"),
])
def test_kinds_are_validated_on_load(tmp_path, kinds, error):
    profile = tmp_path / "bad.toml"
    profile.write_text(f'extends = "zj-2021"\n[pdf.kinds]\n{kinds}\n', encoding="utf-8")
    with pytest.raises(ProfileError, match=error):
        load_profile(profile)


# --- the text layer and the OCR budget ----------------------------------------------------------------------------

def _with_text_layer(image: Image.Image, text: str) -> bytes:
    """A scan with an invisible text layer (as OCR software adds) in a standard CJK font: nothing to embed."""
    codes = "".join(f"{ord(c):04X}" for c in text)
    content = f"q 595 0 0 842 0 0 cm /Im0 Do Q BT 3 Tr /F1 12 Tf 1 0 0 1 100 120 Tm <{codes}> Tj ET".encode()
    return handmade_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 5 0 R >> "
        b"/Font << /F1 6 0 R >> >> /Contents 4 0 R >>",
        stream("", content), image_object(image),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [7 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (GB1) /Supplement 4 >> /FontDescriptor 8 0 R >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [0 -200 1000 900] /ItalicAngle 0 "
        b"/Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
    ])


def test_the_text_layer_is_read_first(scan):
    data = _with_text_layer(scan("no-words"), "与原件核对无误 2024年3月5日")
    with load_pdf("copy.pdf", data, CFG, "every-page") as document:
        [page] = list(document.pages())
    marks = page.marks
    assert marks.words_source == "text-layer" and marks.words_text == "与原件核对无误"
    assert marks.date_text == "2024年3月5日"
    x, y, w, h = marks.words
    assert abs(x - 100) < 2 and 842 - 120 - 14 < y < 842 - 120  # where the text layer puts it, in page points
    assert check_pdf_bytes("copy.pdf", data, PROFILE) == []


def test_a_text_layer_without_the_words_falls_back_to_ocr(scan):
    data = _with_text_layer(scan("clean"), "毕业证书")
    with load_pdf("copy.pdf", data, CFG, "every-page") as document:
        [page] = list(document.pages())
    assert page.marks.words_source == "ocr"


@pytest.mark.parametrize("share", [0.1, 0.3])
def test_ocr_reads_no_more_of_a_page_than_its_budget(scan, share):
    """A page with no words and many ink blocks is read only up to the profile's share of its area."""
    settings = replace(CFG.marks, ocr_max_page_share=share)
    page = scan("no-words")
    rgb = np.asarray(page.resize((page.width * 3 // 8, page.height * 3 // 8)))  # 75 dpi: quick to read
    searched = []
    assert find_verification(rgb, 75, settings, searched=searched) is None
    area = sum(region.area for region in searched)
    assert searched and area <= share * rgb.shape[0] * rgb.shape[1]



class _FailingSession:
    """An OCR engine whose every run fails, as onnxruntime's session does in a broken install."""

    def __call__(self, *args, **kwargs):
        raise RuntimeError("onnxruntime session failed")


def _refuse_to_start(*args, **kwargs):
    raise OSError("libonnxruntime.so: cannot open shared object file")


@pytest.fixture(params=["start", "run"])
def broken_ocr(request, monkeypatch):
    """The OCR runtime failing to start (its engine cannot be made) or failing on every run: injected at the one
    seam docprep has with it, analysis.ocr (nothing above it is replaced)."""
    import rapidocr

    from docprep.analysis import ocr

    monkeypatch.setattr(ocr, "_ENGINES", {})
    if request.param == "start":
        monkeypatch.setattr(rapidocr, "RapidOCR", _refuse_to_start)
        return "cannot open shared object file"
    monkeypatch.setattr(ocr, "_ENGINES", {threads: _FailingSession() for threads in range(65)})
    return "onnxruntime session failed"


def test_a_failing_ocr_runtime_leaves_the_page_unjudged_and_says_so(scan, broken_ocr, caplog):
    """If the OCR runtime fails (a broken onnxruntime install), the page is neither passed nor called unreadable:
    a warning on that page says its marks were not checked, and why."""
    [finding] = check_pdf_bytes("copy.pdf", pdf_from_images([scan("clean")], DPI), PROFILE)
    assert (finding.rule, finding.severity, finding.page) == ("pdf.marks-unjudged", Severity.WARNING, 1)
    assert broken_ocr in finding.message.en and broken_ocr in finding.message.zh
    assert "were not checked" in finding.message.en and "未能检查" in finding.message.zh
    assert "page 1: the verification marks were not judged" in caplog.text


def test_a_failing_ocr_runtime_on_a_copy_marked_once_claims_no_missing_mark(scan, broken_ocr):
    """"No page carries a seal" is unproven while pages were not read: each unread page is warned about instead."""
    assert found([scan("no-words"), scan("clean")], kind="thesis") == [("pdf.marks-unjudged", 1),
                                                                        ("pdf.marks-unjudged", 2)]


def test_a_bug_in_the_mark_finder_is_a_failed_check_not_a_silent_pass(scan, tmp_path, monkeypatch):
    """Any exception but the OCR runtime's is a bug: the file is reported as not checked (file.check-failed, exit
    2), never as a copy whose marks were fine."""
    def buggy(*args, **kwargs):
        raise ValueError("a bug in the mark finder")

    monkeypatch.setattr(pdfdoc, "find_marks", buggy)
    path = tmp_path / "copy.pdf"
    path.write_bytes(pdf_from_images([scan("clean")], DPI))
    [failed] = check_file(path, PROFILE).findings
    assert failed.rule == "file.check-failed" and "ValueError: a bug in the mark finder" in failed.message.en


def test_fix_writes_a_copy_missing_its_marks_and_says_so(scan, tmp_path, capsys):
    """Missing marks are HR's to add, not a scanning fault: the PDF is written, the finding listed (exit 1);
    made as an original (--kind) it passes."""
    source = tmp_path / "page.jpg"
    scan("no-words").save(source, quality=85, dpi=(DPI, DPI))
    for kind, code in ((None, 1), ("original", 0)):
        out = tmp_path / f"{kind}.pdf"
        with pytest.raises(SystemExit) as exit_:
            main(["fix", str(source), "-o", str(out), "--lang", "en"] + (["--kind", kind] if kind else []))
        printed = capsys.readouterr().out
        assert exit_.value.code == code and out.is_file()
        assert ("pdf.missing-verification" in printed) == (kind is None)
    with pytest.raises(SystemExit) as exit_:
        main(["fix", str(source), "-o", str(tmp_path / "photo.jpg"), "--kind", "original"])
    assert exit_.value.code == 2
