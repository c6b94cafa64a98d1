"""Scanned PDF attachments: is it a readable, safe PDF (structure), and is every page a usable scan (quality).

Structure rules look at the whole file; scan-quality rules look at each page's measurements (docprep.pagescan),
which the loaded `PdfDocument` makes once per page. Every check is a plain function of the document and the
profile's [pdf] settings. The verification marks (seal, 核对无误, date) are a separate set of rules.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..analysis.settings import MARKS, SHEET
from ..i18n import Text
from ..model import Problem, Severity
from ..profiles.schema import Setting, ordered
from . import kinds
from .registry import RuleFamily

if TYPE_CHECKING:  # the decoders, NumPy and PDFium: a run whose every file is cached never imports them (nor
    #                 analysis.pagescan, imported by the checks that read a page's scan)
    from ..documents.pdf import PdfDocument
    from ..documents.pdfpages import PdfPage

SETTINGS = {
    "max_bytes": Setting("int", "largest allowed file size in bytes; 0 or absent = no limit", min=0, required=False),
    "max_pages": Setting("int", "most pages allowed in one attachment; 0 or absent = no limit", min=0, required=False),
    "max_analysed_pages": Setting("int", "pages measured for scan quality; a longer file is flagged and checked up to "
                                   "here, so a huge file cannot stall a run", min=1),
    "max_image_pixels": Setting("int", "page images with more pixels are refused undecoded (decompression bombs)", min=1),
    "analysis_dpi": Setting("int", "resolution at which pages are measured (never above the scan's own)", min=50, max=300),
    "min_analysis_dpi": Setting("float", "a page rendered to measure a scan coarser than analysis_dpi is rendered at the "
                                   "scan's own resolution, but never below this one", min=1, max=300),
    "full_page_coverage": Setting("float", "an upright image alone on the page covering at least this share of it is the "
                                     "page: its own pixels are measured, its edges taken as the page's (cut_off, "
                                     "blank); smaller images are measured on the rendered page", min=0, max=1),
    "resolution": {
        "error_below_dpi": Setting("float", "effective resolution of the page's largest image below which it is an error",
                             min=1),
        "warn_below_dpi": Setting("float", "effective resolution below which it is a warning", min=1),
        "min_image_coverage": Setting("float", "share of the page an image must cover to be judged as a scan", min=0, max=1),
        "min_image_side": Setting("int", "images with a side shorter than this many pixels (1×1 placeholders, spacers) "
                                   "are no scans: not counted and not judged", min=1),
    },
    "blank": {
        "ink_contrast": Setting("float", "grey levels darker than the local paper that count as ink", min=1, max=255),
        "max_ink_fraction": Setting("float", "a page with no more ink than this share of its area is blank", min=0, max=1),
    },
    "sharpness": {
        "min_score": Setting("float", "steepest slope / local contrast at the edges of text on paper (90th percentile); "
                                "sharp scans measure 0.4-0.55", min=0, max=1),
        "min_shapes": Setting("int", "text shapes on paper a page needs for a sharpness verdict (fewer: no judgement)",
                        min=1),
        "min_paper_around": Setting("float", "share of paper round a text shape (3 mm about it) that puts it on paper; a "
                                       "photo's fragments are surrounded by picture", min=0, max=1),
    },
    "exposure": {
        "min_paper_brightness": Setting("float", "grey level of the paper (0-255) at least; below, the scan is too dark",
                                  min=0, max=255),
        "min_ink_contrast": Setting("float", "grey levels between paper and the darkest text cores at least; below, the "
                                       "scan is washed out", min=0, max=255),
    },
    "skew": {
        "max_degrees": Setting("float", "largest tilt of the text lines allowed, in degrees (inclusive)", min=0, max=45),
        "min_letters": Setting("int", "letter-size shapes a page needs for a skew or rotation verdict (fewer: no "
                                "judgement)", min=1),
    },
    "rotation": {
        "sideways_ratio": Setting("float", "how much sharper text lines must be across one axis than the other to judge "
                                     "the page upright or sideways", min=1),
        "min_line_score": Setting("float", "how sharply text lines must pile up along the axis they run on (an even "
                                     "spread scores 1) for the projections to say which way lines run", min=1),
        "gap_ratio": Setting("float", "letters' nearest-neighbour gaps this many times smaller along one axis decide on "
                                "their own which way the lines run", min=1),
        "upside_down_vote": Setting("float", "mean upside-down probability over the sampled text lines that makes a page "
                                       "upside down (its complement makes it upright)", min=0.5, max=1),
        "upside_down_share": Setting("float", "share of the sampled lines that must vote upside down as well (its "
                                        "complement, at most, for upright)", min=0.5, max=1),
        "min_direction_lines": Setting("int", "text lines the direction classifier must have read for an upside-down "
                                        "verdict (fewer: no judgement); it samples up to 6", min=1, max=6),
    },
    "cut_off": {
        "edge_mm": Setting("float", "content within this distance of the page edge touches it", min=0.1, max=20),
        "min_edge_share": Setting("float", "share of one edge that touching text (shapes of letter size or smaller) "
                                     "must cover to count as cut off", min=0, max=1),
        "min_cut_places": Setting("int", "places where one edge cuts through a text line (a letter touching it with "
                                   "the rest of its line behind) or an outline it crosses twice (a seal, a table) "
                                   "that make it cut off", min=1),
    },
    "color": {
        "seal_required": Setting("bool", "copies (kinds needing the verification marks, [pdf.kinds]) must show a red "
                                   "seal, so a grayscale scan of one cannot prove it"),
        "max_gray_chroma": Setting("float", "a colour image whose channels differ by at most this (99.9th percentile, "
                                      "grey levels) is a grayscale scan saved as colour", min=0, max=255),
    },
    "kinds": kinds.SETTINGS,  # which attachments are copies needing the verification marks (docprep.kinds)
    "marks": MARKS,  # what counts as a seal, the words and their date (analysis.marks)
    "sheet": SHEET,  # a photographed sheet with a surround (analysis.sheet): the check, and fix's crop
    "fix": {  # `docprep fix` for scans (docprep.fix.scan): images -> one PDF
        "max_page_mm": Setting("float", "longest page side a stated resolution may give; a longer one is disbelieved "
                                  "(phones write 72 dpi on 4000-pixel photos)", min=100, max=5000),
        "paper_mm": Setting("float", "long side of the sheet an image is taken to show when it states no believable "
                               "resolution; its resolution follows from its pixels", min=50, max=2000),
        "deskew_degrees": Setting("float", "pages tilted by at least this many degrees are straightened", min=0.05, max=15),
        "quality": Setting("range", "JPEG quality of re-encoded pages: [floor compression may go down to (keeps red seals "
                              "legible), quality used otherwise]", min=30, max=100),
        "min_dpi": Setting("float", "lowest resolution compression may scale pages down to (never below "
                              "resolution.error_below_dpi; pages already below it are not scaled)", min=1),
        "max_bytes": Setting("int", "size the PDF is compressed to fit; 0 = no target of its own ([pdf] max_bytes, where "
                              "set, still applies)", min=0),
        "quality_step": Setting("int", "compression lowers the JPEG quality of re-encoded pages by this much at a time, "
                                 "from the top of `quality` to its floor", min=1, max=50),
        "scale_step": Setting("float", "when no quality fits, compression scales every page by this factor at a time "
                                 "(never below min_dpi); nearer 1: finer steps, a size closer to the target",
                        min=0.5, max=0.99),
    },
}

# Pairs of keys that each pass their own bounds but contradict each other when the low one is above the high one.
_ORDERED = (("resolution.error_below_dpi", "resolution.warn_below_dpi"), ("min_analysis_dpi", "analysis_dpi"),
            ("marks.seal_min_ring_contrast", "marks.seal_max_ring_contrast"))


def _validate(section: dict) -> str | None:
    """Cross-checks of the [pdf] section: the kinds' lists and hints, and low <= high pairs."""
    return kinds.validate(section) or ordered(section, "pdf", _ORDERED)


FAMILY = RuleFamily("pdf", SETTINGS, validate=_validate)
E, W = Severity.ERROR, Severity.WARNING
T = Text


_AS_COPY = T("（按复印件检查，材料类型：{kind}。如果这是原件或表格，用 --kind original 指定。）",
             "(Checked as a copy, attachment kind: {kind}. If this is an original or a form, give --kind original.)")
_UNKNOWN_AS_COPY = T("（材料类型未知，按复印件检查。如果这是原件或表格，用 --kind original 指定。）",
                     "(Attachment kind unknown, so checked as a copy. If this is an original or a form, give --kind "
                     "original.)")


def copy_note(doc: PdfDocument, cfg) -> Text:
    """Why a finding about the marks a copy needs applies to this PDF, and how to say it is no copy: the kind by its
    Chinese name from the profile's [pdf.kinds] labels in Chinese, by its id in English."""
    kind = doc.attachment_kind
    if kind == kinds.UNKNOWN:
        return _UNKNOWN_AS_COPY
    return Text(_AS_COPY.zh.format(kind=kinds.kind_labels(cfg.kinds).get(kind, kind)), _AS_COPY.en.format(kind=kind))


def _problem(zh: str, en: str, measured=None, expected=None, page: PdfPage | None = None, box=None,
             severity: Severity | None = None, **values) -> Problem:
    """A finding's problem with its message formatted in both languages and the page it is on."""
    return Problem(T(zh, en).format(**values), measured, expected, page=page.number if page else None, box=box,
                   severity=severity)


# --- structure --------------------------------------------------------------------------------------------------

FAMILY.declare(
    "pdf.not-pdf", E,
    title=T("文件内容不是 PDF", "Content is not a PDF"),
    explain=T("平台按内容识别 PDF：改了扩展名的网页（下载失败时保存的错误页）、JPEG 图片或 Word 文档都会被拒绝。",
              "The platform recognises a PDF by its content: a renamed web page (an error page saved instead of a "
              "download), a JPEG or a Word file is rejected."),
    fix=T("用扫描软件直接保存为 PDF，或在 Word/图片查看器中“打印为 PDF”。",
          "Save straight to PDF from the scanner software, or 'Print to PDF' from Word or an image viewer."),
)
FAMILY.declare(
    "pdf.encrypted", E,
    title=T("PDF 需要密码才能打开", "PDF needs a password to open"),
    explain=T("设置了打开密码的 PDF，平台无法生成预览，评审专家也无法查看。",
              "A PDF with an open password cannot be previewed by the platform or read by the reviewers."),
    fix=T("在 PDF 软件中去掉密码后另存，或从原件重新扫描。",
          "Remove the password in a PDF program and save a copy, or scan the original again."),
)
FAMILY.declare(
    "pdf.empty", E,
    title=T("PDF 没有页面", "PDF has no pages"),
    explain=T("文件是合法的 PDF，但一页都没有（导出或合并失败的常见结果）。",
              "The file is a valid PDF without a single page (a common result of a failed export or merge)."),
    fix=T("重新扫描或导出，打开确认内容完整后再上传。", "Scan or export it again and open it to check before uploading."),
)


@FAMILY.rule(
    "pdf.unreadable", E,
    title=T("PDF 损坏或无法读取", "PDF damaged or unreadable"),
    explain=T("文件被截断（下载、复制中断）、结构损坏，或某页的扫描图像无法解码（包括图像数据被清空：各种阅读器都能打开，"
              "但页面显示为一片灰色或空白）。docprep 用两个解析器交叉核对，任何一个读不通都算。",
              "The file is cut short (an interrupted download or copy), its structure is broken, or a page's scan "
              "cannot be decoded (including image data blanked to zeros: every reader opens it, but the page shows a "
              "grey or empty band). docprep cross-checks two parsers; a failure in either counts."),
    fix=T("从原件重新扫描或重新导出 PDF，打开检查每一页后再上传；不要用“修复”工具处理后直接提交。",
          "Scan or export the PDF again from the original and look at every page before uploading; do not submit "
          "the output of a 'repair' tool unchecked."),
)
def unreadable(doc: PdfDocument, cfg) -> Iterator[Problem]:
    for damage in doc.damage:
        yield Problem(T(f"PDF 已损坏：{damage.zh}。请从原件重新扫描或导出。",
                        f"The PDF is damaged: {damage.en}. Scan or export it again from the original."),
                      "damaged", "an intact PDF")
    for page in doc.pages():
        if page.failure is not None:
            yield _problem("第 {n} 页无法读取：{why}。请重新扫描这一页。", "Page {n} cannot be read: {why_en}. Scan this page "
                           "again.", "undecodable", "a decodable page", page, n=page.number, why=page.failure.zh,
                           why_en=page.failure.en)


@FAMILY.rule(
    "pdf.file-size", E,
    title=T("PDF 文件过大", "PDF file too large"),
    explain=T("平台对单个附件的大小有上限时（配置项 [pdf] max_bytes，{profile} 为 {max_bytes:,} 字节，0 即不限），超过的文件"
              "无法上传。",
              "Where the platform caps an attachment's size (the profile's [pdf] max_bytes: {max_bytes:,} bytes in "
              "{profile}, 0 meaning no limit), larger files cannot be uploaded."),
    fix=T("用 200～300 dpi 彩色重新扫描（不要用 600 dpi），或用 PDF 软件适度压缩图像（压缩后印章仍要清楚）。",
          "Scan again in colour at 200-300 dpi (not 600), or compress the images moderately in a PDF program (the "
          "seal must stay legible)."),
)
def file_size(doc: PdfDocument, cfg) -> Iterator[Problem]:
    limit = cfg.max_bytes
    if limit and doc.size_bytes > limit:
        yield _problem("文件有 {size:,} 字节，上限为 {limit:,} 字节。请降低扫描分辨率或压缩图像后重新生成。",
                       "The file has {size:,} bytes; at most {limit:,} are allowed. Scan at a lower resolution or "
                       "compress the images.", doc.size_bytes, limit, size=doc.size_bytes, limit=limit)


@FAMILY.rule(
    "pdf.page-count", E,
    title=T("页数过多", "Too many pages"),
    explain=T("平台限制单个附件的页数时（配置项 [pdf] max_pages，{profile} 为 {max_pages}，0 即不限），超出的部分无法上传；"
              "页数多到 docprep 无法全部检查时（超过 {max_analysed_pages} 页）也会提示。",
              "Where the platform limits an attachment's pages (the profile's [pdf] max_pages: {max_pages} in "
              "{profile}, 0 meaning no limit), the rest cannot be uploaded; docprep also says so when a file is too "
              "long for it to check every page (over {max_analysed_pages} pages)."),
    fix=T("按材料拆分成多个 PDF，每个附件只放一份材料。", "Split it into one PDF per document."),
)
def page_count(doc: PdfDocument, cfg) -> Iterator[Problem]:
    limit = cfg.max_pages
    if limit and doc.page_count > limit:
        yield _problem("PDF 有 {n} 页，上限为 {limit} 页。请拆分成多个附件。",
                       "The PDF has {n} pages; at most {limit} are allowed. Split it into several attachments.",
                       doc.page_count, limit, n=doc.page_count, limit=limit)
    if doc.page_count > doc.analysed_pages:
        yield _problem("PDF 有 {n} 页，docprep 只检查了前 {m} 页的扫描质量（配置项 max_analysed_pages）。这么长的文件不像单份材料，请拆分。",
                       "The PDF has {n} pages; docprep checked the scan quality of the first {m} only (setting "
                       "max_analysed_pages). A file this long is unlikely to be one document: split it.",
                       doc.page_count, doc.analysed_pages, severity=W, n=doc.page_count, m=doc.analysed_pages)


@FAMILY.rule(
    "pdf.active-content", E,
    title=T("PDF 含有脚本、启动动作或嵌入文件", "PDF carries scripts, launch actions or embedded files"),
    explain=T("扫描件不应含有 JavaScript、启动外部程序的动作或嵌入的附件；平台的安全检查会拒收，也是常见的恶意文件特征。",
              "A scan has no business carrying JavaScript, actions that launch programs, or embedded files; the "
              "platform's security check rejects them, and they are a common mark of malicious files."),
    fix=T("用“打印为 PDF”重新生成一份干净的 PDF，或从原件重新扫描。",
          "Make a clean copy with 'Print to PDF', or scan the original again."),
)
def active_content(doc: PdfDocument, cfg) -> Iterator[Problem]:
    if doc.active_content:
        yield _problem("PDF 含有：{what}。请用“打印为 PDF”重新生成干净的文件。",
                       "The PDF carries {what_en}. Make a clean copy with 'Print to PDF'.",
                       [t.en for t in doc.active_content], "none", what="；".join(t.zh for t in doc.active_content),
                       what_en="; ".join(t.en for t in doc.active_content))


# --- scan quality, per page -------------------------------------------------------------------------------------

def _measured(doc: PdfDocument) -> Iterator[PdfPage]:
    """Pages whose pixels were read."""
    return (p for p in doc.pages() if p.failure is None and p.scan is not None)


def _blank(page: PdfPage, cfg) -> bool:
    from ..analysis.pagescan import is_blank  # here: importing the rules imports no NumPy (a run all cached)

    return is_blank(page.scan, cfg)


def _with_content(doc: PdfDocument, cfg) -> Iterator[PdfPage]:
    return (p for p in _measured(doc) if not _blank(p, cfg))


@FAMILY.rule(
    "pdf.low-resolution", E,
    title=T("扫描分辨率过低", "Scan resolution too low"),
    explain=T("按页面上最大图像的实际尺寸计算有效分辨率（忽略 1×1 的占位图）。低于 {resolution.error_below_dpi:g} dpi "
              "文字和印章难以辨认（错误），低于 {resolution.warn_below_dpi:g} dpi 给出警告（{profile} 的界限；基础配置参照"
              "《纸质档案数字化规范》DA/T 31）。",
              "The effective resolution is computed from the largest image as placed on the page (1×1 placeholders "
              "ignored). Under {resolution.error_below_dpi:g} dpi text and seals become hard to read (error); under "
              "{resolution.warn_below_dpi:g} dpi, a warning (the limits of {profile}; the base profile follows the "
              "archive scanning standard DA/T 31)."),
    fix=T("用 200～300 dpi 重新扫描原件；把低分辨率图片放大后再转 PDF 并不能提高清晰度。",
          "Scan the original again at 200-300 dpi; enlarging a low-resolution picture before converting does not "
          "add detail."),
)
def low_resolution(doc: PdfDocument, cfg) -> Iterator[Problem]:
    limits = cfg.resolution
    for page in doc.pages():
        image = page.image
        if image is None or page.failure is not None or image.coverage < limits.min_image_coverage:
            continue
        dpi = round(image.dpi, 1)  # stored matrices are single-precision: 150 may read 149.99999
        if dpi >= limits.warn_below_dpi:
            continue
        error = dpi < limits.error_below_dpi
        w, h = image.pixels
        if error:
            zh = "第 {n} 页扫描图像的有效分辨率只有 {dpi:g} dpi（{w}×{h} 像素），要求至少 {low:g} dpi。请用 200～300 dpi 重新扫描。"
            en = ("The scan on page {n} has an effective resolution of {dpi:g} dpi ({w}×{h} px); at least {low:g} dpi "
                  "is required. Scan again at 200-300 dpi.")
        else:
            zh = ("第 {n} 页扫描图像的有效分辨率为 {dpi:g} dpi（{w}×{h} 像素）：达到最低的 {low:g} dpi，但低于建议的 {rec:g} dpi，"
                  "小字和印章可能不清楚。最好用 200～300 dpi 重新扫描。")
            en = ("The scan on page {n} has an effective resolution of {dpi:g} dpi ({w}×{h} px): above the minimum of "
                  "{low:g} dpi but under the recommended {rec:g} dpi, so small print and seals may blur. Scanning "
                  "again at 200-300 dpi is better.")
        yield _problem(zh, en, dpi, limits.error_below_dpi if error else limits.warn_below_dpi, page, image.box,
                       severity=None if error else W, n=page.number, dpi=dpi, w=w, h=h, low=limits.error_below_dpi,
                       rec=limits.warn_below_dpi)


@FAMILY.rule(
    "pdf.blank-page", E,
    title=T("空白页", "Blank page"),
    explain=T("页面上没有任何内容（常见于双面扫描时的空白背面）；审核时会因“有空白页”退回。",
              "Nothing is on the page (often the empty back side from duplex scanning); reviewers return "
              "applications with blank pages."),
    fix=T("删除空白页后重新生成 PDF（扫描时关闭双面扫描，或在 PDF 软件中删除该页）。",
          "Delete the blank page (switch off duplex scanning, or delete the page in a PDF program)."),
)
def blank_page(doc: PdfDocument, cfg) -> Iterator[Problem]:
    for page in _measured(doc):
        if _blank(page, cfg):
            yield _problem("第 {n} 页是空白页：比纸张暗 {c:g} 个灰度级以上的墨迹只占 {ink:.3%}（不超过 {limit:.3%} 即为空白）。"
                           "如果是空白背面，请删除这一页；如果原件有内容，说明扫描过淡，请重新扫描。",
                           "Page {n} is blank: ink at least {c:g} grey levels darker than the paper covers {ink:.3%} of "
                           "it ({limit:.3%} or less is blank). If it is an empty back side, delete the page; if the "
                           "original has content, the scan is far too faint: scan it again.",
                           page.scan.ink_fraction, f"> {cfg.blank.max_ink_fraction}", page, n=page.number,
                           ink=page.scan.ink_fraction, limit=cfg.blank.max_ink_fraction, c=cfg.blank.ink_contrast)


@FAMILY.rule(
    "pdf.blurry-page", E,
    title=T("页面模糊", "Page is blurry"),
    explain=T("在纸面上文字的边缘测量清晰度：最陡的灰度变化与该处墨迹和纸张明暗差之比（与对比度、曝光无关）。模糊到字连成一片的文字行同样计入；"
              "照片内部和噪点不算，噪点多的空白页不会被误判为清晰。对焦不准、手机抖动或扫描时原件移动都会模糊。",
              "Sharpness is measured at the edges of text on paper: the steepest grey-level slope over the local "
              "ink-to-paper contrast (independent of contrast and exposure). Lines blurred into one smear count as "
              "text too; the inside of photos and noise do not, so a noisy blank page does not pass for sharp. "
              "Missed focus, a shaking phone or paper moving in the scanner blur it."),
    fix=T("把原件放平、对焦后重新扫描或拍摄，优先使用平板扫描仪。",
          "Lay the original flat and scan or photograph it again in focus; a flatbed scanner is best."),
)
def blurry_page(doc: PdfDocument, cfg) -> Iterator[Problem]:
    limit = cfg.sharpness.min_score
    for page in _with_content(doc, cfg):
        score = page.scan.sharpness
        if score is not None and score < limit:
            yield _problem("第 {n} 页文字模糊：清晰度 {s:.2f}，要求至少 {m:.2f}（清晰的扫描约 0.4～0.55）。请对焦后重新扫描。",
                           "The text on page {n} is blurred: sharpness {s:.2f}, at least {m:.2f} required (sharp scans "
                           "measure 0.4-0.55). Scan it again in focus.", round(score, 3), limit, page,
                           n=page.number, s=score, m=limit)


@FAMILY.rule(
    "pdf.exposure", E,
    title=T("页面过暗或过淡", "Page too dark or washed out"),
    explain=T("纸张部分过暗（曝光不足、阴影、灰底）或文字过淡（曝光过度、原件褪色、扫描仪亮度过高）都会看不清。",
              "A dark page (under-exposed, shadowed, a grey background) or faint text (over-exposed, a faded "
              "original, scanner brightness too high) is hard to read."),
    fix=T("调整扫描仪的亮度/对比度，或在光线均匀处重新拍摄；不要用滤镜把整页调成纯黑白。",
          "Adjust the scanner's brightness and contrast, or photograph it again in even light; do not force the page "
          "to pure black and white with a filter."),
)
def exposure(doc: PdfDocument, cfg) -> Iterator[Problem]:
    limits = cfg.exposure
    for page in _measured(doc):
        scan = page.scan
        if scan.paper < limits.min_paper_brightness:
            yield _problem("第 {n} 页过暗：纸张亮度 {p:.0f}，要求至少 {m:.0f}（0 黑～255 白）。请调亮后重新扫描。",
                           "Page {n} is too dark: the paper measures {p:.0f}, at least {m:.0f} required (0 black to "
                           "255 white). Scan it again brighter.", {"paper": round(scan.paper, 1)},
                           {"paper": f">= {limits.min_paper_brightness}"}, page, n=page.number, p=scan.paper,
                           m=limits.min_paper_brightness)
        elif not _blank(page, cfg) and scan.ink_contrast < limits.min_ink_contrast:
            yield _problem("第 {n} 页过淡：文字比纸张只暗 {c:.0f} 个灰度级，要求至少 {m:.0f}。请调低亮度或提高对比度后重新扫描。",
                           "Page {n} is washed out: the text is only {c:.0f} grey levels darker than the paper; at "
                           "least {m:.0f} required. Scan it again with less brightness or more contrast.",
                           {"ink_contrast": scan.ink_contrast}, {"ink_contrast": f">= {limits.min_ink_contrast}"}, page,
                           n=page.number, c=scan.ink_contrast, m=limits.min_ink_contrast)


@FAMILY.rule(
    "pdf.skew", E,
    title=T("页面歪斜", "Page is tilted"),
    explain=T("由文字行的方向测量倾斜角度（在 ±15° 内搜索文字行最整齐的角度）；超过配置的上限（{profile}：{skew.max_degrees:g}°）"
              "视为歪斜。",
              "The tilt is measured from the text lines (the angle within ±15° at which they line up best); more "
              "than the profile's limit ({profile}: {skew.max_degrees:g}°) is a tilted page."),
    fix=T("把原件放正后重新扫描，或用 PDF 软件的“纠偏/拉直”功能。",
          "Straighten the original on the scanner glass and scan again, or use a PDF program's deskew."),
)
def skew(doc: PdfDocument, cfg) -> Iterator[Problem]:
    limit = cfg.skew.max_degrees
    for page in _with_content(doc, cfg):
        angle = page.scan.skew
        if angle is not None and abs(angle) > limit:
            way, way_en = ("顺时针", "clockwise") if angle > 0 else ("逆时针", "counter-clockwise")
            yield _problem("第 {n} 页{way}歪斜 {a:.1f}°，最多允许 {m}°。请放正原件后重新扫描。",
                           "Page {n} is tilted {a:.1f}° {way_en}; at most {m}° is allowed. Straighten the original "
                           "and scan again.", angle, limit, page, n=page.number, a=abs(angle), m=limit, way=way,
                           way_en=way_en)


@FAMILY.rule(
    "pdf.rotation", E,
    title=T("页面横置或倒置", "Page sideways or upside down"),
    explain=T("横置：文字行沿页面竖向排列（比较横、竖两个方向上文字行的整齐程度）。倒置：用 rapidocr 自带的 PaddleOCR "
              "文字方向模型逐行判断 0°/180°，多行投票；没有文字的页面不作判断。",
              "Sideways: the text lines run up the page (text-line structure compared across both axes). Upside "
              "down: PaddleOCR's text-direction model shipped in rapidocr judges 0° or 180° line by line, and the "
              "lines vote; pages without text are not judged."),
    fix=T("在 PDF 软件中把该页旋转到正向后保存，或放正原件重新扫描。",
          "Rotate the page upright in a PDF program and save, or scan the original again the right way up."),
)
def rotation(doc: PdfDocument, cfg) -> Iterator[Problem]:
    for page in _with_content(doc, cfg):
        scan = page.scan
        if scan.turn in (90, 180, 270):
            how = {90: ("被逆时针转了 90°（内容的顶部朝左）", "turned 90° counter-clockwise (the top of its content "
                        "faces left)", "顺时针旋转 90°", "90° clockwise"),
                   180: ("上下颠倒", "upside down", "旋转 180°", "180°"),
                   270: ("被顺时针转了 90°（内容的顶部朝右）", "turned 90° clockwise (the top of its content faces "
                         "right)", "逆时针旋转 90°", "90° counter-clockwise")}[scan.turn]
            yield _problem("第 {n} 页{state}。请把该页{turn}后保存。", "Page {n} is {state_en}. Rotate it {turn_en} and save.",
                           scan.turn, 0, page, n=page.number, state=how[0], state_en=how[1], turn=how[2],
                           turn_en=how[3])
        elif scan.sideways:
            yield _problem("第 {n} 页横置（文字行沿竖向排列，无法判断向哪边）。请把该页旋转 90° 到正向后保存。",
                           "Page {n} lies sideways (its text lines run up the page; which way could not be told). "
                           "Rotate it 90° upright and save.", "90 or 270", 0, page, n=page.number)


_SIDES = {"top": ("上", "top"), "bottom": ("下", "bottom"), "left": ("左", "left"), "right": ("右", "right")}


@FAMILY.rule(
    "pdf.cut-off", W,
    title=T("内容被截断", "Content cut off"),
    explain=T("文字或图形压到了页面边缘：原件没有完整扫进来（放偏、拍摄时裁得太紧）。压边的文字占该边足够长度，或者边缘切断了文字行"
              "（被切的字后面紧跟着同一行的字）或穿过了印章、表格的轮廓，都算截断；只是碰到边的页码、印章，以及贴边的扫描仪黑边、阴影不算。",
              "Text or graphics run into the page edge: the original was not captured whole (placed off the glass, "
              "photographed or cropped too tight). It counts when touching text covers enough of an edge, or "
              "when the edge cuts a text line (a cut letter with the rest of its line behind it) or crosses the "
              "outline of a seal or a table; a page number or a stamp that merely touches the edge, and scanner "
              "borders and shadows along it, do not."),
    fix=T("把原件完整放在扫描区域内，四周留出空白后重新扫描。",
          "Place the whole original inside the scanning area with a margin all round and scan again."),
)
def cut_off(doc: PdfDocument, cfg) -> Iterator[Problem]:
    limits = cfg.cut_off
    for page in _with_content(doc, cfg):
        scan = page.scan
        for side, share in sorted(scan.cut_edges.items(), key=lambda kv: -kv[1]):
            places = scan.cut_places.get(side, 0)
            if share >= limits.min_edge_share or places >= limits.min_cut_places:
                zh, en = _SIDES[side]
                yield _problem("第 {n} 页内容压到了{side}边（距边缘不到 {mm} 毫米：压边文字占该边 {s:.0%}，切断 {k} 处文字行或轮廓），原件可能没有扫全。"
                               "请完整放入扫描区域后重新扫描。",
                               "The content on page {n} runs into the {side_en} edge (within {mm} mm of it: text along "
                               "{s:.0%} of that edge, {k} text lines or outlines cut); the original may not have been "
                               "captured whole. Scan it again with a margin.",
                               {side: {"share": share, "cut_places": places}},
                               {"share": f"< {limits.min_edge_share}", "cut_places": f"< {limits.min_cut_places}"}, page,
                               page.to_points(scan.cut_boxes[side]), n=page.number, side=zh, side_en=en, s=share,
                               k=places, mm=limits.edge_mm)


@FAMILY.rule(
    "pdf.color", W,
    title=T("灰度/黑白扫描无法显示红色公章", "Grayscale scan cannot show the red seal"),
    explain=T("复印件上需要红色公章；灰度或黑白扫描把红章变成灰色，无法确认公章是否存在——docprep 不猜，只提示，每个文件一次，"
              "列出所有灰度页。原件和表格（材料类型不需要核对标记，如 --kind original）不需要公章，不提示；只需盖一次章的长材料"
              "只要有一页是彩色就不提示。",
              "Copies must show the unit's red seal; a grayscale or black-and-white scan turns it grey, so the seal "
              "cannot be verified — docprep says so instead of guessing, once per file, listing the grey pages. "
              "Originals and forms (kinds needing no verification marks, e.g. --kind original) need no seal and are "
              "not flagged; a long copy stamped once is not flagged while any of its pages is in colour."),
    fix=T("用彩色模式重新扫描（200～300 dpi）。", "Scan the page again in colour (200-300 dpi)."),
)
def color(doc: PdfDocument, cfg) -> Iterator[Problem]:
    """Once per file, and only for copies (their kind needs the marks): an original or a form has no seal to show.
    A copy marked once can show its seal on any colour page, so it is flagged only when no page is in colour. The
    finding is on the first grey page and lists them all."""
    from ..analysis.pagescan import is_grey  # here, as in _blank

    needed = kinds.marks_needed(doc.attachment_kind, cfg.kinds)
    if not cfg.color.seal_required or needed == "none":
        return
    pages = list(_with_content(doc, cfg))
    grey = [p for p in pages if is_grey(p.scan, cfg)]
    if not grey or (needed == "once" and len(grey) < len(pages)):
        return
    numbers = [p.number for p in grey]
    spread = max(p.scan.chroma or 0 for p in grey)
    limit = cfg.color.max_gray_chroma
    message = T("第 {pages} 页是灰度或黑白扫描（颜色通道差最大 {c:.0f}，不超过 {limit:g} 即没有颜色），复印件上的红色公章无法辨认。"
                "请用彩色模式重新扫描。",
                "Grayscale or black-and-white scan on page {pages_en} (colour spread at most {c:.0f}; {limit:g} or "
                "less shows no colour): the red seal a copy needs cannot be recognised. Scan again in colour.")
    message = message.format(pages="、".join(map(str, numbers)), pages_en=", ".join(map(str, numbers)), c=spread,
                             limit=limit)
    yield Problem(message + copy_note(doc, cfg), {"grey_pages": numbers, "colour_spread": round(spread, 1)},
                  f"colour spread > {limit:g}", page=numbers[0])


@FAMILY.rule(
    "pdf.photographed-page", W,
    title=T("页面是拍下的照片，纸张四周还有桌面或手指", "Page is a photo with the desk or fingers round the sheet"),
    explain=T("用手机拍的材料照片直接转成 PDF 时，纸张四周的桌面、手指或房间也一起进了页面：纸张歪斜变形、大小不是 A4、分辨率按整幅照片"
              "估算，审核时会被退回。docprep 找出画面中最大的明亮四边形（纸张），纸张不超过画面的 {sheet.max_share:.0%}、画面外圈"
              "至少 {sheet.min_border:.0%} 不是纸、且纸张比四周亮 {sheet.min_contrast:g} 个灰度级以上（浅色桌面上亮 {sheet.light_desk_contrast:g} 个灰度级以上、"
              "且纸张轮廓至少 {sheet.light_desk_edge_share:.0%} 落在画面中的边缘上）时提示；轮廓不足 {sheet.min_edge_share:.0%} "
              "落在边缘上的亮区不是纸张。扫描件四边都是纸，不提示。",
              "A phone photo of a document turned straight into a PDF brings the desk, fingers or room round the sheet "
              "onto the page: the sheet is skewed in perspective, the page is not A4 and its resolution is guessed "
              "from the whole photo, and reviewers return it. docprep finds the largest bright four-sided region "
              "(the sheet); it warns when the sheet fills at most {sheet.max_share:.0%} of the picture, at least "
              "{sheet.min_border:.0%} of the picture's outer ring is not paper, and the paper is at least "
              "{sheet.min_contrast:g} grey levels brighter than what surrounds it (on a light desk "
              "{sheet.light_desk_contrast:g}, where at least {sheet.light_desk_edge_share:.0%} of the sheet's outline "
              "follows an edge in the picture); a bright region whose outline follows an edge for less than "
              "{sheet.min_edge_share:.0%} of its length is no sheet. A scan shows paper to its edges and is not "
              "flagged."),
    fix=T("用 docprep fix 照片.jpg -o 材料.pdf 从原照片重新生成（自动找出纸张、校正透视、按纸张规格定尺寸、提亮纸面），或用扫描仪扫描。",
          "Make the PDF again from the original photo with docprep fix PHOTO.jpg -o DOCUMENT.pdf (it finds the "
          "sheet, corrects the perspective, sizes the page by its paper format and whitens the paper), or scan "
          "it on a scanner."),
)
def photographed_page(doc: PdfDocument, cfg) -> Iterator[Problem]:
    for page in _measured(doc):
        sheet = page.scan.sheet
        if sheet is None or not sheet.surrounded(cfg.sheet):
            continue
        xs, ys = [x for x, _ in sheet.corners], [y for _, y in sheet.corners]
        box = page.to_points((int(min(xs)), int(min(ys)), int(max(xs) - min(xs)), int(max(ys) - min(ys))))
        yield _problem("第 {n} 页是拍下的照片：纸张只占画面的 {c:.0%}，画面外圈 {b:.0%} 是桌面、手指等背景（比纸张暗 {d:.0f} 个灰度级）。"
                       "请用 docprep fix 照片.jpg -o 材料.pdf 从原照片重新生成，或用扫描仪扫描。",
                       "Page {n} is a photo: the sheet fills only {c:.0%} of it, and {b:.0%} of its outer ring is "
                       "desk, fingers or other background ({d:.0f} grey levels darker than the paper). Make it again "
                       "from the original photo with docprep fix PHOTO.jpg -o DOCUMENT.pdf, or scan it.",
                       {"sheet_share": sheet.coverage, "border_outside": sheet.border_outside,
                        "contrast": sheet.contrast, "edge_share": sheet.edge_share},
                       {"sheet_share": f"> {cfg.sheet.max_share}"}, page, box,
                       n=page.number, c=sheet.coverage, b=sheet.border_outside, d=sheet.contrast)
