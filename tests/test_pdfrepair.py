"""`docprep fix IN.pdf -o OUT.pdf` (issue 12): pages `check` finds turned, tilted or blank repaired by their
/Rotate, a transformation round their content, or leaving them out; every other page copied as it is (its streams
byte for byte, its text layer kept); the result checked, and refused when an error needing a rescan remains."""
from __future__ import annotations

import hashlib
import io
import json
from functools import lru_cache
from pathlib import Path

import pikepdf
import pytest
from pdf_fixtures import blank, degrade, page, pdf_from_images
from pypdf import PdfReader

from docprep.engine import check_pdf_bytes
from docprep.fix.repair import PageRepair, repair_bytes, repair_pdf
from docprep.model import Severity
from docprep.profiles.loader import load_profile
from docprep.render.fix import repair_summary

KIND = "original"  # these pages carry no verification marks: checked as originals
WORD = "DOCPREPTEXTLAYER"


@pytest.fixture(scope="module")
def profile():
    return load_profile("zj-2021")


def with_text_layer(data: bytes, numbers: tuple[int, ...]) -> bytes:
    """The PDF with an invisible text layer (as OCR software adds) on the given pages (1-based)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                    BaseFont=pikepdf.Name.Helvetica))
        for number in numbers:
            target = pdf.pages[number - 1]
            target.Resources.Font = pikepdf.Dictionary(F1=font)
            layer = f"BT 3 Tr /F1 24 Tf 72 700 Td ({WORD}{number}) Tj ET".encode()
            target.contents_add(pdf.make_stream(layer), prepend=False)
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


@lru_cache(maxsize=1)
def faulty() -> bytes:
    """Six pages: clean, turned 90° clockwise, upside down, tilted 4° clockwise, blank, tilted 3.5° the other way;
    a text layer on pages 1 and 4."""
    images = [page(150, 1), degrade(page(150, 2), "turn", 90), degrade(page(150, 3), "turn", 180),
              degrade(page(150, 4), "skew", 4.0), blank(150), degrade(page(150, 6), "skew", -3.5)]
    return with_text_layer(pdf_from_images(images), (1, 4))


def errors(findings) -> list[str]:
    return sorted(f.rule for f in findings if f.severity is Severity.ERROR)


def streams(data: bytes, number: int) -> tuple[bytes, list[bytes]]:
    """A page's content (decoded, concatenated) and its images' streams as stored."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        target = pdf.pages[number - 1]
        images = [target.Resources.XObject[name].read_raw_bytes() for name in target.Resources.XObject]
        return target.Contents.read_bytes() if isinstance(target.Contents, pikepdf.Stream) else b"".join(
            c.read_bytes() for c in target.Contents), images


def test_each_repairable_fault_is_repaired_and_the_result_checks_clean(profile):
    data = faulty()
    assert errors(check_pdf_bytes("in.pdf", data, profile, KIND)) == [
        "pdf.blank-page", "pdf.rotation", "pdf.rotation", "pdf.skew", "pdf.skew"]
    fixed, repairs, pages = repair_bytes("in.pdf", data, profile)
    assert [(r.number, r.turned, r.dropped) for r in repairs] == [
        (2, 270, False), (3, 180, False), (4, 0, False), (5, 0, True), (6, 0, False)]
    assert repairs[2].straightened == pytest.approx(4.0, abs=0.3)
    assert repairs[4].straightened == pytest.approx(-3.5, abs=0.3)
    assert pages == 5 and len(PdfReader(io.BytesIO(fixed)).pages) == 5
    assert errors(check_pdf_bytes("out.pdf", fixed, profile, KIND)) == []


def test_a_page_both_turned_and_tilted_is_turned_and_straightened(profile):
    images = [degrade(degrade(page(150, 2), "skew", 4), "turn", 90),
              degrade(degrade(page(150, 3), "skew", -4), "turn", 180)]
    fixed, repairs, _ = repair_bytes("in.pdf", pdf_from_images(images), profile)
    assert [(r.turned, round(r.straightened)) for r in repairs] == [(270, 4), (180, -4)]
    assert errors(check_pdf_bytes("out.pdf", fixed, profile, KIND)) == []


def test_untouched_pages_are_copied_as_they_are_and_text_layers_kept(profile):
    data = faulty()
    fixed, _, _ = repair_bytes("in.pdf", data, profile)
    assert streams(fixed, 1) == streams(data, 1)  # the page that needed nothing: content and image as they were
    # a turned page: only its /Rotate changed
    assert streams(fixed, 2) == streams(data, 2)
    with pikepdf.open(io.BytesIO(fixed)) as pdf:
        assert int(pdf.pages[1].obj.get("/Rotate", 0)) == 270
    # a straightened page: its image is not re-encoded; its text layer is still there (turned with the image)
    assert streams(fixed, 4)[1] == streams(data, 4)[1]
    reader = PdfReader(io.BytesIO(fixed))
    assert WORD + "1" in reader.pages[0].extract_text() and WORD + "4" in reader.pages[3].extract_text()


def test_a_pdf_needing_nothing_is_written_byte_for_byte(profile, tmp_path):
    source = tmp_path / "学历证书.pdf"
    source.write_bytes(pdf_from_images([page(150, 1), page(150, 2)]))
    result = repair_pdf(source, None, profile, KIND)
    out = tmp_path / "学历证书-fixed.pdf"
    assert result.written and result.repairs == [] and out.read_bytes() == source.read_bytes()
    assert "nothing to repair" in repair_summary(result, "en")


def test_a_fault_that_needs_a_rescan_refuses_the_repair(profile, tmp_path):
    source = tmp_path / "blurred.pdf"
    source.write_bytes(pdf_from_images([degrade(page(150, 1), "turn", 180), degrade(page(150, 2), "blur", 4)]))
    result = repair_pdf(source, tmp_path / "out.pdf", profile, KIND)
    assert not result.written and not (tmp_path / "out.pdf").exists()
    assert "pdf.blurry-page" in errors(result.report.findings)
    assert "pdf.rotation" not in errors(result.report.findings)  # what could be repaired was
    assert result.repairs == [PageRepair(1, turned=180)]


def test_a_pdf_of_blank_pages_only_is_refused(profile, tmp_path):
    source = tmp_path / "empty.pdf"
    source.write_bytes(pdf_from_images([blank(150), blank(150)]))
    result = repair_pdf(source, None, profile, KIND)
    assert not result.written and [f.rule for f in result.report.findings] == ["pdf.blank-page"]
    assert "2" in result.report.findings[0].message.en


def test_the_command_line_repairs_and_leaves_the_input_alone(tmp_path, run_cli):
    source = tmp_path / "证书.pdf"
    source.write_bytes(faulty())
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    done = run_cli("fix", source, "--kind", KIND, "--lang", "en")
    assert done.returncode == 0, done.stdout + done.stderr
    out = tmp_path / "证书-fixed.pdf"
    assert out.exists() and hashlib.sha256(source.read_bytes()).hexdigest() == before
    assert "page 5: left out (blank)" in done.stdout and "page 3: turned 180°" in done.stdout
    again = run_cli("fix", source, "-o", tmp_path / "again.pdf", "--kind", KIND, "--format", "json", "--lang", "en")
    [made] = json.loads(again.stdout)["files"]
    assert again.returncode == 0 and made["path"].endswith("again.pdf")
    assert [(c["action"], c["measured"]["page"]) for c in made["changes"]] == [
        ("pdf.page-turned", 2), ("pdf.page-turned", 3), ("pdf.page-straightened", 4), ("pdf.page-dropped", 5),
        ("pdf.page-straightened", 6)]
    assert made["changes"][3]["message"] == "Page 5 left out: it is blank"
    refused = run_cli("fix", source, "-o", source, "--kind", KIND)
    assert refused.returncode == 2  # the output would overwrite the input
    mixed = run_cli("fix", source, source, "-o", tmp_path / "mixed.pdf", "--lang", "en")  # a PDF among pages
    assert mixed.returncode == 1 and "Repair it on its own" in mixed.stdout


REAL = Path(__file__).resolve().parents[2] / "shared" / "real-scans"


@pytest.mark.skipif(not REAL.is_dir(), reason="the real scans live in ../shared/real-scans (absent here)")
def test_real_turned_pages_are_turned_and_the_upright_one_is_left_alone(profile):
    data = (REAL / "cardinal.pdf").read_bytes()  # one page turned 0°, 90°, 180° and 270°
    fixed, repairs, pages = repair_bytes("cardinal.pdf", data, profile)
    assert [(r.number, r.turned, r.straightened, r.dropped) for r in repairs] == [
        (2, 270, 0.0, False), (3, 180, 0.0, False), (4, 90, 0.0, False)]
    assert pages == 4 and streams(fixed, 1) == streams(data, 1)
    assert errors(check_pdf_bytes("out.pdf", fixed, profile, KIND)) == []
    # a real scan tilted 1.8° passes the check (its limit is 3°): nothing to repair, the file as it is
    skewed = (REAL / "skew.pdf").read_bytes()
    assert repair_bytes("skew.pdf", skewed, profile) == (skewed, [], 1)
