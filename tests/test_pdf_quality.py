"""Scan-quality rules, page by page: synthetic scans built at test time with one fault each, the exact bounds of
every rule on measured values, and the six real scans in ../shared/real-scans (skipped where that folder is absent).
"""
from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from pdf_fixtures import WORDS, _font, blank, degrade, image_object, one_page_pdf, page, pdf_from_images
from PIL import Image, ImageDraw
from portrait import portrait
from pypdf import PdfReader, PdfWriter

from docprep.analysis.pagescan import PageScan, ScanSettings, measure_page
from docprep.documents.pdf import PdfDocument, load_pdf
from docprep.documents.pdfpages import PdfPage, PlacedImage
from docprep.engine import check_file, check_pdf_bytes
from docprep.model import Severity
from docprep.profiles.loader import load_profile
from docprep.rules import pdf as pdf_rules
from docprep.rules.pdf_marks import RULE_IDS as MARK_RULES

PROFILE = load_profile()
CFG = PROFILE.section("pdf")
REAL = Path(__file__).resolve().parents[2] / "shared" / "real-scans"
QUALITY = {"pdf.low-resolution", "pdf.blank-page", "pdf.blurry-page", "pdf.exposure", "pdf.skew", "pdf.rotation",
           "pdf.cut-off", "pdf.color"}


def findings(data: bytes, profile=PROFILE, kind: str = "original"):
    """Scan rules only: checked as an original, so no verification marks are looked for (tests/test_pdf_marks.py).
    pdf.color applies to copies only: its tests check a copy under `as_copies(profile)`."""
    return check_pdf_bytes("scan.pdf", data, profile, kind)


def as_copies(profile):
    """The profile with the verification-mark rules off: a copy's scan rules (pdf.color) without OCR."""
    return replace(profile, severities={**profile.severities, **{r: Severity.OFF for r in MARK_RULES}})


def quality(images: list[Image.Image], dpi: float = 150, profile=PROFILE, kind: str = "original"
            ) -> list[tuple[str, int]]:
    """Scan-quality findings as (rule, page); pdf.low-resolution is left out (150-dpi test pages earn its
    warning), it has its own tests."""
    return [(f.rule, f.page) for f in findings(pdf_from_images(images, dpi), profile, kind)
            if f.rule in QUALITY - {"pdf.low-resolution"}]


def measured(image: Image.Image, dpi: float = 150) -> PdfPage:
    with load_pdf("scan.pdf", pdf_from_images([image], dpi), CFG) as document:
        return next(document.pages())


# --- each rule on its measured value, at its exact bounds --------------------------------------------------------

CLEAN = PageScan(dpi=100, size_px=(827, 1169), paper=245.0, ink_fraction=0.08, ink_contrast=150.0,
                 text_components=900, sharpness=0.49, skew=0.0, turn=0, stored_gray=False, chroma=170.0)
IMAGE_200 = PlacedImage((1654, 2339), 200.0, (200.0, 200.0), (0, 0, 595, 842), 1.0, True, ("DCTDecode",))


def run_rule(rule, scan: PageScan = CLEAN, image: PlacedImage | None = IMAGE_200, cfg=CFG):
    document = PdfDocument("fake.pdf", 1000, 1, "1.4", analysed_pages=1, settings=cfg)
    document._pages[0] = PdfPage(1, (595.0, 842.0), 0, image=image, image_count=1, source="image", scan=scan)
    return list(rule(document, cfg))


def test_a_clean_measured_page_passes_every_quality_rule():
    for rule in pdf_rules.FAMILY.checks:
        if rule.id in QUALITY:
            assert run_rule(rule.check) == [], rule.id


@pytest.mark.parametrize("dpi, severity", [(300, None), (200, None), (199.9, Severity.WARNING),
                                           (150, Severity.WARNING), (149.99999, Severity.WARNING),
                                           (149.9, Severity.ERROR), (149, Severity.ERROR), (72, Severity.ERROR)])
def test_low_resolution_bounds(dpi, severity):
    image = replace(IMAGE_200, dpi=dpi)
    found = run_rule(pdf_rules.low_resolution, image=image)
    if severity is None:
        assert found == []
    else:
        [problem] = found
        # a warning-level problem carries the cap; an error leaves the rule's own severity
        assert problem.severity == (Severity.WARNING if severity is Severity.WARNING else None)
        assert problem.measured == round(dpi, 1) and problem.page == 1 and problem.box == IMAGE_200.box


def test_low_resolution_ignores_small_pictures_on_a_page():
    assert run_rule(pdf_rules.low_resolution, image=replace(IMAGE_200, dpi=60, coverage=0.2)) == []


@pytest.mark.parametrize("angle, fails", [(0.0, False), (2.99, False), (3.0, False), (-3.0, False), (3.01, True),
                                          (-3.5, True), (10.0, True)])
def test_skew_bound_is_inclusive(angle, fails):
    found = run_rule(pdf_rules.skew, replace(CLEAN, skew=angle))
    assert bool(found) == fails
    if fails:
        assert found[0].measured == angle and found[0].expected == 3.0
        assert ("顺时针" if angle > 0 else "逆时针") in found[0].message.zh


@pytest.mark.parametrize("ink, blank_page", [(0.0, True), (0.0005, True), (0.00051, False), (0.05, False)])
def test_blank_bound(ink, blank_page):
    assert bool(run_rule(pdf_rules.blank_page, replace(CLEAN, ink_fraction=ink))) == blank_page


@pytest.mark.parametrize("score, fails", [(0.49, False), (0.2, False), (0.199, True), (0.05, True), (None, False)])
def test_sharpness_bound(score, fails):
    assert bool(run_rule(pdf_rules.blurry_page, replace(CLEAN, sharpness=score))) == fails


@pytest.mark.parametrize("paper, contrast, what", [(245, 150, None), (120, 150, None), (119.9, 150, "dark"),
                                                   (245, 65, None), (245, 64.9, "washed")])
def test_exposure_bounds(paper, contrast, what):
    found = run_rule(pdf_rules.exposure, replace(CLEAN, paper=paper, ink_contrast=contrast))
    if what is None:
        assert found == []
    else:
        [problem] = found
        assert what in problem.message.en or ("too dark" in problem.message.en) == (what == "dark")


@pytest.mark.parametrize("turn, sideways, fails", [(0, False, False), (None, False, False), (90, True, True),
                                                   (180, False, True), (270, True, True), (None, True, True)])
def test_rotation_verdicts(turn, sideways, fails):
    found = run_rule(pdf_rules.rotation, replace(CLEAN, turn=turn, sideways=sideways))
    assert bool(found) == fails


@pytest.mark.parametrize("share, shapes, fails", [(0.0, 0, False), (0.0499, 0, False), (0.05, 0, True),
                                                  (0.4, 0, True), (0.0, 1, True), (0.013, 1, True), (0.013, 3, True)])
def test_cut_off_bounds(share, shapes, fails):
    """Either bound decides: text along 5 % of the edge, or one text line or outline cut through."""
    scan = replace(CLEAN, cut_edges={"left": share}, cut_places={"left": shapes},
                   cut_boxes={"left": (0, 100, 20, 300)})
    found = run_rule(pdf_rules.cut_off, scan)
    assert bool(found) == fails
    if fails:
        assert found[0].box is not None and found[0].page == 1
        assert found[0].measured == {"left": {"share": share, "cut_places": shapes}}


@pytest.mark.parametrize("stored_gray, chroma, fails", [(True, 0.0, True), (False, 0.0, True), (False, 3.0, True),
                                                        (False, 3.1, False), (False, 170.0, False), (None, None, False)])
def test_color_verdicts(stored_gray, chroma, fails):
    found = run_rule(pdf_rules.color, replace(CLEAN, stored_gray=stored_gray, chroma=chroma))
    assert bool(found) == fails


def test_a_blank_page_gets_only_the_blank_rule():
    empty = replace(CLEAN, ink_fraction=0.0, ink_contrast=0.0, sharpness=None, skew=None, turn=None,
                    text_components=0, stored_gray=True)
    hits = {rule.id for rule in pdf_rules.FAMILY.checks if rule.id in QUALITY and run_rule(rule.check, empty)}
    assert hits == {"pdf.blank-page"}


# --- synthetic scans, end to end ---------------------------------------------------------------------------------

def test_clean_colour_scans_pass_at_every_usual_resolution():
    for dpi in (200, 300):
        assert [f.rule for f in findings(pdf_from_images([page(dpi)], dpi)) if f.rule in QUALITY] == [], dpi


def test_effective_resolution_from_the_page_size():
    """The same pixels placed at 150 dpi pass the error bound (warning); at 149 dpi they fail it."""
    image = page(150)
    at_150 = [f for f in findings(pdf_from_images([image], 150)) if f.rule == "pdf.low-resolution"]
    at_149 = [f for f in findings(pdf_from_images([image], 149)) if f.rule == "pdf.low-resolution"]
    assert [(f.severity, f.measured) for f in at_150] == [(Severity.WARNING, 150.0)]
    assert [(f.severity, f.measured) for f in at_149] == [(Severity.ERROR, 149.0)]
    assert at_150[0].box == pytest.approx((0, 0, image.width * 72 / 150, image.height * 72 / 150), abs=0.2)


def test_a_placeholder_image_does_not_decide_the_resolution():
    """A 1×1 image stretched over the page (a background) sits beside the real 300-dpi scan."""
    scan = page(300, seal=False)
    content = b"q 595 0 0 842 0 0 cm /Bg Do Q q 595 0 0 842 0 0 cm /Im0 Do Q"
    data = one_page_pdf(content, {"Bg": image_object(Image.new("L", (1, 1)), data=b"\xff"), "Im0": image_object(scan)})
    found = [f for f in findings(data) if f.rule in QUALITY - {"pdf.color"}]
    assert found == [], [f.message.en for f in found]


def test_a_72_dpi_scan_is_an_error_with_its_measure():
    [low] = [f for f in findings(pdf_from_images([page(72)], 72)) if f.rule == "pdf.low-resolution"]
    assert (low.severity, low.measured, low.expected) == (Severity.ERROR, 72.0, 150.0)


def test_blank_pages_clean_and_noisy_are_blank_and_nothing_else():
    found = quality([blank(150), blank(150, noise=10), page(150)], 150)
    assert found == [("pdf.blank-page", 1), ("pdf.blank-page", 2)]


def test_blur_fails_and_mild_softness_passes():
    sharp, soft, blurred = (degrade(page(200), "blur", r) for r in (0, 2, 6))
    assert quality([sharp, soft, blurred], 200) == [("pdf.blurry-page", 3)]


def test_sharpness_does_not_follow_contrast_or_noise():
    """Raw Laplacian variance calls a noisy page sharp and a dim page blurred; the normalised score does not."""
    clean = measured(page(150)).scan.sharpness
    for image in (degrade(page(150), "dark", 150), degrade(page(150), "washed", 110),
                  degrade(page(150), "noise", 12)):
        assert measured(image).scan.sharpness == pytest.approx(clean, abs=0.06)
    assert measured(blank(150, noise=25)).scan.sharpness is None  # no text: no sharpness to judge
    assert measured(degrade(page(200), "blur", 6), 200).scan.sharpness < 0.2


def blurred(sigma_mm: float, dpi: int = 200) -> Image.Image:
    return degrade(page(dpi), "blur", sigma_mm / 25.4 * dpi)


@pytest.mark.parametrize("sigma_mm, fails", [(0.25, False), (0.35, False), (0.55, True), (0.8, True), (1.6, True)])
def test_blur_bound_end_to_end(sigma_mm, fails):
    """Scores fall with the blur (0.35 mm ~0.25, 0.45 mm ~0.20, 0.55 mm ~0.17); the blurriest pages, whose letters
    have merged into lines (fewer letter-size shapes than skew needs), are judged too. (From ~1.8 mm this 11 pt
    text fades under the ink threshold and too few shapes are left to judge.)"""
    assert (quality([blurred(sigma_mm)], 200) == [("pdf.blurry-page", 1)]) == fails


def test_a_page_blurred_beyond_its_letters_still_has_a_sharpness():
    scan = measured(blurred(1.6), 200).scan
    assert scan.text_components < CFG.skew.min_letters and scan.skew is None
    assert scan.sharpness is not None and scan.sharpness < CFG.sharpness.min_score


def _blobs(count: int, sigma_px: float) -> np.ndarray:
    """A 100-dpi page with `count` letter-size squares (4 mm), blurred by sigma_px."""
    gray = np.full((1169, 827), 240, np.uint8)
    for i in range(count):
        x, y = 100 + (i % 5) * 120, 150 + (i // 5) * 150
        gray[y:y + 16, x:x + 16] = 30
    return cv2.GaussianBlur(gray, (0, 0), sigma_px) if sigma_px else gray


@pytest.mark.parametrize("count, judged", [(CFG.sharpness.min_shapes - 1, False), (CFG.sharpness.min_shapes, True),
                                           (40, True)])
def test_sharpness_needs_a_few_text_shapes(count, judged):
    blurry = measure_page(_blobs(count, 3), 100.0, ScanSettings.from_profile(CFG)).sharpness
    sharp = measure_page(_blobs(count, 0), 100.0, ScanSettings.from_profile(CFG)).sharpness
    assert (blurry is not None) == judged and (sharp is not None) == judged
    if judged:
        assert blurry < 0.2 < 0.4 < sharp


def photo_page(text: bool, width_mm: float = 160, dpi: int = 150) -> Image.Image:
    """A photograph (the astronaut on a blue-grey backdrop) in the middle of a page, with or without text."""
    image = page(dpi, seal=False) if text else blank(dpi)
    w = round(width_mm / 25.4 * dpi)
    image.paste(portrait(w, round(w * 1.2), background=(120, 140, 170)), ((image.width - w) // 2, image.height // 4))
    return image


def test_a_photo_is_not_judged_as_text():
    """A photo's fragments are surrounded by picture, not paper: a page of only a photo gets no sharpness (its
    soft shading would read as blur), and on a page with text the text alone decides."""
    assert measured(photo_page(text=False)).scan.sharpness is None
    assert measured(photo_page(text=True)).scan.sharpness == pytest.approx(measured(page(150)).scan.sharpness,
                                                                             abs=0.03)
    assert quality([photo_page(text=False), photo_page(text=True)]) == []


@pytest.mark.parametrize("fault, amount, expected", [("dark", 110, "dark"), ("dark", 90, "dark"),
                                                     ("dark", 170, None), ("washed", 175, "washed out"),
                                                     ("washed", 100, None)])
def test_exposure_end_to_end(fault, amount, expected):
    found = [f for f in findings(pdf_from_images([degrade(page(150), fault, amount)])) if f.rule == "pdf.exposure"]
    if expected is None:
        assert found == []
    else:
        [finding] = found
        assert expected in finding.message.en and finding.page == 1


@pytest.mark.parametrize("angle", [-2.5, 1.0, 2.5])
def test_small_skew_is_measured_and_passes(angle):
    scan = measured(degrade(page(150), "skew", angle)).scan
    assert scan.skew == pytest.approx(angle, abs=0.2)
    assert "pdf.skew" not in [r for r, _ in quality([degrade(page(150), "skew", angle)])]


@pytest.mark.parametrize("angle", [-6.0, 4.0, 9.0])
def test_large_skew_fails_with_its_angle(angle):
    [finding] = [f for f in findings(pdf_from_images([degrade(page(150), "skew", angle)])) if f.rule == "pdf.skew"]
    assert finding.measured == pytest.approx(angle, abs=0.2) and finding.expected == 3.0


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_turned_pages_get_rotation_with_the_turn_back(turn):
    [finding] = [f for f in findings(pdf_from_images([degrade(page(150), "turn", turn)])) if f.rule == "pdf.rotation"]
    assert finding.measured == (360 - turn) % 360 and finding.page == 1


def test_a_landscape_certificate_is_upright():
    assert quality([page(150, landscape=True)]) == []


def test_page_rotate_key_is_applied_before_judging():
    """A sideways scan put right with /Rotate passes; an upright scan turned by /Rotate fails."""
    upright = pdf_from_images([page(150)])
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(upright)))
    writer.pages[0].rotate(90)
    out = io.BytesIO()
    writer.write(out)
    [finding] = [f for f in findings(out.getvalue()) if f.rule == "pdf.rotation"]
    assert finding.measured == 270
    sideways = pdf_from_images([degrade(page(150), "turn", 90)])
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(sideways)))
    writer.pages[0].rotate(270)
    out = io.BytesIO()
    writer.write(out)
    assert "pdf.rotation" not in [f.rule for f in findings(out.getvalue())]


def test_content_cut_off_at_an_edge():
    found = [f for f in findings(pdf_from_images([degrade(page(150), "cut", 0.15)])) if f.rule == "pdf.cut-off"]
    [finding] = found
    assert "left" in finding.measured and finding.box[0] == pytest.approx(0, abs=2)
    assert finding.severity is Severity.WARNING


def test_a_scan_with_margins_is_not_cut_off():
    assert "pdf.cut-off" not in [r for r, _ in quality([degrade(page(150), "cut", 0.05)])]


def text_lines(ends: tuple[float, ...], dpi: int = 150) -> Image.Image:
    """A page of 11 pt text lines from the left margin (12 %) to the given shares of the width, 10 mm apart."""
    image = blank(dpi)
    draw = ImageDraw.Draw(image)
    font = _font(round(11 / 72 * dpi))
    for i, end in enumerate(ends):
        x, y, k = int(image.width * 0.12), int(image.height * 0.15) + i * round(dpi * 10 / 25.4), i
        while x < image.width * end:
            word = WORDS[k % len(WORDS)] + " "
            draw.text((x, y), word, fill=(25, 25, 25), font=font)
            x, k = x + draw.textlength(word, font=font), k + 1
    return image


def cut_right(image: Image.Image, at: float) -> Image.Image:
    return image.crop((0, 0, int(image.width * at), image.height))


def test_one_text_line_cut_at_the_side_is_cut_off():
    """Cropped through the one line that reaches past 75 % of the width: the edge touches ~1 % of its length, far
    under min_edge_share, but the line runs into it. The same crop at 92 % leaves a margin."""
    lines = text_lines((0.88, 0.6, 0.55, 0.62, 0.5))
    [finding] = [f for f in findings(pdf_from_images([cut_right(lines, 0.75)])) if f.rule == "pdf.cut-off"]
    measure = finding.measured["right"]
    assert 0 < measure["share"] < CFG.cut_off.min_edge_share and measure["cut_places"] == 1
    assert "pdf.cut-off" not in [r for r, _ in quality([cut_right(lines, 0.92)])]


def test_a_page_number_touching_the_edge_is_not_cut_off():
    image = page(150, seal=False)
    draw = ImageDraw.Draw(image)
    font = _font(18)
    x0, y0, x1, y1 = draw.textbbox((0, 0), "- 12 -", font=font)
    draw.text((image.width // 2, image.height - y1), "- 12 -", fill=(20, 20, 20), font=font)
    scan = measured(image).scan
    assert scan.cut_edges["bottom"] > 0 and scan.cut_places["bottom"] == 0  # it touches; nothing is cut
    assert quality([image]) == []


@pytest.mark.parametrize("beyond_mm, fails", [(0.0, False), (0.5, False), (1.5, True), (3.0, True), (10.0, True)])
def test_a_seal_touching_the_edge_passes_and_one_cut_open_fails(beyond_mm, fails):
    """A 40 mm ring reaching the right edge touches it once (12 mm of it lie within 1 mm of the edge, 4 % of the
    edge: not text, not counted); from ~1 mm beyond, the edge crosses the ring twice."""
    dpi = 150
    image = page(dpi, seal=False)
    r, over = round(dpi * 0.8), round(beyond_mm / 25.4 * dpi)
    cx, cy = image.width - r + over - 1, image.height // 2
    ImageDraw.Draw(image).ellipse((cx - r, cy - r, cx + r, cy + r), outline=(205, 30, 35), width=dpi // 30)
    assert (quality([image]) == [("pdf.cut-off", 1)]) == fails


def test_grayscale_and_bitonal_scans_cannot_show_the_seal():
    """One finding per copy, on its first grey page (tests/test_issue7_pdf_profiles.py: which kinds, which pages)."""
    found = quality([degrade(page(150), "gray"), degrade(page(150), "bitonal"), page(150)], profile=as_copies(PROFILE),
                    kind="copy")
    assert found == [("pdf.color", 1)]


def test_grey_pixels_saved_as_colour_are_grayscale():
    found = quality([degrade(page(150), "gray").convert("RGB")], profile=as_copies(PROFILE), kind="copy")
    assert found == [("pdf.color", 1)]


def test_color_rule_follows_the_profile(tmp_path):
    path = tmp_path / "no-seal.toml"
    path.write_text('extends = "zj-2021"\n[pdf.color]\nseal_required = false\n', encoding="utf-8")
    assert quality([degrade(page(150), "gray")], profile=as_copies(load_profile(path)), kind="copy") == []


def test_a_born_digital_page_is_not_judged_as_a_scan():
    """Vector text (no image): no resolution, no colour verdict."""
    data = one_page_pdf(b"BT /F1 24 Tf 72 700 Td (Certificate of completion) Tj ET "
                        b"0 0 0 RG 72 650 m 520 650 l S", {})
    assert [f.rule for f in findings(data) if f.rule in ("pdf.low-resolution", "pdf.color")] == []


def test_pages_are_numbered_and_measured_independently():
    images = [page(150), degrade(page(150), "skew", 6), blank(150), degrade(page(150), "turn", 180)]
    assert quality(images) == [("pdf.blank-page", 3), ("pdf.skew", 2), ("pdf.rotation", 4)]


def test_a_repeated_image_is_decoded_once(monkeypatch):
    """Once grey (scan quality) and, the kind being unknown (a copy), once in colour (its seal and colour)."""
    from docprep.documents import pdfpages as pdfdoc
    calls = []
    original = pdfdoc._decode_image
    monkeypatch.setattr(pdfdoc, "_decode_image", lambda *a: calls.append(a[3]) or original(*a))
    image = page(100)
    with load_pdf("x.pdf", pdf_from_images([image, image, image], 100), CFG) as document:
        list(document.pages())
    assert sorted(calls) == [False, True]


def test_an_original_is_decoded_grey_only(monkeypatch):
    """Nothing judges an original's colour: its JPEG pages are decoded from their luma alone, never in colour."""
    from docprep.documents import pdfpages as pdfdoc
    calls = []
    original = pdfdoc._decode_image
    monkeypatch.setattr(pdfdoc, "_decode_image", lambda *a: calls.append(a[3]) or original(*a))
    findings(pdf_from_images([page(150), page(150, 2)], 150))
    assert calls == [True, True]


# --- real scans ---------------------------------------------------------------------------------------------------

needs_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"real scans not present at {REAL} (see its SOURCES.md)")

# Checked as copies of unknown kind (the default): none carries a seal or 核对无误. The bitonal scans cannot show a
# red seal (pdf.color) and show no seal's ring either (pdf.missing-seal: dense text makes no ring); the turned pages
# of cardinal.pdf are not read for words (pdf.rotation).
EXPECTED_REAL = {
    "linn.pdf": [("pdf.color", 1), ("pdf.missing-seal", 1), ("pdf.missing-verification", 1)],
    "skew.pdf": [("pdf.color", 1), ("pdf.missing-seal", 1), ("pdf.missing-verification", 1)],
    "cardinal.pdf": [("pdf.rotation", 2), ("pdf.rotation", 3), ("pdf.rotation", 4), ("pdf.missing-verification", 1),
                     ("pdf.missing-seal", 1), ("pdf.missing-seal", 2), ("pdf.missing-seal", 3), ("pdf.missing-seal", 4),
                     ("pdf.color", 1)],  # one pdf.color per file, listing its grey pages 1-4
    "c02-22.pdf": [("pdf.low-resolution", 1), ("pdf.missing-seal", 1), ("pdf.missing-verification", 1)],
    "epson.pdf": [("pdf.color", 1), ("pdf.missing-seal", 1), ("pdf.missing-verification", 1)],
    "blank.pdf": [("pdf.blank-page", 1)],
}


@needs_real
@pytest.mark.parametrize("name", sorted(EXPECTED_REAL))
def test_real_scans_get_exactly_their_findings(name):
    """Bitonal scans get pdf.color (a one-bit scan cannot show a red seal): that is the rule's purpose, not noise;
    and pdf.missing-seal, as no seal's ring shows in their ink either. No scan-quality false alarm on any of them."""
    report = check_file(REAL / name, PROFILE)
    assert report.kind == "pdf"
    got = sorted((f.rule, f.page) for f in report.findings)
    assert got == sorted(EXPECTED_REAL[name]), [f.message.en for f in report.findings]


@needs_real
def test_real_150_dpi_scan_is_only_a_warning():
    [finding] = [f for f in check_file(REAL / "c02-22.pdf", PROFILE, "original").findings]
    assert (finding.severity, finding.measured) == (Severity.WARNING, 150.0)


@needs_real
def test_real_skew_is_measured_at_about_1_8_degrees():
    with load_pdf("skew.pdf", (REAL / "skew.pdf").read_bytes(), CFG) as document:
        [only] = list(document.pages())
    assert only.source == "render"  # placed at an angle: rendered, not taken from the image
    assert only.scan.skew == pytest.approx(1.8, abs=0.2)


@needs_real
def test_real_cardinal_turns():
    with load_pdf("cardinal.pdf", (REAL / "cardinal.pdf").read_bytes(), CFG) as document:
        pages = list(document.pages())
    assert [p.scan.turn for p in pages] == [0, 270, 180, 90]
    assert [p.source for p in pages] == ["image"] * 4
    assert all(p.image.dpi == pytest.approx(300, abs=0.5) for p in pages)


def test_a_stencil_mask_scan_is_rendered_not_inverted():
    """A one-bit /ImageMask paints its fill colour where its bits say: its raw bitmap is the negative."""
    from pdf_fixtures import stream
    image = page(150, seal=False).convert("1")
    mask = stream(f"/Type /XObject /Subtype /Image /Width {image.width} /Height {image.height} /ImageMask true "
                  "/BitsPerComponent 1", image.tobytes())
    data = one_page_pdf(b"q 0 0 0 rg 595 0 0 842 0 0 cm /Im0 Do Q", {"Im0": mask})
    with load_pdf("mask.pdf", data, CFG) as document:
        [only] = list(document.pages())
    assert only.source == "render" and only.scan.paper > 200
    found = findings(data, as_copies(PROFILE), "copy")
    assert [f.rule for f in found if f.rule in QUALITY] == ["pdf.low-resolution", "pdf.color"]


def test_a_table_of_aligned_cells_is_upright_and_turned_tables_are_sideways():
    """Short cells line up in columns as sharply as in rows: neighbour gaps, not projections, tell the way."""
    from pdf_fixtures import table_page
    found = quality([table_page(), degrade(table_page(), "turn", 90)])
    assert found == [("pdf.rotation", 2)]


def test_scanner_borders_and_shadows_are_not_cut_off():
    from PIL import ImageDraw
    image = page(150)
    w, h = image.size
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, w, 25), fill=(20, 20, 20))  # the lid's shadow along the top, joined to...
    draw.rectangle((0, 0, 18, h), fill=(20, 20, 20))  # ...a dark band down the left side
    surround = Image.new("RGB", (w, h), (35, 35, 35))  # a smaller paper on a dark scanner lid
    surround.paste(page(150).resize((int(w * 0.9), int(h * 0.9))), (int(w * 0.05), int(h * 0.05)))
    assert "pdf.cut-off" not in [r for r, _ in quality([image, surround])]
