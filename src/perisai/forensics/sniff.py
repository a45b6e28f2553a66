"""Content type from the file's first bytes, never from its (attacker-chosen) extension: the
media library's sniffer (`perisai.media.sniff`), and the kinds that decide the analysis."""

from __future__ import annotations

from pathlib import Path

from perisai.media.sniff import MIME_SNIFF_BYTES, mime_of_header

OCTET_STREAM = "application/octet-stream"

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


def sniff_path(path: Path) -> str:
    with path.open("rb") as stream:
        return mime_of_header(stream.read(MIME_SNIFF_BYTES)) or OCTET_STREAM


def kind_of(mime: str) -> str:
    """The broad kind that decides the analysis: image, video, archive or other."""
    if mime in ARCHIVE_MIMES:
        return "archive"
    if mime.startswith("image/"):
        return "image"
    if mime.startswith("video/"):
        return "video"
    return "other"
