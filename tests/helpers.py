"""Plain helpers for the tests (the fixtures in conftest.py hand some of them out too)."""
from __future__ import annotations

import io
import os
from pathlib import Path

from PIL import Image


def encode_jpeg(image: Image.Image, quality: int = 92, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, **options)
    return out.getvalue()


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def write_jpeg(path: str | os.PathLike, image: Image.Image, quality: int = 92, **options) -> Path:
    path = Path(path)
    path.write_bytes(encode_jpeg(image, quality, **options))
    return path


def pad_to(data: bytes, size: int) -> bytes:
    """`data` grown to exactly `size` bytes by appending zero bytes after the JPEG's EOI marker.

    Only for testing the byte-size bounds: the file-size rule measures bytes, and decoders ignore what follows
    EOI, so the picture (and every other rule's verdict) is unchanged. docprep itself never pads."""
    if len(data) > size:
        raise ValueError(f"the JPEG already has {len(data)} bytes, more than {size}")
    assert data.endswith(b"\xff\xd9"), "not a complete JPEG"
    return data + b"\0" * (size - len(data))


def jpeg_of_size(image: Image.Image, size: int) -> bytes:
    """A JPEG of `image` of exactly `size` bytes: the best quality that fits, then padded after EOI (see pad_to)."""
    for quality in range(95, 20, -5):
        data = encode_jpeg(image, quality)
        if len(data) <= size:
            return pad_to(data, size)
    raise ValueError(f"{image.size} does not fit in {size} bytes even at low quality")


def rules_of(findings) -> list[str]:
    return [f.rule for f in findings]


def only(findings, rule: str):
    """The one finding of `rule` (failing the test when there is none or several)."""
    matching = [f for f in findings if f.rule == rule]
    assert len(matching) == 1, f"expected one {rule} finding, got {[(f.rule, f.measured) for f in findings]}"
    return matching[0]
