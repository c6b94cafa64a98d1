"""What a file really is, from its first bytes (extensions lie: a PNG renamed .jpg is the classic)."""
from __future__ import annotations

_MAGIC = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP/Office"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Office (OLE)"),
)
IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "BMP", "TIFF", "WEBP", "HEIF"}
IMAGE_EXTENSIONS = {"jpg", "jpeg", "jpe", "png", "gif", "bmp", "tif", "tiff", "webp", "heic", "heif"}
PDF_EXTENSIONS = {"pdf"}
# docprep's own outputs carry these in their first bytes, so that checking a folder again skips them: annotation
# pictures (a PNG text chunk), JSON reports (the schema key) and saved text reports (their first line).
ANNOTATION_SOFTWARE = "docprep annotation"
TEXT_REPORT_HEADER = "# docprep report"
_OWN_OUTPUT = (b"tEXtSoftware\x00" + ANNOTATION_SOFTWARE.encode(), b'"schema": "docprep.report/',
               TEXT_REPORT_HEADER.encode())


def sniff(head: bytes) -> str | None:
    """Format name from the file's first bytes, or None when unknown."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis", b"avif"):
        return "HEIF"
    if "%PDF-" in head[:1024].decode("latin-1"):  # PDFs may start with junk before the header
        return "PDF"
    text = head[:512].lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html")):
        return "HTML"
    if head and all(32 <= b < 127 or b in (9, 10, 13) for b in head[:512]):
        return "text"
    return None


def is_own_output(head: bytes) -> bool:
    """A picture or report that docprep wrote (see _OWN_OUTPUT), judged from the file's first KiB."""
    return head.startswith(_OWN_OUTPUT[2]) or any(marker in head[:1024] for marker in _OWN_OUTPUT[:2])


def extension(name: str) -> str:
    """Lower-case extension without the dot ('' when none)."""
    dot = name.rfind(".")
    return name[dot + 1:].lower() if dot > 0 else ""
