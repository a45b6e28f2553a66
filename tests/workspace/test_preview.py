from __future__ import annotations

import io
import itertools

import pytest
from PIL import Image

from perisai.workspace import preview
from perisai.workspace.preview import PreviewError, blurred_preview, revealed_view


def _png(colour: tuple[int, int, int], size: tuple[int, int] = (400, 300)) -> bytes:
    image = Image.new("RGB", size, colour)
    for x in range(0, size[0], 20):  # stripes, so the blur has something to smooth
        for y in range(size[1]):
            image.putpixel((x, y), (255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _open(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_preview_is_small_greyscale_and_blurred() -> None:
    source = _png((200, 30, 30))
    thumb = _open(blurred_preview([source[:100], source[100:]]))
    assert thumb.mode == "L"
    assert max(thumb.size) <= preview.PREVIEW_EDGE
    sharp = _open(revealed_view([source])).resize(thumb.size)

    # Blurring lowers the spread of neighbouring pixel differences.
    def roughness(img: Image.Image) -> int:
        pixels = img.tobytes()
        return sum(abs(a - b) for a, b in itertools.pairwise(pixels))

    assert roughness(thumb) < roughness(sharp)


def test_revealed_view_is_still_greyscale_and_bounded() -> None:
    view = _open(revealed_view([_png((10, 200, 10), (2000, 1000))]))
    assert view.mode == "L"
    assert max(view.size) == preview.REVEAL_EDGE


@pytest.mark.parametrize(
    "data", [b"", b"not an image", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, _png((1, 2, 3))[:60]]
)
def test_garbage_is_a_preview_error(data: bytes) -> None:
    with pytest.raises(PreviewError):
        blurred_preview([data])


def test_oversize_source_is_refused_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(preview, "MAX_SOURCE_BYTES", 1000)
    with pytest.raises(PreviewError, match="too large"):
        blurred_preview([b"x" * 600, b"x" * 600])


def test_too_many_pixels_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(preview, "MAX_PIXELS", 100)
    with pytest.raises(PreviewError, match="pixels"):
        blurred_preview([_png((5, 5, 5), (20, 20))])
