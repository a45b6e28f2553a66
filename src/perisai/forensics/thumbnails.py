"""Blurred greyscale thumbnails: enough to orient a reviewer, never the original pixels."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from PIL import Image, ImageFilter

THUMB_SIZE = (96, 96)
BLUR_RADIUS = 4


def blurred_thumbnail(path: Path) -> str | None:
    """A PNG data URI, or None if the image cannot be decoded."""
    try:
        with Image.open(path) as image:
            image.draft("L", (THUMB_SIZE[0] * 2, THUMB_SIZE[1] * 2))
            grey = image.convert("L")
            grey.thumbnail(THUMB_SIZE)
            blurred = grey.filter(ImageFilter.GaussianBlur(BLUR_RADIUS))
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    buffer = io.BytesIO()
    blurred.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
