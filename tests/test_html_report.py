"""The HTML report (`check --format html`, render.html): one self-contained page for people — applicant cards, each
finding with its fix, thumbnails of the photo and of PDF pages with the marks drawn, filters by status — escaped,
linking to nothing, in Chinese or English. The samples' page is a golden file (tests/test_golden.py, without
thumbnails); the thumbnails are tested here."""
from __future__ import annotations

import base64
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from docprep import check_paths
from docprep.api import plan_check
from docprep.engine.cache import ResultCache
from docprep.engine.checkfile import check_file
from docprep.engine.run import check_targets
from docprep.engine.walk import discover
from docprep.i18n import Text, catalogue
from docprep.model import FileReport, FileType, Finding, Report, Severity
from docprep.profiles import load_profile
from docprep.render import annotate, thumbnails
from docprep.render.html import render
from pdf_fixtures import blank, page, pdf_from_images
# share: an HR share of a complete applicant, one without 2019 and an empty applicant folder (a fixture)
from test_applications_check import make_applicant, share  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
PROFILE = load_profile("zj-2021")
TEMPLATE = ROOT / "docprep" / "render" / "templates" / "report.html.j2"


class _Page(HTMLParser):
    """Every tag's attributes, the text, and the pictures of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.attributes: list[tuple[str, str, str]] = []
        self.images: list[dict[str, str]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.attributes += [(tag, name, value or "") for name, value in attrs]
        if tag == "img":
            self.images.append({name: value or "" for name, value in attrs})

    def handle_data(self, data):
        self.text.append(data)

    def values(self, tag: str, name: str) -> list[str]:
        return [value for t, n, value in self.attributes if t == tag and n == name]

    def pictures(self, css_class: str) -> list[Image.Image]:
        """The pictures of <img class=css_class>, decoded from their data: URIs."""
        return [Image.open(io.BytesIO(base64.b64decode(i["src"].split(",", 1)[1]))) for i in self.images
                if i.get("class") == css_class]


@pytest.fixture(scope="module")
def samples_with_pictures():
    """The sample photos and attachments checked for the HTML report: thumbnails made."""
    return check_paths([SAMPLES / "photos", SAMPLES / "attachments"], PROFILE, pictures=True)


@pytest.fixture(scope="module")
def share_report(share) -> Report:
    return plan_check([share], PROFILE, applications=True).run(jobs=1, pictures=True)


@pytest.fixture(scope="module")
def share_page(share_report) -> str:
    return render(share_report, "zh", PROFILE).decode("utf-8")


def _finding(rule: str, page: int | None = None) -> Finding:
    return Finding(rule, Severity.ERROR, Text("第 1 页没有印章", "no seal on page 1"), page=page)


# --- the page as a whole ------------------------------------------------------------------------------------------

def test_nothing_is_loaded_from_anywhere(samples_with_pictures, share_page):
    for html in (render(samples_with_pictures, "zh", PROFILE).decode("utf-8"), share_page):
        parsed = _Page(html)
        sources = parsed.values("img", "src")
        assert sources and all(s.startswith("data:image/jpeg;base64,") for s in sources)
        linked = [v for _, name, v in parsed.attributes if name in ("href", "src", "action", "srcset", "poster")]
        assert not [v for v in linked if not re.fullmatch(r"data:image/jpeg;base64,[A-Za-z0-9+/]+=*", v)]
        rest = re.sub(r"data:image/jpeg;base64,[A-Za-z0-9+/]+=*", "", html)  # base64 may hold "//"
        assert "//" not in rest and not re.search(r"(?:https?|ftp):", rest)
        assert "url(" not in rest and "@import" not in rest and "<link" not in rest
        assert "<script src" not in html and len(re.findall(r"<script\b", html)) == 1
        assert "default-src 'none'" in html  # and the browser is told to load nothing else either


def test_file_names_are_escaped(tmp_path):
    (tmp_path / "<script>.pdf").write_bytes(pdf_from_images([page(seed=1)]))
    (tmp_path / '"><img src=x onerror=alert(2)>.jpg').write_bytes(b"not a picture")
    html = render(check_paths([tmp_path], PROFILE, pictures=True), "zh", PROFILE).decode("utf-8")
    assert "<script>.pdf" not in html and "&lt;script&gt;.pdf" in html
    assert "<img src=x" not in html and "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;.jpg" in html
    assert len(re.findall(r"<script\b", html)) == 1  # the page's own filter script alone


def test_names_that_no_page_can_hold_are_shown_as_escapes():
    report = Report("zj-2021", [FileReport("bad\udcff\x1bname.pdf", FileType.PDF, None, [_finding("pdf.missing-seal")])])
    html = render(report, "en", PROFILE).decode("utf-8")
    assert "bad\\udcff\\x1bname.pdf" in html


def test_header_has_the_profile_and_counts_and_no_date(samples_with_pictures):
    html = render(samples_with_pictures, "zh", PROFILE).decode("utf-8")
    assert "规则配置：zj-2021" in html and "共 20 个文件" in html
    assert not re.search(r"20\d\d-\d\d-\d\d|\d\d:\d\d:\d\d", html)
    assert render(samples_with_pictures, "zh", PROFILE) == render(samples_with_pictures, "zh", PROFILE)


def test_filter_buttons_count_the_cards_by_status(samples_with_pictures):
    parsed = _Page(render(samples_with_pictures, "zh", PROFILE).decode("utf-8"))
    assert parsed.values("button", "data-filter") == ["all", "error", "warning", "ok"]
    cards = [v for t, n, v in parsed.attributes if t == "section" and n == "data-status"]
    statuses = [f.status.value for f in samples_with_pictures.files]
    assert cards == statuses
    labels = [t.strip() for t in parsed.text if t.strip().startswith(("全部", "有错误 ", "有警告 ", "通过 "))]
    assert labels == [f"全部 {len(cards)}", f"有错误 {cards.count('error')}", f"有警告 {cards.count('warning')}",
                      f"通过 {cards.count('ok')}"]


def test_each_finding_says_how_to_fix_it_with_the_profiles_limits(samples_with_pictures):
    html = render(samples_with_pictures, "zh", PROFILE).decode("utf-8")
    assert "如何修正：" in html and "photo.background" in html
    assert "删除空白页后重新生成 PDF" in html  # pdf.blank-page's fix text
    assert "第 2 页" in html  # blank-back-page.pdf: the page the finding names


def test_english_page(samples_with_pictures):
    html = render(samples_with_pictures, "en", PROFILE).decode("utf-8")
    assert '<html lang="en-US">' in html and "How to fix: " in html and "Profile: zj-2021" in html
    assert "如何修正" not in html and "有错误" not in html
    zh = render(samples_with_pictures, "zh", PROFILE).decode("utf-8")
    assert '<html lang="zh-CN">' in zh and "职称申报材料预检报告" in zh and "How to fix" not in zh


def test_every_label_the_template_asks_for_is_in_both_catalogues():
    source = TEMPLATE.read_text(encoding="utf-8")
    literal = set(re.findall(r"""\bt\(\s*["']([a-z_]+)["']\s*[,)]""", source))
    built = {f"{prefix}{status}" for prefix in ("filter_", "status_") for status in ("all", "error", "warning", "ok")
             if not (prefix == "status_" and status == "all")} | {"severity_error", "severity_warning"}
    python = set(re.findall(r"""self\.text\(\s*f?["']([a-z_]+)""", (TEMPLATE.parent.parent / "html.py").read_text(
        encoding="utf-8")))
    for lang in ("zh", "en"):
        missing = {key for key in literal | built | python if f"html.{key}" not in catalogue(lang)}
        assert literal and not missing, (lang, missing)


def test_an_empty_report():
    html = render(Report("zj-2021", []), "zh", PROFILE).decode("utf-8")
    assert "没有检查任何文件。" in html and "<section" not in html


# --- thumbnails ---------------------------------------------------------------------------------------------------

def test_a_photo_has_its_thumbnail(samples_with_pictures):
    good = next(f for f in samples_with_pictures.files if f.path.endswith("good-413x579.jpg"))
    [thumbnail] = good.thumbnails
    picture = Image.open(io.BytesIO(thumbnail.jpeg))
    assert picture.format == "JPEG" and thumbnail.page is None
    assert picture.size == (thumbnail.width, thumbnail.height) and picture.height == thumbnails.PHOTO_BOX[1]
    html = render(samples_with_pictures, "zh", PROFILE).decode("utf-8")
    assert "data:image/jpeg;base64," + base64.b64encode(thumbnail.jpeg).decode("ascii") in html


def test_a_pdf_page_has_its_thumbnail_with_the_seal_outlined(samples_with_pictures):
    copy = next(f for f in samples_with_pictures.files if f.path.endswith("good-copy.pdf"))
    assert [t.page for t in copy.thumbnails] == [1, 2]
    pixels = np.asarray(Image.open(io.BytesIO(copy.thumbnails[0].jpeg)).convert("RGB")).astype(int)
    assert pixels.shape[1] == thumbnails.PAGE_WIDTH
    seal_green = np.abs(pixels - np.array(annotate.SEAL)).sum(axis=2) < 60
    assert seal_green.sum() > 100  # the seal's box, drawn with annotate's pen, still green after JPEG (4:4:4)
    html = render(samples_with_pictures, "zh", PROFILE).decode("utf-8")
    parsed = _Page(html)
    assert len(parsed.pictures("page")) == sum(len(f.thumbnails) for f in samples_with_pictures.files
                                               if f.kind is FileType.PDF)
    assert "第 1 页" in parsed.text and "缩略图上的框：" in html  # a caption, and the legend of the colours


def test_pages_with_findings_come_first_within_the_limit(tmp_path):
    path = tmp_path / "six pages.pdf"
    path.write_bytes(pdf_from_images([page(dpi=200, seed=n) for n in range(5)] + [blank(dpi=200)], dpi=200))
    report = check_file(path, PROFILE, "original", pictures=True)  # an original: no marks are needed
    assert {f.page for f in report.findings} == {6}
    assert [t.page for t in report.thumbnails] == [1, 2, 3, 6] and thumbnails.MAX_PAGES == 4


def test_without_pictures_no_thumbnails_are_made(tmp_path):
    path = tmp_path / "copy.pdf"
    path.write_bytes(pdf_from_images([page(seed=3)]))
    assert check_file(path, PROFILE).thumbnails == []
    assert len(check_file(path, PROFILE, pictures=True).thumbnails) == 1


def test_pictures_are_cached_in_entries_of_their_own(tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "good-413x579.jpg").write_bytes((SAMPLES / "photos" / "good-413x579.jpg").read_bytes())
    (folder / "good-copy.pdf").write_bytes((SAMPLES / "attachments" / "good-copy.pdf").read_bytes())
    targets = list(discover([folder], PROFILE))
    plain, pictured = (ResultCache(PROFILE, folder=tmp_path / "cache", pictures=p) for p in (False, True))
    first = check_targets(targets, PROFILE, cache=pictured, pictures=True)
    assert all(f.thumbnails for f in first.files)
    for f, target in zip(first.files, targets):
        hit = pictured.lookup(target.path)
        assert hit is not None and hit.thumbnails == f.thumbnails and hit.findings == f.findings
        assert plain.lookup(target.path) is None  # a check without pictures has entries of its own
    again = check_targets(targets, PROFILE, cache=pictured, pictures=True)
    assert [f.thumbnails for f in again.files] == [f.thumbnails for f in first.files]
    with pytest.raises(ValueError):
        check_targets(targets, PROFILE, cache=plain, pictures=True)


def test_a_corrupted_picture_entry_is_a_miss(tmp_path):
    photo = tmp_path / "good.jpg"
    photo.write_bytes((SAMPLES / "photos" / "good-413x579.jpg").read_bytes())
    cache = ResultCache(PROFILE, folder=tmp_path / "cache", pictures=True)
    check_targets(list(discover([photo], PROFILE)), PROFILE, cache=cache, pictures=True)
    [entry] = (tmp_path / "cache").rglob("*.json")
    entry.write_text(entry.read_text(encoding="utf-8").replace('"jpeg":"', '"jpeg":"*'), encoding="utf-8")
    assert cache.lookup(photo) is None


# --- applications -------------------------------------------------------------------------------------------------

def test_applicants_have_cards_with_their_verdict_photo_and_files(share_report, share_page):
    parsed = _Page(share_page)
    cards = [v for t, n, v in parsed.attributes if t == "section" and n == "data-status"]
    assert [a.name for a in share_report.applications] == ["张伟", "李娜", "王芳"]
    assert cards == [share_report.application_status(a).value for a in share_report.applications]
    assert cards[1:] == ["error", "error"]  # 李娜 without 2019; 王芳's folder empty
    text = "".join(parsed.text)
    assert "张伟" in text and "中级 · 2021 年申报 · 文件夹 " in text
    assert "缺少 2019 年的继续教育证明" in text and "app.missing-attachment" in text
    assert "识别：文件名含“继续教育”" in text and "继续教育2018.pdf" in text
    assert "文件夹里没有任何文件。" in text
    assert len(parsed.pictures("image")) == 0  # the photo is on its card, not again among the files
    photos = [v for t, n, v in parsed.attributes if t == "img" and n == "alt" and v == "证件照"]
    assert len(photos) == 2


def test_files_that_passed_are_folded_within_an_applicants_card(share_page):
    folded = re.findall(r'<details class="file" data-status="(\w+)"( open)?>', share_page)
    assert folded and all((status == "ok") == (not opened) for status, opened in folded)


def test_assumptions_are_shown(tmp_path):
    make_applicant(tmp_path / "赵六", toml=None)
    report = plan_check([tmp_path], PROFILE, applications=True).run(jobs=1)
    html = render(report, "zh", PROFILE).decode("utf-8")
    assert "推定：没有 application.toml" in html


# --- the command line ---------------------------------------------------------------------------------------------

def test_cli_writes_the_page_to_stdout_or_a_file(run_cli, tmp_path):
    photo = tmp_path / "照片.jpg"
    photo.write_bytes((SAMPLES / "photos" / "good-413x579.jpg").read_bytes())
    done = run_cli("check", photo, "--format", "html")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("<!DOCTYPE html>") and "data:image/jpeg;base64," in done.stdout
    out = tmp_path / "report.html"
    done = run_cli("check", photo, "--format", "html", "-o", out, "--lang", "en")
    assert done.returncode == 0 and "1 file" in done.stderr
    assert out.read_bytes().decode("utf-8").count("data:image/jpeg;base64,") == 1
