"""Decoding a photo once (header facts, EXIF orientation, pixels at analysis scale) and finding the face in it
(analysis.face).

Both `check` and `fix` use this module; checks then only read the decoded `Photo`."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..analysis.face import Faces, find_faces
from .images import decode, displayed_size, exif_orientation, icc_description, open_image

# Longest side of the pixels that checks measure: the size at which a reviewer looks at an ID photo.
ANALYSIS_LONG_SIDE = 640


@dataclass(frozen=True)
class Photo:
    name: str
    data: bytes
    format: str  # Pillow's format name of the content
    size: tuple[int, int]  # displayed size (after EXIF orientation)
    stored_size: tuple[int, int]
    orientation: int
    mode: str
    icc_description: str | None
    pixels: np.ndarray  # RGB uint8, displayed orientation, at analysis scale
    scale: float  # pixels size / displayed size
    faces: Faces

    @property
    def is_jpeg(self) -> bool:
        return self.format == "JPEG"


def load_photo(name: str, data: bytes, settings) -> Photo:
    """Decode once for every photo check: header facts, then pixels at analysis scale, then faces. `settings`: the
    profile's [photo] section (its max_pixels guard the decoding, see open_image; face.search_floor is the smallest
    face looked for)."""
    image = open_image(name, data, settings.max_pixels)
    stored_size = image.size
    orientation = exif_orientation(image)
    mode, fmt, icc = image.mode, image.format or "unknown", icc_description(image)
    rgb = decode(image, ANALYSIS_LONG_SIDE)
    size = displayed_size(stored_size, orientation)
    pixels = np.asarray(rgb)
    if max(pixels.shape[:2]) > ANALYSIS_LONG_SIDE * 1.5:
        factor = ANALYSIS_LONG_SIDE / max(pixels.shape[:2])
        height, width = pixels.shape[:2]  # a 20000×1 picture keeps one pixel across, not none
        pixels = cv2.resize(pixels, (max(1, round(width * factor)), max(1, round(height * factor))),
                            interpolation=cv2.INTER_AREA)
    scale = pixels.shape[1] / size[0]
    faces = find_faces(pixels, settings.face.search_floor, settings.face.verify)
    return Photo(name, data, fmt, size, stored_size, orientation, mode, icc, pixels, scale, faces.scaled(1 / scale))
