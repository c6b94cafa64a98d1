"""Write the example files in samples/: ID photos in photos/ and PDF attachments in attachments/, one that
passes the default profile (zj-2021) and one per common mistake, each named for what is wrong with it.
Run from anywhere:  python samples/make_samples.py

Every photo is the astronaut cut-out of tests/fixtures (NASA, public domain) placed by the same portrait() the
tests use. Every attachment page is a certificate copy drawn by benchmarks/scanset.py (the generator of the
verification-mark benchmark, with the committed OFL Noto Sans SC subset), written as a scanner writes a PDF: one
JPEG per page. Output is deterministic: fixed seeds, fixed JPEG settings."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests" / "fixtures"))
sys.path.insert(0, str(REPO))  # benchmarks.scanset, and docprep from this checkout
from portrait import portrait  # noqa: E402

from benchmarks.scanset import make_page  # noqa: E402
from docprep.fix.scan import pdf_bytes  # noqa: E402

PHOTOS = HERE / "photos"
ATTACHMENTS = HERE / "attachments"
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


def _stream(entries: str, data: bytes) -> bytes:
    return f"<< {entries} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def scan_pdf(pages: list[Image.Image], dpi: int = SCAN_DPI, quality: int = SCAN_QUALITY) -> bytes:
    """A PDF as a scanner writes it: each page one JPEG (colour or grey as given), the page sized by the scan's
    resolution, which is what pdf.low-resolution reads back. Pages are embedded as they are (no straightening,
    unlike `docprep fix`)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for image in pages:
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality)
        pw, ph = f"{image.width * 72 / dpi:.2f}", f"{image.height * 72 / dpi:.2f}"
        space = "DeviceGray" if image.mode == "L" else "DeviceRGB"
        first = len(objects) + 1  # page, contents, image
        kids.append(f"{first} 0 R")
        objects += [
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {pw} {ph}] /Resources << /XObject << /Im0 {first + 2} 0 R "
            f">> >> /Contents {first + 1} 0 R >>".encode(),
            _stream("", f"q {pw} 0 0 {ph} 0 0 cm /Im0 Do Q\n".encode()),
            _stream(f"/Type /XObject /Subtype /Image /Width {image.width} /Height {image.height} /ColorSpace "
                    f"/{space} /BitsPerComponent 8 /Filter /DCTDecode", out.getvalue()),
        ]
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>".encode()
    return pdf_bytes(objects, "/Root 1 0 R", file_id=True)


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


def main() -> None:
    for folder, files in ((PHOTOS, photo_samples()), (ATTACHMENTS, attachment_samples())):
        folder.mkdir(exist_ok=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
            print(f"{folder.name}/{name:32} {len(data):>9,} bytes")


if __name__ == "__main__":
    main()
