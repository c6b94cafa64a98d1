"""`docprep fix` for scans: images -> one PDF that passes `check`. Pages built at test time (tests/pdf_fixtures.py:
black text on paper with a red round seal), then photographed askew, turned, saved as PNG, TIFF, 72 dpi...; each
result is measured with the same code `check` uses (docprep.pdfdoc / pagescan). Inputs are never modified; what
cannot be fixed is refused with its rule, writing nothing."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from pdf_fixtures import degrade, page
from PIL import Image, ImageCms
from pypdf import PdfReader

from docprep.cli import main as cli_main
from docprep.documents.pdf import load_pdf
from docprep.engine import check_pdf_bytes
from docprep.fix.scan import DpiSource, PageEncoding, PageFacts, ScanFixResult, ScanRefusal, fix_scans, images_to_pdf
from docprep.model import FileReport, FileType, Severity
from docprep.profiles.loader import load_profile
from docprep.render.fix import scan_summary
from docprep.rules import REGISTRY

# The rules this file's pages are meant to pass. Rules added later (the verification marks: seal, 核对无误, date)
# are switched off in the test profile: these pages carry no verification words, and marks are not fix's business.
SCAN_RULES = {"pdf.not-pdf", "pdf.encrypted", "pdf.empty", "pdf.unreadable", "pdf.file-size", "pdf.page-count",
              "pdf.active-content", "pdf.low-resolution", "pdf.blank-page", "pdf.blurry-page", "pdf.exposure",
              "pdf.skew", "pdf.rotation", "pdf.cut-off", "pdf.color"}
TABLE = (92, 84, 76)  # the desk a phone photo shows around the paper
A4_LONG_IN = 297 / 25.4  # zj-2021's [pdf.fix] paper_mm


def write_profile(folder: Path, name: str, extra: str = "") -> Path:
    later = sorted(r for r in REGISTRY if r.startswith("pdf.") and r not in SCAN_RULES)
    rules = "".join(f'"{r}" = "off"\n' for r in later)
    path = folder / name
    path.write_text(f'extends = "zj-2021"\n{extra}\n[rules]\n{rules}', encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("scanfix")


@pytest.fixture(scope="module")
def profile_path(folder) -> Path:
    return write_profile(folder, "scans.toml")


@pytest.fixture(scope="module")
def profile(profile_path):
    return load_profile(profile_path)


def jpeg(image: Image.Image, quality: int = 88, dpi=(200, 200), **options) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, **({"dpi": dpi} if dpi else {}), **options)
    return out.getvalue()


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def phone_photo(image: Image.Image, degrees: float) -> Image.Image:
    """The page lying on a desk, photographed tilted `degrees` clockwise."""
    desk = Image.new("RGB", (image.width + 240, image.height + 200), TABLE)
    desk.paste(image, (120, 100))
    return desk.rotate(-degrees, Image.BICUBIC, fillcolor=TABLE)


def measured(data: bytes, profile):
    """Each page of a PDF as `check` measures it (pdfdoc: image placement, pagescan figures)."""
    with load_pdf("out.pdf", data, profile.section("pdf")) as document:
        return list(document.pages())


def errors(findings) -> list[str]:
    return [f.rule for f in findings if f.severity is Severity.ERROR]


def page_image(data: bytes, number: int = 0):
    """The image XObject on a page: (its dictionary, its stream bytes as stored)."""
    xobjects = PdfReader(io.BytesIO(data)).pages[number]["/Resources"]["/XObject"]
    [image] = [xobjects[name].get_object() for name in xobjects]
    return image, image.get_data()  # DCTDecode data comes back as stored (pypdf does not decode JPEG)


def one_bit_pixels(data: bytes, number: int) -> bytes:
    """A one-bit page image's packed bits as qpdf decodes them (pikepdf). pypdf 7 undoes the PNG predictor of a
    one-bit image wrongly (it reads a different first row); qpdf and PDFium, which `check` decodes with, agree."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        xobjects = pdf.pages[number].Resources.XObject
        [image] = [xobjects[name] for name in xobjects.keys()]
        return image.read_bytes()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def red_pixels(rgb: np.ndarray) -> int:
    r, g, b = (rgb[..., i].astype(int) for i in range(3))
    return int(((r > 150) & (g < 100) & (b < 100)).sum())


# --- pages: upright, straight, resolution ---------------------------------------------------------------------

def test_a_skewed_phone_photo_comes_out_straight(profile):
    picture = phone_photo(page(200, seed=4), 4.0)
    fixed = images_to_pdf([("photo.jpg", jpeg(picture, dpi=None))], profile)  # phones state no scan resolution
    [facts] = fixed.pages
    # the desk round the sheet is cut away (fix.sheet; tests/test_docphoto.py): the tilt goes with it
    assert facts.sheet_cut and facts.deskewed == 0.0 and facts.encoding == "jpeg"
    # no resolution stated: the sheet's shape is A4's, which sizes the page (before issue 12: the whole frame)
    assert facts.dpi_source == "sheet" and facts.dpi == pytest.approx(200, rel=0.02)
    [shown] = measured(fixed.data, profile)
    assert abs(shown.scan.skew) < 1.0 and shown.scan.turn == 0
    assert shown.size == (pytest.approx(595.3, abs=1.5), pytest.approx(841.9, abs=1.5))
    assert errors(check_pdf_bytes("out.pdf", fixed.data, profile)) == []


def test_a_skewed_scan_comes_out_straight_within_its_page(profile):
    picture = degrade(page(200, seed=4), "skew", 4.0)  # paper to the edges: no sheet to cut out
    fixed = images_to_pdf([("scan.jpg", jpeg(picture, dpi=None))], profile)
    [facts] = fixed.pages
    assert facts.deskewed == pytest.approx(4.0, abs=0.3) and facts.encoding == "jpeg" and not facts.sheet_cut
    assert facts.dpi_source == "paper" and facts.dpi == pytest.approx(picture.height / A4_LONG_IN, abs=0.01)
    [shown] = measured(fixed.data, profile)
    assert abs(shown.scan.skew) < 1.0 and shown.scan.turn == 0
    assert errors(check_pdf_bytes("out.pdf", fixed.data, profile)) == []


@pytest.mark.parametrize("turned, correction", [(90, 270), (180, 180), (270, 90)])
def test_a_turned_page_comes_out_upright(turned, correction, profile):
    source = jpeg(degrade(page(200, seed=5), "turn", turned))
    fixed = images_to_pdf([("turned.jpg", source)], profile)
    [facts] = fixed.pages
    assert facts.turned == correction and facts.size_px == (1654, 2338)
    # a quarter or half turn is lossless: the JPEG goes in unchanged, turned by the placement on the page
    assert facts.encoding == "original" and page_image(fixed.data)[1] == source
    [shown] = measured(fixed.data, profile)
    assert shown.scan.turn == 0 and not shown.scan.sideways and shown.size == (pytest.approx(595.4, abs=0.1),
                                                                                pytest.approx(841.7, abs=0.1))
    assert errors(check_pdf_bytes("out.pdf", fixed.data, profile)) == []


def test_a_clean_baseline_jpeg_is_embedded_byte_for_byte(profile):
    source = jpeg(page(200, seed=6), quality=80)
    fixed = images_to_pdf([("clean.jpg", source)], profile)
    assert fixed.pages[0].encoding == "original" and fixed.pages[0].quality is None
    image, stream = page_image(fixed.data)
    assert image["/Filter"] == "/DCTDecode" and image["/ColorSpace"] == "/DeviceRGB"
    assert stream == source
    [shown] = measured(fixed.data, profile)
    assert shown.image.dpi == 200 and shown.image.coverage == 1.0


def test_phone_exif_rotation_goes_into_the_placement_and_metadata_is_left_out(profile):
    """A phone stores the picture sideways with EXIF orientation 6 and its GPS position: the coded image is
    embedded unchanged (not re-encoded), shown upright, and the EXIF block (with the position) stays behind."""
    upright = page(200, seed=7)
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned 90° clockwise
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0)}  # GPS latitude
    source = jpeg(upright.transpose(Image.Transpose.ROTATE_90), exif=exif.tobytes(), dpi=(72, 72))
    fixed = images_to_pdf([("IMG_0001.jpg", source)], profile)
    [facts] = fixed.pages
    assert facts.exif_orientation == 6 and facts.turned == 0 and facts.encoding == "original"
    # the phone's 72 dpi would make a 0.8 m page: not believed; the picture is taken to show an A4 sheet
    assert facts.dpi_source == "paper" and facts.dpi == pytest.approx(2338 / A4_LONG_IN, abs=0.01)
    assert facts.size_px == upright.size
    _, stream = page_image(fixed.data)
    assert b"Exif" not in stream and b"Exif" not in fixed.data and len(stream) < len(source)
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(stream))), np.asarray(Image.open(io.BytesIO(source))))
    [shown] = measured(fixed.data, profile)
    assert shown.scan.turn == 0 and not shown.scan.sideways


def test_a_small_picture_without_a_resolution_is_not_passed_off_as_200_dpi(profile):
    """A picture forwarded through a chat app: 1286 pixels tall, no resolution. Taken as an A4 sheet it is
    110 dpi, and `check` says so."""
    fixed = images_to_pdf([("wechat.jpg", jpeg(page(110, seed=20), dpi=None))], profile)
    assert fixed.pages[0].dpi == pytest.approx(110, abs=0.5) and fixed.pages[0].dpi_source == "paper"
    assert errors(check_pdf_bytes("out.pdf", fixed.data, profile)) == ["pdf.low-resolution"]


def test_an_icc_profile_becomes_the_page_colour_space(profile):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = jpeg(page(200, seed=21), icc_profile=srgb)
    fixed = images_to_pdf([("scan.jpg", source)], profile)
    image, stream = page_image(fixed.data)
    assert fixed.pages[0].encoding == "original" and stream == source
    space = image["/ColorSpace"]
    assert space[0] == "/ICCBased" and space[1].get_object().get_data() == srgb
    assert errors(check_pdf_bytes("out.pdf", fixed.data, profile)) == []


def test_an_icc_profile_that_does_not_fit_the_channels_is_left_out(profile):
    """A Lab profile on RGB data would misdescribe the colours (img2pdf would embed it as the page's colour space):
    the JPEG goes in as it is without that segment, as plain DeviceRGB."""
    lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    source = jpeg(page(200, seed=21), icc_profile=lab)
    fixed = images_to_pdf([("scan.jpg", source)], profile)
    image, stream = page_image(fixed.data)
    assert fixed.pages[0].encoding == "original" and image["/ColorSpace"] == "/DeviceRGB"
    assert b"ICC_PROFILE" not in stream and len(stream) < len(source)
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(stream))), np.asarray(Image.open(io.BytesIO(source))))


def test_what_img2pdf_alone_would_get_wrong(profile):
    """Why fix.pdf leaves metadata out itself (fix.jpeg) and has img2pdf make each page alone: img2pdf embeds a
    phone JPEG with its EXIF block (the GPS position with it), and gives every page of one call the same turn."""
    img2pdf = pytest.importorskip("img2pdf")
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0)}  # GPS latitude
    phone = jpeg(page(200, seed=7).transpose(Image.Transpose.ROTATE_90), exif=exif.tobytes(), dpi=(72, 72))
    exif_block = Image.open(io.BytesIO(phone)).info["exif"]
    assert exif_block in img2pdf.convert(phone)
    assert exif_block not in images_to_pdf([("IMG_0001.jpg", phone)], profile).data
    upright, sideways = jpeg(page(200, seed=5)), jpeg(degrade(page(200, seed=5), "turn", 90))
    one_call = PdfReader(io.BytesIO(img2pdf.convert(upright, sideways, rotation=img2pdf.Rotation["270"])))
    assert [p.rotation for p in one_call.pages] == [270, 270]
    fixed = images_to_pdf([("upright.jpg", upright), ("sideways.jpg", sideways)], profile)
    assert [(p.turned, p.encoding) for p in fixed.pages] == [(0, "original"), (270, "original")]
    assert [p.rotation for p in PdfReader(io.BytesIO(fixed.data)).pages] == [0, 270]


def test_a_png_is_converted_keeping_its_colour(profile):
    source = encode(page(200, seed=8), "PNG", dpi=(200, 200))
    fixed = images_to_pdf([("scan.png", source)], profile)
    [facts] = fixed.pages
    assert facts.encoding == "jpeg" and facts.quality == 85 and facts.dpi == 200 and facts.dpi_source == "image"
    image, stream = page_image(fixed.data)
    assert image["/Filter"] == "/DCTDecode" and image["/ColorSpace"] == "/DeviceRGB"
    assert red_pixels(np.asarray(Image.open(io.BytesIO(stream)).convert("RGB"))) > 1000  # the seal is still red
    assert errors(check_pdf_bytes("out.pdf", fixed.data, profile)) == []


def test_grey_stays_grey_and_progressive_jpeg_is_re_encoded(profile):
    grey = jpeg(page(200, seed=9).convert("L"))
    progressive = jpeg(page(200, seed=9), progressive=True)
    fixed = images_to_pdf([("grey.jpg", grey), ("progressive.jpg", progressive)], profile)
    assert [p.encoding for p in fixed.pages] == ["original", "jpeg"]
    assert page_image(fixed.data, 0)[0]["/ColorSpace"] == "/DeviceGray"
    assert page_image(fixed.data, 1)[0]["/ColorSpace"] == "/DeviceRGB"


def test_a_multi_page_tiff_gives_a_page_per_frame_and_one_bit_stays_one_bit(profile):
    first, second = degrade(page(200, seed=10), "bitonal"), degrade(page(200, seed=11), "bitonal")
    source = encode(first, "TIFF", save_all=True, append_images=[second], compression="group4", dpi=(200, 200))
    fixed = images_to_pdf([("scan.tif", source)], profile)
    assert [(p.frame, p.encoding) for p in fixed.pages] == [(1, "bitonal"), (2, "bitonal")]
    image, _ = page_image(fixed.data, 1)
    assert image["/BitsPerComponent"] == 1 and image["/Filter"] == "/FlateDecode"
    assert one_bit_pixels(fixed.data, 1) == second.tobytes()  # lossless: the same packed bits (1 = white)
    found = check_pdf_bytes("out.pdf", fixed.data, profile)
    assert errors(found) == [] and {f.rule for f in found} == {"pdf.color"}  # black and white cannot show a seal


def test_heic_from_a_phone(folder):
    pillow_heif = pytest.importorskip("pillow_heif")
    try:
        source = encode(page(100, seed=12), "HEIF", quality=80)  # small (encoding HEIF is slow)...
    except (OSError, ValueError, KeyError) as exc:  # pragma: no cover - a libheif without an encoder
        pytest.skip(f"pillow-heif {pillow_heif.__version__} cannot encode HEIF here: {exc}")
    # ...so the sheet it shows is taken to be A5 (148 mm along its long side): 200 dpi
    profile = load_profile(write_profile(folder, "a5.toml", "[pdf.fix]\npaper_mm = 148.5\n"))
    fixed = images_to_pdf([("IMG_0002.HEIC", source)], profile)
    [facts] = fixed.pages
    assert facts.encoding == "jpeg" and facts.dpi == pytest.approx(200, abs=0.5)
    assert page_image(fixed.data)[0]["/ColorSpace"] == "/DeviceRGB"
    assert errors(check_pdf_bytes("out.pdf", fixed.data, profile)) == []


REAL = Path(__file__).resolve().parents[2] / "shared" / "real-scans"


@pytest.mark.skipif(not REAL.is_dir(), reason="the real scans live in ../shared/real-scans (absent here)")
def test_real_scans_turned_and_tilted_come_out_upright_and_straight(profile):
    """OCRmyPDF's real 300-dpi brochure page, turned 0/90/180/270 (cardinal.pdf) and tilted 1.8° (skew.pdf), as a
    scanner would save it: a JPEG per page at 200 dpi."""
    import pypdfium2 as pdfium

    images = []
    for name in ("cardinal.pdf", "skew.pdf"):
        pdf = pdfium.PdfDocument(REAL / name)
        for index in range(len(pdf)):
            images.append((f"{name}-{index + 1}.jpg", jpeg(pdf[index].render(scale=200 / 72).to_pil())))
        pdf.close()
    fixed = images_to_pdf(images, profile)
    assert [(p.turned, p.encoding) for p in fixed.pages[:4]] == [(0, "original"), (270, "original"),
                                                                 (180, "original"), (90, "original")]
    assert fixed.pages[4].deskewed == pytest.approx(1.8, abs=0.3)
    assert all(p.scan.turn == 0 and abs(p.scan.skew) < 1 for p in measured(fixed.data, profile))
    assert errors(check_pdf_bytes("out.pdf", fixed.data, profile)) == []


# --- compression ----------------------------------------------------------------------------------------------

def quantisation_sum(stream: bytes) -> int:
    return sum(Image.open(io.BytesIO(stream)).quantization[0])


def test_compression_lowers_quality_to_fit_and_keeps_the_seal(folder):
    profile = load_profile(write_profile(folder, "limit.toml", "[pdf.fix]\nmax_bytes = 380_000\n"))
    source = encode(page(200, seed=13), "PNG", dpi=(200, 200))
    fixed = images_to_pdf([("scan.png", source)], profile)
    [facts] = fixed.pages
    assert fixed.compressed and fixed.limit == 380_000 and len(fixed.data) <= 380_000
    assert 60 <= facts.quality < 85 and facts.dpi == 200  # min_dpi 200: quality is all there is to lower
    _, stream = page_image(fixed.data)
    assert quantisation_sum(stream) <= quantisation_sum(jpeg(page(200, seed=13), quality=60))
    seal = (slice(int(2338 * 0.74), int(2338 * 0.90)), slice(int(1654 * 0.55), int(1654 * 0.82)))
    before = red_pixels(np.asarray(page(200, seed=13))[seal])
    after = red_pixels(np.asarray(Image.open(io.BytesIO(stream)).convert("RGB"))[seal])
    assert after >= 0.9 * before
    assert errors(check_pdf_bytes("out.pdf", fixed.data, profile)) == []


def test_compression_scales_down_but_not_below_min_dpi(folder):
    profile = load_profile(write_profile(folder, "limit-300.toml", "[pdf]\nmax_bytes = 400_000\n"))
    source = jpeg(page(300, seed=14), quality=92, dpi=(300, 300))
    fixed = images_to_pdf([("scan-300dpi.jpg", source)], profile)
    [facts] = fixed.pages
    assert len(fixed.data) <= 400_000 and 200 <= facts.dpi < 300 and facts.quality >= 60
    [shown] = measured(fixed.data, profile)
    assert shown.image.dpi >= 200  # no pdf.low-resolution warning either
    assert check_pdf_bytes("out.pdf", fixed.data, profile) == []


def test_an_unreachable_size_limit_is_refused_with_pdf_file_size(folder):
    profile = load_profile(write_profile(folder, "tiny.toml", "[pdf.fix]\nmax_bytes = 100_000\n"))
    with pytest.raises(ScanRefusal) as refused:
        images_to_pdf([("scan.jpg", jpeg(page(200, seed=15)))], profile)
    assert refused.value.rule == "pdf.file-size" and refused.value.source is None
    assert refused.value.problem.expected == 100_000 and refused.value.problem.measured > 100_000
    assert "quality 60" in refused.value.problem.message.en


# --- files and the command line -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sources(folder) -> dict[str, Path]:
    files = {
        "photo.jpg": jpeg(phone_photo(page(200, seed=16), 3.0), dpi=None),
        "upside-down.png": encode(degrade(page(200, seed=17), "turn", 180), "PNG", dpi=(200, 200)),
        "72dpi.jpg": jpeg(page(72, seed=18), dpi=(72, 72)),
    }
    paths = {}
    for name, data in files.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    return paths


def test_cli_makes_a_pdf_that_check_passes_and_leaves_the_inputs_alone(sources, folder, profile_path, run_cli):
    inputs = [sources["photo.jpg"], sources["upside-down.png"]]
    before = [sha256(p) for p in inputs]
    out = folder / "证书.pdf"
    result = run_cli("fix", *inputs, "-o", out, "--profile", profile_path, "--lang", "en")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Wrote {out}" in result.stdout and "page 2 <- " in result.stdout
    assert "\n  page 1 <- " in result.stdout and "\\n" not in result.stdout  # a line a page, not an escaped \n
    assert [sha256(p) for p in inputs] == before
    check = run_cli("check", out, "--profile", profile_path)
    assert check.returncode == 0, check.stdout
    assert [(p.scan.turn, abs(p.scan.skew) < 1) for p in measured(out.read_bytes(), load_profile(profile_path))] == [
        (0, True), (0, True)]


def test_a_72_dpi_page_is_refused_and_nothing_is_written(sources, folder, profile_path, run_cli):
    out = folder / "refused.pdf"
    before = sha256(sources["72dpi.jpg"])
    result = run_cli("fix", sources["photo.jpg"], sources["72dpi.jpg"], "-o", out, "--profile", profile_path,
                     "--lang", "en")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Not written" in result.stdout and "pdf.low-resolution (page 2)" in result.stdout
    assert not out.exists() and not list(folder.glob(".refused.pdf.*"))
    assert sha256(sources["72dpi.jpg"]) == before


def test_fix_scans_refuses_through_the_library_too(sources, folder, profile):
    result = fix_scans([sources["72dpi.jpg"]], folder / "low.pdf", profile)
    assert not result.written and not (folder / "low.pdf").exists()
    [found] = result.report.findings
    assert found.rule == "pdf.low-resolution" and found.severity is Severity.ERROR and found.page == 1
    assert found.measured == 72 and result.pages[0].dpi == 72 and result.pages[0].dpi_source == "image"


def test_something_that_is_not_an_image_is_refused(folder, profile, run_cli):
    text = folder / "notes.jpg"
    text.write_text("not a picture\n", encoding="utf-8")
    result = fix_scans([text], folder / "notes.pdf", profile)
    assert not result.written and result.report.path.endswith("notes.jpg")
    assert [f.rule for f in result.report.findings] == ["file.unsupported"]
    assert result.report.findings[0].severity is Severity.ERROR


@pytest.mark.parametrize("name, data, rule, words", [
    pytest.param("empty.jpg", b"", "photo.unreadable", "empty", id="empty"),
    pytest.param("half.jpg", jpeg(page(100, seed=22))[:6000], "photo.unreadable", "truncated", id="truncated"),
    pytest.param("notes.jpg", b"not a picture\n", "file.unsupported", "not an image", id="not-an-image"),
])
def test_a_picture_that_does_not_decode_is_refused_with_the_rule_that_says_why(name, data, rule, words, profile):
    """A damaged picture is photo.unreadable (empty, cut short), something that is no image file.unsupported;
    file.unreadable stays for a file the system would not read."""
    with pytest.raises(ScanRefusal) as refused:
        images_to_pdf([(name, data)], profile)
    assert (refused.value.rule, refused.value.source) == (rule, name)
    assert words in refused.value.problem.message.en


def test_a_frame_over_the_pixel_limit_is_refused_undecoded(folder):
    profile = load_profile(write_profile(folder, "few-pixels.toml", "[pdf]\nmax_image_pixels = 2_000_000\n"))
    small, large = page(100, seed=23), page(200, seed=23)  # 1.0 and 3.9 megapixels
    source = encode(small, "TIFF", save_all=True, append_images=[large], dpi=(100, 100))
    with pytest.raises(ScanRefusal) as refused:
        images_to_pdf([("scan.tif", source)], profile)
    assert refused.value.rule == "photo.unreadable" and refused.value.problem.measured == list(large.size)
    assert "Frame 2" in refused.value.problem.message.en and "第 2 帧" in refused.value.problem.message.zh


def test_scan_summary_in_both_languages():
    turned = PageFacts("scan.tif", 2, (1654, 2338), 199.85, DpiSource.PAPER, 1, 90, -1.23, PageEncoding.JPEG, 85,
                       400_000)
    kept = PageFacts("b.jpg", 1, (1654, 2338), 200.0, DpiSource.IMAGE, 6, 0, 0.0, PageEncoding.ORIGINAL, None, 1)
    result = ScanFixResult(["scan.tif", "b.jpg"], "out.pdf", True, FileReport("out.pdf", FileType.PDF),
                           [turned, kept], 123_456, 200_000, True)
    assert scan_summary(result, "zh").splitlines() == [
        "已生成 out.pdf：2 页，123,456 字节（已压缩到 200,000 字节以内）",
        "  第 1 页 ← scan.tif #2：1654×2338 像素，199.85 dpi（图像未注明可信的分辨率，按纸张尺寸估算），"
        "顺时针转 90°，纠偏 1.2°，JPEG 质量 85",
        "  第 2 页 ← b.jpg：1654×2338 像素，200 dpi，原 JPEG 直接嵌入（未重新编码）"]
    assert scan_summary(result, "en").splitlines() == [
        "Wrote out.pdf: 2 page(s), 123,456 bytes (compressed to fit 200,000)",
        "  page 1 <- scan.tif #2: 1654×2338 px, 199.85 dpi (the image states no believable resolution: estimated from "
        "the paper size), turned 90° clockwise, straightened 1.2°, JPEG quality 85",
        "  page 2 <- b.jpg: 1654×2338 px, 200 dpi, JPEG embedded as it is (not re-encoded)"]
    refused = ScanFixResult(["a.jpg"], "out.pdf", False, FileReport("a.jpg", FileType.OTHER))
    assert (scan_summary(refused, "zh"), scan_summary(refused, "en")) == (
        "未生成：out.pdf（原因见下）", "Not written: out.pdf (reasons below)")


@pytest.mark.parametrize("args", [
    pytest.param(["{photo}", "-o", "{photo}", "--scan"], id="output-is-an-input"),
    pytest.param(["{photo}", "{png}"], id="several-sources-without-pdf-output"),
    pytest.param(["{photo}", "--scan", "-o", "{folder}/out.jpg"], id="scan-output-not-pdf"),
    pytest.param(["{folder}/missing.jpg", "-o", "{folder}/x.pdf"], id="missing-source"),
    pytest.param(["-o", "{folder}/x.pdf"], id="no-sources"),
])
def test_usage_errors_exit_2(args, sources, folder, capsys):
    """In process (docprep.cli.main maps errors to exit codes exactly as for a user; no interpreter start-up)."""
    values = {"photo": sources["photo.jpg"], "png": sources["upside-down.png"], "folder": folder}
    before = sha256(sources["photo.jpg"])
    with pytest.raises(SystemExit) as exited:
        cli_main(["fix", *[a.format(**values) for a in args]])
    assert exited.value.code == 2, capsys.readouterr()
    assert capsys.readouterr().err.strip()  # says why
    assert sha256(sources["photo.jpg"]) == before


def test_a_folder_gives_its_images_in_natural_order(tmp_path, profile):
    for number in (10, 2, 1):
        (tmp_path / f"page{number}.jpg").write_bytes(jpeg(page(200, seed=19)))
    (tmp_path / "readme.txt").write_text("not a page")
    result = fix_scans([tmp_path], None, profile)
    assert result.written and result.output.endswith("-fixed.pdf")
    assert [p.source.rsplit("/", 1)[-1] for p in result.pages] == ["page1.jpg", "page2.jpg", "page10.jpg"]
