"""Garbage, truncated, oversized and hostile inputs: one line of reason, never a crash."""

from __future__ import annotations

import os
import zlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.media.provenance_factory import (
    A1111,
    AI,
    SigningChain,
    jpeg_bytes,
    png_bytes,
    sign,
    with_jpeg_xmp,
    with_png_chunk,
    xmp_packet,
)

from perisai.media.provenance import ProvenanceLimits, read_provenance

MAGICS = [b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"RIFF\x00\x01\x00\x00WEBP", b""]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_not_media_empty_missing_and_directories_are_unread(tmp_path: Path) -> None:
    cases = {
        _write(tmp_path, "notes.txt", b"hello\n" * 100): "not an image or video",
        _write(tmp_path, "random.jpg", os.urandom(4096)): "not an image or video",
        _write(tmp_path, "empty.jpg", b""): "empty file (0 bytes)",
        tmp_path / "missing.jpg": "cannot be read",
        tmp_path: "cannot be read",
    }
    for path, reason in cases.items():
        found = read_provenance(path)
        assert found.error is not None and reason in found.error, (path, found.error)
        assert "\n" not in found.error
        assert (found.ai, found.c2pa.state, found.hints) == ("unknown", "unverifiable", ())


def test_oversized_file_is_not_read(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.jpg", jpeg_bytes(1))
    found = read_provenance(path, limits=ProvenanceLimits(max_file_bytes=100))
    assert found.error == "larger than 100 bytes: not read"


def test_a_truncated_signed_file_is_read_but_unverifiable(
    tmp_path: Path, test_chain: SigningChain
) -> None:
    signed = sign(test_chain, with_jpeg_xmp(jpeg_bytes(1), xmp_packet(AI)), source_type=AI)
    found = read_provenance(_write(tmp_path, "cut.jpg", signed[: len(signed) // 2]))
    assert found.error is None
    assert found.c2pa.state in ("unverifiable", "invalid")
    assert found.ai == "claimed"  # the XMP before the cut still says AI; nothing verified


def test_oversized_metadata_blocks_are_skipped(tmp_path: Path) -> None:
    data = png_bytes([("parameters", A1111 + "x" * 5000)])
    found = read_provenance(
        _write(tmp_path, "p.png", data), limits=ProvenanceLimits(max_block_bytes=1000)
    )
    assert (found.error, found.ai, found.hints) == (None, "unknown", ())


def test_a_compressed_text_bomb_is_not_inflated(tmp_path: Path) -> None:
    bomb = b"parameters\x00\x00" + zlib.compress(b"Steps: 1, Sampler: x " * 2_000_000, 9)
    assert len(bomb) < 200_000
    data = with_png_chunk(png_bytes(), b"zTXt", bomb)
    found = read_provenance(_write(tmp_path, "bomb.png", data))
    assert (found.error, found.hints) == (None, ())


def test_hostile_xmp_is_not_expanded(tmp_path: Path) -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "trainedAlgorithmicMedia">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        b'xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" '
        b'Iptc4xmpExt:DigitalSourceType="&b;"/></rdf:RDF></x:xmpmeta>'
    )
    external = laughs.replace(b'"trainedAlgorithmicMedia"', b'SYSTEM "file:///etc/passwd"')
    for packet in (laughs, external, b"<x:xmpmeta><unclosed", b"\xff\xfe" * 100):
        found = read_provenance(_write(tmp_path, "h.jpg", with_jpeg_xmp(jpeg_bytes(1), packet)))
        assert (found.error, found.ai, found.hints) == (None, "unknown", ())


def test_damaged_structures_keep_what_came_before(tmp_path: Path) -> None:
    marked = with_jpeg_xmp(jpeg_bytes(1), xmp_packet(AI))
    broken = marked[:2] + marked[2:60] + b"\x00\x00\x00"  # XMP segment cut mid-way
    found = read_provenance(_write(tmp_path, "b.jpg", broken))
    assert (found.error, found.ai) == (None, "unknown")
    png = with_png_chunk(png_bytes([("parameters", A1111)]), b"iTXt", b"k\x00\x01")
    found = read_provenance(_write(tmp_path, "b.png", png))
    assert (found.error, found.ai) == (None, "claimed")


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(magic=st.sampled_from(MAGICS), body=st.binary(max_size=2048))
def test_fuzz_never_raises(tmp_path: Path, magic: bytes, body: bytes) -> None:
    found = read_provenance(_write(tmp_path, "f.bin", magic + body))
    assert found.ai in ("yes", "claimed", "no", "unknown")
    out = found.to_dict()
    assert out["c2pa"]["state"] in ("trusted", "valid", "invalid", "unverifiable", "absent")


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    which=st.sampled_from(["jpeg", "png"]),
    flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(1, 255)), max_size=8),
)
def test_fuzz_mutated_marked_files(
    tmp_path: Path, which: str, flips: list[tuple[int, int]]
) -> None:
    base = (
        with_jpeg_xmp(jpeg_bytes(1), xmp_packet(AI))
        if which == "jpeg"
        else png_bytes([("parameters", A1111)], xmp=xmp_packet(AI))
    )
    data = bytearray(base)
    for offset, mask in flips:
        data[offset % len(data)] ^= mask
    found = read_provenance(_write(tmp_path, "m.bin", bytes(data)))
    assert found.ai in ("claimed", "unknown")  # nothing signed: never yes or no
