"""`--annotate` pictures (docprep.annotate): one PNG per analysed page, the page at the requested resolution with
the marks docprep found, where it looked, and the findings drawn on. Colours are checked on the drawn outlines."""
from __future__ import annotations

import numpy as np
import pytest
from pdf_fixtures import page, pdf_from_images
from PIL import Image

from docprep.analysis.marks import PageMarks
from docprep.documents.pdf import load_pdf
from docprep.i18n import Text
from docprep.model import Finding, Severity
from docprep.render.annotate import write_annotations

SCAN = pdf_from_images([page(150), page(150, seed=1)], 150)
# Boxes in page points (x, y, width, height), on the test page away from its red seal.
SEAL_BOX = (80.0, 200.0, 120.0, 90.0)
WORDS_BOX = (260.0, 200.0, 150.0, 40.0)
DATE_BOX = (260.0, 300.0, 150.0, 30.0)
SEARCHED_BOX = (20.0, 400.0, 300.0, 100.0)  # its left edge in the blank margin: grey is not text
FINDING_BOX = (100.0, 600.0, 200.0, 60.0)


@pytest.fixture(scope="module")
def loaded(profile):
    """The two pages, measured once for the module (measuring is the slow part)."""
    with load_pdf("scan.pdf", SCAN, profile.section("pdf")) as document:
        list(document.pages())
        yield document


@pytest.fixture
def document(loaded):
    """The loaded document with no marks on its pages; a test sets the marks it draws."""
    for measured in loaded.pages():
        measured.marks = None
    return loaded


def finding(rule: str, page: int | None, box=None, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(rule, severity, Text("测试", "a test finding"), page=page, box=box)


def first_page(document):
    return next(document.pages())


def edge_pixels(picture: Image.Image, page_size: tuple[float, float], box) -> list[tuple[int, int, int]]:
    """The colours across the middle of the box's left edge, two pixels either side (labels sit above the top
    edge, so only the outline is there)."""
    x, y, _, h = box
    sx, sy = picture.width / page_size[0], picture.height / page_size[1]
    column, row = round(x * sx), round((y + h / 2) * sy)
    return [picture.getpixel((column + dx, row)) for dx in range(-2, 3)]


def centre_pixel(picture: Image.Image, page_size: tuple[float, float], box) -> tuple[int, int, int]:
    x, y, w, h = box
    sx, sy = picture.width / page_size[0], picture.height / page_size[1]
    return picture.getpixel((round((x + w / 2) * sx), round((y + h / 2) * sy)))


def is_blue(rgb) -> bool:
    r, g, b = rgb
    return b > 180 and r < 80


def is_purple(rgb) -> bool:
    r, g, b = rgb
    return r > 110 and b > 160 and g < 80


def is_grey(rgb) -> bool:
    r, g, b = rgb
    return max(rgb) - min(rgb) < 20 and 120 < r < 200


def is_green(rgb) -> bool:
    r, g, b = rgb
    return g > 130 and r < 80 and b < 120


def is_red(rgb) -> bool:
    r, g, b = rgb
    return r > 180 and g < 80 and b < 80


def is_orange(rgb) -> bool:
    r, g, b = rgb
    return r > 200 and 90 < g < 170 and b < 60


def test_one_picture_per_page_named_by_stem_and_page_number_in_a_new_folder(document, tmp_path):
    out_dir = tmp_path / "new" / "annotated"
    written = write_annotations(document, [], out_dir, "scan")
    assert written == [out_dir / "scan-p001.png", out_dir / "scan-p002.png"]
    assert sorted(p.name for p in out_dir.iterdir()) == ["scan-p001.png", "scan-p002.png"]


@pytest.mark.parametrize("dpi", [50, 100])
def test_a_picture_is_the_page_at_the_requested_resolution(document, tmp_path, dpi):
    written = write_annotations(document, [], tmp_path, "scan", dpi=dpi)
    width_pt, height_pt = first_page(document).size
    with Image.open(written[0]) as picture:
        assert picture.format == "PNG"
        assert abs(picture.width - width_pt * dpi / 72) <= 2
        assert abs(picture.height - height_pt * dpi / 72) <= 2


def test_a_seal_is_outlined_in_green_and_an_error_box_in_red(document, tmp_path):
    first_page(document).marks = PageMarks(seals=(SEAL_BOX,))
    written = write_annotations(document, [finding("pdf.test", 1, FINDING_BOX)], tmp_path, "scan")
    size = first_page(document).size
    with Image.open(written[0]) as png:
        picture = png.convert("RGB")
    assert any(map(is_green, edge_pixels(picture, size, SEAL_BOX)))
    assert any(map(is_red, edge_pixels(picture, size, FINDING_BOX)))
    assert not is_red(centre_pixel(picture, size, FINDING_BOX))  # an outline, not a filled box


def test_a_warning_box_is_orange_and_drawn_on_its_own_page_only(document, tmp_path):
    warning = finding("pdf.test", 2, FINDING_BOX, Severity.WARNING)
    written = write_annotations(document, [warning], tmp_path, "scan")
    size = first_page(document).size
    with Image.open(written[0]) as one, Image.open(written[1]) as two:
        assert not any(map(is_orange, edge_pixels(one.convert("RGB"), size, FINDING_BOX)))
        assert any(map(is_orange, edge_pixels(two.convert("RGB"), size, FINDING_BOX)))


def test_the_words_their_date_and_the_searched_areas_have_their_own_colours(document, tmp_path):
    first_page(document).marks = PageMarks(words=WORDS_BOX, words_text="核对无误", words_source="ocr",
                                           searched=(SEARCHED_BOX,), date=DATE_BOX, date_zone=(40, 180, 400, 160))
    written = write_annotations(document, [], tmp_path, "scan")
    size = first_page(document).size
    with Image.open(written[0]) as png:
        picture = png.convert("RGB")
    assert any(map(is_blue, edge_pixels(picture, size, WORDS_BOX)))
    assert any(map(is_purple, edge_pixels(picture, size, DATE_BOX)))
    assert any(map(is_grey, edge_pixels(picture, size, SEARCHED_BOX)))


def test_findings_without_a_box_are_listed_in_a_banner_above_their_page(document, tmp_path):
    plain = write_annotations(document, [], tmp_path / "plain", "scan", dpi=50)
    # a document-level finding has no page to draw its box on, so it is listed even with one
    findings = [finding("pdf.document-level", None, SEARCHED_BOX), finding("pdf.page-two", 2),
                finding("pdf.boxed", 1, FINDING_BOX)]
    written = write_annotations(document, findings, tmp_path / "annotated", "scan", dpi=50)
    heights = []
    for before, after in zip(plain, written):
        with Image.open(before) as a, Image.open(after) as b:
            assert a.width == b.width
            heights.append(b.height - a.height)
            banner = np.asarray(b.convert("RGB"))[: b.height - a.height]
            r, g, b = banner[..., 0].astype(int), banner[..., 1].astype(int), banner[..., 2].astype(int)
            assert ((r > 180) & (g < 80) & (b < 80)).any()  # the finding's line, in red
    assert heights[0] == heights[1] > 0  # one line each: the boxed finding is drawn on the page, not listed


def test_a_page_without_marks_or_findings_is_the_plain_render(document, tmp_path):
    written = write_annotations(document, [finding("pdf.test", 1, FINDING_BOX)], tmp_path, "scan")
    with Image.open(written[1]) as png:
        assert np.array_equal(np.asarray(png.convert("RGB")), document.render(2, 100))


def test_a_page_that_cannot_be_rendered_gets_no_picture_and_no_error(document, tmp_path, monkeypatch):
    render = document.render

    def failing(number, dpi):
        if number == 2:
            raise RuntimeError("PDFium cannot draw this page")
        return render(number, dpi)

    monkeypatch.setattr(document, "render", failing)
    written = write_annotations(document, [finding("pdf.test", 2)], tmp_path, "scan")
    assert written == [tmp_path / "scan-p001.png"]
    assert [p.name for p in tmp_path.iterdir()] == ["scan-p001.png"]


# --- through the command line -------------------------------------------------------------------------------------

def test_check_annotate_writes_readable_pictures_and_reports_them(tmp_path, capsys):
    import json
    import os
    import sys

    from docprep.cli import main

    source = tmp_path / "学位证书.pdf"
    source.write_bytes(pdf_from_images([page(200)], 200))
    out = tmp_path / "pictures"
    with pytest.raises(SystemExit) as exit_:
        main(["check", str(source), "--annotate", str(out), "--kind", "original", "--format", "json"])
    entry = json.loads(capsys.readouterr().out)["files"][0]
    assert exit_.value.code == 0 and entry["attachment_kind"] == "original"
    assert entry["annotations"] == [str(out / "学位证书-p001.png")]
    assert Image.open(out / "学位证书-p001.png").size[0] > 500
    if sys.platform != "win32":  # not the temporary file's private 0600: others on a shared drive can read it
        umask = os.umask(0)
        os.umask(umask)
        assert (out / "学位证书-p001.png").stat().st_mode & 0o777 == 0o666 & ~umask


def test_same_named_files_in_different_folders_get_distinct_pictures():
    from pathlib import Path

    from docprep.engine.run import annotation_stems

    paths = [Path("a/证书.pdf"), Path("b/证书.pdf"), Path("b/聘书.pdf"), Path("c/a/x.pdf"), Path("d/a/x.pdf")]
    stems = annotation_stems(paths)
    assert stems[:3] == ["a_证书", "b_证书", "聘书"]
    assert len(set(stems)) == len(stems)
