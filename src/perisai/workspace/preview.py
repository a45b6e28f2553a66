"""Evidence previews made on demand in memory: small, blurred, greyscale PNG (never on disk).

The revealed view is also greyscale (SECURITY.md): only the blur is lifted.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from PIL import Image, ImageFilter, UnidentifiedImageError

PREVIEW_EDGE = 160
REVEAL_EDGE = 800
BLUR_RADIUS = 8
MAX_SOURCE_BYTES = 64 * 1_048_576
MAX_PIXELS = 50_000_000


class PreviewError(Exception):
    """The bytes are not an image we can preview (or are too large to open safely)."""


def _open(chunks: Iterable[bytes]) -> Image.Image:
    buffer = io.BytesIO()
    for chunk in chunks:
        buffer.write(chunk)
        if buffer.tell() > MAX_SOURCE_BYTES:
            raise PreviewError("file too large to preview")
    buffer.seek(0)
    try:
        image = Image.open(buffer)
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise PreviewError("image has too many pixels to preview")
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        raise PreviewError(f"not a previewable image: {type(exc).__name__}") from None
    return image


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def blurred_preview(chunks: Iterable[bytes]) -> bytes:
    """A thumbnail at most PREVIEW_EDGE pixels across, greyscale and heavily blurred."""
    image = _open(chunks).convert("L")
    image.thumbnail((PREVIEW_EDGE, PREVIEW_EDGE))
    return _png(image.filter(ImageFilter.GaussianBlur(BLUR_RADIUS)))


def revealed_view(chunks: Iterable[bytes]) -> bytes:
    """The image at most REVEAL_EDGE pixels across, greyscale, not blurred."""
    image = _open(chunks).convert("L")
    image.thumbnail((REVEAL_EDGE, REVEAL_EDGE))
    return _png(image)
