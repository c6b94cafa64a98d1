"""The hostile corpus, made at test time (nothing of it is committed but this code): the samples damaged every way a
shared drive damages files, and files made by hand to be as odd as a broken scanner, an odd tool or an attacker can
make them. Each maker returns bytes, or a dict of them by case name; tests/test_hostile.py checks that every one
gets verdicts from named rules, never file.check-failed, an exception or a hang.

Deterministic: every random choice comes from a seeded `random.Random`, so a failure names a case that can be made
again."""
from __future__ import annotations

import io
import random
import struct
import zlib
from pathlib import Path

import numpy as np
from pdf_fixtures import handmade_pdf, image_object, jpeg_bytes, one_page_pdf, page, pdf_bytes, stream
from PIL import Image

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
# Damage applied to every sample: a cut at these shares of the file (and 1, 2 and all but the last 2 bytes).
CUT_SHARES = (0.05, 0.3, 0.55, 0.8, 0.97)


def sample_photos() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((SAMPLES / "photos").glob("*.jpg"))}


def sample_pdfs() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((SAMPLES / "attachments").glob("*.pdf"))}


# --- damage to any file ---------------------------------------------------------------------------------------

def cuts(data: bytes) -> dict[str, bytes]:
    """The file cut short at many points: an interrupted copy or download."""
    ends = {1, 2, len(data) - 2} | {int(len(data) * share) for share in CUT_SHARES}
    return {f"cut-{end}": data[:end] for end in sorted(ends) if 0 < end < len(data)}


def bit_flips(data: bytes, seed: int, flips: int = 8) -> bytes:
    """`flips` single bits flipped at random places (a flaky disk, a bad cable)."""
    chance = random.Random(seed)
    out = bytearray(data)
    for _ in range(flips):
        at = chance.randrange(len(out))
        out[at] ^= 1 << chance.randrange(8)
    return bytes(out)


def zeroed_run(data: bytes, seed: int, length: int = 4096) -> bytes:
    """A run of bytes set to zero in the middle of the file (a sector lost on a share)."""
    chance = random.Random(seed)
    at = chance.randrange(len(data) // 4, len(data) * 3 // 4)
    return data[:at] + bytes(min(length, len(data) - at)) + data[at + length:]


# --- photos ---------------------------------------------------------------------------------------------------

def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_of(width: int, height: int, bit_depth: int = 1, colour: int = 0, rows: bytes | None = None) -> bytes:
    """A PNG written by hand (any size, however absurd: Pillow refuses to make some), blank unless `rows` (filtered
    scanlines) are given; compressed row by row, so a bomb of 900 megapixels is ~110 KB."""
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    squeeze = zlib.compressobj(9)
    if rows is None:
        row = bytes(1 + (width * channels * bit_depth + 7) // 8)
        body = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    else:
        body = squeeze.compress(rows) + squeeze.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour, 0, 0, 0)
    palette = png_chunk(b"PLTE", bytes(range(256)) * 3) if colour == 3 else b""
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + palette + png_chunk(b"IDAT", body)
            + png_chunk(b"IEND", b""))


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def jpeg_declaring(jpeg: bytes, width: int, height: int) -> bytes:
    """A JPEG whose frame header (SOF) claims another size than its data holds."""
    at = next(i for i in range(2, len(jpeg) - 9) if jpeg[i] == 0xFF and jpeg[i + 1] in (0xC0, 0xC1, 0xC2))
    return jpeg[:at + 5] + struct.pack(">HH", height, width) + jpeg[at + 9:]


def with_app1(jpeg: bytes, payload: bytes) -> bytes:
    """`payload` inserted as an APP1 (EXIF) segment right after the start marker."""
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def junk_exif(jpeg: bytes, seed: int) -> dict[str, bytes]:
    """EXIF segments that lie: random bytes, an orientation of 9 and of 65535, an IFD pointing at itself, an entry
    count past the segment's end."""
    chance = random.Random(seed)

    def tiff(entries: bytes, count: int, next_ifd: int = 0) -> bytes:
        return b"Exif\x00\x00MM\x00*\x00\x00\x00\x08" + struct.pack(">H", count) + entries + struct.pack(">I", next_ifd)

    def orientation(value: int) -> bytes:
        return struct.pack(">HHIHH", 0x0112, 3, 1, value, 0)

    return {
        "exif-random": with_app1(jpeg, b"Exif\x00\x00" + chance.randbytes(500)),
        "exif-orientation-9": with_app1(jpeg, tiff(orientation(9), 1)),
        "exif-orientation-65535": with_app1(jpeg, tiff(orientation(65535), 1)),
        "exif-ifd-loop": with_app1(jpeg, tiff(orientation(6), 1, next_ifd=8)),
        "exif-count-past-end": with_app1(jpeg, tiff(orientation(1), 60000)),
        "exif-offset-past-end": with_app1(jpeg, tiff(struct.pack(">HHII", 0x010F, 2, 4000, 0x7FFFFFF0), 1)),
    }


def odd_photos(good: Image.Image) -> dict[str, bytes]:
    """Images no photo tool makes but a share may hold, each under a .jpg name."""
    small = jpeg_bytes(good.resize((64, 80)))
    grey16 = Image.fromarray(np.asarray(good.convert("L"), dtype=np.uint16) * 257)
    return {
        "declares-65000x65000": jpeg_declaring(small, 65000, 65000),
        "declares-0x0": jpeg_declaring(small, 0, 0),
        "png-bomb-30000x30000": png_of(30_000, 30_000),
        "png-bomb-grey-9000x8000": png_of(9_000, 8_000, 8),
        "png-1x20000": png_of(1, 20_000),
        "png-20000x1": png_of(20_000, 1),
        "jpeg-1x20000": jpeg_bytes(Image.new("L", (1, 20_000), 128)),
        "jpeg-20000x1": jpeg_bytes(Image.new("RGB", (20_000, 1), (200, 10, 10))),
        "jpeg-1x1": jpeg_bytes(Image.new("RGB", (1, 1))),
        "png-16-bit-grey": encoded(grey16, "PNG"),
        "png-16-bit-rgb": png_of(40, 30, 16, 2),
        "png-palette": encoded(good.convert("P", palette=Image.Palette.ADAPTIVE), "PNG"),
        "png-palette-transparent": encoded(good.convert("P", palette=Image.Palette.ADAPTIVE), "PNG", transparency=0),
        "gif-palette": encoded(good.convert("P"), "GIF"),
        "jpeg-cmyk": jpeg_bytes(good.convert("CMYK")),
        "jpeg-grey": jpeg_bytes(good.convert("L")),
        "tiff-1-bit": encoded(good.convert("1"), "TIFF"),
        "bmp": encoded(good, "BMP"),
        "webp": encoded(good, "WEBP"),
        "progressive-cut": encoded(good, "JPEG", progressive=True)[:9000],
        "jpeg-only-header": small[:small.index(b"\xff\xda")],
        "jpeg-end-marker-only": b"\xff\xd8\xff\xd9",
    }


# --- PDFs -----------------------------------------------------------------------------------------------------

def image_streams(pdf: bytes) -> list[tuple[int, int]]:
    """(start, end) of every DCT image stream's data in a PDF written by pdf_fixtures (the samples are)."""
    spans, at = [], 0
    while (at := pdf.find(b"/DCTDecode", at)) >= 0 and (start := pdf.find(b"stream\n", at)) >= 0:
        start += len(b"stream\n")
        if (end := pdf.find(b"\nendstream", start)) < 0:
            break  # cut short inside the stream
        spans.append((start, end))
        at = end
    return spans


def stream_damage(pdf: bytes) -> dict[str, bytes]:
    """The first page image's stream zeroed, its second half zeroed, and cut to a half with the rest of the file
    moved up (its /Length then lies, and so does the cross-reference table); none for a file without a whole one."""
    spans = image_streams(pdf)
    if not spans:
        return {}
    start, end = spans[0]
    half = (end - start) // 2
    return {
        "stream-zeroed": pdf[:start] + bytes(end - start) + pdf[end:],
        "stream-half-zeroed": pdf[:start + half] + bytes(end - start - half) + pdf[end:],
        "stream-shortened": pdf[:start + half] + pdf[end:],
    }


def xref_damage(pdf: bytes) -> dict[str, bytes]:
    """Cross-reference tables that lie: every offset moved, the table replaced by junk, startxref pointing nowhere
    or at the start, no table at all; none for a file without a table."""
    xref = pdf.rfind(b"\nxref\n") + 1
    trailer = pdf.find(b"trailer", xref)
    if not xref or trailer < 0:
        return {}
    table = pdf[xref:trailer]
    lines = table.split(b"\n")
    moved = b"\n".join(line if not line.endswith(b" n ") else b"%010d" % (int(line[:10]) + 7) + line[10:]
                       for line in lines)
    startxref = pdf.rindex(b"startxref\n") + len(b"startxref\n")
    return {
        "xref-offsets-moved": pdf[:xref] + moved + pdf[trailer:],
        "xref-junk": pdf[:xref] + random.Random(3).randbytes(len(table)) + pdf[trailer:],
        "startxref-past-end": pdf[:startxref] + b"999999999\n%%EOF\n",
        "startxref-zero": pdf[:startxref] + b"0\n%%EOF\n",
        "xref-missing": pdf[:xref] + pdf[trailer:],
    }


def _catalog(pages: bytes, *rest: bytes, catalog_extra: str = "") -> bytes:
    return handmade_pdf([f"<< /Type /Catalog /Pages 2 0 R {catalog_extra}>>".encode(), pages, *rest])


def _small_page(parent: int = 2, extra: str = "") -> bytes:
    return f"<< /Type /Page /Parent {parent} 0 R /MediaBox [0 0 200 200] /Contents 4 0 R {extra}>>".encode()


def _line() -> bytes:
    return stream("", b"0 0 0 RG 2 w 20 20 m 180 180 l S")


def flate_bomb(width: int, height: int, gib: int) -> bytes:
    """A grey image stream of `width` × `height` whose flate data (a few MiB) inflates to `gib` GiB of 0xFF: built
    from one fully flushed compressed block repeated, with the right checksum, without ever inflating it."""
    chunk = b"\xff" * (1 << 20)
    squeeze = zlib.compressobj(9)
    head = squeeze.compress(chunk) + squeeze.flush(zlib.Z_FULL_FLUSH)
    piece = squeeze.compress(chunk) + squeeze.flush(zlib.Z_FULL_FLUSH)
    total = gib << 30
    tail = squeeze.flush(zlib.Z_FINISH)[:-4]  # the final empty block; the checksum is computed below
    a = (1 + total * 0xFF) % 65521  # adler-32 of `total` bytes of 0xFF, in closed form
    b = (total + 0xFF * (total * (total + 1) // 2)) % 65521
    data = head + piece * ((total >> 20) - 1) + tail + struct.pack(">I", (b << 16) | a)
    return stream(f"/Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceGray "
                  "/BitsPerComponent 8 /Filter /FlateDecode", data)


def many_pages(count: int) -> bytes:
    """`count` small pages, each drawing the same line (one shared content stream)."""
    kids = " ".join(f"{5 + i} 0 R" for i in range(count))
    pages = [_small_page() for _ in range(count)]
    return handmade_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {count} >>"
                         .encode(), b"<< >>", _line(), *pages])


def deep(depth: int, opener: bytes, closer: bytes, key: bytes = b"") -> bytes:
    return (key + opener) * depth + closer * depth


def hostile_pdfs() -> dict[str, bytes]:
    """PDFs made by hand to break parsers: loops, lies and sizes past any reason."""
    scan = page(60, seal=False)
    image = image_object(scan)
    full = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
    pages_of = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    return {
        "page-tree-contains-itself": _catalog(b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>", _small_page(),
                                              _line()),
        "page-is-its-own-parent-kid": _catalog(pages_of, b"<< /Type /Pages /Parent 2 0 R /Kids [3 0 R] /Count 1 >>",
                                               _line()),
        "count-a-billion": _catalog(b"<< /Type /Pages /Kids [3 0 R] /Count 1000000000 >>", _small_page(), _line()),
        "count-negative": _catalog(b"<< /Type /Pages /Kids [3 0 R] /Count -5 >>", _small_page(), _line()),
        "nested-arrays-10000": _catalog(pages_of, _small_page(extra="/Deep " + deep(10_000, b"[", b"]").decode()),
                                        _line()),
        "nested-dicts-10000": _catalog(pages_of, _small_page(extra="/Deep " + deep(10_000, b"<< /A ", b" >>").decode()),
                                       _line()),
        "nested-in-catalog": _catalog(pages_of, _small_page(), _line(),
                                      catalog_extra="/OpenAction " + deep(10_000, b"[", b"]").decode() + " "),
        "nested-content-q": _catalog(pages_of, _small_page(), stream("", b"q " * 100_000 + b"0 0 m 9 9 l S")),
        "form-calls-itself": one_page_pdf(b"q 595 0 0 842 0 0 cm /Fm0 Do Q", {"Fm0": stream(
            "/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << /XObject << /Fm0 5 0 R >> >>",
            b"0 0 m 1 1 l S /Fm0 Do")}),
        "forms-call-each-other": one_page_pdf(b"/Fm0 Do", {
            "Fm0": stream("/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /XObject << /Fm1 6 0 R >> "
                          ">>", b"/Fm1 Do"),
            "Fm1": stream("/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /XObject << /Fm0 5 0 R >> "
                          ">>", b"0 0 m 500 500 l S /Fm0 Do")}),
        "flate-bomb-4gib-image": one_page_pdf(full, {"Im0": flate_bomb(4000, 5000, 4)}),
        "flate-bomb-undeclared-size": one_page_pdf(full, {"Im0": flate_bomb(1000, 1000, 1)}),
        "image-declares-60000x60000": one_page_pdf(full, {"Im0": stream(
            "/Type /XObject /Subtype /Image /Width 60000 /Height 60000 /ColorSpace /DeviceRGB /BitsPerComponent 8 "
            "/Filter /DCTDecode", jpeg_bytes(scan))}),
        "image-declares-2147483647-wide": one_page_pdf(full, {"Im0": stream(
            "/Type /XObject /Subtype /Image /Width 2147483647 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8",
            b"\x80" * 1000)}),
        "image-declares-negative": one_page_pdf(full, {"Im0": stream(
            "/Type /XObject /Subtype /Image /Width -400 /Height 500 /ColorSpace /DeviceGray /BitsPerComponent 8",
            b"\x80" * 1000)}),
        "image-strip-1x20000": one_page_pdf(full, {"Im0": image_object(Image.new("L", (1, 20_000), 200))}),
        "image-strip-20000x1": one_page_pdf(full, {"Im0": image_object(Image.new("L", (20_000, 1), 200))}),
        "image-16-bit": one_page_pdf(full, {"Im0": stream(
            "/Type /XObject /Subtype /Image /Width 300 /Height 400 /ColorSpace /DeviceGray /BitsPerComponent 16",
            bytes(range(256)) * (300 * 400 * 2 // 256))}),
        "image-indexed": one_page_pdf(full, {"Im0": stream(
            "/Type /XObject /Subtype /Image /Width 300 /Height 400 /ColorSpace [/Indexed /DeviceRGB 255 <" +
            bytes(range(256)).hex() * 3 + ">] /BitsPerComponent 8", bytes(range(256)) * (300 * 400 // 256) +
            bytes(300 * 400 % 256))}),
        "image-bad-colour-space": one_page_pdf(full, {"Im0": stream(
            "/Type /XObject /Subtype /Image /Width 300 /Height 400 /ColorSpace /Nonsense /BitsPerComponent 8",
            bytes(300 * 400))}),
        "image-jpeg-garbage": one_page_pdf(full, {"Im0": stream(
            "/Type /XObject /Subtype /Image /Width 496 /Height 702 /ColorSpace /DeviceRGB /BitsPerComponent 8 "
            "/Filter /DCTDecode", random.Random(5).randbytes(20_000))}),
        "image-jpeg-says-cmyk": one_page_pdf(full, {"Im0": stream(
            "/Type /XObject /Subtype /Image /Width 496 /Height 702 /ColorSpace /DeviceCMYK /BitsPerComponent 8 "
            "/Filter /DCTDecode", jpeg_bytes(scan))}),
        "image-two-filters": one_page_pdf(full, {"Im0": stream(
            "/Type /XObject /Subtype /Image /Width 496 /Height 702 /ColorSpace /DeviceRGB /BitsPerComponent 8 "
            "/Filter [/FlateDecode /DCTDecode]", zlib.compress(jpeg_bytes(scan)))}),
        "mediabox-1e6": one_page_pdf(b"q 1000000 0 0 1000000 0 0 cm /Im0 Do Q", {"Im0": image}, size=(1e6, 1e6)),
        "mediabox-1e6-lines": _catalog(pages_of, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 1000000 1000000] "
                                       b"/Contents 4 0 R >>", stream("", b"5000 w 0 0 m 1000000 1000000 l S")),
        "mediabox-zero": one_page_pdf(full, {"Im0": image}, size=(0, 0)),
        "mediabox-inverted": _catalog(pages_of, b"<< /Type /Page /Parent 2 0 R /MediaBox [595 842 0 0] "
                                      b"/Contents 4 0 R /Resources << /XObject << /Im0 5 0 R >> >> >>",
                                      stream("", full), image),
        "mediabox-nan": _catalog(pages_of, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 1e400 nan] "
                                 b"/Contents 4 0 R >>", _line()),
        "rotate-45": one_page_pdf(full, {"Im0": image}, page_extra="/Rotate 45 "),
        "image-placed-at-an-angle-huge": one_page_pdf(b"q 1e30 1e30 -1e30 1e30 0 0 cm /Im0 Do Q", {"Im0": image}),
        "image-placed-flat": one_page_pdf(b"q 595 0 0 0 0 0 cm /Im0 Do Q", {"Im0": image}),
        "pages-5000": many_pages(5000),
        "no-root": pdf_bytes([b"<< /Type /Pages /Kids [] /Count 0 >>"], ""),
        "root-is-a-number": pdf_bytes([b"42"], "/Root 1 0 R"),
        "encrypt-garbage": _catalog(pages_of, _small_page(), _line(), catalog_extra="") .replace(
            b"/Root 1 0 R", b"/Root 1 0 R /Encrypt << /Filter /Standard /V 99 /R 99 /O <00> /U <00> /P -1 >>"),
        "header-only": b"%PDF-1.7\n",
        "header-and-eof": b"%PDF-1.7\n%%EOF\n",
    }
