"""What a file really is, from its first bytes (extensions lie: a PNG renamed .jpg is the classic)."""
from __future__ import annotations

import re

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
# docprep's own outputs are recognised from their first KiB, so that checking a folder again skips them:
# annotation pictures (a PNG text chunk), JSON reports (the schema key), saved text reports (their first line),
# JUnit (the suite's name), SARIF (the driver's name), GitLab Code Quality (a finding's check_name is a rule id)
# or an empty list, and CSV (the BOM and the header row, in either language).
ANNOTATION_SOFTWARE = "docprep annotation"
TEXT_REPORT_HEADER = "# docprep report"
_OWN_OUTPUT = re.compile(
    rb"\A(?:# docprep report"
    rb"|\xef\xbb\xbf(?:applicant,file,page,rule,severity,message|\xe7\x94\xb3\xe8\xaf\xb7\xe4\xba\xba,)"
    rb"|\[\s*\{\s*\"description\":[^\n]*\n\s*\"check_name\": \"(?:file|photo|pdf|app)\."
    rb"|\[\]\s*\Z)"  # a Code Quality report with nothing to say
    rb"|tEXtSoftware\x00docprep annotation"
    rb"|\"schema\": \"docprep\.report/"
    rb"|<testsuites name=\"docprep"
    rb"|<meta name=\"generator\" content=\"docprep report\""
    rb"|\"driver\":\s*\{\s*\"name\":\s*\"docprep\"")

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
    return _OWN_OUTPUT.search(head[:1024]) is not None


def extension(name: str) -> str:
    """Lower-case extension without the dot ('' when none)."""
    dot = name.rfind(".")
    return name[dot + 1:].lower() if dot > 0 else ""
