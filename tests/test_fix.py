"""`docprep fix` round trips: what it writes passes `check`, is a plain baseline JPEG with DPI and nothing else,
and what it cannot fix it refuses with the reason, writing nothing. Inputs are never modified."""
from __future__ import annotations

import hashlib
import struct
from pathlib import Path

import pytest
from helpers import encode, encode_jpeg
from PIL import Image
from portrait import portrait

from docprep.documents.images import EXIF_ORIENTATION
from docprep.documents.sniff import sniff
from docprep.engine import check_file
from docprep.fix.photo import FixResult, fix_paths
from docprep.model import FileReport, FileType, Severity
from docprep.profiles.loader import load_profile
from docprep.render.fix import photo_summary

ZJ_WINDOW = (30_721, 1_048_575)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def jpeg_frame_markers(data: bytes) -> list[int]:
    """The SOFn markers of a JPEG, read segment by segment up to the first scan (0xC0 baseline, 0xC2 progressive)."""
    assert data[:2] == b"\xff\xd8"
    frames, at = [], 2
    while at < len(data):
        assert data[at] == 0xFF, f"no marker at {at}"
        marker = data[at + 1]
        if marker == 0xDA:  # start of scan: the header is over
            break
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            frames.append(marker)
        at += 2 + length
    return frames


def exif_rotated(upright: Image.Image, orientation: int) -> bytes:
    stored = upright.rotate(90, expand=True) if orientation == 6 else upright.rotate(-90, expand=True)
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = orientation
    return encode_jpeg(stored, 92, exif=exif)


def phone_photo() -> bytes:
    """A 12-megapixel landscape phone photo, face small and left of centre, on an off-white wall."""
    return encode_jpeg(portrait(4000, 3000, background=(245, 245, 243), face_height=0.18, face_cx=0.3, face_cy=0.4),
                       90)


SOURCES = {
    "phone-landscape.jpg": phone_photo,
    "scan.png": lambda: encode(portrait(600, 800), "PNG"),
    "print-cmyk.jpg": lambda: encode_jpeg(portrait(600, 800).convert("CMYK"), 92),
    "exif-6.jpg": lambda: exif_rotated(portrait(600, 800), 6),
    "exif-8.jpg": lambda: exif_rotated(portrait(600, 800), 8),
}


@pytest.fixture(scope="module", params=sorted(SOURCES))
def fixed(request, tmp_path_factory):
    """(result, source path, source bytes) of fixing one source with zj-2021; run once per source."""
    folder = tmp_path_factory.mktemp("fix")
    source = folder / request.param
    data = SOURCES[request.param]()
    source.write_bytes(data)
    [result] = fix_paths(source, folder / "out.jpg", load_profile("zj-2021"))
    return result, source, data


def output_of(fixed) -> Path:
    result = fixed[0]
    assert result.written, [(f.rule, f.message.en) for f in result.report.findings]
    return Path(result.output)


def test_fixed_photo_passes_check(fixed, profile):
    report = check_file(output_of(fixed), profile)
    assert [f.rule for f in report.findings if f.severity is Severity.ERROR] == []


def test_fixed_photo_is_the_largest_preset(fixed):
    with Image.open(output_of(fixed)) as image:
        assert image.size == (413, 579)


def test_fixed_photo_is_jpeg_content(fixed):
    data = output_of(fixed).read_bytes()
    assert sniff(data[:1024]) == "JPEG"
    assert output_of(fixed).suffix == ".jpg"


def test_fixed_photo_is_baseline_not_progressive(fixed):
    assert jpeg_frame_markers(output_of(fixed).read_bytes()) == [0xC0]


def test_fixed_photo_has_dpi_and_no_other_metadata(fixed):
    with Image.open(output_of(fixed)) as image:
        assert image.info.get("dpi") == (300, 300)
        assert image.getexif().get(EXIF_ORIENTATION) is None
        assert "exif" not in image.info and "icc_profile" not in image.info
        assert image.mode == "RGB"


def test_fixed_photo_is_inside_the_byte_window(fixed):
    assert ZJ_WINDOW[0] <= output_of(fixed).stat().st_size <= ZJ_WINDOW[1]


def test_fix_leaves_the_input_unchanged(fixed):
    _, source, data = fixed
    assert source.read_bytes() == data


def test_fix_for_cpta_exam_makes_exactly_295x413(tmp_path, cpta_profile, write_jpeg):
    source = tmp_path / "photo.jpg"
    write_jpeg(source, portrait(900, 1200, face_height=0.3))
    [result] = fix_paths(source, tmp_path / "exam.jpg", cpta_profile)
    assert result.written
    with Image.open(result.output) as image:
        assert image.size == (295, 413)
    assert 10_240 <= Path(result.output).stat().st_size <= 102_400
    assert check_file(result.output, cpta_profile).findings == []


def test_fix_for_health_exam_makes_420x600_over_50k(tmp_path, health_profile, write_jpeg):
    source = tmp_path / "photo.jpg"
    # width/height 0.83 fails the profile, so fix must crop (a 900×1200 photo already passes and is kept as it is)
    write_jpeg(source, portrait(1000, 1200, face_height=0.3))
    [result] = fix_paths(source, tmp_path / "health.jpg", health_profile)
    assert result.written
    with Image.open(result.output) as image:
        assert image.size == (420, 600)
    assert Path(result.output).stat().st_size >= 51_200
    assert check_file(result.output, health_profile).findings == []


# ---- refusals: nothing written, the reason given ----

def test_fix_refuses_a_photo_too_small(tmp_path, profile, write_jpeg):
    source = tmp_path / "tiny.jpg"
    write_jpeg(source, portrait(150, 200))
    out = tmp_path / "out.jpg"
    [result] = fix_paths(source, out, profile)
    assert not result.written and not out.exists()
    [found] = result.report.findings
    assert found.rule == "photo.dimensions" and found.severity is Severity.ERROR
    assert found.expected == [295, 413]  # the smallest preset
    assert "enlargement" in found.message.en and "放大" in found.message.zh


def test_fix_keeping_the_background_refuses_a_blue_one(tmp_path, profile, write_jpeg):
    """--keep-background: a blue backdrop is refused as check refuses it (tests/test_backdrop.py: made white)."""
    source = tmp_path / "blue.jpg"
    write_jpeg(source, portrait(600, 800, background=(70, 110, 200)))
    out = tmp_path / "out.jpg"
    [result] = fix_paths(source, out, profile, keep_background=True)
    assert not result.written and not out.exists()
    assert [f.rule for f in result.report.findings] == ["photo.background"]


def test_fix_refuses_a_photo_without_a_face(tmp_path, profile, write_jpeg):
    source = tmp_path / "wall.jpg"
    write_jpeg(source, Image.new("RGB", (600, 800), "white"))
    [result] = fix_paths(source, tmp_path / "out.jpg", profile)
    assert not result.written
    assert [f.rule for f in result.report.findings] == ["photo.face"]


@pytest.mark.parametrize("name, make, rule, options", [
    ("too-small.jpg", lambda: encode_jpeg(portrait(150, 200), 92), "photo.dimensions", ()),
    ("blue.jpg", lambda: encode_jpeg(portrait(600, 800, background=(70, 110, 200)), 92), "photo.background",
     ("--keep-background",)),
])
def test_fix_cli_refusal_exits_1_and_writes_nothing(name, make, rule, options, tmp_path, run_cli):
    source = tmp_path / name
    source.write_bytes(make())
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run_cli("fix", "--lang", "en", *options, source)
    assert result.returncode == 1, result.stdout + result.stderr
    assert rule in result.stdout and "Not written" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == before


# ---- the CLI and paths ----

def test_fix_cli_writes_name_fixed_jpg_beside_the_input_and_exits_0(tmp_path, run_cli):
    source = tmp_path / "证件照.png"
    source.write_bytes(encode(portrait(600, 800), "PNG"))
    digest = sha256(source)
    result = run_cli("fix", source)
    assert result.returncode == 0, result.stdout + result.stderr
    out = tmp_path / "证件照-fixed.jpg"
    assert sniff(out.read_bytes()[:16]) == "JPEG"
    assert sha256(source) == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([source.name, out.name])  # no temporary left


@pytest.mark.parametrize("spelling", [
    pytest.param(lambda source: source, id="same-path"),
    pytest.param(lambda source: source.parent / "." / source.name, id="same-file-other-spelling"),
])
def test_fix_output_equal_to_input_exits_2(spelling, good_photo, run_cli):
    digest = sha256(good_photo)
    result = run_cli("fix", good_photo, "-o", spelling(good_photo))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "覆盖" in result.stderr  # would overwrite the input
    assert sha256(good_photo) == digest


def test_fix_missing_source_exits_2(tmp_path, run_cli):
    assert run_cli("fix", tmp_path / "nowhere.jpg").returncode == 2


def test_fix_folder_writes_one_jpeg_per_photo(tmp_path, run_cli, write_jpeg):
    source = tmp_path / "photos"
    source.mkdir()
    write_jpeg(source / "a.jpg", portrait(600, 800))
    (source / "b.png").write_bytes(encode(portrait(600, 800, background=(240, 240, 240)), "PNG"))
    (source / "notes.txt").write_text("not a photo")
    out = tmp_path / "fixed"
    result = run_cli("fix", source, "-o", out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["a.jpg", "b.jpg"]
    for photo in out.iterdir():
        assert sniff(photo.read_bytes()[:16]) == "JPEG"
    assert sorted(p.name for p in source.iterdir()) == ["a.jpg", "b.png", "notes.txt"]  # inputs left alone


def test_fix_reads_each_file_of_a_folder_once(tmp_path, profile, write_jpeg, monkeypatch):
    """Its first bytes say what a file is and the photo is read on from the same handle: one open per file (a
    PDF's bytes past its head are never read)."""
    import builtins

    source = tmp_path / "photos"
    source.mkdir()
    write_jpeg(source / "a.jpg", portrait(600, 800))
    (source / "b.png").write_bytes(encode(portrait(600, 800, background=(240, 240, 240)), "PNG"))
    (source / "c.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * 5000)
    opened, real_open = [], builtins.open

    def counting_open(file, *args, **kwargs):
        if isinstance(file, (str, Path)) and Path(file).parent == source:
            opened.append(Path(file).name)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", counting_open)
    results = fix_paths(source, tmp_path / "out", profile)
    assert sorted(opened) == ["a.jpg", "b.png", "c.pdf"]
    assert [r.written for r in results] == [True, True]


@pytest.mark.parametrize("result, zh, en", [
    pytest.param(FixResult("a.jpg", None, FileReport("a.jpg", FileType.PHOTO), False),
                 "未生成：a.jpg（原因见下）", "Not written: a.jpg (reasons below)", id="refused"),
    pytest.param(FixResult("a.jpg", "a-fixed.jpg", FileReport("a-fixed.jpg", FileType.PHOTO), True, (413, 579), 87,
                           61234),
                 "已生成 a-fixed.jpg：413×579 像素，61,234 字节，JPEG 质量 87",
                 "Wrote a-fixed.jpg: 413×579 px, 61,234 bytes, JPEG quality 87", id="re-encoded"),
    pytest.param(FixResult("a.jpg", None, FileReport("-", FileType.PHOTO), False, (413, 579), None, 45000),
                 "已生成 标准输出：413×579 像素，45,000 字节（原照片已符合要求，图像未重新编码，仅去掉元数据）",
                 "Wrote standard output: 413×579 px, 45,000 bytes (the photo already passed: its image is not "
                 "re-encoded, only metadata is left out)", id="kept-to-stdout"),
])
def test_photo_summary_in_both_languages(result, zh, en):
    assert (photo_summary(result, "zh"), photo_summary(result, "en")) == (zh, en)
