"""vPDQ: a PDQ hash per sampled video frame, decoded with PyAV (FFmpeg inside its wheels).

Speed comes from FFmpeg's own decoding threads and from touching only the sampled frames:
they alone are converted (the luma plane, no colour conversion) and hashed, with PDQ as two
small sparse products (see ``pdq.py``). A sample is the first frame at or after each multiple
of ``1 / fps`` seconds. Every frame is decoded: skipping non-reference frames (B-frames) was
30% faster, but moved samples by a frame or two, and in fast motion that alone cost 40 bits
between a video and its own greyscale copy (measured on the shared chair videos).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from perisai.media.errors import CorruptMedia, MediaTooLarge, UnreadableFile, UnsupportedMedia
from perisai.media.pdq import FrameHash, pdq_float_from_luma, pdq_from_luma
from perisai.media.sniff import SNIFF_BYTES, kind_of_header
from perisai.media.tmk import TMK_FPS, TmkAccumulator, TmkHash

#: Videos declaring (or decoding to) more than this many seconds are refused: 6 hours.
DEFAULT_MAX_VIDEO_SECONDS: Final = 6 * 3600.0
#: Frames larger than this are refused (8K is 33 Mpx).
DEFAULT_MAX_FRAME_PIXELS: Final = 40_000_000
_MAX_FPS: Final = 60.0
_TMK_SIDE: Final = 256  # TMK frames are shrunk to this longer side before their DCT


def _declared_seconds(container: object, stream: object) -> float | None:
    duration = getattr(container, "duration", None)
    if duration:
        return float(duration) / 1_000_000  # AV_TIME_BASE
    sdur, base = getattr(stream, "duration", None), getattr(stream, "time_base", None)
    if sdur and base:
        return float(sdur * base)
    return None


@dataclass(frozen=True, slots=True)
class VideoSignals:
    """What one decoding pass over a video yields: vPDQ frames, and the TMK-like signature
    when it was asked for."""

    frames: list[FrameHash]
    tmk: TmkHash | None = None


def vpdq_of_video(
    path: Path | str,
    *,
    fps: float = 1.0,
    max_seconds: float = DEFAULT_MAX_VIDEO_SECONDS,
    max_pixels: int = DEFAULT_MAX_FRAME_PIXELS,
) -> list[FrameHash]:
    """Hash ``fps`` frames per second of a video's first video stream.

    Raises ``UnreadableFile``, ``UnsupportedMedia`` (no video stream, not a container),
    ``CorruptMedia`` (nothing decodable) or ``MediaTooLarge`` (declared or decoded duration
    above ``max_seconds``, frames above ``max_pixels``).
    """
    return video_signals(path, fps=fps, max_seconds=max_seconds, max_pixels=max_pixels).frames


def tmk_of_video(
    path: Path | str,
    *,
    max_seconds: float = DEFAULT_MAX_VIDEO_SECONDS,
    max_pixels: int = DEFAULT_MAX_FRAME_PIXELS,
) -> TmkHash:
    """The TMK-like signature of a video (see ``tmk.py``); errors as ``vpdq_of_video``."""
    found = video_signals(path, tmk=True, max_seconds=max_seconds, max_pixels=max_pixels).tmk
    if found is None:  # pragma: no cover - video_signals raises when nothing decodes
        raise CorruptMedia("video has no decodable frames")
    return found


def video_signals(
    path: Path | str,
    *,
    fps: float = 1.0,
    tmk: bool = False,
    max_seconds: float = DEFAULT_MAX_VIDEO_SECONDS,
    max_pixels: int = DEFAULT_MAX_FRAME_PIXELS,
) -> VideoSignals:
    """vPDQ frames (and, with ``tmk``, the TMK-like signature) from one decoding pass."""
    import av

    if not (0 < fps <= _MAX_FPS) or not math.isfinite(fps):
        raise ValueError(f"fps must be in (0, {_MAX_FPS:g}]")
    p = Path(path)
    if not p.is_file():
        raise UnreadableFile(f"no such file: {p}" if not p.exists() else f"not a file: {p}")
    try:
        container = av.open(str(p), mode="r")
    except av.error.InvalidDataError as exc:
        with p.open("rb") as fh:
            looks_like_video = kind_of_header(fh.read(SNIFF_BYTES)) == "video"
        if looks_like_video:
            raise CorruptMedia(f"video container is damaged or truncated: {exc}") from exc
        raise UnsupportedMedia("not a video container that can be decoded") from exc
    except av.error.FFmpegError as exc:
        raise CorruptMedia(f"video cannot be opened: {exc}") from exc
    with container:
        if not container.streams.video:
            raise UnsupportedMedia("no video stream in the file")
        stream = container.streams.video[0]
        declared = _declared_seconds(container, stream)
        if declared is not None and (not math.isfinite(declared) or declared > max_seconds):
            raise MediaTooLarge(
                f"video declares {declared:.0f} s, above the limit of {max_seconds:.0f} s"
            )
        width, height = stream.codec_context.width, stream.codec_context.height
        if width * height > max_pixels:
            raise MediaTooLarge(f"video frames are {width}x{height}, above the pixel limit")
        stream.thread_type = "AUTO"
        accumulator = TmkAccumulator() if tmk else None
        frames = _sample(container, stream, 1.0 / fps, max_seconds, max_pixels, accumulator)
        return VideoSignals(frames, accumulator.finish() if accumulator else None)


class _Clock:
    """Says which decoded frames to take: the first at or after each multiple of ``interval``."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.next_t = 0.0

    def due(self, t: float) -> bool:
        if t + 1e-6 < self.next_t:
            return False
        self.next_t = (math.floor(max(t, 0.0) / self.interval + 1e-9) + 1) * self.interval
        return True


def _small_gray(frame: Any, side: int = _TMK_SIDE) -> Any:
    """The luma plane shrunk by FFmpeg so its longer side is at most ``side``."""
    scale = min(1.0, side / max(frame.width, frame.height))
    width = max(2, round(frame.width * scale / 2) * 2)
    height = max(2, round(frame.height * scale / 2) * 2)
    return frame.to_ndarray(format="gray", width=width, height=height)


def _sample(
    container: Any,
    stream: Any,
    interval: float,
    max_seconds: float,
    max_pixels: int,
    tmk: TmkAccumulator | None,
) -> list[FrameHash]:
    import av

    out: list[FrameHash] = []
    vpdq_clock, tmk_clock = _Clock(interval), _Clock(1.0 / TMK_FPS)
    decoded = 0
    try:
        for frame in container.decode(stream):
            t = frame.time
            if t is None:
                t = decoded * interval
            decoded += 1
            if t > max_seconds:
                raise MediaTooLarge(f"video runs past the limit of {max_seconds:.0f} s")
            if frame.width * frame.height > max_pixels:
                raise MediaTooLarge(f"a frame is {frame.width}x{frame.height}, above the limit")
            if tmk is not None and tmk_clock.due(t):
                tmk.add(t, pdq_float_from_luma(_small_gray(frame)))
            if vpdq_clock.due(t):
                h = pdq_from_luma(frame.to_ndarray(format="gray"))
                out.append(FrameHash(t=round(max(t, 0.0), 3), pdq=h.hex, quality=h.quality))
    except av.error.FFmpegError as exc:
        if not out:
            raise CorruptMedia(f"video cannot be decoded: {exc}") from exc
        raise CorruptMedia(f"video is damaged after {len(out)} sampled frames: {exc}") from exc
    if not out:
        raise CorruptMedia("video has no decodable frames")
    return out
