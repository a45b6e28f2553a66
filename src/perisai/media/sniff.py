"""Content sniffing, the one place that says what a file is from its first bytes (never from its
name): its MIME type (:func:`mime_of_header`: evidence uploads, seized media) and whether it is
an image, a video or something else (:func:`kind_of_header`: what the hashers accept).
"""

from __future__ import annotations

from typing import Final, Literal

import filetype

Kind = Literal["image", "video", "other"]

#: How many leading bytes ``kind_of_header`` looks at.
SNIFF_BYTES: Final = 512

_IMAGE_MAGIC: Final = (
    b"\xff\xd8\xff",  # JPEG
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",  # TIFF little-endian
    b"MM\x00*",  # TIFF big-endian
    b"BM",  # BMP
)
_VIDEO_MAGIC: Final = (
    b"\x1a\x45\xdf\xa3",  # Matroska / WebM
    b"FLV\x01",
    b"\x00\x00\x01\xba",  # MPEG program stream
    b"\x00\x00\x01\xb3",  # MPEG-1/2 elementary video
    b"\x30\x26\xb2\x75\x8e\x66\xcf\x11",  # ASF / WMV
)
#: ISO-BMFF major brands of still images (HEIF, AVIF); every other brand is treated as video.
_HEIF_BRANDS: Final = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis"}
)
_QUICKTIME_ATOMS: Final = frozenset({b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"})


def kind_of_header(head: bytes) -> Kind:  # noqa: PLR0911 - a decision table
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video"
    if head[4:8] == b"ftyp":
        return "image" if head[8:12] in _HEIF_BRANDS else "video"
    if head[4:8] in _QUICKTIME_ATOMS:
        return "video"
    if head.startswith(_VIDEO_MAGIC):
        return "video"
    if len(head) > 188 and head[0] == 0x47 and head[188] == 0x47:  # MPEG transport stream
        return "video"
    return "other"


#: How many leading bytes :func:`mime_of_header` can use (`filetype` reads no further).
MIME_SNIFF_BYTES: Final = 8192


def _is_tar(head: bytes) -> bool:
    # filetype misses some tars; the ustar magic sits at offset 257.
    return len(head) > 262 and head[257:262] == b"ustar"


def mime_of_header(head: bytes) -> str | None:
    """The MIME type the first bytes reveal, or None when they match no known signature."""
    if _is_tar(head):
        return "application/x-tar"
    kind = filetype.guess(head) if head else None
    return None if kind is None else str(kind.mime)
