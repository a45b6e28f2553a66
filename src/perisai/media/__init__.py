"""Perisai's media hash-matching engine: a pure library (no database, no web app).

Hashes (MD5, SHA-1, SHA-256, PDQ, vPDQ), signal types, bank file formats, match indexes and
a ``Matcher`` that ties them together. Names are re-exported here lazily, so that importing
``perisai.media`` (as the CLI does at start-up) does not load NumPy, Pillow or FFmpeg until a
name is used. See docs/media.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from perisai.media.banks import (
        BANK_FORMATS,
        BankEntry,
        WriteSummary,
        detect_format,
        read_bank,
        write_bank,
    )
    from perisai.media.errors import (
        BankFormatError,
        CorruptMedia,
        EmptyFile,
        InvalidSignal,
        MediaError,
        MediaTooLarge,
        UnknownSignalType,
        UnreadableFile,
        UnsupportedMedia,
    )
    from perisai.media.hashing import (
        CryptoHashes,
        FileReport,
        FrameHash,
        PdqHash,
        crypto_hashes_of_bytes,
        crypto_hashes_of_path,
        crypto_hashes_of_stream,
        hash_file,
        pdq_dihedral,
        pdq_of_image,
        pdq_of_image_as_stored,
        sniff_kind,
        vpdq_of_video,
    )
    from perisai.media.index import ExactIndex, Match, PdqIndex, VideoIndex, VideoMatch
    from perisai.media.matcher import FileMatches, Matcher, MatchResult
    from perisai.media.signals import SignalIndex, SignalType, get_signal_type, signal_types
    from perisai.media.tmk import TmkHash, TmkIndex, TmkMatch
    from perisai.media.video import VideoSignals, tmk_of_video, video_signals

_EXPORTS: dict[str, str] = {
    **dict.fromkeys(
        ("BANK_FORMATS", "BankEntry", "WriteSummary", "detect_format", "read_bank", "write_bank"),
        "banks",
    ),
    **dict.fromkeys(
        (
            "BankFormatError",
            "CorruptMedia",
            "EmptyFile",
            "InvalidSignal",
            "MediaError",
            "MediaTooLarge",
            "UnknownSignalType",
            "UnreadableFile",
            "UnsupportedMedia",
        ),
        "errors",
    ),
    **dict.fromkeys(
        (
            "CryptoHashes",
            "FileReport",
            "FrameHash",
            "PdqHash",
            "crypto_hashes_of_bytes",
            "crypto_hashes_of_path",
            "crypto_hashes_of_stream",
            "hash_file",
            "pdq_dihedral",
            "pdq_of_image",
            "pdq_of_image_as_stored",
            "sniff_kind",
            "vpdq_of_video",
        ),
        "hashing",
    ),
    **dict.fromkeys(("ExactIndex", "Match", "PdqIndex", "VideoIndex", "VideoMatch"), "index"),
    **dict.fromkeys(("FileMatches", "MatchResult", "Matcher"), "matcher"),
    **dict.fromkeys(("SignalIndex", "SignalType", "get_signal_type", "signal_types"), "signals"),
    **dict.fromkeys(("TmkHash", "TmkIndex", "TmkMatch"), "tmk"),
    **dict.fromkeys(("VideoSignals", "tmk_of_video", "video_signals"), "video"),
}

__all__ = [
    "BANK_FORMATS",
    "BankEntry",
    "BankFormatError",
    "CorruptMedia",
    "CryptoHashes",
    "EmptyFile",
    "ExactIndex",
    "FileMatches",
    "FileReport",
    "FrameHash",
    "InvalidSignal",
    "Match",
    "MatchResult",
    "Matcher",
    "MediaError",
    "MediaTooLarge",
    "PdqHash",
    "PdqIndex",
    "SignalIndex",
    "SignalType",
    "TmkHash",
    "TmkIndex",
    "TmkMatch",
    "UnknownSignalType",
    "UnreadableFile",
    "UnsupportedMedia",
    "VideoIndex",
    "VideoMatch",
    "VideoSignals",
    "WriteSummary",
    "crypto_hashes_of_bytes",
    "crypto_hashes_of_path",
    "crypto_hashes_of_stream",
    "detect_format",
    "get_signal_type",
    "hash_file",
    "pdq_dihedral",
    "pdq_of_image",
    "pdq_of_image_as_stored",
    "read_bank",
    "signal_types",
    "sniff_kind",
    "tmk_of_video",
    "video_signals",
    "vpdq_of_video",
    "write_bank",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'perisai.media' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"perisai.media.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
