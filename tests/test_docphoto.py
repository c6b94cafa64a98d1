"""Phone photos of documents (issue 12): the sheet found in a photo of a generated certificate lying on a desk
(benchmarks/deskphoto.py: perspective, turns, dark and textured desks, uneven warm light, thumbs over its edges),
cut out to the shape of its paper format, evened and whitened with the red seal kept red (fix.sheet); and the check's warning for a page
that is still a photo of a desk (pdf.photographed-page), with its bounds."""
from __future__ import annotations

import io
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import cv2
import img2pdf
import numpy as np
import pytest
from PIL import Image

from benchmarks.deskphoto import View, desk_photo
from benchmarks.scanset import make_page
from docprep.analysis.sheet import find_sheet
from docprep.documents.pdf import load_pdf
from docprep.engine import check_pdf_bytes
from docprep.fix.scan import images_to_pdf
from docprep.fix.sheet import clean_paper, match_format, straighten
from docprep.profiles.loader import load_profile

FRAME = (1200, 1600)  # a phone photo, scaled down to keep the tests fast
VIEWS = {
    "straight-down": View(tilt=0, turn=3, desk="walnut"),
    "leaning": View(tilt=25, turn=8, desk="slate", light=0.5),
    "turned-left": View(tilt=15, turn=-20, desk="linen"),
    "sideways": View(tilt=20, turn=90, desk="walnut", fill=0.6),
    "leaning-aside": View(tilt=30, yaw=15, turn=5, desk="slate", light=0.55),
    "held-by-thumbs": View(tilt=25, turn=-6, desk="slate", fingers=4),
    "light-desk": View(tilt=20, turn=6, desk="laminate", light=0.8),  # paper 20 levels brighter than the desk
}
A4_PT = (595.3, 841.9)


def write_profile(folder, name: str, extra: str = ""):
    """zj-2021 with `extra` settings; the PDFs here are checked as originals (no verification marks)."""
    path = folder / name
    path.write_text(f'extends = "zj-2021"\n{extra}\n', encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    return load_profile(write_profile(tmp_path_factory.mktemp("docphoto"), "photos.toml"))


@lru_cache(maxsize=8)
def scene(name: str, dpi: int = 150, shape: tuple[int, int] | None = None):
    """(the page as generated, the photo of it, the true corners, the seal's box on the page)."""
    scan = make_page("clean", dpi, seed=7)
    page = scan.rgb
    if shape is not None:
        page = cv2.resize(page, shape, interpolation=cv2.INTER_AREA)
    photo, corners = desk_photo(page, VIEWS[name], seed=3, frame=FRAME)
    return page, photo, corners, scan.truth.seals[0]


def jpeg(pixels: np.ndarray, dpi=None) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=90, **({"dpi": dpi} if dpi else {}))
    return out.getvalue()


def seal_colour(rgb: np.ndarray) -> tuple[float, float]:
    """The seal's ink colour in a box round it: hue (degrees, signed: red is near 0) and saturation (0-1) of the
    mean colour of its reddest pixels (the top 3 % by red over green: the ink's cores, not its blurred fringe)."""
    pixels = rgb.reshape(-1, 3).astype(float)
    redness = pixels[:, 0] - pixels[:, 1]
    ink = pixels[redness >= np.percentile(redness, 97)].mean(axis=0)
    hsv = cv2.cvtColor(np.uint8([[np.round(ink)]]), cv2.COLOR_RGB2HSV_FULL)[0, 0].astype(float)
    hue = hsv[0] * 360 / 256
    return float(hue - 360 if hue > 180 else hue), float(hsv[1] / 255)


def page_pixels(data: bytes, dpi: float = 100) -> np.ndarray:
    with load_pdf("out.pdf", data, load_profile("base").section("pdf")) as document:
        return document.render(1, dpi)


@pytest.mark.parametrize("name", list(VIEWS))
def test_the_sheet_is_found_within_a_few_pixels(name):
    _, photo, truth, _ = scene(name)
    sheet = find_sheet(photo)
    found = np.asarray(sheet.corners)
    # each true corner has a found one near it (the order follows the frame, not the page)
    error = max(np.hypot(*(found - corner).T).min() for corner in truth)
    diagonal = np.hypot(*(truth[2] - truth[0]))
    assert error <= 0.01 * diagonal, (error, diagonal)
    assert sheet.coverage < 0.6 and sheet.border_outside > 0.9 and sheet.edge_share > 0.9
    assert sheet.contrast > (15 if VIEWS[name].desk == "laminate" else 60)


@pytest.mark.parametrize("name", list(VIEWS))
def test_a_desk_photo_becomes_an_a4_page_that_passes(name, profile):
    photo = scene(name)[1]
    fixed = images_to_pdf([("IMG_2041.jpg", jpeg(photo))], profile)
    [facts] = fixed.pages
    assert facts.sheet_cut and facts.dpi_source == "sheet"
    with load_pdf("out.pdf", fixed.data, profile.section("pdf")) as document:
        [shown] = list(document.pages())
    assert shown.size == (pytest.approx(A4_PT[0], abs=1.5), pytest.approx(A4_PT[1], abs=1.5))
    assert shown.scan.turn == 0 and abs(shown.scan.skew) < 1.0 and shown.scan.sheet.coverage > 0.95
    findings = check_pdf_bytes("out.pdf", fixed.data, profile, "original")
    # thumbs over the sheet's edges are on the page made: fix cannot take them away, and the check says so
    expected = ["pdf.cut-off"] if VIEWS[name].fingers else []
    assert sorted({f.rule for f in findings} - {"pdf.low-resolution"}) == expected


def test_the_seal_stays_red_and_the_paper_turns_white(profile):
    page, photo, corners, drawn = scene("leaning")
    fixed = images_to_pdf([("IMG_2042.jpg", jpeg(photo))], profile)
    after = page_pixels(fixed.data, 150)
    before = np.asarray(straighten(Image.fromarray(photo), corners, (after.shape[1], after.shape[0])))  # not cleaned
    scale = after.shape[1] / page.shape[1]
    x0, y0, x1, y1 = (round(v * scale) for v in drawn)
    cleaned = np.asarray(clean_paper(Image.fromarray(before), 0.9))  # what fix does to it, before the JPEG
    hue_drawn, saturation_drawn = seal_colour(page[drawn[1]:drawn[3], drawn[0]:drawn[2]])
    hue_before, _ = seal_colour(before[y0:y1, x0:x1])
    hue_cleaned, saturation_cleaned = seal_colour(cleaned[y0:y1, x0:x1])
    hue_after, saturation_after = seal_colour(after[y0:y1, x0:x1])
    # the lamp's warm light turned the seal towards orange; evened, it is the red it was printed in again
    assert abs(hue_drawn) < 20 and abs(hue_cleaned - hue_drawn) <= 3 and abs(hue_after - hue_drawn) <= 6
    assert abs(hue_before - hue_drawn) > abs(hue_cleaned - hue_drawn)
    # as saturated as printed, but for the photo's own blur (and, in the PDF, the JPEG's halved colour resolution)
    assert saturation_cleaned >= 0.85 * saturation_drawn and saturation_after >= 0.75 * saturation_drawn
    # the lamp lit one side: after evening, the paper in each quarter of the page is white
    h, w = after.shape[:2]
    grey = cv2.cvtColor(after, cv2.COLOR_RGB2GRAY)
    quarters = [grey[i * h // 2:(i + 1) * h // 2, j * w // 2:(j + 1) * w // 2] for i in range(2) for j in range(2)]
    assert min(float(np.percentile(q, 75)) for q in quarters) >= 245


def test_a_letter_sheet_is_sized_as_letter_and_an_odd_shape_keeps_its_own(profile):
    page = make_page("clean", 150, seed=7).rgb
    for shape, size_pt, source in (((1275, 1648), (612.0, 792.0), "sheet"), ((1240, 1500), None, "paper")):
        photo, _ = desk_photo(cv2.resize(page, shape, interpolation=cv2.INTER_AREA), VIEWS["straight-down"], 3,
                              frame=FRAME)
        fixed = images_to_pdf([("p.jpg", jpeg(photo))], profile)
        [facts] = fixed.pages
        with load_pdf("out.pdf", fixed.data, profile.section("pdf")) as document:
            [shown] = list(document.pages())
        assert facts.dpi_source == source and facts.sheet_cut
        if size_pt is not None:
            assert shown.size == (pytest.approx(size_pt[0], abs=1.5), pytest.approx(size_pt[1], abs=1.5))
        else:  # no listed format: its own shape, its long side [pdf.fix] paper_mm (A4's 297 mm)
            assert shown.size[1] == pytest.approx(841.9, abs=1.5)
            assert shown.size[0] / shown.size[1] == pytest.approx(1240 / 1500, abs=0.03)


def test_a_print_tilted_on_its_sheet_is_straightened_in_the_same_cut_with_paper_in_the_corners(profile):
    """The cut, the turn and the straightening are one warp (fix.sheet.straighten): the corners the straightening
    uncovers would show the desk beyond the sheet, and are painted the paper's colour instead."""
    page = make_page("clean", 150, seed=7).rgb
    h, w = page.shape[:2]
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), 2.0, 1.0)
    crooked = cv2.warpAffine(page, turn, (w, h), flags=cv2.INTER_CUBIC, borderValue=(255, 255, 255))
    photo, _ = desk_photo(crooked, VIEWS["straight-down"], 3, frame=FRAME)
    fixed = images_to_pdf([("crooked.jpg", jpeg(photo))], profile)
    [facts] = fixed.pages
    assert facts.sheet_cut and abs(facts.deskewed) >= 1.5
    with load_pdf("out.pdf", fixed.data, profile.section("pdf")) as document:
        [shown] = list(document.pages())
    assert shown.size == (pytest.approx(A4_PT[0], abs=1.5), pytest.approx(A4_PT[1], abs=1.5))
    assert abs(shown.scan.skew) < 0.5
    grey = cv2.cvtColor(page_pixels(fixed.data), cv2.COLOR_RGB2GRAY)
    corners = [grey[:8, :8], grey[:8, -8:], grey[-8:, :8], grey[-8:, -8:]]
    assert min(float(c.mean()) for c in corners) >= 240


def test_a_sheet_photo_stored_sideways_with_its_exif_turn_makes_the_same_page(profile):
    """Phones store a portrait photo sideways with EXIF orientation 6; the photo is decoded once, whole (OpenCV
    where it can), and turned as every viewer turns it."""
    photo = scene("leaning")[1]
    upright = images_to_pdf([("IMG_1.jpg", jpeg(photo))], profile)
    stored = Image.fromarray(np.ascontiguousarray(np.rot90(photo, 1)))  # 90° counter-clockwise, as the sensor saw it
    exif = stored.getexif()
    exif[0x0112] = 6
    out = io.BytesIO()
    stored.save(out, "JPEG", quality=90, exif=exif.tobytes())
    turned = images_to_pdf([("IMG_2.jpg", out.getvalue())], profile)
    [a], [b] = upright.pages, turned.pages
    assert b.exif_orientation == 6 and b.sheet_cut
    assert (b.size_px, b.dpi, b.turned) == (a.size_px, a.dpi, a.turned)
    difference = np.abs(page_pixels(upright.data).astype(int) - page_pixels(turned.data).astype(int))
    assert float(difference.mean()) < 2.0


def test_on_a_light_desk_only_a_sheet_whose_outline_follows_its_edge_counts(profile):
    """Paper in the shade no brighter than a light desk in the light: a threshold alone joins them (the region it
    gives follows no edge); the sheet found by its edge is one, the threshold's region is not."""
    cfg = profile.section("pdf").sheet
    sheet = find_sheet(scene("light-desk")[1])
    assert sheet.contrast < cfg.min_contrast and sheet.edge_share > cfg.light_desk_edge_share
    assert sheet.surrounded(cfg)
    assert replace(sheet, edge_share=cfg.light_desk_edge_share).surrounded(cfg)  # the bound, inclusive
    assert not replace(sheet, edge_share=cfg.light_desk_edge_share - 1e-4).surrounded(cfg)
    leaning = find_sheet(scene("leaning")[1])  # a dark desk: contrast enough, an outline that follows an edge
    assert replace(leaning, edge_share=cfg.min_edge_share).surrounded(cfg)
    assert not replace(leaning, edge_share=cfg.min_edge_share - 1e-4).surrounded(cfg)
    # a near-white desk under light falling off to one side: the threshold's region runs across the light
    photo, truth = desk_photo(scene("light-desk")[0], View(tilt=20, turn=10, desk="laminate", light=0.6), seed=3,
                              frame=FRAME)
    astray = find_sheet(photo)
    assert np.abs(np.asarray(astray.corners) - truth).max() > 100 and not astray.surrounded(cfg)


def test_formats_are_matched_by_shape_first_listed_first():
    formats = ((210, 297), (148, 210), (176, 250), (216, 279))
    assert match_format(1414, 1000, formats, 0.04) == (210, 297)  # A4, A5 and B5 share it: the first listed
    assert match_format(1292, 1000, formats, 0.04) == (216, 279)
    assert match_format(1350, 1000, formats, 0.04) is None  # between A4 and letter: neither
    assert match_format(1414 * 1.04, 1000, formats, 0.04) == (210, 297)  # the tolerance, inclusive
    assert match_format(1414 * 1.05, 1000, formats, 0.04) is None


# --- pdf.photographed-page ---------------------------------------------------------------------------------------

def photo_pdf(name: str = "leaning") -> bytes:
    """What `fix` used to make of a desk photo, and what other tools still do: the whole frame as the page."""
    return img2pdf.convert(jpeg(scene(name)[1], dpi=(150, 150)))


def scan_pdf() -> bytes:
    return img2pdf.convert(jpeg(make_page("clean", 150, seed=8).rgb, dpi=(150, 150)))


def photographed(data: bytes, profile):
    return [f for f in check_pdf_bytes("材料.pdf", data, profile, "original") if f.rule == "pdf.photographed-page"]


REAL = Path(__file__).resolve().parents[2] / "shared" / "real-scans"


@pytest.mark.skipif(not REAL.is_dir(), reason="the real scans live in ../shared/real-scans (absent here)")
@pytest.mark.parametrize("name", ["linn.pdf", "skew.pdf", "cardinal.pdf", "c02-22.pdf", "epson.pdf"])
def test_real_scans_are_not_taken_for_photos(name, profile):
    assert photographed((REAL / name).read_bytes(), profile) == []


def test_a_desk_photo_as_a_page_is_warned_about_and_a_scan_is_not(profile):
    [finding] = photographed(photo_pdf(), profile)
    assert finding.severity == "warning" and finding.page == 1
    assert finding.measured["sheet_share"] < 0.6 and finding.measured["border_outside"] > 0.9
    assert "docprep fix" in finding.message.en and "docprep fix" in finding.message.zh
    assert "%" in finding.message.en and finding.box is not None
    assert photographed(scan_pdf(), profile) == []


@pytest.mark.parametrize("key, measured, outside, view", [
    ("max_share", "sheet_share", -1e-4, "leaning"), ("min_border", "border_outside", 1e-4, "leaning"),
    ("min_contrast", "contrast", 0.1, "leaning"), ("light_desk_contrast", "contrast", 0.1, "light-desk")])
def test_the_warning_s_bounds_are_inclusive(key, measured, outside, view, tmp_path):
    base = load_profile(write_profile(tmp_path, "base.toml"))
    [finding] = photographed(photo_pdf(view), base)
    value = finding.measured[measured]
    # min_contrast alone: the light desk's way (a fainter paper with its edge all round) closed
    also = "light_desk_contrast = 255\n" if key == "min_contrast" else ""
    at = load_profile(write_profile(tmp_path, "at.toml", f"[pdf.sheet]\n{key} = {value}\n{also}"))
    past = load_profile(write_profile(tmp_path, "past.toml", f"[pdf.sheet]\n{key} = {value + outside}\n{also}"))
    assert len(photographed(photo_pdf(view), at)) == 1
    assert photographed(photo_pdf(view), past) == []


def test_the_fix_writes_the_page_and_says_the_sheet_was_cut_out(profile, tmp_path):
    from docprep.fix.scan import fix_scans

    source = tmp_path / "荣誉证书照片.jpg"
    source.write_bytes(jpeg(scene("leaning")[1]))
    low = load_profile(write_profile(tmp_path, "low.toml", "[pdf.resolution]\nerror_below_dpi = 50.0\n"
                                                           "warn_below_dpi = 50.0\n"))  # a small test photo
    result = fix_scans([source], tmp_path / "荣誉证书.pdf", low, "original")
    assert result.written and [f.rule for f in result.report.findings] == []
    [change] = result.report.changes
    assert change.action == "pdf.sheet-cut" and change.measured["page"] == 1
    assert "荣誉证书照片.jpg" in change.message.zh and "cut out" in change.message.en


def test_corners_far_outside_the_frame_are_measured_without_running_out_of_memory():
    """Lines fitted to a sliver's outline can meet 10^12 pixels away: the outline is sampled no more densely than
    the frame's perimeter allows (a pixel apart, it took every byte of memory)."""
    from docprep.analysis.sheet import _edge_share

    edges = np.zeros((400, 300), np.uint8)
    edges[:, 10] = 255
    far = np.array([[10.0, 0.0], [1e12, 0.0], [1e12, 1e12], [10.0, 1e12]])
    assert 0.0 < _edge_share(edges, far) <= 1.0
