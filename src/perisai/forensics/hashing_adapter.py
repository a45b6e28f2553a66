"""The seam between forensics and `perisai.media` for hashing: PDQ of images, vPDQ of videos,
and the exceptions that mean "this media file is damaged". Banks are read and matched in
`forensics.matching`, through the media library's readers and matcher; there is no second
implementation of either here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
from PIL import Image

from perisai.media import hashing as media_hashing
from perisai.media import video as media_video
from perisai.media.errors import MediaError


def pdq_of_image(path: Path) -> tuple[str, int]:
    """(hex, quality) of an image; raises ValueError/OSError on damaged images."""
    result = media_hashing.pdq_of_image(path, fast=True)
    return str(result.hex), int(result.quality)


def pdq_facts_of_image(path: Path) -> dict[str, Any]:
    """``{"hex", "quality"}`` of an image (EXIF orientation applied) and, for a photo whose
    orientation tag is not 1, ``raw_hex``/``raw_quality`` (the pixels as stored, as other tools
    hash them) and ``exif_orientation``. Raises like ``pdq_of_image``."""
    found = media_hashing.image_pdqs(path, fast=True)
    facts: dict[str, Any] = {"hex": found.pdq.hex, "quality": found.pdq.quality}
    if found.raw is not None:
        facts.update(
            raw_hex=found.raw.hex,
            raw_quality=found.raw.quality,
            exif_orientation=found.exif_orientation,
        )
    return facts


def vpdq_of_video(path: Path, fps: float = 1.0) -> list[dict[str, Any]]:
    """One PDQ per sampled frame: [{"t", "pdq", "quality"}]."""
    return [
        {"t": float(f.t), "pdq": str(f.pdq), "quality": int(f.quality)}
        for f in media_hashing.vpdq_of_video(path, fps=fps)
    ]


def vpdq_and_tmk_of_video(path: Path, fps: float = 1.0) -> tuple[list[dict[str, Any]], str]:
    """The frames of ``vpdq_of_video`` and the TMK-like signature's text, from one decoding."""
    found = media_video.video_signals(path, fps=fps, tmk=True)
    frames = [{"t": float(f.t), "pdq": str(f.pdq), "quality": int(f.quality)} for f in found.frames]
    if found.tmk is None:  # pragma: no cover - video_signals raises when nothing decodes
        raise MediaError("video has no decodable frames")
    return frames, found.tmk.to_signal()


def media_error_types() -> tuple[type[BaseException], ...]:
    """Exceptions that mean "this media file is damaged", to record rather than crash."""
    return (
        OSError,
        ValueError,
        EOFError,
        SyntaxError,
        MediaError,
        av.FFmpegError,
        Image.DecompressionBombError,
    )
