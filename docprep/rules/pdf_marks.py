"""Verification marks on copies (rules of the pdf family): the unit's red seal, the words 核对无误, the date HR
writes beside them and the verifier's signature (a warning). The loader finds the marks on each page of a copy
(docprep.marks, from the pixels it decodes for measuring the page) and keeps them as `PdfPage.marks`; these checks
only judge them.

Which PDFs are copies, and whether marks are needed on every page or once, is the profile's [pdf.kinds]
(docprep.kinds). Blank pages are not judged (pdf.blank-page covers them), the seal on a grey scan only by its
impression (a ring: pdf.color says the red cannot be seen there), and the words not on a page that is sideways or
upside down (pdf.rotation asks for it to be turned first). A page on which the OCR runtime failed is not judged
either, and says so (pdf.marks-unjudged): never a silent pass."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterator

from ..i18n import Text
from ..model import Problem, Severity
from .pdf import FAMILY, copy_note

if TYPE_CHECKING:  # what the checks are given; importing the rules imports no decoder (a run all cached)
    from ..analysis.marks import PageMarks
    from ..documents.pdf import PdfDocument
    from ..documents.pdfpages import PdfPage

E, W = Severity.ERROR, Severity.WARNING
T = Text


def _lacking(doc: PdfDocument, judged: Callable[[PageMarks], bool], present: Callable[[PageMarks], bool]
             ) -> tuple[list[PdfPage], bool]:
    """Pages on which a mark could be judged but was not found, and whether any judged page had it."""
    pages = [p for p in doc.pages() if p.marks is not None and judged(p.marks)]
    return [p for p in pages if not present(p.marks)], any(present(p.marks) for p in pages)


def _whole_page(page: PdfPage) -> tuple[float, float, float, float]:
    return (0.0, 0.0, page.size[0], page.size[1])


def _union(boxes) -> tuple[float, float, float, float] | None:
    if not boxes:
        return None
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    return (x0, y0, round(max(b[0] + b[2] for b in boxes) - x0, 1), round(max(b[1] + b[3] for b in boxes) - y0, 1))


def _report(doc: PdfDocument, cfg, lacking: list[PdfPage], found_somewhere: bool, page_text: tuple[str, str],
            once_text: tuple[str, str], measured, expected, box: Callable[[PdfPage], tuple]) -> Iterator[Problem]:
    """Per page for copies marked on every page; once per document (no page) for copies marked once."""
    note = copy_note(doc, cfg)
    if doc.marks_needed == "once":
        unjudged = any(p.marks_unjudged is not None for p in doc.pages())
        if lacking and not found_somewhere and not unjudged:  # "on no page" is unproven while a page was not read
            yield Problem(T(*once_text) + note, measured, expected)
        return
    for page in lacking:
        yield Problem(T(*page_text).format(n=page.number) + note, measured, expected, page=page.number,
                      box=box(page))


@FAMILY.rule(
    "pdf.missing-seal", E,
    title=T("复印件上没有找到单位公章", "No official seal found on a copy"),
    explain=T("复印件须经单位人事部门与原件核对，并加盖单位红色公章。docprep 在红色墨迹中寻找闭合的圆形、椭圆形或方形印章"
              "（{marks.seal_diameter_mm[0]:g}～{marks.seal_diameter_mm[1]:g} 毫米，印环连续、内有文字或五角星），两枚印章相接、"
              "印章压在红色边框、表格线或标题上也能找到；红色标题、表格线和红笔批注不算。灰度或黑白扫描看不出红色：页面上有印章"
              "形状的印迹（{marks.ring_diameter_mm[0]:g}～{marks.ring_diameter_mm[1]:g} 毫米的圆环，内有文字或五角星）时只由 "
              "pdf.color 提示；连这样的印迹都没有时，同样报告本规则。",
              "Every copy must be checked against the original by the unit's HR and carry the unit's red official "
              "seal. docprep looks in the red ink for a closed round, oval or square seal "
              "({marks.seal_diameter_mm[0]:g}-{marks.seal_diameter_mm[1]:g} mm, a continuous ring with text or a star "
              "inside), also where two seals touch or a seal lies on red borders, table rules or a title; red titles, "
              "table rules and red pen marks do not count. A grayscale or black-and-white scan cannot show red: where "
              "it shows a seal-shaped impression (a ring of "
              "{marks.ring_diameter_mm[0]:g}-{marks.ring_diameter_mm[1]:g} mm with text or a star inside), pdf.color "
              "says so instead; where it shows none, this rule reports it too."),
    fix=T("请单位人事部门核对原件后在复印件上加盖公章，再用彩色模式扫描。",
          "Have the unit's HR check the copy against the original and stamp it with the unit's seal, then scan it "
          "in colour."),
)
def missing_seal(doc: PdfDocument, cfg) -> Iterator[Problem]:
    """Every page with marks is judged: a colour page by its red seals, a grey one by its seal-shaped rings."""
    lacking, found = _lacking(doc, lambda m: True, lambda m: bool(m.seals or m.rings))
    grey = [page for page in lacking if not page.marks.seal_checked] if doc.marks_needed != "once" else []
    low, high = cfg.marks.seal_diameter_mm
    ring_low, ring_high = cfg.marks.ring_diameter_mm
    yield from _report(
        doc, cfg, [page for page in lacking if page not in grey], found,
        (f"第 {{n}} 页没有找到单位红色公章（{low:g}～{high:g} 毫米的圆形、椭圆形或方形红章）。请核对原件后加盖公章，用彩色重新扫描。",
         f"No red official seal ({low:g}-{high:g} mm, round, oval or square) was found on page {{n}}. Have the copy "
         "checked and stamped, then scan it again in colour."),
        ("整份材料的任何一页上都没有找到单位红色公章。请核对原件后加盖公章，用彩色重新扫描。",
         "No page of the document carries a red official seal. Have the copy checked and stamped, then scan it "
         "again in colour."),
        "no seal", f"a red seal {low:g}-{high:g} mm", _whole_page)
    yield from _report(
        doc, cfg, grey, found,
        (f"第 {{n}} 页是灰度或黑白扫描，看不出红色，而且连印章的印迹（{ring_low:g}～{ring_high:g} 毫米的圆环，内有文字或五角星）都没有"
         "找到。请核对原件后加盖公章，用彩色重新扫描。",
         f"Page {{n}} is a grey or black-and-white scan, which cannot show red, and not even a seal's impression (a "
         f"ring of {ring_low:g}-{ring_high:g} mm with text or a star inside) was found on it. Have the copy checked "
         "and stamped, then scan it again in colour."),
        ("", ""), "no seal impression", f"a seal's ring {ring_low:g}-{ring_high:g} mm", _whole_page)


@FAMILY.rule(
    "pdf.missing-verification", E,
    title=T("复印件上没有找到“核对无误”", "No 核对无误 verification found on a copy"),
    explain=T("核对原件后，人事部门在复印件上写明或加盖“核对无误”（或“与原件核对无误”“与原件一致”等），并签名、注明日期。"
              "docprep 先查 PDF 的文字层，扫描件则用内置的离线 OCR（rapidocr）识别：先读印章周围，再从下往上读各块文字，"
              "去掉红色后识别（印章常压在字上；压在字下的笔画保留），红色印文另行单独识别（红色的“与原件核对无误”章），"
              "容许个别字识别有误。",
              "After checking a copy against the original, HR writes or stamps 核对无误 on it (or a variant: "
              "与原件核对无误, 与原件一致, ...), signs and dates it. docprep searches the PDF's text layer first; on "
              "scans, the offline OCR shipped in rapidocr reads round the seal first, then the blocks of text from "
              "the bottom up, with the red ink removed (the seal often sits on the words; strokes under it are kept), "
              "and the red ink alone where there is red beyond the seal (words stamped in red), and tolerates a "
              "misread character."),
    fix=T("请人事部门在复印件上写明“核对无误”并签名、注明日期；字迹要清楚，不要被印章完全盖住。",
          "Have HR write 核对无误 on the copy with a signature and the date, legibly and not wholly under the seal."),
)
def missing_verification(doc: PdfDocument, cfg) -> Iterator[Problem]:
    lacking, found = _lacking(doc, lambda m: m.words_checked, lambda m: m.words is not None)
    phrases = "、".join(cfg.marks.phrases[:3])
    yield from _report(
        doc, cfg, lacking, found,
        (f"第 {{n}} 页没有找到“{phrases}”等核对字样（查找过的区域记在报告的 box 中，--annotate 可画出）。请人事部门核对原件后写明“核对无误”、"
         "签名并注明日期。",
         "The words 核对无误 (or a variant) were not found on page {n} (where docprep looked is the finding's box; "
         "--annotate draws it). Have HR write 核对无误 with a signature and the date after checking the original."),
        (f"整份材料的任何一页上都没有找到“{phrases}”等核对字样。请人事部门核对原件后写明“核对无误”、签名并注明日期。",
         "No page of the document carries the words 核对无误 (or a variant). Have HR write them with a signature "
         "and the date after checking the original."),
        "not found", f"one of: {', '.join(cfg.marks.phrases)}",
        lambda page: _union(page.marks.searched) or _whole_page(page))


@FAMILY.rule(
    "pdf.missing-date", E,
    title=T("“核对无误”旁没有核对日期", "No date beside the verification"),
    explain=T("核对字样旁应注明核对日期（如 2024年3月5日、2024.3.5、二〇二四年三月五日）。只在核对字样附近（{marks.date_near_mm:g} "
              "毫米内）查找：证书本身的发证日期不算。",
              "The verification must be dated beside the words (e.g. 2024年3月5日, 2024.3.5, 二〇二四年三月五日). "
              "Only the neighbourhood of the words (within {marks.date_near_mm:g} mm) is searched: the document's own "
              "issue date does not count."),
    fix=T("请人事部门在“核对无误”旁补写核对日期（年、月、日）。",
          "Have HR add the date (year, month, day) beside 核对无误."),
)
def missing_date(doc: PdfDocument, cfg) -> Iterator[Problem]:
    lacking, found = _lacking(doc, lambda m: m.words is not None, lambda m: m.date is not None)
    near = cfg.marks.date_near_mm
    yield from _report(
        doc, cfg, lacking, found,
        (f"第 {{n}} 页的核对字样旁 {near:g} 毫米内没有找到核对日期（证书本身的日期不算）。请在“核对无误”旁补写年月日。",
         f"No date was found within {near:g} mm of the verification words on page {{n}} (the document's own date "
         "does not count). Add the date beside 核对无误."),
        ("整份材料上，核对字样旁都没有找到核对日期。请在“核对无误”旁补写年月日。",
         "No verification on the document is dated. Add the date beside 核对无误."),
        "no date", f"a date within {near:g} mm of the words", lambda page: page.marks.date_zone)


@FAMILY.rule(
    "pdf.missing-signature", W,
    title=T("“核对无误”旁没有核对人签名", "No verifier's signature beside the verification"),
    explain=T("核对原件后，核对人应在核对字样旁亲笔签名。docprep 在核对字样周围 {marks.signature_near_mm:g} 毫米内寻找手写笔迹："
              "潦草的签名、手写的姓名或姓名缩写都算；核对字样本身、日期、“核对人：”等标签、超过 "
              "{marks.signature_max_name_chars} 个字的文字（印刷或手写）、签名横线、边框和红色印章都不算。手写与印刷的区分只在"
              "生成的样页上测过，所以这只是警告。",
              "After checking a copy against the original, the person who checked it signs beside the verification "
              "words. docprep looks for handwriting within {marks.signature_near_mm:g} mm of the words: a scribbled "
              "signature, a written name or initials count; the words themselves, the date, a label such as 'checked "
              "by:', "
              "text of more than {marks.signature_max_name_chars} characters (printed or written), a rule to sign on, "
              "frames and the red seal do not. Telling handwriting from print has only been measured on generated "
              "pages, hence a warning."),
    fix=T("请核对人在“核对无误”旁亲笔签名。", "Have the person who checked the copy sign beside 核对无误."),
)
def missing_signature(doc: PdfDocument, cfg) -> Iterator[Problem]:
    lacking, found = _lacking(doc, lambda m: m.words is not None, lambda m: m.signature is not None)
    near = cfg.marks.signature_near_mm
    yield from _report(
        doc, cfg, lacking, found,
        (f"第 {{n}} 页的核对字样旁 {near:g} 毫米内没有找到核对人的手写签名（标签、日期和印刷文字不算）。请核对人在“核对无误”旁签名。",
         f"No handwritten signature was found within {near:g} mm of the verification words on page {{n}} (labels, "
         "the date and printed text do not count). Have the person who checked the copy sign beside 核对无误."),
        ("整份材料上，核对字样旁都没有找到核对人的手写签名。请核对人在“核对无误”旁签名。",
         "No verification on the document is signed. Have the person who checked the copy sign beside 核对无误."),
        "no signature", f"handwriting within {near:g} mm of the words", lambda page: page.marks.signature_zone)


@FAMILY.rule(
    "pdf.marks-unjudged", W,
    title=T("复印件某页的核对标记未能检查（OCR 运行出错）", "Verification marks not checked on a page (the OCR failed)"),
    explain=T("docprep 用内置的离线 OCR（rapidocr，基于 onnxruntime）识别复印件上的“核对无误”和日期。OCR 运行环境出错时"
              "（安装损坏、模型无法加载、内存不足），这一页的公章、核对字样和日期都没有检查：既不算合格也不算不合格。"
              "这不是对文件的判定，所以只是警告；但不要据此认为该页已核对过。",
              "docprep reads 核对无误 and its date on a copy with the offline OCR shipped in rapidocr (on "
              "onnxruntime). When that runtime fails (a broken install, a model that does not load, memory run out), "
              "the page's seal, words and date are not checked at all: neither passed nor failed. This is no verdict "
              "on the file, hence a warning; but do not take the page as verified."),
    fix=T("重新安装 docprep（pip install --force-reinstall docprep）后再检查；仍然出错时，把日志（-v）报告给 docprep 的维护者，"
          "并人工核对这一页的公章、“核对无误”和日期。",
          "Reinstall docprep (pip install --force-reinstall docprep) and check again; if it still fails, report the "
          "log (-v) to docprep's maintainers, and check the page's seal, 核对无误 and date by hand."),
)
def marks_unjudged(doc: PdfDocument, cfg) -> Iterator[Problem]:
    for page in doc.pages():
        if page.marks_unjudged is not None:
            yield Problem(T("第 {n} 页的核对标记（公章、核对无误、日期）未能检查：离线 OCR 运行出错（{why}）。这不是对文件的判定，"
                            "请人工核对这一页，并重新安装 docprep 后再检查。",
                            "The verification marks (seal, 核对无误, date) on page {n} were not checked: the offline "
                            "OCR failed ({why}). This is no verdict on the file: check the page by hand, and reinstall "
                            "docprep and check again.").format(n=page.number, why=page.marks_unjudged.en),
                          "not checked", "seal, words and date checked", page=page.number)


# The verification-mark rules: off in a profile, the marks are not even looked for; `fix` cannot mend them.
# (pdf.missing-signature is judged beside the words these find: with all three off, it is not looked for either.)
RULE_IDS = tuple(r.id for r in FAMILY.rules if r.check in (missing_seal, missing_verification, missing_date))
