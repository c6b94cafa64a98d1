"""`--annotate` pictures (docprep.render.annotate): one PNG per analysed page, the page at the requested resolution
with the marks docprep found, where it looked, and the findings drawn on, lettered in the report's language with the
shipped CJK font. Colours are checked on the drawn outlines; lettering by comparing its ink with the same text drawn
in that font."""
from __future__ import annotations

import ast
import io
import sys
from fnmatch import fnmatch
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from pdf_fixtures import page, pdf_from_images
from PIL import Image, ImageDraw, ImageFont

from docprep.analysis.marks import PageMarks
from docprep.documents.pdf import load_pdf
from docprep.i18n import Text
from docprep.model import Finding, Severity
from docprep.render.annotate import lettering, wrap, write_annotations

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
FONTS = resources.files("docprep.render").joinpath("fonts")
FONT_FILE = "NotoSansSC-docprep.otf"

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


# --- lettering: the banner and the labels in the report's language ------------------------------------------------

def banner_ink(picture_path: Path, document, number: int, dpi: float) -> np.ndarray:
    """Where the banner above page `number` has red (error) lettering: pixels at least half inked."""
    plain_height = document.render(number, dpi).shape[0]
    with Image.open(picture_path) as png:
        rgb = np.asarray(png.convert("RGB")).astype(int)
    banner = rgb[: rgb.shape[0] - plain_height]
    return (banner[..., 0] > 150) & (banner[..., 1] < 129) & (banner[..., 2] < 129)


def cropped(mask: np.ndarray) -> np.ndarray:
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return mask[rows[0]: rows[-1] + 1, cols[0]: cols[-1] + 1]


def written_in(font: ImageFont.FreeTypeFont, text: str) -> np.ndarray:
    """`text` drawn in `font` on its own, inked where at least half covered."""
    canvas = Image.new("L", (round(font.getlength(text)) + 4 * font.size, 3 * font.size), 0)
    ImageDraw.Draw(canvas).text((font.size, font.size), text, fill=255, font=font)
    return np.asarray(canvas) > 127


def shipped_font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(io.BytesIO(FONTS.joinpath(FONT_FILE).read_bytes()), size)


def likeness(ink: np.ndarray, text: str, font=shipped_font) -> float:
    """How well the lettering `ink` matches `text` drawn in `font(size)` at a size that fits its width: the overlap
    of the two inks over their union (1.0: the same pixels)."""
    best = 0.0
    ink = cropped(ink)
    for size in range(10, 40):
        reference = cropped(written_in(font(size), text))
        if abs(reference.shape[1] - ink.shape[1]) > 2 or abs(reference.shape[0] - ink.shape[0]) > 2:
            continue
        rows, cols = min(ink.shape[0], reference.shape[0]), min(ink.shape[1], reference.shape[1])
        a, b = ink[:rows, :cols], reference[:rows, :cols]
        best = max(best, (a & b).sum() / (a | b).sum())
    return best


@pytest.mark.parametrize("lang, message, expected", [
    ("zh", Text("没有找到“核对无误”等字样，请补上", ""), "pdf.test（第 1 页）：没有找到“核对无误”等字样，请补上"),
    ("en", Text("", "No “verification” words, 2 × 3 mm ≥ 5"),
     "pdf.test (page 1): No “verification” words, 2 × 3 mm ≥ 5"),
    # a character outside the subset is drawn as □, not as an empty box or a question mark, and does not crash
    ("zh", Text("核对\U00020000无误✗", ""), "pdf.test（第 1 页）：核对□无误□"),
], ids=["chinese", "english", "outside-the-subset"])
def test_a_finding_without_a_box_is_lettered_in_the_report_language(document, tmp_path, lang, message, expected):
    unplaced = Finding("pdf.test", Severity.ERROR, message, page=1)
    written = write_annotations(document, [unplaced], tmp_path, "scan", lang=lang)
    ink = banner_ink(written[0], document, 1, 100)
    assert likeness(ink, expected) > 0.9
    # the measure tells fonts apart: the same line in Pillow's own font (the pictures' font before) does not match
    assert likeness(ink, expected, lambda size: ImageFont.load_default(size=size)) < 0.7


def test_a_long_message_wraps_within_the_picture(document, tmp_path):
    short = write_annotations(document, [finding("pdf.test", 1)], tmp_path / "short", "scan")
    text = Text("第 1 页没有找到“核对无误”等核对字样，请人事部门核对原件后写明“核对无误”、签名并注明日期。" * 4, "")
    long_finding = Finding("pdf.test", Severity.ERROR, text, page=1)
    long = write_annotations(document, [long_finding], tmp_path / "long", "scan")
    short_ink, long_ink = (banner_ink(path[0], document, 1, 100) for path in (short, long))
    assert long_ink.shape[0] > 2 * short_ink.shape[0]  # several lines, not one line cut at the edge
    right = np.flatnonzero(long_ink.any(axis=0))[-1]
    assert right < long_ink.shape[1] - 4  # within the margin


def test_wrapping_breaks_between_words_and_characters_never_before_closing_punctuation():
    font = lettering(15)
    text = "pdf.missing-verification（第 1 页）：没有找到“核对无误”等字样（查找过的区域记在报告的 box 中）。" * 3
    lines = wrap(text, font, 200)
    assert len(lines) > 3
    assert all(font.getlength(line) <= 200 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line[0] in "，。、：；！？）》”" for line in lines)
    assert wrap("averyveryveryveryverylongwordwithoutanyspace", font, 60)  # cut, not an endless loop


def test_box_labels_are_in_the_report_language(document, tmp_path):
    first_page(document).marks = PageMarks(seals=(SEAL_BOX,))
    zh, en = (write_annotations(document, [], tmp_path / lang, "scan", lang=lang)[0] for lang in ("zh", "en"))
    with Image.open(zh) as a, Image.open(en) as b:
        x, y, w, _ = SEAL_BOX
        scale = a.width / first_page(document).size[0]
        above = (round(x * scale), round((y - 20) * scale), round((x + w) * scale), round(y * scale) + 1)
        label_zh, label_en = (np.asarray(picture.convert("RGB").crop(above)).astype(int) for picture in (a, b))
    # green lettering at least half inked on the label's white (the page's black print around it is not green),
    # without the box's top edge (a row green across most of the box)
    green = [(label[..., 0] < 128) & (label[..., 1] - label[..., 0] > 40) for label in (label_zh, label_en)]
    green = [mask[mask.mean(axis=1) < 0.5] for mask in green]
    assert likeness(green[0], "印章") > 0.9 and likeness(green[1], "seal") > 0.9


# --- the font: shipped in the package, covering every message ----------------------------------------------------

def shipped_characters() -> set[str]:
    return set(FONTS.joinpath("characters.txt").read_text(encoding="utf-8").rstrip("\n"))


def test_the_font_loads_from_the_installed_package():
    assert FONTS.joinpath(FONT_FILE).is_file() and FONTS.joinpath("OFL.txt").is_file()
    font = lettering(20)
    assert font.getname() == ("Noto Sans CJK SC", "Regular")
    assert font.getlength("核对无误") == 80  # four full-width characters of 20 px


def test_the_wheel_ships_the_font_its_characters_and_licence_but_no_script():
    """docprep/render/fonts is a package of data: setuptools ships its listed files, and any module in it."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "docprep.render.fonts" in setuptools["packages"]
    folder = ROOT / "docprep" / "render" / "fonts"
    patterns = setuptools["package-data"]["docprep.render.fonts"]
    shipped = {path.name for path in folder.iterdir() if any(fnmatch(path.name, pattern) for pattern in patterns)}
    assert {FONT_FILE, "characters.txt", "OFL.txt", "SOURCES.md"} <= shipped
    assert not list(folder.glob("*.py"))


def test_every_character_of_docprep_messages_is_in_the_font():
    """Rule texts, the catalogues and the profiles: a message must never show □. When this fails, run
    tests/fixtures/fonts/make_package_font.py (it reads the same sources)."""
    used = set()
    for path in (ROOT / "docprep" / "rules").glob("*.py"):
        used |= {char for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(node, ast.Constant) and isinstance(node.value, str) for char in node.value}
    for path in [*(ROOT / "docprep" / "i18n").glob("*.toml"), *(ROOT / "profiles").glob("*.toml")]:
        used |= set(path.read_text(encoding="utf-8"))
    missing = {char for char in used if not char.isspace() and char.isprintable()} - shipped_characters()
    assert not missing, f"not in {FONT_FILE}: {''.join(sorted(missing))}; run tests/fixtures/fonts/make_package_font.py"


def test_the_character_list_is_the_font_s_own():
    from fontTools.ttLib import TTFont  # in the test extra: a missing install fails here rather than skipping

    font = TTFont(io.BytesIO(FONTS.joinpath(FONT_FILE).read_bytes()))
    assert {chr(code) for code in font.getBestCmap()} == shipped_characters()


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


@pytest.mark.parametrize("options, lang", [([], "zh"), (["--lang", "en"], "en")])
def test_check_letters_the_pictures_in_the_report_language(tmp_path, monkeypatch, capsys, options, lang):
    import docprep.render.annotate as annotate
    from docprep.cli import main

    asked = []
    monkeypatch.delenv("DOCPREP_LANG", raising=False)
    monkeypatch.setattr(annotate, "write_annotations", lambda *args, lang: asked.append(lang) or [])
    source = tmp_path / "证书.pdf"
    source.write_bytes(pdf_from_images([page(100)], 100))
    with pytest.raises(SystemExit):
        main(["check", str(source), "--annotate", str(tmp_path / "pictures"), *options])
    assert asked == [lang]


def test_same_named_files_in_different_folders_get_distinct_pictures():
    from pathlib import Path

    from docprep.engine.run import annotation_stems

    paths = [Path("a/证书.pdf"), Path("b/证书.pdf"), Path("b/聘书.pdf"), Path("c/a/x.pdf"), Path("d/a/x.pdf")]
    stems = annotation_stems(paths)
    assert stems[:3] == ["a_证书", "b_证书", "聘书"]
    assert len(set(stems)) == len(stems)
