"""Loading a PDF once for every check: structure from pypdf, pages and pixels from PDFium, each checked against
the other, because one parser's silence proves nothing (some truncated files open in one reader with zero pages
and no error; an image stream of zeros parses everywhere and shows as a grey or white band).

`load_pdf` parses the bytes and raises LoadFailure for files that cannot be checked further (pdf.not-pdf,
pdf.unreadable, pdf.encrypted, pdf.empty); what it can still read of a damaged file, and any active content, it
records on the document. Pages are read and measured lazily, one at a time, the first time a check asks
(docprep.documents.pdfpages). Every parser exception on damaged bytes becomes a finding; none escapes as a
traceback.
"""
from __future__ import annotations

import io
import logging
import re
import warnings
from dataclasses import InitVar, dataclass, field
from typing import Any, Iterator

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..analysis.geometry import Box
from ..analysis.marks import MarkSettings
from ..analysis.ocr import read_region
from ..i18n import Text
from ..model import LoadFailure, Problem
from .pdfpages import PageReader, PdfPage
from .sniff import sniff

log = logging.getLogger(__name__)

ACTION_DEPTH = 8  # /Next chains and nested action arrays are followed this deep (a loop guard, not a verdict)


@dataclass
class PdfDocument:
    """A PDF opened once: what its structure says, and its pages, read and measured on first use."""

    name: str
    size_bytes: int
    page_count: int
    version: str | None
    active_content: list[Text] = field(default_factory=list)
    damage: list[Text] = field(default_factory=list)  # the file is broken, though parts of it can be read
    owner_password_only: bool = False
    analysed_pages: int = 0
    settings: Any = None  # the profile's [pdf] section
    attachment_kind: str = "unknown"  # (docprep.rules.kinds), for messages
    marks_needed: str = "none"  # verification marks on a copy: "every-page", "once" or "none"
    mark_settings: MarkSettings | None = None
    pdf: InitVar[pdfium.PdfDocument | None] = None  # PDFium's open document; the reader closes it
    structure: InitVar[Any] = None  # pypdf's reader of the same bytes (None where it failed), for image dictionaries
    _pages: dict = field(default_factory=dict)
    _reader: PageReader | None = field(default=None, init=False, repr=False)

    def __post_init__(self, pdf: pdfium.PdfDocument | None, structure: Any) -> None:
        self._reader = PageReader(self.name, pdf, self.settings, self.marks_needed, self.mark_settings, structure,
                                  kind=lambda: self.attachment_kind)

    def pages(self) -> Iterator[PdfPage]:
        """The analysed pages, measured on first use and cached (measurements only, not pixels)."""
        for index in range(self.analysed_pages):
            if index not in self._pages:
                self._pages[index] = self._reader.read(index)
            yield self._pages[index]

    @property
    def first_page_text(self) -> str | None:
        """The first page's text layer if the checks have measured that page (never read for this alone)."""
        page = self._pages.get(0)
        return page.text if page is not None else None

    def render(self, number: int, dpi: float) -> np.ndarray:
        """Page `number` (1-based) as displayed, RGB at `dpi` (for pictures of what was found, not for checks)."""
        return self._reader.render(number, dpi)

    def title_text(self, share: float, settings: MarkSettings) -> str:
        """OCR of the top `share` of the first page, rendered at the OCR resolution: the title of a scan without a
        text layer, for telling which attachment it is (read only when asked: it costs a render and an OCR)."""
        if share <= 0 or self.page_count == 0:
            return ""
        gray = cv2.cvtColor(self.render(1, settings.ocr_dpi), cv2.COLOR_RGB2GRAY)
        height, width = gray.shape
        lines = read_region(gray, settings.ocr_dpi, Box(0, 0, width, max(1, round(height * share))), settings)
        return " ".join(line.text for line in lines)

    def close(self) -> None:
        self._reader.close()

    def __enter__(self) -> "PdfDocument":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --- refusals ---------------------------------------------------------------------------------------------------

def _fail(rule: str, zh: str, en: str, **extra) -> LoadFailure:
    return LoadFailure(rule, Problem(Text(zh, en), **extra))


def _empty() -> LoadFailure:
    return _fail("pdf.empty", "PDF 里没有任何页面。请重新扫描或导出，确认文件里有内容。",
                 "The PDF has no pages. Scan or export it again and check that it has content.",
                 measured=0, expected=">= 1 page")


_WHAT_ZH = {"JPEG": "JPEG 图片", "PNG": "PNG 图片", "HTML": "网页（HTML）", "ZIP/Office": "Word/Excel 等 Office 文档或 ZIP",
            "Office (OLE)": "旧版 Office 文档（.doc/.xls）", "text": "纯文本"}
_WHAT_EN = {"HTML": "a web page (HTML)", "ZIP/Office": "an Office document or ZIP archive",
            "Office (OLE)": "an old Office document (.doc/.xls)", "text": "plain text"}
_IMAGE_FORMATS = ("JPEG", "PNG", "GIF", "BMP", "TIFF", "WEBP", "HEIF")


def _refuse_what_is_no_pdf(data: bytes) -> None:
    """An empty file, or one whose content is something else named .pdf (a saved error page, a photo)."""
    if not data:
        raise _fail("pdf.unreadable", "文件是空的（0 字节），没有任何内容。", "The file is empty (0 bytes).", measured=0)
    kind = sniff(data[:1024])
    if kind == "PDF":
        return
    what = _WHAT_ZH.get(kind, kind or "无法识别的数据")
    what_en = _WHAT_EN.get(kind, f"a {kind} image" if kind in _IMAGE_FORMATS else "unrecognised data")
    raise _fail("pdf.not-pdf", f"文件内容不是 PDF，而是{what}（只是扩展名为 .pdf）。请用扫描软件或“打印为 PDF”重新生成 PDF。",
                f"The content is not a PDF but {what_en} (only the name says .pdf). Make a real PDF with the "
                "scanner software or 'Print to PDF'.", measured=kind or "unknown", expected="PDF")


def _refuse_unopenable(parsed: _Parsed, data: bytes) -> None:
    """A password, or neither reader able to open the file: nothing of it can be checked."""
    if parsed.needs_password:
        raise _fail("pdf.encrypted", "PDF 设置了打开密码，审核人员和平台都无法打开。请去掉密码后重新导出（或重新扫描）。",
                    "The PDF needs a password to open; neither the platform nor the reviewers can open it. Remove the "
                    "password and export it again (or scan again).", measured="user password", expected="none")
    if parsed.pdf is None and parsed.reader is not None and parsed.pypdf_pages == 0 and _ends_properly(data):
        raise _empty()  # PDFium refuses a document without pages; pypdf reads it whole and finds none
    if parsed.pdf is None:
        cut = not _ends_properly(data)
        pypdf_said = parsed.pypdf_error or f"{parsed.pypdf_pages} 页"
        pypdf_said_en = parsed.pypdf_error or f"{parsed.pypdf_pages} pages"
        raise _fail("pdf.unreadable",
                    "PDF 已损坏，无法打开" + ("：文件末尾缺少 %%EOF 结束标记，是在复制或下载时被截断的" if cut else "") +
                    f"（PDFium：{parsed.pdfium_error}；pypdf：{pypdf_said}）。请从原件重新扫描或重新导出。",
                    "The PDF is damaged and cannot be opened" + (": it lacks the %%EOF end marker, so it was cut short "
                                                                  "while copying or downloading" if cut else "") +
                    f" (PDFium: {parsed.pdfium_error}; pypdf: {pypdf_said_en}). Scan or export it "
                    "again from the original.", measured="truncated" if cut else "damaged", expected="a readable PDF")


def _refuse_pageless(parsed: _Parsed, damage: list[Text]) -> None:
    """No pages to check: an empty PDF, or a damaged one that has lost them."""
    if not parsed.pdfium_pages and not parsed.pypdf_pages:
        if damage:  # a damaged file that shows no pages has lost them; it is not an empty PDF
            raise _fail("pdf.unreadable", f"PDF 已损坏，读不到任何页面（{damage[0].zh}）。请重新扫描或导出。",
                        f"The PDF is damaged and shows no pages ({damage[0].en}). Scan or export it again.",
                        measured=0, expected=">= 1 page")
        raise _empty()
    if not parsed.pdfium_pages:
        raise _fail("pdf.unreadable", f"PDF 页面无法读取：pypdf 读到 {parsed.pypdf_pages} 页，PDFium 读到 0 页（文件损坏）。请重新生成。",
                    f"The PDF's pages cannot be read: pypdf counts {parsed.pypdf_pages}, PDFium none (the file is "
                    "damaged). Make it again.", measured=0, expected=parsed.pypdf_pages)


# --- the two readers --------------------------------------------------------------------------------------------

@dataclass
class _Parsed:
    """What each reader made of the bytes."""

    reader: object | None  # pypdf.PdfReader
    pypdf_pages: int | None
    pypdf_error: str | None
    repairs: list[str]  # what pypdf says it repaired
    pdf: pdfium.PdfDocument | None
    pdfium_pages: int | None
    pdfium_error: str | None
    needs_password: bool

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()
            self.pdf = None


class _Captured(logging.Handler):
    """pypdf reports repairs through logging; they are collected, not printed."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _open_both(data: bytes) -> _Parsed:
    """The bytes opened by pypdf and by PDFium; either may fail."""
    reader, pypdf_pages, pypdf_password, pypdf_error, repairs = _open_pypdf(data)
    pdf, pdfium_pages, pdfium_password, pdfium_error = _open_pdfium(data)
    if pdfium_password and not (reader.is_encrypted if reader is not None else b"/Encrypt" in data):
        pdfium_password = False  # PDFium's error code is process-wide and can be stale from an earlier file
    return _Parsed(reader, pypdf_pages, pypdf_error, repairs, pdf, pdfium_pages, pdfium_error,
                   pypdf_password or pdfium_password)


def _open_pypdf(data: bytes):
    """(reader or None, page count or None, needs a password, error text or None, repair messages)."""
    import pypdf

    logger = logging.getLogger("pypdf")
    handler, propagate = _Captured(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
                needs_password = False
                if reader.is_encrypted:
                    try:
                        needs_password = reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED
                    except Exception:  # unsupported or broken encryption dictionary
                        needs_password = True
                if needs_password:
                    return reader, None, True, None, handler.messages
                return reader, len(reader.pages), False, None, handler.messages
            except Exception as exc:
                return None, None, False, f"{type(exc).__name__}: {exc}", handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _open_pdfium(data: bytes):
    """(document or None, page count or None, needs a password, error text or None)."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = re.search(r"\(PDFium: (.*?)\)", str(exc))
        return None, None, exc.err_code == pdfium_c.FPDF_ERR_PASSWORD, reason.group(1) if reason else str(exc)
    except Exception as exc:
        return None, None, False, f"{type(exc).__name__}: {exc}"
    try:
        return pdf, len(pdf), False, None
    except Exception as exc:
        pdf.close()
        return None, None, False, f"{type(exc).__name__}: {exc}"


# --- damage -----------------------------------------------------------------------------------------------------

def _ends_properly(data: bytes) -> bool:
    """A complete PDF ends with %%EOF (trailing whitespace, NULs or a little junk allowed)."""
    return b"%%EOF" in data[-2048:].rstrip(b"\x00\r\n\t \x0c")[-1100:]


def _damage(parsed: _Parsed, data: bytes) -> list[Text]:
    """How the file is broken, though PDFium can open it: cut short, unparsable by pypdf, or the two readers
    counting different pages."""
    damage: list[Text] = []
    if not _ends_properly(data):
        damage.append(Text("文件末尾缺少 %%EOF 结束标记：文件被截断（复制或下载不完整），后面的页面可能丢失",
                           "the file does not end with the %%EOF marker: it was cut short (an incomplete copy or "
                           "download), and pages at the end may be missing"))
    if parsed.reader is None:
        damage.append(Text(f"文件结构损坏，pypdf 无法解析（{parsed.pypdf_error}）",
                           f"the structure is broken: pypdf cannot parse it ({parsed.pypdf_error})"))
    elif parsed.pypdf_pages != parsed.pdfium_pages:
        damage.append(Text(f"页面树损坏：两个解析器读到的页数不同（PDFium {parsed.pdfium_pages} 页，pypdf {parsed.pypdf_pages} 页）",
                           f"the page tree is broken: two readers count different pages (PDFium {parsed.pdfium_pages}, "
                           f"pypdf {parsed.pypdf_pages})"))
    return damage


def _version(reader) -> str | None:
    """The version in the file's header ("1.7"), where pypdf could read it."""
    try:
        return reader.pdf_header[5:] if reader is not None else None
    except Exception:
        return None


# --- active content ---------------------------------------------------------------------------------------------

_ACTION_KINDS = {"/JavaScript": ("JavaScript 脚本", "JavaScript"), "/Launch": ("启动外部程序的动作", "a launch action"),
                 "/ImportData": ("导入数据的动作", "an import-data action"),
                 "/GoToE": ("跳转到嵌入文件的动作", "a go-to-embedded-file action")}


def _actions(action, where: tuple[str, str], found: list[Text], depth: int = 0) -> None:
    """Dangerous kinds in an action dictionary and its /Next chain."""
    if depth > ACTION_DEPTH:
        return
    try:
        action = action.get_object()
    except Exception:
        return
    if isinstance(action, list):
        for item in action:
            _actions(item, where, found, depth + 1)
        return
    if not hasattr(action, "get"):
        return
    kind = action.get("/S")
    if kind in _ACTION_KINDS:
        zh, en = _ACTION_KINDS[kind]
        found.append(Text(f"{where[0]}中有{zh}", f"{en} in {where[1]}"))
    if "/Next" in action:
        _actions(action["/Next"], where, found, depth + 1)


def _additional_actions(holder, where: tuple[str, str], found: list[Text]) -> None:
    aa = holder.get("/AA")
    if aa is None:
        return
    try:
        for trigger in aa.get_object().values():
            _actions(trigger, where, found)
    except Exception:
        return


def _structure_active_content(reader, page_limit: int, found: list[Text]) -> None:
    """pypdf's walk of the document catalogue and the analysed pages' actions and annotations."""
    root = reader.trailer["/Root"].get_object()
    names = root.get("/Names")
    names = names.get_object() if names is not None else {}
    if "/JavaScript" in names:
        found.append(Text("文档级 JavaScript 脚本（打开文件即运行）", "document-level JavaScript (runs on opening)"))
    if "/EmbeddedFiles" in names:
        found.append(Text("嵌入的附件文件", "embedded files"))
    if "/OpenAction" in root:
        _actions(root["/OpenAction"], ("打开文件时的动作", "the action run on opening"), found)
    _additional_actions(root, ("文档事件动作", "document event actions"), found)
    form = root.get("/AcroForm")
    if form is not None and "/XFA" in form.get_object():
        found.append(Text("XFA 动态表单（可含脚本）", "an XFA dynamic form (may run scripts)"))
    for number, page in enumerate(reader.pages[:page_limit], start=1):
        _additional_actions(page, (f"第 {number} 页的页面动作", f"page {number}'s actions"), found)
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            where = (f"第 {number} 页的注释", f"an annotation on page {number}")
            if annot.get("/Subtype") == "/FileAttachment":
                found.append(Text(f"第 {number} 页附有文件", f"a file attached on page {number}"))
            if "/A" in annot:
                _actions(annot["/A"], where, found)
            _additional_actions(annot, where, found)


def _active_content(reader, pdf: pdfium.PdfDocument | None, data: bytes, page_limit: int) -> list[Text]:
    """JavaScript, launch actions and embedded files, from pypdf's structure walk and PDFium's counts (and, if
    pypdf failed, a plain search of the uncompressed bytes)."""
    found: list[Text] = []
    if reader is not None:
        try:
            _structure_active_content(reader, page_limit, found)
        except Exception as exc:  # a broken structure: fall through to the other readers' evidence
            log.debug("active-content walk stopped: %s", exc)
    elif any(token in data for token in (b"/JavaScript", b"/Launch", b"/EmbeddedFile")):
        found.append(Text("文件中出现脚本、启动动作或嵌入文件的标记", "markers of scripts, launch actions or embedded files"))
    if pdf is not None:
        scripts = pdfium_c.FPDFDoc_GetJavaScriptActionCount(pdf.raw)
        files = pdfium_c.FPDFDoc_GetAttachmentCount(pdf.raw)
        if scripts > 0 and not any("JavaScript" in t.en for t in found):
            found.append(Text(f"{scripts} 段文档级 JavaScript 脚本", f"{scripts} document-level JavaScript action(s)"))
        if files > 0 and not any("embedded files" in t.en for t in found):
            found.append(Text(f"{files} 个嵌入的附件文件", f"{files} embedded file(s)"))
    unique: dict[str, Text] = {}
    for text in found:
        unique.setdefault(text.en, text)
    return list(unique.values())


# --- the whole file ---------------------------------------------------------------------------------------------

def load_pdf(name: str, data: bytes, cfg: Any, marks: str = "none") -> PdfDocument:
    """Parse a PDF's bytes once with two readers and decide whether it can be checked. Pages are measured later,
    lazily (PdfDocument.pages()), with the verification marks where `marks` asks for them ("every-page" or
    "once": the document is a copy). The caller closes the document."""
    _refuse_what_is_no_pdf(data)
    parsed = _open_both(data)
    try:
        _refuse_unopenable(parsed, data)
        damage = _damage(parsed, data)
        _refuse_pageless(parsed, damage)
    except LoadFailure:
        parsed.close()
        raise
    limit = int(cfg.max_analysed_pages)
    reader = parsed.reader
    document = PdfDocument(name=name, size_bytes=len(data), page_count=parsed.pdfium_pages,
                           version=_version(reader), damage=damage,
                           owner_password_only=bool(reader is not None and reader.is_encrypted),
                           analysed_pages=min(parsed.pdfium_pages, limit), settings=cfg, marks_needed=marks,
                           mark_settings=cfg.marks if marks != "none" else None,
                           pdf=parsed.pdf, structure=reader)
    document.active_content = _active_content(reader, parsed.pdf, data, limit)
    if parsed.repairs:
        log.debug("pypdf repaired %s: %s", name, "; ".join(parsed.repairs[:5]))
    return document
