"""Synthetic scanned pages and PDFs for the PDF tests, built at test time from Pillow drawing (Latin text in
Pillow's bundled font: no font file is needed).

`page()` draws a document page (title, paragraphs, a ruled table, a signature line, optionally a red round seal)
at a given dpi; `degrade()` applies one scanning fault; `pdf_from_images()` saves pages as a PDF the way a scanner
does (one image per page, JPEG, with the resolution that sets the page size)."""
from __future__ import annotations

import io
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

A4_IN = (8.27, 11.69)
WORDS = ("certificate of completion issued to the holder for the programme of continuing education in "
         "professional engineering practice with credit hours recorded by the training centre and verified "
         "against the original by the personnel office").split()


@lru_cache(maxsize=None)
def _font(px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=px)


@lru_cache(maxsize=32)
def _page(dpi: int, seed: int, seal: bool, size_pt: float, landscape: bool) -> Image.Image:
    rng = np.random.default_rng(seed)
    w, h = (int(A4_IN[1] * dpi), int(A4_IN[0] * dpi)) if landscape else (int(A4_IN[0] * dpi), int(A4_IN[1] * dpi))
    image = Image.new("RGB", (w, h), (246, 245, 241))
    draw = ImageDraw.Draw(image)
    px = max(6, round(size_pt / 72 * dpi))
    margin = int(w * 0.12)
    draw.text((w * 0.28, h * 0.07), "CERTIFICATE OF COMPLETION", fill=(25, 25, 25), font=_font(px * 2))
    y = int(h * 0.15)
    while y < h * 0.62:
        x = margin + (px * 2 if rng.random() < 0.2 else 0)
        while True:
            word = WORDS[int(rng.integers(len(WORDS)))] + " "
            width = draw.textlength(word, font=_font(px))
            if x + width > w - margin:
                break
            draw.text((x, y), word, fill=(int(rng.integers(10, 40)),) * 3, font=_font(px))
            x += width
        y += int(px * 1.7)
    # a ruled table
    top = int(h * 0.66)
    for row in range(4):
        draw.line((margin, top + row * px * 2, w - margin, top + row * px * 2), fill=(40, 40, 40), width=max(1, dpi // 100))
        for col, text in enumerate(("course", "hours", "result")):
            draw.text((margin + col * (w - 2 * margin) // 3 + px, top + row * px * 2 + px // 3), f"{text} {row}",
                      fill=(30, 30, 30), font=_font(px))
    draw.text((margin, int(h * 0.84)), "Verified against the original. Signature: ________  Date: 2024-05-06",
              fill=(30, 30, 30), font=_font(px))
    if seal:
        cx, cy, r = int(w * 0.68), int(h * 0.82), int(dpi * 0.8)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(205, 30, 35), width=max(2, dpi // 30))
        draw.regular_polygon((cx, cy, r // 4), 5, fill=(205, 30, 35))
    return image


def page(dpi: int = 150, seed: int = 0, seal: bool = True, size_pt: float = 11, landscape: bool = False
         ) -> Image.Image:
    """A clean colour scan of a certificate-like page (a copy: the caller must not modify it)."""
    return _page(dpi, seed, seal, size_pt, landscape).copy()


def degrade(image: Image.Image, fault: str, amount: float = 0.0) -> Image.Image:
    """One scanning fault: blur (radius in mm), dark (paper grey level), washed (ink grey level), skew (degrees,
    positive = clockwise), turn (90/180/270 clockwise), cut (share of the width lost on the left), gray, bitonal,
    noise (grey-level sigma). Blur radius is in pixels of the image."""
    if fault == "blur":
        return image.filter(ImageFilter.GaussianBlur(amount))
    if fault == "dark":
        a = np.asarray(image).astype(np.float32) * (amount / 246.0)
        return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    if fault == "washed":
        a = np.asarray(image).astype(np.float32)
        return Image.fromarray(np.clip(amount + (a - 10) * (246 - amount) / 236, 0, 255).astype(np.uint8))
    if fault == "skew":
        return image.rotate(-amount, resample=Image.BICUBIC, fillcolor=(246, 245, 241))
    if fault == "turn":
        return image.rotate(-amount, expand=True)
    if fault == "cut":
        w, h = image.size
        return image.crop((int(w * amount), 0, w, h))
    if fault == "gray":
        return image.convert("L")
    if fault == "bitonal":
        return image.convert("L").point(lambda v: 255 if v > 128 else 0).convert("1")
    if fault == "noise":
        rng = np.random.default_rng(1)
        a = np.asarray(image).astype(np.float32) + rng.normal(0, amount, (image.size[1], image.size[0], 1))
        return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    raise ValueError(fault)


def blank(dpi: int = 150, noise: float = 0.0, level: int = 246) -> Image.Image:
    w, h = int(A4_IN[0] * dpi), int(A4_IN[1] * dpi)
    a = np.full((h, w), level, np.float32)
    if noise:
        a += np.random.default_rng(2).normal(0, noise, a.shape)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).convert("RGB")


def pdf_from_images(images: list[Image.Image], dpi: float = 150, quality: int = 85) -> bytes:
    """A scanner-style PDF: each page one image (JPEG for colour and grey) sized by `dpi`."""
    out = io.BytesIO()
    # Copies: Pillow leaves the save's options (append_images too) on each appended image, and a later save of
    # such an image alone would append the others again.
    first, rest = images[0].copy(), [image.copy() for image in images[1:]]
    options = {} if any(i.mode == "1" for i in images) else {"quality": quality}
    first.save(out, "PDF", resolution=dpi, save_all=True, append_images=rest, **options)
    return out.getvalue()


def jpeg_bytes(image: Image.Image, quality: int = 85) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def stream(entries: str, data: bytes) -> bytes:
    """An indirect object body holding a stream."""
    return f"<< {entries} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def image_object(image: Image.Image, data: bytes | None = None) -> bytes:
    """An image XObject body: JPEG data for RGB/L images, raw bytes when `data` is given for a 1×1 placeholder."""
    space = "/DeviceGray" if image.mode == "L" else "/DeviceRGB"
    if data is not None:
        return stream(f"/Type /XObject /Subtype /Image /Width {image.width} /Height {image.height} "
                      f"/ColorSpace {space} /BitsPerComponent 8", data)
    return stream(f"/Type /XObject /Subtype /Image /Width {image.width} /Height {image.height} /ColorSpace {space} "
                  "/BitsPerComponent 8 /Filter /DCTDecode", jpeg_bytes(image))


def pdf_bytes(objects: list[bytes], trailer: str) -> bytes:
    """Objects (index i holds the body of object i+1) serialised with a correct cross-reference table and the
    given trailer entries. Written by hand, byte by byte, so a test can make exactly the broken or unusual PDF it
    needs (a library would repair or normalise it)."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} {trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def handmade_pdf(objects: list[bytes], root: int = 1, trailer_extra: str = "") -> bytes:
    """A PDF written byte by byte: objects[i] is the body of object i+1; a correct xref table and trailer."""
    return pdf_bytes(objects, f"/Root {root} 0 R {trailer_extra}")


def one_page_pdf(content: bytes, xobjects: dict[str, bytes], size=(595.0, 842.0), catalog_extra: str = "",
                 page_extra: str = "") -> bytes:
    """Catalog, pages, one page drawing `content` with the given named XObject bodies (objects 5, 6, ...)."""
    names = list(xobjects)
    refs = " ".join(f"/{name} {5 + i} 0 R" for i, name in enumerate(names))
    objects = [
        f"<< /Type /Catalog /Pages 2 0 R {catalog_extra}>>".encode(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {size[0]} {size[1]}] /Resources << /XObject << {refs} >> >> "
        f"/Contents 4 0 R {page_extra}>>".encode(),
        stream("", content),
    ] + [xobjects[name] for name in names]
    return handmade_pdf(objects)


def table_page(dpi: int = 150) -> Image.Image:
    """A form of short cells in aligned columns: text that lines up in columns as well as in rows."""
    w, h = int(A4_IN[0] * dpi), int(A4_IN[1] * dpi)
    image = Image.new("RGB", (w, h), (248, 245, 236))  # a colour scan of slightly warm paper
    draw = ImageDraw.Draw(image)
    px = round(11 / 72 * dpi)
    rng = np.random.default_rng(3)
    left, right, row_h = int(w * 0.1), int(w * 0.9), int(px * 2.2)
    columns = np.linspace(left, right, 6).astype(int)
    for row in range(int(h * 0.75 / row_h)):
        y = int(h * 0.1) + row * row_h
        draw.line((left, y, right, y), fill=(30, 30, 30), width=max(1, dpi // 100))
        for col in columns[:-1]:
            draw.text((col + px // 2, y + px // 2), ("passed", "72", "credit", "B+")[int(rng.integers(4))],
                      fill=(20, 20, 20), font=_font(px))
    bottom = int(h * 0.1) + (int(h * 0.75 / row_h) - 1) * row_h
    for col in columns:
        draw.line((col, int(h * 0.1), col, bottom), fill=(30, 30, 30), width=max(1, dpi // 100))
    return image
