"""A JPEG without its metadata, its coded image data untouched: how `fix` drops a phone's EXIF block (with the GPS
position), XMP, comments and trailing data from a picture it keeps or embeds as it is.

Kept here rather than taken from a library: Pillow can only re-encode (losing detail), img2pdf embeds a JPEG with
all its segments (tests/test_scanfix.py shows the EXIF block of a phone photo reaching its PDF), piexif removes
EXIF alone and is no longer maintained, and jpegtran or exiftool are programs, not Python packages. The walk below
only follows the marker segments of ITU T.81 (B.1.1.4) and copies them or leaves them out."""
from __future__ import annotations

from dataclasses import dataclass

# Segments kept: JFIF (APP0), the Adobe colour transform (APP14), an ICC profile (APP2 "ICC_PROFILE", where wanted)
# and everything that codes the image. EXIF, XMP, MPF, Photoshop blocks and comments are left out.
_KEPT_APP = {0xE0, 0xEE}
_ICC_APP = 0xE2
_ICC_TAG = b"ICC_PROFILE\x00"
_SOF0 = 0xC0  # baseline DCT
_SOS, _EOI = 0xDA, 0xD9


@dataclass(frozen=True)
class CleanJpeg:
    """The JPEG's bytes without metadata, and whether it is baseline (SOF0, 8 bits, 1 or 3 components): the kind
    every PDF reader and upload platform decodes."""

    data: bytes
    baseline: bool


def _is_frame(marker: int) -> bool:
    """A start-of-frame marker (SOF0-SOF15 without DHT, JPG and DAC, which share the range)."""
    return 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC)


def _kept(marker: int, segment: bytes, keep_icc: bool) -> bool:
    if not (0xE0 <= marker <= 0xEF or marker == 0xFE):
        return True
    return marker in _KEPT_APP or (keep_icc and marker == _ICC_APP and segment[4:16] == _ICC_TAG)


def _scan_end(data: bytes, start: int) -> int | None:
    """Where the entropy-coded data from `start` ends (just past EOI), or None: a second scan (a progressive JPEG)
    or data cut short. 0xFF bytes inside it are stuffed (FF00) or restart markers (FFD0-FFD7)."""
    end = start
    while True:
        end = data.find(b"\xff", end)
        if end < 0 or end + 1 >= len(data):
            return None
        following = data[end + 1]
        if following == _EOI:
            return end + 2
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            end += 2
            continue
        return None


def without_metadata(data: bytes, keep_icc: bool = True) -> CleanJpeg | None:
    """The JPEG with its metadata segments (and an ICC profile unless `keep_icc`) left out; None when its markers
    cannot be followed (not a JPEG, cut short, or progressive). The coded image data is copied unchanged."""
    if not data.startswith(b"\xff\xd8"):
        return None
    out, pos, baseline = bytearray(b"\xff\xd8"), 2, False
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        segment = data[pos:pos + 2 + length]
        if len(segment) < 2 + length or length < 2:
            return None
        if _is_frame(marker):
            baseline = marker == _SOF0 and segment[4] == 8 and segment[9] in (1, 3)
        if marker == _SOS:
            end = _scan_end(data, pos + 2 + length)
            if end is None:
                return None
            return CleanJpeg(bytes(out + data[pos:end]), baseline)
        if _kept(marker, segment, keep_icc):
            out += segment
        pos += 2 + length
    return None
