"""Write the example files in samples/: ID photos in photos/ and PDF attachments in attachments/, one that
passes the default profile (zj-2021) and one per common mistake, each named for what is wrong with it; and in
applications/, applicants' folders (application.toml and attachments): two complete, one with the typical mistakes.
Run from anywhere:  python samples/make_samples.py

Every photo is the astronaut cut-out of tests/fixtures (NASA, public domain) placed by the same portrait() the
tests use. Every attachment page is a certificate copy drawn by benchmarks/scanset.py (the generator of the
verification-mark benchmark, with the committed OFL Noto Sans SC subset), written as a scanner writes a PDF: one
JPEG per page. Output is deterministic: fixed seeds, fixed JPEG settings."""
from __future__ import annotations

import hashlib
import io
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests" / "fixtures"))
sys.path.insert(0, str(REPO / "tests"))  # pdf_fixtures: the tests' byte-by-byte PDF writer
sys.path.insert(0, str(REPO))  # benchmarks.scanset, and docprep from this checkout
from pdf_fixtures import pdf_bytes  # noqa: E402
from portrait import portrait  # noqa: E402

from benchmarks.scanset import make_page  # noqa: E402

PHOTOS = HERE / "photos"
ATTACHMENTS = HERE / "attachments"
APPLICATIONS = HERE / "applications"
# A blue ID-photo backdrop (蓝底), as photo studios print it.
ID_BLUE = (67, 142, 219)
SCAN_DPI = 200  # the recommended scanning resolution (DA/T 31): passes pdf.low-resolution without a warning
# docprep fix's own quality floor ([pdf.fix] quality): red seal lines stay crisp, and a noisy 200-dpi A4 page stays
# near 150-350 KB, so the folder stays small.
SCAN_QUALITY = 60
# Scanset seeds whose pages the mark finders (docprep/marks.py) read as their case says: the good pages show a
# seal, 核对无误 and a date; each no-* page lacks exactly its mark.
GOOD_SEEDS = (1, 2)
BLUR_MM = 0.6  # Gaussian sigma of an out-of-focus scan, mm: sharpness ~0.16 where [pdf.sharpness] wants 0.20


# --- photos ---------------------------------------------------------------------------------------------------

def jpeg(image: Image.Image, quality: int = 92, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, dpi=(300, 300), **options)
    return out.getvalue()


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(300, 300))
    return out.getvalue()


def jpeg_under(image: Image.Image, max_bytes: int) -> bytes:
    """The best JPEG quality that stays within max_bytes, as size-capped photo tools encode."""
    best = jpeg(image, 10)
    for quality in range(11, 96):
        data = jpeg(image, quality)
        if len(data) > max_bytes:
            break
        best = data
    return best


def backlit(face_gain: float) -> Image.Image:
    """The person darkened by face_gain in front of a still-white wall (light from behind).

    The cut-out's alpha is recovered from the same portrait on white and on black: on black the pixels are
    alpha × person, and on white they are that plus (1 − alpha) × 255."""
    on_white = np.asarray(portrait(background=(255, 255, 255)), dtype=np.float32)
    on_black = np.asarray(portrait(background=(0, 0, 0)), dtype=np.float32)
    return Image.fromarray(np.round(on_white - (1 - face_gain) * on_black).astype(np.uint8))


def photo_samples() -> dict[str, bytes]:
    return {
        "good-413x579.jpg": jpeg(portrait(413, 579)),
        "png-renamed.jpg": png(portrait(413, 579)),
        "exam-tool-10kb.jpg": jpeg_under(portrait(295, 413), 11_000),
        "id-card-358x441.jpg": jpeg(portrait(358, 441), 95),
        "blue-background.jpg": jpeg(portrait(413, 579, background=ID_BLUE)),
        "blurry.jpg": jpeg(portrait(413, 579).filter(ImageFilter.GaussianBlur(2)), 95),
        "dark-face.jpg": jpeg(backlit(0.35), 95),
        "landscape-phone-1600x1200.jpg": jpeg(portrait(1600, 1200, face_height=0.25), 80),
    }


# --- attachments ----------------------------------------------------------------------------------------------

def scan(case: str = "clean", seed: int = GOOD_SEEDS[0], dpi: int = SCAN_DPI) -> Image.Image:
    """One scanned A4 certificate copy (see scanset.CASES)."""
    return Image.fromarray(make_page(case, dpi, seed).rgb)


def paper_colour(page: Image.Image) -> tuple[int, ...]:
    """The median colour of the page's outer rows: what a scanner shows where there is no ink."""
    a = np.asarray(page)
    return tuple(int(v) for v in np.median(np.concatenate([a[:8], a[-8:]]).reshape(-1, 3), axis=0))


def blank_back(like: Image.Image, seed: int = 7) -> Image.Image:
    """The empty back side of a sheet from a duplex scan: paper of the front's colour and sensor noise."""
    rng = np.random.default_rng(seed)
    w, h = like.size
    paper = np.asarray(paper_colour(like), np.float32)
    pixels = paper + rng.normal(0, 2.0, (h, w, 1)).astype(np.float32)
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8))


def identified_pdf(objects: list[bytes], trailer: str) -> bytes:
    """The objects serialised (tests/pdf_fixtures.pdf_bytes) with an /ID derived from the content, as a scanner
    gives one: equal inputs give equal files."""
    body = pdf_bytes(objects, trailer)
    digest = hashlib.blake2b(body[:body.rindex(b"trailer\n")], digest_size=16).hexdigest()
    return pdf_bytes(objects, f"{trailer} /ID [<{digest}> <{digest}>]")


def _stream(entries: str, data: bytes) -> bytes:
    return f"<< {entries} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


Encoded = tuple[bytes, int, int, str]  # a page's JPEG, its width and height in pixels, its PIL mode


def encode_page(image: Image.Image, quality: int = SCAN_QUALITY, optimize: bool = False) -> Encoded:
    """One page as a scanner stores it: a JPEG (colour or grey as given); `optimize`: Huffman tables made for the
    page, as scanner apps save them (the same pixels in about a quarter fewer bytes)."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=optimize)
    return out.getvalue(), image.width, image.height, image.mode


def jpeg_pdf(pages: list[Encoded], dpi: int = SCAN_DPI, title: str | None = None) -> bytes:
    """A PDF as a scanner writes it: each page one JPEG, the page sized by the scan's resolution, which is what
    pdf.low-resolution reads back. `title` (ASCII, no parentheses): a document information /Title, which makes files
    of the same pages differ."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for data, width, height, mode in pages:
        pw, ph = f"{width * 72 / dpi:.2f}", f"{height * 72 / dpi:.2f}"
        space = "DeviceGray" if mode == "L" else "DeviceRGB"
        first = len(objects) + 1  # page, contents, image
        kids.append(f"{first} 0 R")
        objects += [
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {pw} {ph}] /Resources << /XObject << /Im0 {first + 2} 0 R "
            f">> >> /Contents {first + 1} 0 R >>".encode(),
            _stream("", f"q {pw} 0 0 {ph} 0 0 cm /Im0 Do Q\n".encode()),
            _stream(f"/Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace "
                    f"/{space} /BitsPerComponent 8 /Filter /DCTDecode", data),
        ]
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>".encode()
    trailer = "/Root 1 0 R"
    if title is not None:
        objects.append(f"<< /Title ({title}) >>".encode("ascii"))
        trailer += f" /Info {len(objects)} 0 R"
    return identified_pdf(objects, trailer)


def scan_pdf(pages: list[Image.Image], dpi: int = SCAN_DPI, quality: int = SCAN_QUALITY) -> bytes:
    """A scanner's PDF of these pages, embedded as they are (no straightening, unlike `docprep fix`)."""
    return jpeg_pdf([encode_page(image, quality) for image in pages], dpi)


# What a browser saves when a download link has expired: an error page, named as the file that was wanted.
EXPIRED_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>会话已过期</title></head>
<body>
<h1>会话已过期，请重新登录</h1>
<p>您的登录状态已失效，文件“学位证书.pdf”未能下载。请重新登录后再试。</p>
</body>
</html>
""".encode()


def attachment_samples() -> dict[str, bytes]:
    front = scan()
    good = scan_pdf([front, scan(seed=GOOD_SEEDS[1])])
    return {
        "good-copy.pdf": good,
        "no-seal.pdf": scan_pdf([scan("red-title")]),
        "no-verification.pdf": scan_pdf([scan("no-words")]),
        "no-date.pdf": scan_pdf([scan("no-date")]),
        "blurry.pdf": scan_pdf([front.filter(ImageFilter.GaussianBlur(BLUR_MM * SCAN_DPI / 25.4))]),
        "skewed-5deg.pdf": scan_pdf([front.rotate(-5, Image.BICUBIC, fillcolor=paper_colour(front))]),
        "upside-down.pdf": scan_pdf([front.transpose(Image.Transpose.ROTATE_180)]),
        "grayscale.pdf": scan_pdf([scan("grayscale").convert("L")]),
        "blank-back-page.pdf": scan_pdf([front, blank_back(front)]),
        "low-resolution-100dpi.pdf": scan_pdf([scan(dpi=100)], dpi=100),
        "html-renamed.pdf": EXPIRED_PAGE,
        "truncated.pdf": good[:len(good) // 2],
    }


# --- applications ---------------------------------------------------------------------------------------------

APPLICATION_YEAR = 2021  # the notice of zj-2021: 中级 proves continuing education for 2017-2020, 副高级 2016-2020
# Each applicant's PDF is one clean scan-set page, Huffman-optimised (encode_page) so the folder stays small. The
# seeds give pages that show the title their file stands for where the scan set draws one, among the smallest
# files, and on every one the mark finders read seal, 核对无误 and date.
CE_SEEDS = (186, 62, 37, 244, 225, 65, 214, 105, 59, 252, 92, 241)  # 继续教育证书
APPOINTMENT_SEEDS = (89, 73)  # 聘任证书
DIPLOMA_SEED, DEGREE_SEED = 169, 118  # 毕业证书, 学位证书
FORM_SEEDS = (187, 43, 121, 147)  # the scan set draws no forms: 结业证书 pages stand for the two forms
OTHER_SEED = 60  # 荣誉证书: a certificate of no kind the notice asks for


@lru_cache(maxsize=None)
def application_page(seed: int) -> Encoded:
    return encode_page(scan(seed=seed), optimize=True)


def page_pdf(seed: int, title: str | None = None) -> bytes:
    """A one-page PDF of an applicant: the clean scan-set page of `seed` (title: see jpeg_pdf)."""
    return jpeg_pdf([application_page(seed)], title=title)


def application_toml(name: str, id_number: str, level: str, series: str, unit_type: str, exceptional: bool,
                     hours: dict[int, tuple[int, int]], self_report: str | None = None,
                     self_report_file: str | None = None) -> bytes:
    """An application.toml as an applicant fills in `docprep init`'s template (its keys, its order); `hours`: year
    -> (professional, public)."""
    lines = ["# 申报信息（按 docprep init 生成的模板填写）", f'name = "{name}"', f'id_number = "{id_number}"',
             f"year = {APPLICATION_YEAR}", f'level = "{level}"', f'series = "{series}"', f'unit_type = "{unit_type}"',
             f"exceptional = {str(exceptional).lower()}", "degree_on_chsi = true"]
    if self_report is not None:
        lines.append(f'self_report = """\n{self_report}"""')
    if self_report_file is not None:
        lines.append(f'self_report_file = "{self_report_file}"')
    for year in sorted(hours, reverse=True):
        professional, public = hours[year]
        lines += ["", f"[continuing_education.{year}]", f"professional = {professional}", f"public = {public}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


ZHANG_WEI_REPORT = (
    "本人2016年取得助理工程师资格，受聘于某市政设计研究院，从事给水排水工程设计工作。\n"
    "任现职以来，主持完成城镇污水处理厂提标改造等设计项目6项，参与编制地方标准1项，在省级期刊发表专业论文2篇。"
    "本人遵守职业道德，坚持学习新规范、新技术，每年按规定完成继续教育学时，具备申报工程师的条件。\n")
LI_NA_REPORT = (
    "本人2012年毕业于温州医科大学临床医学专业，2016年取得主治医师资格，现任某市人民医院心血管内科主治医师。\r\n"
    "任现职以来，本人坚持临床一线工作，年均门诊量4000余人次，独立完成冠状动脉介入手术300余例，能熟练处理各类心血管"
    "急危重症。\r\n"
    "科研方面，主持市级科研课题2项，以第一作者在核心期刊发表论文5篇，其中SCI收录2篇；获市科学技术进步奖三等奖1项。\r\n"
    "教学方面，承担住院医师规范化培训带教工作，指导规培医师20余名。\r\n"
    "因业绩突出，经单位推荐，申请破格晋升副主任医师。\r\n")
# 王芳's self-report says every year at length: over the notice's 1000 characters.
WANG_FANG_YEARS = (
    (2017, "参与市区道路提升改造工程的施工图设计，负责排水管网部分的计算和绘图，完成图纸四十余张"),
    (2018, "负责老旧小区雨污分流改造项目的方案设计，组织现场踏勘十余次，协调设计变更二十余项"),
    (2019, "参与城市综合管廊工程的初步设计，承担管线综合和节点详图设计，配合完成专家评审"),
    (2020, "主持乡镇污水管网延伸工程的设计，统筹项目进度和质量，指导两名新入职的技术人员"),
)
WANG_FANG_PARAGRAPH = (
    "{year}年，本人{work}。工作中严格执行国家和行业的设计规范，认真核对每一张图纸的数据，主动向经验丰富的同事请教，"
    "及时总结设计和施工配合中遇到的问题，形成书面的经验材料在部门内部交流。项目完成后，建设单位对设计质量和服务给予了"
    "好评，本人也在实践中进一步提高了独立解决复杂工程问题的能力。在此基础上，本人注意学习新技术、新工艺和新材料的应用，"
    "把学到的知识运用到设计工作中。同时，本人按时参加单位组织的业务学习和政治学习，"
    "完成当年的继续教育学时。\n")
WANG_FANG_REPORT = ("本人2015年毕业于浙江工业大学土木工程专业，同年进入某市政工程设计院工作，2017年取得助理工程师资格。"
                    "任现职以来的主要工作如下。\n"
                    + "".join(WANG_FANG_PARAGRAPH.format(year=y, work=w) for y, w in WANG_FANG_YEARS)
                    + "今后本人将继续努力学习，不断提高业务水平，为单位的发展作出更大的贡献。\n")


def complete_applicant(photo: bytes, title: str | None = None) -> dict[str, bytes]:
    """张伟, 中级 engineer at a public institution (事业单位在编): every upload the notice asks of him, and his
    degree certificates. `title` marks every PDF (see jpeg_pdf): the benchmark's applicants differ so."""
    files = {"application.toml": application_toml(
        "张伟", "330106198503150016", "中级", "工程", "事业单位在编", False,
        {2017: (64, 26), 2018: (72, 24), 2019: (70, 30), 2020: (60, 30)}, self_report=ZHANG_WEI_REPORT),
        "证件照.jpg": photo}
    for year, seed in zip(range(2017, 2021), CE_SEEDS[:4]):
        files[f"继续教育{year}.pdf"] = page_pdf(seed, title)
    files |= {"岗位信息表.pdf": page_pdf(FORM_SEEDS[0], title), "聘书.pdf": page_pdf(APPOINTMENT_SEEDS[0], title),
              "毕业证书.pdf": page_pdf(DIPLOMA_SEED, title), "学位证书.pdf": page_pdf(DEGREE_SEED, title)}
    return files


def exceptional_applicant(photo: bytes) -> dict[str, bytes]:
    """李娜, a physician applying for 副高级 ahead of time (破格): five years of continuing education, the 破格 form,
    and her self-report in a text file saved by Chinese Windows Notepad (GB18030, CRLF)."""
    files = {"application.toml": application_toml(
        "李娜", "330204198207080028", "副高级", "卫生", "事业单位在编", True,
        {year: (72, 24) for year in range(2016, 2021)}, self_report_file="述职报告.txt"),
        "述职报告.txt": LI_NA_REPORT.encode("gb18030"), "证件照.jpg": photo}
    for year, seed in zip(range(2016, 2021), CE_SEEDS[4:9]):
        files[f"继续教育{year}.pdf"] = page_pdf(seed)
    files |= {"岗位信息表.pdf": page_pdf(FORM_SEEDS[1]), "聘书.pdf": page_pdf(APPOINTMENT_SEEDS[1]),
              "破格申报审批表.pdf": page_pdf(FORM_SEEDS[2])}
    return files


def mistakes_applicant(photos: dict[str, bytes], attachments: dict[str, bytes]) -> dict[str, bytes]:
    """王芳, 中级, with the mistakes applications typically hold: a mistyped ID number, 80 hours claimed for 2018,
    a self-report over 1000 characters, no proof for 2019, the 2018 proof downloaded twice, a PNG photo renamed
    .jpg, an appointment letter copied without the seal, and a scan under the scanner app's own name."""
    proof_2018 = page_pdf(CE_SEEDS[10])
    return {
        "application.toml": application_toml(
            "王芳", "330302199005210041", "中级", "工程", "事业单位在编", False,
            {2017: (72, 24), 2018: (60, 20), 2020: (70, 20)}, self_report=WANG_FANG_REPORT),
        "证件照.jpg": photos["png-renamed.jpg"],
        "继续教育2017.pdf": page_pdf(CE_SEEDS[9]), "继续教育2018.pdf": proof_2018,
        "继续教育2018 (1).pdf": proof_2018, "继续教育2020.pdf": page_pdf(CE_SEEDS[11]),
        "岗位信息表.pdf": page_pdf(FORM_SEEDS[3]), "聘书.pdf": attachments["no-seal.pdf"],
        "扫描全能王 2021-03-15 10.22.pdf": page_pdf(OTHER_SEED),
    }


def application_samples(photos: dict[str, bytes], attachments: dict[str, bytes]) -> dict[str, dict[str, bytes]]:
    """Each applicant's folder name and files: the photos and attachments reused are those of the samples above."""
    good = photos["good-413x579.jpg"]
    return {"张伟": complete_applicant(good), "李娜": exceptional_applicant(good),
            "王芳": mistakes_applicant(photos, attachments)}


def write(folder: Path, files: dict[str, bytes]) -> None:
    """The files into `folder`, removing what an earlier run wrote there under a name no longer made."""
    folder.mkdir(parents=True, exist_ok=True)
    for stale in (p for p in folder.iterdir() if p.is_file() and p.name not in files):
        stale.unlink()
    for name, data in files.items():
        (folder / name).write_bytes(data)
        print(f"{folder.relative_to(HERE).as_posix()}/{name:32} {len(data):>9,} bytes")


def main() -> None:
    photos, attachments = photo_samples(), attachment_samples()
    write(PHOTOS, photos)
    write(ATTACHMENTS, attachments)
    for applicant, files in application_samples(photos, attachments).items():
        write(APPLICATIONS / applicant, files)


if __name__ == "__main__":
    main()
