"""Hashing: cryptographic hashes, content sniffing, PDQ conformance and robustness."""

from __future__ import annotations

import hashlib
import io
import itertools
import os
from pathlib import Path

import numpy as np
import pdqhash
import pytest
from PIL import Image

from perisai.media.errors import (
    CorruptMedia,
    EmptyFile,
    MediaError,
    MediaTooLarge,
    UnsupportedMedia,
)
from perisai.media.hashing import (
    crypto_hashes_of_bytes,
    crypto_hashes_of_path,
    crypto_hashes_of_stream,
    hash_file,
    pdq_dihedral,
    pdq_of_image,
    sniff_kind,
)
from perisai.media.pdq import DIHEDRAL_NAMES, hamming_hex, pdq_from_luma

from .conftest import jpeg_bytes, photo_like, png_header_only

PHOTOS = ("q0003", "q0004", "q0122", "q0291", "q0746", "q1050", "q2821")


def _reference(pdq_data: Path) -> dict[str, str]:
    lines = (pdq_data / "reference-hashes.tsv").read_text().splitlines()[1:]
    return dict(line.split("\t") for line in lines if line.strip())


class _Chunks(io.RawIOBase):
    """A stream that records the largest read, to prove hashing streams."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos, self.largest = data, 0, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.largest = max(self.largest, size)
        chunk = self.data[self.pos : self.pos + size]
        self.pos += len(chunk)
        return chunk


def test_crypto_hashes_stream_in_chunks_and_agree_with_hashlib(tmp_path: Path) -> None:
    data = os.urandom(3 * 4096 + 17)
    stream = _Chunks(data)
    got = crypto_hashes_of_stream(stream, chunk_size=4096)  # type: ignore[arg-type]
    assert stream.largest == 4096
    assert got.md5 == hashlib.md5(data).hexdigest()  # noqa: S324 - comparing, not securing
    assert got.sha1 == hashlib.sha1(data).hexdigest()  # noqa: S324
    assert got.sha256 == hashlib.sha256(data).hexdigest()
    assert crypto_hashes_of_bytes(data) == got
    (tmp_path / "f").write_bytes(data)
    assert crypto_hashes_of_path(tmp_path / "f") == got
    assert crypto_hashes_of_bytes(b"").md5 == "d41d8cd98f00b204e9800998ecf8427e"


def test_sniff_kind_reads_content_not_names(
    tmp_path: Path, pdq_data: Path, video_data: Path
) -> None:
    disguised = tmp_path / "holiday.txt"
    disguised.write_bytes((pdq_data / "bridge-mods/aaa-orig.jpg").read_bytes())
    assert sniff_kind(disguised) == "image"
    assert sniff_kind(video_data / "doorknob-hd-no-bar.mp4") == "video"
    assert sniff_kind(b"\x89PNG\r\n\x1a\n....") == "image"
    assert sniff_kind(b"RIFF\0\0\0\0WEBPVP8 ") == "image"
    assert sniff_kind(b"\x1a\x45\xdf\xa3 matroska") == "video"
    assert sniff_kind(b"\0\0\0\x18ftypheic\0\0\0\0") == "image"
    assert sniff_kind(b"%PDF-1.7 not media") == "other"
    assert sniff_kind(b"") == "other"


def test_numpy_pdq_is_the_reference_bit_for_bit(pdq_data: Path) -> None:
    """Our PDQ arithmetic reproduces the C++ reference (``pdqhash``) on every shared image."""
    images = sorted(p for p in pdq_data.rglob("*") if p.suffix in (".jpg", ".png", ".webp"))
    assert len(images) > 30
    for path in images:
        rgb = np.asarray(Image.open(path).convert("RGB"))
        bits, quality = pdqhash.compute(rgb)
        expected = np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex()
        got = pdq_of_image(path, fast=False)
        assert (got.hex, got.quality) == (expected, quality), path.name


@pytest.mark.parametrize("fast", [True, False])
def test_conformance_with_reference_hashes(pdq_data: Path, fast: bool) -> None:
    for relative, expected in _reference(pdq_data).items():
        got = pdq_of_image(pdq_data / relative, fast=fast)
        if got.quality >= 80:
            assert hamming_hex(got.hex, expected) <= 10, relative


def test_every_bridge_variant_matches_the_original(pdq_data: Path) -> None:
    original = pdq_of_image(pdq_data / "bridge-mods/aaa-orig.jpg")
    variants = sorted((pdq_data / "bridge-mods").glob("*.jpg"))
    assert len(variants) == 12
    for path in variants:
        assert hamming_hex(pdq_of_image(path).hex, original.hex) <= 31, path.name


def test_unrelated_photos_match_neither_each_other_nor_the_bridge(pdq_data: Path) -> None:
    folder = pdq_data / "reg-test-input/labelme-subset"
    hashes = {name: pdq_of_image(folder / f"{name}.jpg").hex for name in PHOTOS}
    hashes["bridge"] = pdq_of_image(pdq_data / "bridge-mods/aaa-orig.jpg").hex
    for a, b in itertools.combinations(hashes, 2):
        assert hamming_hex(hashes[a], hashes[b]) > 31, (a, b)


def test_every_pillow_mode_hashes_close_to_the_original(pdq_data: Path) -> None:
    folder = pdq_data / "misc-images/modes"
    original = pdq_of_image(folder / "original.jpg")
    images = [p for p in folder.iterdir() if p.suffix != ".md"]
    assert len(images) == 14
    for path in images:
        got = pdq_of_image(path)
        assert got.quality >= 50, path.name
        assert hamming_hex(got.hex, original.hex) <= 31, path.name


def test_high_depth_and_alpha_modes(tmp_path: Path) -> None:
    base = photo_like(1)
    expected = pdq_of_image(jpeg_bytes(base))
    wide = np.asarray(base.convert("L"), dtype=np.uint16) * 257  # 16-bit grey
    path = tmp_path / "deep.png"
    Image.fromarray(wide).save(path)
    assert hamming_hex(pdq_of_image(path).hex, expected.hex) <= 16
    rgba = base.convert("RGBA")
    buffer = io.BytesIO()
    rgba.save(buffer, "PNG")
    assert hamming_hex(pdq_of_image(buffer.getvalue()).hex, expected.hex) <= 16


def test_fast_mode_stays_close_to_the_full_decode() -> None:
    distances = []
    for seed in range(6):
        data = jpeg_bytes(photo_like(seed, 2000, 1500))
        distances.append(hamming_hex(pdq_of_image(data).hex, pdq_of_image(data, fast=False).hex))
    assert float(np.median(distances)) <= 4
    assert max(distances) <= 16


def test_exif_orientation_is_applied() -> None:
    upright = photo_like(7, 480, 320)
    sideways = upright.transpose(Image.Transpose.ROTATE_90)  # as a camera stored it
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 clockwise to display"
    tagged = jpeg_bytes(sideways, exif=exif)
    assert hamming_hex(pdq_of_image(tagged).hex, pdq_of_image(jpeg_bytes(upright)).hex) <= 10
    assert hamming_hex(pdq_of_image(jpeg_bytes(sideways)).hex, pdq_of_image(tagged).hex) > 31


def test_dihedral_variants_match_transformed_images(pdq_data: Path) -> None:
    image = Image.open(pdq_data / "bridge-mods/aaa-orig.jpg").convert("RGB")
    variants = pdq_dihedral(pdq_data / "bridge-mods/aaa-orig.jpg")
    assert list(variants) == list(DIHEDRAL_NAMES)
    assert variants["original"] == pdq_of_image(pdq_data / "bridge-mods/aaa-orig.jpg")
    transforms = {
        "rotate90": Image.Transpose.ROTATE_90,
        "rotate180": Image.Transpose.ROTATE_180,
        "rotate270": Image.Transpose.ROTATE_270,
        "flip_x": Image.Transpose.FLIP_TOP_BOTTOM,
        "flip_y": Image.Transpose.FLIP_LEFT_RIGHT,
        "flip_plus1": Image.Transpose.TRANSPOSE,
        "flip_minus1": Image.Transpose.TRANSVERSE,
    }
    for name, transform in transforms.items():
        turned = pdq_from_luma(np.asarray(image.transpose(transform).convert("L"))).hex
        assert hamming_hex(turned, variants[name].hex) <= 16, name
        assert hamming_hex(turned, variants["original"].hex) > 31, name
    reference, _ = pdqhash.compute_dihedral(np.asarray(image))
    ours = [v.hex for v in pdq_dihedral(pdq_data / "bridge-mods/aaa-orig.jpg", fast=False).values()]
    # The reference names its flips by axis (flipX mirrors across the x axis): same order.
    for ref_bits, mine in zip(reference, ours, strict=True):
        assert np.packbits(np.asarray(ref_bits, dtype=np.uint8)).tobytes().hex() == mine


def _noise(size: int, seed: int) -> bytes:
    """Seeded noise: the same bytes every run, so a test cannot pass or fail by chance."""
    return np.random.default_rng(seed).integers(0, 256, size, dtype=np.uint8).tobytes()


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"", MediaError),
        (_noise(5000, 1), UnsupportedMedia),
        (b"\xff\xd8\xff\xe0" + _noise(200, 2), CorruptMedia),
        (png_header_only(60_000, 60_000), MediaTooLarge),
    ],
    ids=["empty", "random", "broken-jpeg", "bomb"],
)
def test_pdq_of_image_raises_media_errors(content: bytes, error: type[MediaError]) -> None:
    with pytest.raises(error) as caught:
        pdq_of_image(content)
    assert "\n" not in str(caught.value)
    assert str(caught.value)


def test_pixel_limit_is_a_parameter() -> None:
    data = jpeg_bytes(photo_like(3))
    with pytest.raises(MediaTooLarge, match="above the limit"):
        pdq_of_image(data, max_pixels=10_000)


def test_hash_file_reports_garbage_per_file(tmp_path: Path, pdq_data: Path) -> None:
    original = (pdq_data / "bridge-mods/aaa-orig.jpg").read_bytes()
    cases = {
        "truncated.jpg": original[:3000],
        "empty.jpg": b"",
        "random.bin": _noise(4096, 3),
        "bomb.png": png_header_only(50_000, 50_000),
    }
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
    reports = {name: hash_file(tmp_path / name) for name in cases}
    assert reports["truncated.jpg"].error_kind == "corrupt"
    assert reports["truncated.jpg"].md5 == hashlib.md5(original[:3000]).hexdigest()  # noqa: S324
    assert reports["empty.jpg"].error_kind == EmptyFile.kind
    assert reports["random.bin"].error_kind == "unsupported"
    assert reports["bomb.png"].error_kind == "too_large"
    missing = hash_file(tmp_path / "missing.jpg")
    assert missing.error_kind == "unreadable"
    assert missing.md5 is None
    folder = hash_file(tmp_path)
    assert folder.error_kind == "unreadable"
    good = hash_file(pdq_data / "bridge-mods/aaa-orig.jpg", rotations=True)
    assert good.ok
    assert good.rotations is not None
    assert good.to_dict()["rotations"]["original"]["pdq"] == good.pdq
