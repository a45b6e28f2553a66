"""PDQ arithmetic on a luminance array, plus the hash types and Hamming helpers.

This is the algorithm of Meta's PDQ (``facebook/ThreatExchange/pdq``), written as linear algebra:
the two-pass Jarosz box filter followed by the 64×64 decimation is one linear map per axis, so
it is precomputed as a 64×N matrix per image dimension and applied with two matrix products.
That reproduces the C++ reference (the ``pdqhash`` binding) bit for bit on the shared test
images while skipping its full-resolution float conversion, which is most of its cost.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import numpy as np
import numpy.typing as npt

from perisai.media.errors import InvalidSignal

PDQ_BITS: Final = 256
PDQ_HEX_LEN: Final = 64
#: Hamming distance at or below which two PDQ hashes are a confident match (threatexchange).
PDQ_MATCH_THRESHOLD: Final = 31
#: Hashes of lower quality are too featureless to match reliably.
PDQ_MIN_QUALITY: Final = 50

_HEX64 = re.compile(r"[0-9a-f]{64}")

#: Names of the eight dihedral variants, in the order of the reference implementation.
DIHEDRAL_NAMES: Final = (
    "original",
    "rotate90",
    "rotate180",
    "rotate270",
    "flip_x",
    "flip_y",
    "flip_plus1",
    "flip_minus1",
)


@dataclass(frozen=True, slots=True)
class PdqHash:
    """A PDQ hash: 64 lowercase hex characters (256 bits) and its quality, 0–100."""

    hex: str
    quality: int


@dataclass(frozen=True, slots=True)
class FrameHash:
    """The PDQ hash of one sampled video frame: time in seconds, hash hex, quality."""

    t: float
    pdq: str
    quality: int


#: Frames of a video serialised in one string: a JSON list of "pdq_hex,quality,seconds"
#: (the compact form of python-threatexchange's vPDQ signal).
MAX_VPDQ_FRAMES: Final = 100_000


def frames_to_signal(frames: Sequence[FrameHash]) -> str:
    return json.dumps([f"{f.pdq},{f.quality},{f.t:.3f}" for f in frames], separators=(",", ":"))


def frames_from_signal(signal: str) -> list[FrameHash]:
    """Parse ``frames_to_signal`` output; raises ``InvalidSignal`` naming what is wrong."""
    try:
        items = json.loads(signal)
    except ValueError as exc:
        raise InvalidSignal(f"vPDQ signal is not a JSON list of frames: {exc}") from exc
    if not isinstance(items, list) or not items:
        raise InvalidSignal("vPDQ signal must be a non-empty JSON list of frames")
    if len(items) > MAX_VPDQ_FRAMES:
        raise InvalidSignal(f"vPDQ signal has more than {MAX_VPDQ_FRAMES} frames")
    frames = []
    for n, item in enumerate(items, 1):
        parts = item.split(",") if isinstance(item, str) else []
        if len(parts) != 3:
            raise InvalidSignal(f"vPDQ frame {n}: expected 'pdq_hex,quality,seconds'")
        try:
            quality, t = int(parts[1]), float(parts[2])
        except ValueError as exc:
            raise InvalidSignal(f"vPDQ frame {n}: bad quality or time") from exc
        if not 0 <= quality <= 100 or not math.isfinite(t) or t < 0:
            raise InvalidSignal(f"vPDQ frame {n}: quality or time out of range")
        frames.append(FrameHash(t=t, pdq=normalize_pdq_hex(parts[0]), quality=quality))
    return frames


def normalize_pdq_hex(value: str) -> str:
    """Return ``value`` as 64 lowercase hex characters, or raise ``InvalidSignal``."""
    text = value.strip().lower()
    if not _HEX64.fullmatch(text):
        shown = value if len(value) <= 80 else value[:77] + "..."
        raise InvalidSignal(f"not a PDQ hash (64 hex characters expected): {shown!r}")
    return text


def pdq_hex_to_bytes(value: str) -> bytes:
    return bytes.fromhex(normalize_pdq_hex(value))


def hamming_hex(a: str, b: str) -> int:
    """Hamming distance between two hex strings of equal length."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _box_bounds(n: int, window: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Inclusive bounds of the reference's 1-D box filter at each output index.

    The reference filter is centred (``half = (window + 2) // 2``) and averages only the
    samples that exist near the edges.
    """
    half = (window + 2) // 2
    j = np.arange(n, dtype=np.int64)
    return np.maximum(0, j - (window - half)), np.minimum(n - 1, j + half - 1)


@lru_cache(maxsize=128)
def _decimator(n: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float32]]:
    """Two Jarosz box passes along one axis, then sampling 64 positions, as a sparse map.

    Output ``i`` is ``sum_k weights[i, k] * input[index[i, k]]``: the composite of two box
    filters has a contiguous support of at most ``2 * window - 1`` samples, so this is a
    gather plus a small weighted sum (no BLAS call, hence no BLAS threads to fight with the
    video decoder's).
    """
    window = (n + 127) // 128
    lo, hi = _box_bounds(n, window)
    weight = 1.0 / (hi - lo + 1)
    picks = ((np.arange(64) + 0.5) * n / 64).astype(np.int64)
    width = 2 * window - 1
    index = np.zeros((64, width), dtype=np.intp)
    weights = np.zeros((64, width), dtype=np.float64)
    for i, s in enumerate(picks):
        row = np.zeros(n + 1, dtype=np.float64)
        ks = np.arange(lo[s], hi[s] + 1)
        w = weight[s] * weight[ks]
        # Each first-pass row k is a constant over [lo[k], hi[k]]: add it as a difference.
        np.add.at(row, lo[ks], w)
        np.add.at(row, hi[ks] + 1, -w)
        dense = np.cumsum(row)[:n]
        start = int(lo[ks].min())
        span = min(width, n - start)
        index[i, :span] = np.arange(start, start + span)
        weights[i, :span] = dense[start : start + span]
        index[i, span:] = start
    index.setflags(write=False)
    out_weights = weights.astype(np.float32)
    out_weights.setflags(write=False)
    return index, out_weights


@lru_cache(maxsize=128)
def _folded_decimator(
    full: int, reduced: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float32]]:
    """The decimator of a ``full``-sample axis, folded onto the same axis decoded at a
    reduced size (a JPEG decoded at 1/2, 1/4, 1/8 scale in the DCT domain).

    Each reduced sample stands for the block of full samples it averages, so it gets their
    summed weights: the hash then follows the full-resolution reference within a bit or two,
    where hashing the reduced image as an image of its own drifts by four or more.
    """
    index, weights = _decimator(full)
    if reduced == full:
        return index, weights
    scale = full / reduced
    dense = np.zeros((64, reduced), dtype=np.float64)
    rows = np.repeat(np.arange(64), index.shape[1])
    np.add.at(
        dense,
        (rows, np.minimum((index / scale).astype(np.intp), reduced - 1).ravel()),
        weights.ravel(),
    )
    nonzero = dense != 0
    first = nonzero.argmax(axis=1)
    width = int((reduced - nonzero[:, ::-1].argmax(axis=1) - first).max())
    starts = np.minimum(first, reduced - width)
    out_index = starts[:, None] + np.arange(width)[None, :]
    out_weights = np.take_along_axis(dense, out_index, axis=1).astype(np.float32)
    out_index.setflags(write=False)
    out_weights.setflags(write=False)
    return out_index, out_weights


_k = np.arange(64)
_DCT: Final = (
    np.sqrt(2.0 / 64) * np.cos(np.pi / 128 * np.outer(np.arange(1, 17), 2 * _k + 1))
).astype(np.float32)


def _quality(block: npt.NDArray[np.float32]) -> int:
    dy = np.trunc((block[:-1, :] - block[1:, :]) * 100 / 255)
    dx = np.trunc((block[:, :-1] - block[:, 1:]) * 100 / 255)
    return min(100, int((np.abs(dy).sum() + np.abs(dx).sum()) // 90))


def _bits_to_hex(coefficients: npt.NDArray[np.float32]) -> str:
    """Bit k is set when coefficient k (row-major in the 16×16 block) exceeds the median."""
    flat = coefficients.ravel()
    median = np.partition(flat, 127)[127]
    bits = (flat > median).astype(np.uint8)[::-1]  # bit 255 first: big-endian hex
    return np.packbits(bits).tobytes().hex()


def _dct16(
    luma: npt.NDArray[np.float32], full_size: tuple[int, int] | None = None
) -> tuple[npt.NDArray[np.float32], int]:
    if luma.ndim != 2 or luma.shape[0] < 1 or luma.shape[1] < 1:
        raise ValueError("luma must be a non-empty 2-D array")
    rows, cols = luma.shape
    full_rows, full_cols = full_size or (rows, cols)
    row_index, row_weights = _folded_decimator(full_rows, rows)
    col_index, col_weights = _folded_decimator(full_cols, cols)
    tall = np.einsum("ik,ikw->iw", row_weights, luma[row_index])  # 64 x cols
    block = np.einsum("jk,ijk->ij", col_weights, tall[:, col_index])  # 64 x 64
    return _DCT @ block @ _DCT.T, _quality(block)


def pdq_from_luma(
    luma: npt.NDArray[np.floating] | npt.NDArray[np.integer],
    full_size: tuple[int, int] | None = None,
) -> PdqHash:
    """PDQ of a 2-D luminance array (0–255 scale).

    ``full_size`` (rows, columns): the size the image really has when ``luma`` was decoded
    at a reduced scale; the filter is then the full-resolution one, folded onto ``luma``.
    """
    coefficients, quality = _dct16(np.asarray(luma, dtype=np.float32), full_size)
    return PdqHash(_bits_to_hex(coefficients), quality)


def pdq_float_from_luma(
    luma: npt.NDArray[np.floating] | npt.NDArray[np.integer],
) -> npt.NDArray[np.float32]:
    """The 16x16 real DCT coefficients PDQ thresholds into bits ("PDQF"), for TMK pooling."""
    coefficients, _quality = _dct16(np.asarray(luma, dtype=np.float32))
    return coefficients


def pdq_dihedral_from_luma(
    luma: npt.NDArray[np.floating] | npt.NDArray[np.integer],
    full_size: tuple[int, int] | None = None,
) -> dict[str, PdqHash]:
    """The eight rotation/flip variants from one DCT (the reference's dihedral trick).

    Mirroring the image negates the DCT coefficients of odd frequency along that axis, and
    transposing it transposes the block, so every variant is a signed permutation.
    """
    c, quality = _dct16(np.asarray(luma, dtype=np.float32), full_size)
    sign = np.where(np.arange(16) % 2 == 0, -1.0, 1.0).astype(np.float32)  # (-1)^(index+1)
    flip_x = c * sign[None, :]
    flip_y = c * sign[:, None]
    rot180 = flip_x * sign[:, None]
    variants = {
        "original": c,
        "rotate90": flip_x.T,
        "rotate180": rot180,
        "rotate270": flip_y.T,
        "flip_x": flip_y,  # the reference's flipX mirrors across the x axis (top <-> bottom)
        "flip_y": flip_x,
        "flip_plus1": c.T,
        "flip_minus1": rot180.T,
    }
    return {name: PdqHash(_bits_to_hex(variants[name]), quality) for name in DIHEDRAL_NAMES}
