"""Content type from the file's first bytes, never from its (attacker-chosen) extension."""

from __future__ import annotations

from pathlib import Path

import filetype

OCTET_STREAM = "application/octet-stream"
HEADER_BYTES = 8192

# MIME types that we open as archives with libarchive.
ARCHIVE_MIMES = frozenset(
    {
        "application/zip",
        "application/x-tar",
        "application/gzip",
        "application/x-bzip2",
        "application/x-xz",
        "application/x-7z-compressed",
        "application/x-rar-compressed",
        "application/vnd.rar",
        "application/x-lzip",
        "application/zstd",
        "application/x-cpio",
        "application/x-iso9660-image",
        "application/x-compress",
        "application/x-lzma",
        "application/x-ar",
        "application/x-deb",
        "application/x-rpm",
        "application/x-unix-archive",
        "application/vnd.ms-cab-compressed",
    }
)


def _is_tar(header: bytes) -> bool:
    # filetype misses some tars; the ustar magic sits at offset 257.
    return len(header) > 262 and header[257:262] == b"ustar"


def sniff_bytes(header: bytes) -> str:
    if _is_tar(header):
        return "application/x-tar"
    kind = filetype.guess(header) if header else None
    return str(kind.mime) if kind is not None else OCTET_STREAM


def sniff_path(path: Path) -> str:
    with path.open("rb") as stream:
        return sniff_bytes(stream.read(HEADER_BYTES))


def kind_of(mime: str) -> str:
    """The broad kind that decides the analysis: image, video, archive or other."""
    if mime in ARCHIVE_MIMES:
        return "archive"
    if mime.startswith("image/"):
        return "image"
    if mime.startswith("video/"):
        return "video"
    return "other"
