"""Fixtures of the media tests: shared test data paths and small generated media."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image
from tests.datasets import C2PA, PDQ, VIDEO
from tests.media.provenance_factory import SigningChain, make_chain


@pytest.fixture(scope="session")
def pdq_data() -> Path:
    return PDQ


@pytest.fixture(scope="session")
def video_data() -> Path:
    return VIDEO


def photo_like(seed: int, width: int = 640, height: int = 480) -> Image.Image:
    """A smooth random picture with edges: featureful enough for PDQ quality 100."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, size=(5, 7, 3), dtype=np.uint8)
    image = Image.fromarray(small).resize((width, height), Image.Resampling.BICUBIC)
    pixels = np.asarray(image).copy()
    for _ in range(8):
        y, x = rng.integers(0, height - 40), rng.integers(0, width - 40)
        pixels[y : y + rng.integers(20, 200), x : x + rng.integers(20, 200)] = rng.integers(
            0, 256, 3
        )
    return Image.fromarray(pixels)


def jpeg_bytes(image: Image.Image, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, **options)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header declares ``width`` x ``height`` (a decompression bomb's shape)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


def write_video(
    path: Path, frames: int = 20, rate: int = 10, size: tuple[int, int] = (64, 48)
) -> Path:
    """A small H.264 video of a bar sliding across, written with PyAV."""
    width, height = size
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for i in range(frames):
            pixels = np.zeros((height, width, 3), np.uint8)
            pixels[:, (i * 3) % width : (i * 3) % width + 10] = 255
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


@pytest.fixture
def make_video(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str = "clip.mp4", **options: int) -> Path:
        return write_video(tmp_path / name, **options)  # type: ignore[arg-type]

    return make


@pytest.fixture(scope="session")
def c2pa_data() -> Path:
    """The C2PA test files copied into the repository (tests/data/c2pa, see its README)."""
    return C2PA


@pytest.fixture(scope="session")
def test_chain() -> SigningChain:
    """A throw-away signing chain for this test session (no key is ever stored)."""
    return make_chain()
