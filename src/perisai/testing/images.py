"""Synthetic images for tests and benchmarks (nothing but flat colour): small files that
decode to very large rasters, written without ever holding the raster in memory."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

#: PNG colour types: greyscale, RGB, palette, greyscale + alpha, RGBA.
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFF_FFFF)
    )


def flat_png(
    path: Path, width: int, height: int, *, bit_depth: int = 16, colour_type: int = 6
) -> Path:
    """A valid PNG of ``width`` x ``height`` pixels (a gradient along the first row, every row
    the same), streamed row by row: a 9990x9990 16-bit RGBA one is under 1 MB
    on disk and 800 MB of samples."""
    channels = _CHANNELS[colour_type]
    row_bytes = (width * channels * bit_depth + 7) // 8
    first = bytes([0]) + bytes(i * 7 % 251 for i in range(row_bytes))
    same_as_above = bytes([2]) + bytes(row_bytes)  # filter "Up", no change
    # Raw deflate: after a full flush it starts afresh, so a block of identical rows
    # compresses to the same bytes every time; compress it once and write it again and again.
    # The zlib wrapper (header, Adler-32 of every row) is written by hand around it.
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block_rows = 64
    rows = same_as_above * block_rows
    head = compressor.compress(first) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(rows) + compressor.flush(zlib.Z_FULL_FLUSH)
    blocks, rest = divmod(height - 1, block_rows)
    tail = compressor.compress(same_as_above * rest) + compressor.flush()
    checksum = zlib.adler32(first)
    for _ in range(blocks):
        checksum = zlib.adler32(rows, checksum)
    checksum = zlib.adler32(same_as_above * rest, checksum)
    with path.open("wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n")
        header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
        out.write(_chunk(b"IHDR", header))
        out.write(_chunk(b"IDAT", b"\x78\xda" + head))
        for _ in range(blocks):
            out.write(_chunk(b"IDAT", block))
        out.write(_chunk(b"IDAT", tail + struct.pack(">I", checksum)))
        out.write(_chunk(b"IEND", b""))
    return path
