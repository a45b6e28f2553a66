"""Find the metadata blocks a provenance reader needs inside JPEG, PNG and WebP files.

Only the container structure is walked (segment and chunk headers, seeking over pixel data), so
reading is cheap and nothing is decoded. Every block is bounded (`ProvenanceLimits`); a block
over its limit, a compressed text that inflates past it, or a damaged structure ends that part of
the walk quietly: hints are best effort, and the C2PA SDK reads the file on its own.
"""

from __future__ import annotations

import contextlib
import zlib
from dataclasses import dataclass, field
from typing import BinaryIO, Final, Literal

ContainerFormat = Literal["jpeg", "png", "webp"]

PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
XMP_JPEG_PREFIX: Final = b"http://ns.adobe.com/xap/1.0/\x00"
EXIF_PREFIX: Final = b"Exif\x00\x00"
XMP_PNG_KEYWORD: Final = "XML:com.adobe.xmp"
_PNG_TEXT_CHUNKS: Final = frozenset({b"tEXt", b"zTXt", b"iTXt", b"eXIf"})
_JPEG_STANDALONE: Final = frozenset({0x01, *range(0xD0, 0xD9)})
_JPEG_END: Final = frozenset({0xD9, 0xDA})  # end of image, start of scan: no metadata after
_APP1: Final = 0xE1
_COM: Final = 0xFE


@dataclass(frozen=True, slots=True)
class ProvenanceLimits:
    """Safety limits of one read."""

    #: Files larger than this are not read (the C2PA SDK hashes the whole file to verify it).
    max_file_bytes: int = 2 << 30
    #: Largest metadata block read (an XMP packet, an EXIF block, a PNG text chunk, inflated).
    max_block_bytes: int = 4 << 20
    #: Most segments or chunks walked in one file.
    max_segments: int = 200_000
    #: Longest hint value kept (longer text is cut, with an ellipsis).
    max_hint_chars: int = 2000
    #: Most hints kept per file.
    max_hints: int = 32


@dataclass(slots=True)
class Embedded:
    """Raw metadata found in one file, in file order."""

    format: ContainerFormat | None = None
    xmp: list[bytes] = field(default_factory=list)
    exif: list[bytes] = field(default_factory=list)
    #: (where, key, text): ("png", keyword, text) for PNG text chunks, ("jpeg", "comment", text).
    texts: list[tuple[str, str, str]] = field(default_factory=list)


class _Stop(Exception):
    """The structure ends or is damaged here: keep what was found so far."""


def format_of(head: bytes) -> ContainerFormat | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(PNG_SIGNATURE):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def _exact(handle: BinaryIO, size: int) -> bytes:
    data = handle.read(size)
    if len(data) != size:
        raise _Stop
    return data


def _inflate(data: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, limit)
    except zlib.error:
        raise _Stop from None
    if inflater.unconsumed_tail:
        raise _Stop  # inflates past the limit: a decompression bomb or just too big
    return out


def _jpeg_marker(handle: BinaryIO) -> int:
    if _exact(handle, 1) != b"\xff":
        raise _Stop  # lost sync
    marker = _exact(handle, 1)
    while marker == b"\xff":  # fill bytes
        marker = _exact(handle, 1)
    return marker[0]


def _jpeg_segment(marker: int, payload: bytes, found: Embedded) -> None:
    if marker == _COM:
        found.texts.append(("jpeg", "comment", payload.decode("utf-8", "replace")))
    elif payload.startswith(EXIF_PREFIX):
        found.exif.append(payload[len(EXIF_PREFIX) :])
    elif payload.startswith(XMP_JPEG_PREFIX):
        found.xmp.append(payload[len(XMP_JPEG_PREFIX) :])


def _walk_jpeg(handle: BinaryIO, limits: ProvenanceLimits, found: Embedded) -> None:
    handle.seek(2)
    for _ in range(limits.max_segments):
        marker = _jpeg_marker(handle)
        if marker in _JPEG_END:
            return
        if marker in _JPEG_STANDALONE:
            continue
        length = int.from_bytes(_exact(handle, 2), "big")
        if length < 2:
            raise _Stop
        if marker in (_APP1, _COM):  # at most 64 KiB by construction
            _jpeg_segment(marker, _exact(handle, length - 2), found)
        else:
            handle.seek(length - 2, 1)


def _png_text(kind: bytes, data: bytes, limits: ProvenanceLimits, found: Embedded) -> None:
    keyword_raw, _, rest = data.partition(b"\x00")
    keyword = keyword_raw.decode("latin-1")
    if kind == b"tEXt":
        found.texts.append(("png", keyword, rest.decode("latin-1")))
    elif kind == b"zTXt":
        text = _inflate(rest[1:], limits.max_block_bytes)
        found.texts.append(("png", keyword, text.decode("latin-1")))
    else:  # iTXt: flag, method, language\0, translated keyword\0, text (UTF-8)
        if len(rest) < 2:
            raise _Stop
        compressed, rest = rest[0], rest[2:]
        _language, _, rest = rest.partition(b"\x00")
        _translated, _, body = rest.partition(b"\x00")
        if compressed:
            body = _inflate(body, limits.max_block_bytes)
        if keyword == XMP_PNG_KEYWORD:
            found.xmp.append(body)
        else:
            found.texts.append(("png", keyword, body.decode("utf-8", "replace")))


def _walk_png(handle: BinaryIO, limits: ProvenanceLimits, found: Embedded) -> None:
    handle.seek(len(PNG_SIGNATURE))
    for _ in range(limits.max_segments):
        header = handle.read(8)
        if len(header) < 8:
            return
        length, kind = int.from_bytes(header[:4], "big"), header[4:]
        if kind == b"IEND" or length > 0x7FFFFFFF:
            return
        if kind in _PNG_TEXT_CHUNKS and length <= limits.max_block_bytes:
            data = _exact(handle, length)
            with contextlib.suppress(_Stop):  # one bad text chunk does not end the walk
                if kind == b"eXIf":
                    found.exif.append(data)
                else:
                    _png_text(kind, data, limits, found)
        else:
            handle.seek(length, 1)
        handle.seek(4, 1)  # CRC


def _walk_webp(handle: BinaryIO, limits: ProvenanceLimits, found: Embedded) -> None:
    handle.seek(12)
    for _ in range(limits.max_segments):
        header = handle.read(8)
        if len(header) < 8:
            return
        kind, size = header[:4], int.from_bytes(header[4:], "little")
        if kind in (b"EXIF", b"XMP ") and size <= limits.max_block_bytes:
            data = _exact(handle, size)
            if kind == b"XMP ":
                found.xmp.append(data)
            else:
                found.exif.append(data.removeprefix(EXIF_PREFIX))
            handle.seek(size % 2, 1)
        else:
            handle.seek(size + size % 2, 1)  # chunks are padded to an even size


_WALKERS: Final = {"jpeg": _walk_jpeg, "png": _walk_png, "webp": _walk_webp}


def embedded_metadata(handle: BinaryIO, head: bytes, limits: ProvenanceLimits) -> Embedded:
    """The metadata blocks of a JPEG, PNG or WebP file (empty for other formats)."""
    found = Embedded(format=format_of(head))
    if found.format is not None:
        # Damaged or truncated: what was found before the damage still counts.
        with contextlib.suppress(_Stop, OSError, ValueError):
            _WALKERS[found.format](handle, limits, found)
    return found
