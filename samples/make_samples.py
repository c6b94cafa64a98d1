"""Write the example photos in samples/photos/: one that passes the default profile (zj-2021) and one per common
mistake, each named for the rule it trips. Run from anywhere:  python samples/make_samples.py

Every photo is the astronaut cut-out of tests/fixtures (NASA, public domain) placed by the same portrait()
the tests use. Output is deterministic: no randomness, fixed JPEG settings."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "fixtures"))
from portrait import portrait  # noqa: E402

OUT = HERE / "photos"
# A blue ID-photo backdrop (蓝底), as photo studios print it.
ID_BLUE = (67, 142, 219)


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


def samples() -> dict[str, bytes]:
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


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, data in samples().items():
        (OUT / name).write_bytes(data)
        print(f"{name:32} {len(data):>9,} bytes")


if __name__ == "__main__":
    main()
