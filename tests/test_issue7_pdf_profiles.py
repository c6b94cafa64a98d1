"""Issue 7: pdf.color only where a seal is required and once per file; `fix` straightens a page within its own size;
profile values that load today and break every check (NaN, a minimum above its maximum, ".JPG", no phrases), and
profiles refused today that should load (a UTF-8 byte-order mark) or be named for what they are (a folder)."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from helpers import encode, encode_jpeg
from pdf_fixtures import degrade, page, pdf_from_images
from PIL import Image
from pypdf import PdfReader

from docprep.documents.pdf import load_pdf
from docprep.engine import check_pdf_bytes, check_photo_bytes
from docprep.errors import ProfileError
from docprep.fix.scan import images_to_pdf
from docprep.profiles.loader import load_profile, shipped_profiles
from docprep.rules.pdf_marks import RULE_IDS as MARK_RULES


def write(folder: Path, text: str, name: str = "p.toml") -> Path:
    path = folder / name
    path.write_text('extends = "zj-2021"\n' + text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def no_marks(tmp_path_factory):
    """zj-2021 without the verification-mark rules: copies are still copies (pdf.color applies), but no OCR runs
    and no missing-seal finding joins in."""
    rules = "".join(f'"{r}" = "off"\n' for r in MARK_RULES)
    return load_profile(write(tmp_path_factory.mktemp("issue7"), f"[rules]\n{rules}"))


# --- 11. pdf.color: copies only, once per file -------------------------------------------------------------------

@pytest.fixture(scope="module")
def grey_grey_colour() -> bytes:
    return pdf_from_images([degrade(page(150), "gray"), degrade(page(150, seed=1), "bitonal"), page(150, seed=2)])


def colour_findings(data: bytes, profile, name: str = "scan.pdf", kind: str | None = None):
    return [f for f in check_pdf_bytes(name, data, profile, kind) if f.rule == "pdf.color"]


def test_a_copy_of_unknown_kind_gets_one_colour_finding_listing_its_grey_pages(grey_grey_colour, no_marks):
    """On the first grey page, with every grey page in the message and the measure."""
    [finding] = colour_findings(grey_grey_colour, no_marks)
    assert finding.page == 1 and finding.box is None
    assert finding.measured["grey_pages"] == [1, 2]
    assert "第 1、2 页" in finding.message("zh") and "page 1, 2" in finding.message("en")
    assert "--kind original" in finding.message("en")


@pytest.mark.parametrize("kind", ["original", "post-form", "self-report"])
def test_originals_and_forms_need_no_seal_so_no_colour_finding(grey_grey_colour, no_marks, kind):
    assert colour_findings(grey_grey_colour, no_marks, kind=kind) == []


def test_a_form_known_by_its_file_name_gets_no_colour_finding(grey_grey_colour, no_marks):
    assert colour_findings(grey_grey_colour, no_marks, name="岗位信息表.pdf") == []


def test_a_copy_stamped_once_is_flagged_only_when_no_page_is_in_colour(grey_grey_colour, no_marks):
    assert colour_findings(grey_grey_colour, no_marks, kind="thesis") == []
    all_grey = pdf_from_images([degrade(page(150), "gray"), degrade(page(150, seed=1), "gray")])
    [finding] = colour_findings(all_grey, no_marks, kind="thesis")
    assert finding.page == 1 and finding.measured["grey_pages"] == [1, 2]


# --- 15. deskewing keeps the page size ------------------------------------------------------------------------------

A4_200 = (1654, 2339)  # A4 at 200 dpi: 595.44 × 842.04 pt


@pytest.mark.parametrize("degrees, mode", [(0.6, "RGB"), (7.0, "RGB"), (7.0, "1")])
def test_straightening_keeps_an_a4_page_a4(degrees, mode, no_marks):
    sheet = Image.new("RGB", A4_200, (246, 245, 241))
    sheet.paste(page(200, seed=3), (0, 0))
    tilted = degrade(sheet, "skew", degrees)
    source = (encode_jpeg(tilted, 90, dpi=(200, 200)) if mode == "RGB" else
              encode(degrade(tilted, "bitonal"), "TIFF", compression="group4", dpi=(200, 200)))
    fixed = images_to_pdf([("tilted.jpg" if mode == "RGB" else "tilted.tif", source)], no_marks)
    [facts] = fixed.pages
    assert facts.deskewed == pytest.approx(degrees, abs=0.3)
    assert facts.size_px == A4_200 and facts.dpi == 200
    box = PdfReader(io.BytesIO(fixed.data)).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((595.44, 842.04), abs=0.01)
    with load_pdf("out.pdf", fixed.data, no_marks.section("pdf")) as document:
        [shown] = list(document.pages())
    assert abs(shown.scan.skew) <= 0.3


# --- 16. profiles ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, key", [
    ("[photo.sharpness]\nmin_score = nan\n", "photo.sharpness.min_score"),
    ("[pdf.skew]\nmax_degrees = nan\n", "pdf.skew.max_degrees"),
    ("[photo.background]\nmax_tint = inf\n", "photo.background.max_tint"),
    ("[pdf.rotation]\nsideways_ratio = +inf\n", "pdf.rotation.sideways_ratio"),
    ("[pdf.marks]\nphrases = [\"核对无误\", \"\"]\n", "pdf.marks.phrases"),
    ("[photo]\nextensions = []\n", "photo.extensions"),
], ids=["nan-photo-sharpness", "nan-pdf-skew", "inf-without-maximum", "plus-inf", "empty-phrase", "no-extensions"])
def test_a_profile_value_that_would_break_every_check_is_refused(tmp_path, text, key):
    with pytest.raises(ProfileError) as caught:
        load_profile(write(tmp_path, text))
    assert key in str(caught.value) and "p.toml" in str(caught.value)


@pytest.mark.parametrize("section, low_key, high_key, at, above", [
    ("photo.file_size", "min_bytes", "max_bytes", "30_720", "30_721"),
    ("pdf.resolution", "error_below_dpi", "warn_below_dpi", "200.0", "200.1"),
    ("pdf.marks", "seal_min_ring_contrast", "seal_max_ring_contrast", "8.0", "8.5"),
])
def test_a_minimum_may_meet_its_maximum_but_not_pass_it(tmp_path, section, low_key, high_key, at, above):
    load_profile(write(tmp_path, f"[{section}]\n{low_key} = {at}\n{high_key} = {at}\n"))
    with pytest.raises(ProfileError) as caught:
        load_profile(write(tmp_path, f"[{section}]\n{low_key} = {above}\n{high_key} = {at}\n"))
    message = str(caught.value)
    assert f"{section}.{low_key}" in message and f"{section}.{high_key}" in message


def test_no_verification_phrase_is_refused_but_no_name_hint_loads(tmp_path):
    """No phrase can ever match (every copy would fail); without name hints, kinds come from --kind or default."""
    load_profile(write(tmp_path, "[pdf.kinds]\nname_hints = []\n"))
    with pytest.raises(ProfileError) as caught:
        load_profile(write(tmp_path, "[pdf.marks]\nphrases = []\n"))
    assert "pdf.marks.phrases" in str(caught.value)


def test_extensions_are_read_in_any_case_with_or_without_the_dot(tmp_path, good_jpeg):
    profile = load_profile(write(tmp_path, '[photo]\nextensions = [".JPG", " Jpeg "]\n'))
    assert profile.section("photo").extensions == ("jpg", "jpeg")
    for name in ("photo.jpg", "photo.JPEG"):
        assert "photo.extension" not in [f.rule for f in check_photo_bytes(name, good_jpeg, profile)], name
    [wrong] = [f for f in check_photo_bytes("photo.png", good_jpeg, profile) if f.rule == "photo.extension"]
    assert wrong.expected == ".jpg/.jpeg"


def test_a_profile_saved_with_a_byte_order_mark_loads(tmp_path):
    path = tmp_path / "notepad.toml"
    path.write_bytes(b"\xef\xbb\xbf" + 'extends = "zj-2021"\n[pdf.skew]\nmax_degrees = 2.0\n'.encode("utf-8"))
    assert load_profile(path).section("pdf").skew.max_degrees == 2.0


def test_a_folder_given_as_profile_is_called_a_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for ref in (".", str(tmp_path)):
        with pytest.raises(ProfileError) as caught:
            load_profile(ref)
        message = str(caught.value)
        assert "is a folder" in message and "not found" not in message
        assert all(name in message for name in shipped_profiles())
