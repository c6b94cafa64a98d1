"""What a run checks: missing paths, empty folders, files named twice, GBK names from Windows shares, pictures of
documents, docprep's own outputs, messages in the user's language, and the library API (issue 7, items 12 and
17-21)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import encode_jpeg, rules_of
from pdf_fixtures import page, pdf_from_images
from PIL import Image
from portrait import portrait

from docprep import check_paths
from docprep.engine import check_file
from docprep.fix.photo import Refusal, fix_photo_bytes

POSIX_BYTES_NAMES = sys.platform != "win32"  # Windows file names are Unicode: no GBK bytes can reach docprep


def gbk(name: str) -> str:
    """The name as a Windows share written in GBK shows up on a UTF-8 system."""
    return os.fsdecode(name.encode("gbk"))


@pytest.fixture(scope="module")
def certificate_jpeg() -> bytes:
    """A generated certificate page (lines of text, a seal) saved as a JPG, as a scanner app does."""
    return encode_jpeg(page(dpi=150, seed=3), 85)


# ---- 18. missing paths, empty folders, duplicates ----

def test_a_missing_path_is_reported_and_the_rest_checked(tmp_path, good_photo, run_cli):
    other = tmp_path / "phone.jpg"
    other.write_bytes(good_photo.read_bytes())
    result = run_cli("check", "--format", "json", good_photo, tmp_path / "nowhere" / "x.jpg", other)
    assert result.returncode == 2  # a mistyped path is a usage problem, never a green run
    report = json.loads(result.stdout)
    assert [rules_of_entry(e) for e in report["files"]] == [[], ["file.not-found"], []]
    assert "找不到" in result.stderr


def rules_of_entry(entry: dict) -> list[str]:
    return [f["rule"] for f in entry["findings"]]


def test_an_empty_folder_is_an_error_not_a_pass(tmp_path, run_cli):
    (tmp_path / "张三").mkdir()
    result = run_cli("check", tmp_path / "张三")
    assert result.returncode == 1
    assert "file.empty-folder" in result.stdout


def test_nothing_at_all_to_check_exits_2(tmp_path, run_cli):
    result = run_cli("check", tmp_path / "typo")
    assert result.returncode == 2


def test_a_file_named_twice_is_checked_once(tmp_path, good_photo, run_cli):
    result = run_cli("check", "--format", "json", "good.jpg", "./good.jpg", ".", "good.jpg", cwd=good_photo.parent)
    assert json.loads(result.stdout)["summary"]["files"] == 1


# ---- 17. GBK names ----

@pytest.mark.skipif(not POSIX_BYTES_NAMES, reason="Windows file names cannot hold GBK bytes")
def test_gbk_names_are_shown_in_chinese_and_reachable_from_json(tmp_path, run_cli):
    folder = tmp_path / gbk("扫描件")
    folder.mkdir()
    form = folder / gbk("岗位信息表.pdf")
    form.write_bytes(pdf_from_images([page(dpi=150, seal=False)]))
    result = run_cli("check", "--format", "json", folder)
    [entry] = json.loads(result.stdout)["files"]
    assert entry["path"].endswith("扫描件/岗位信息表.pdf")
    assert entry["attachment_kind"] == "post-form"  # the name hint works on the decoded name
    assert os.fsdecode(bytes.fromhex(entry["path_bytes"])) == str(form)
    assert Path(os.fsdecode(bytes.fromhex(entry["path_bytes"]))).read_bytes()[:5] == b"%PDF-"
    assert "file.name-encoding" in rules_of_entry(entry)
    assert "\\x" not in run_cli("check", folder).stdout


def test_utf8_names_have_no_raw_bytes(good_photo, run_cli):
    entry = json.loads(run_cli("check", "--format", "json", good_photo).stdout)["files"][0]
    assert entry["path_bytes"] is None


@pytest.mark.skipif(not POSIX_BYTES_NAMES, reason="Windows file names cannot hold GBK bytes")
def test_fix_writes_utf8_names_for_gbk_sources(tmp_path, good_jpeg, run_cli):
    source = tmp_path / gbk("证件照.jpg")
    source.write_bytes(good_jpeg)
    result = run_cli("fix", source)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "证件照-fixed.jpg").exists()


# ---- 12. pictures of documents; docprep's own outputs ----

def test_a_scanned_certificate_jpg_is_not_judged_as_an_id_photo(tmp_path, certificate_jpeg, profile):
    path = tmp_path / "IMG_2041.jpg"
    path.write_bytes(certificate_jpeg)
    report = check_file(path, profile)
    assert rules_of(report.findings) == ["file.document-image"]
    assert report.kind == "other"
    assert "docprep fix IMG_2041.jpg -o IMG_2041.pdf" in report.findings[0].message("zh")


def test_a_face_less_picture_named_like_a_certificate_is_a_document(tmp_path, profile):
    path = tmp_path / "毕业证.jpg"
    path.write_bytes(encode_jpeg(Image.new("RGB", (800, 600), (200, 190, 170))))
    assert rules_of(check_file(path, profile).findings) == ["file.document-image"]


def test_a_portrait_stays_a_photo_whatever_its_name(tmp_path, good_jpeg, profile):
    path = tmp_path / "毕业证扫描.jpg"
    path.write_bytes(good_jpeg)
    report = check_file(path, profile)
    assert report.kind == "photo" and "file.document-image" not in rules_of(report.findings)


def test_a_face_less_photo_is_not_called_a_document(tmp_path, profile):
    path = tmp_path / "photo.jpg"
    path.write_bytes(encode_jpeg(portrait().rotate(180)))  # upside down: no face found, no page either
    assert "photo.face" in rules_of(check_file(path, profile).findings)


def test_own_outputs_in_a_folder_are_not_checked_again(tmp_path, good_jpeg, run_cli):
    (tmp_path / "good.jpg").write_bytes(good_jpeg)
    (tmp_path / "copy.pdf").write_bytes(pdf_from_images([page(dpi=150)]))
    first = run_cli("check", tmp_path, "--annotate", tmp_path / "标注", "-o", tmp_path / "r.txt")
    assert list((tmp_path / "标注").glob("*.png"))
    run_cli("check", tmp_path, "--format", "json", "-o", tmp_path / "r.json")
    again = json.loads(run_cli("check", "--format", "json", tmp_path).stdout)
    assert sorted(Path(e["path"]).name for e in again["files"]) == ["copy.pdf", "good.jpg"], first.stderr
    assert sorted(Path(p).name for p in again["skipped"]) == ["copy-p001.png", "r.json", "r.txt"]


def test_an_own_output_named_explicitly_is_still_checked(tmp_path, run_cli):
    (tmp_path / "copy.pdf").write_bytes(pdf_from_images([page(dpi=150)]))
    run_cli("check", tmp_path / "copy.pdf", "--annotate", tmp_path / "ann")
    [picture] = (tmp_path / "ann").glob("*.png")
    assert json.loads(run_cli("check", "--format", "json", picture).stdout)["summary"]["files"] == 1


# ---- 20. the user's language everywhere ----

@pytest.mark.parametrize("args, words", [
    pytest.param(["check", "{t}/nowhere.jpg"], "找不到", id="missing-path"),
    pytest.param(["fix", "{t}/nowhere.jpg"], "找不到", id="fix-missing"),
    pytest.param(["fix", "{t}/empty", "-o", "{t}/x.pdf"], "没有图片", id="no-images"),
    pytest.param(["check", "--kind", "nonsense", "{t}"], "未知的材料类型", id="unknown-kind"),
    pytest.param(["fix", "{t}/a.jpg", "{t}/b.jpg"], "多个输入", id="several-sources"),
])
def test_command_line_errors_in_chinese(tmp_path, run_cli, args, words):
    (tmp_path / "empty").mkdir()
    result = run_cli(*(a.format(t=tmp_path) for a in args), "--lang", "zh")
    assert result.returncode == 2
    assert words in result.stderr


def test_kind_names_in_chinese_and_english_plurals(tmp_path, run_cli):
    diploma = tmp_path / "毕业证书.pdf"
    diploma.write_bytes(pdf_from_images([page(dpi=150)]))
    assert "材料类型: 毕业证书" in run_cli("check", diploma).stdout
    english = run_cli("check", diploma, "--lang", "en").stdout
    assert "attachment kind: diploma" in english
    assert "1 file:" in english and "1 files" not in english


def test_a_corrupt_jpeg_message_has_no_python_internals(tmp_path, profile):
    path = tmp_path / "broken.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(600))
    report = check_file(path, profile)
    assert report.status == "error"
    for finding in report.findings:
        assert "<_io." not in finding.message("zh") and "object at 0x" not in finding.message("en")


@pytest.mark.skipif(not POSIX_BYTES_NAMES, reason="control characters cannot be in Windows file names")
def test_control_characters_in_names_do_not_reach_the_terminal(tmp_path, good_jpeg, run_cli):
    (tmp_path / "a\x1b[31mred.jpg").write_bytes(good_jpeg)
    result = run_cli("check", tmp_path)
    assert "\x1b" not in result.stdout and "\\x1b" in result.stdout


def test_fix_on_a_pdf_repairs_it_and_says_what_no_repair_mends(tmp_path, run_cli):
    """A PDF given to fix is repaired (fix.repair), not refused for being a PDF. This copy needs no repair but lacks
    its verification marks (HR's to add, no rescan needed): it is written as it is, and the marks it lacks are
    reported (exit 1)."""
    pdf = tmp_path / "证书.pdf"
    pdf.write_bytes(pdf_from_images([page(dpi=150)]))
    result = run_cli("fix", pdf)
    assert result.returncode == 1
    assert "无需修复" in result.stdout and "pdf.missing-verification" in result.stdout
    assert (tmp_path / "证书-fixed.pdf").read_bytes() == pdf.read_bytes()


# ---- 21. the library ----

def test_check_paths_takes_one_path_as_a_string(good_photo, profile):
    report = check_paths(str(good_photo), profile)
    assert [Path(f.path).name for f in report.files] == ["good.jpg"]


def test_check_paths_with_jobs_in_a_script_without_a_main_guard(tmp_path, good_jpeg):
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in ("a.jpg", "b.jpg"):
        (photos / name).write_bytes(good_jpeg)
    script = tmp_path / "unguarded.py"
    script.write_text(textwrap.dedent(f"""
        from docprep import check_paths, load_profile
        report = check_paths([{str(photos)!r}], load_profile(), jobs=2)
        print("files", len(report.files))
    """), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "files 2"
    assert "__main__" in done.stderr  # the warning says what the script lacks


def test_a_refusal_reads_as_a_sentence(profile):
    with pytest.raises(Refusal) as refused:
        fix_photo_bytes("blank.jpg", encode_jpeg(Image.new("RGB", (600, 800), "white")), profile)
    assert str(refused.value).startswith("photo.face: ") and "(" not in str(refused.value)[:12]


@pytest.mark.parametrize("head", [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"GIF89a", b"II*\x00"])
def test_a_corrupt_picture_message_is_the_same_every_run(tmp_path, profile, head):
    """Pillow names the stream it could not read (<_io.BytesIO object at 0x…>): never in a message."""
    path = tmp_path / "broken.png"
    path.write_bytes(head + bytes(range(256)) * 3)
    messages = [[(f.message("zh"), f.message("en"), f.measured) for f in check_file(path, profile).findings]
                for _ in range(2)]
    assert messages[0] == messages[1]
    assert all("object at 0x" not in str(m) for m in messages[0])


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "sarif", "gitlab", "csv", "html"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_saved_report_of_any_format_is_passed_over_and_replaced(tmp_path, good_jpeg, run_cli, fmt, lang):
    (tmp_path / "good.jpg").write_bytes(good_jpeg)
    (tmp_path / "bad.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    for _ in range(2):  # the second run meets the first one's report in the folder
        result = run_cli("check", tmp_path, "--format", fmt, "-o", tmp_path / "report.out", "--lang", lang)
        assert result.returncode == 1, result.stderr
    again = json.loads(run_cli("check", "--format", "json", tmp_path).stdout)
    assert [Path(p).name for p in again["skipped"]] == ["report.out"]


def test_an_empty_gitlab_report_is_replaced_too(tmp_path, good_jpeg, run_cli):
    (tmp_path / "good.jpg").write_bytes(good_jpeg)
    for _ in range(2):
        result = run_cli("check", tmp_path, "--format", "gitlab", "-o", tmp_path / "quality.json")
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "quality.json").read_text(encoding="utf-8").strip() == "[]"


REAL_SCANS = Path(__file__).resolve().parents[2] / "shared" / "real-scans"


@pytest.mark.skipif(not REAL_SCANS.is_dir(), reason="../shared/real-scans is not beside this clone")
@pytest.mark.parametrize("name", ["c02-22", "cardinal", "epson", "linn", "skew"])
def test_real_scanned_pages_saved_as_jpg_are_documents(tmp_path, profile, name):
    """Real scans (not the project's generator: other fonts, layouts, scanners) rendered at 150 dpi and saved as a
    scanner app would: each is told from an ID photo by its pixels alone (the file name says nothing)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(REAL_SCANS / f"{name}.pdf"))
    path = tmp_path / "IMG_0001.jpg"
    pdf[0].render(scale=150 / 72).to_pil().convert("RGB").save(path, quality=85)
    pdf.close()
    assert rules_of(check_file(path, profile).findings) == ["file.document-image"]
