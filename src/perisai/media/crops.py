"""Crop sets: a crop-tolerant image signal made of PDQ hashes of crops of one picture.

PDQ survives re-encoding and scaling but not cropping: on the shared test photos a 2% cut from
one side moves it 10-28 bits, 5% 30-72 (docs/viral.md), past the match threshold of 31. Two
copies of one picture cut differently still show one common region, though; a copy that lost
``a`` of its width on the left and the other ``b`` meet when the one with more left is cut by
``|a - b|``. So every image gets the PDQ of a fixed grid of crops, each side cut by each of
``QUERY_CUTS`` (4 per side: 256 crops), and keeps the coarser ``STORED_CUTS`` grid (2 per side:
16 crops) to be found by. A new picture asks with its crops for the stored ones of every
earlier one: the differences of the two grids, per side, are 0, +-1.7%, +-3.3% and +-5% of a
side, so two copies whose cuts differ by up to ~6% on every side, in any direction, have a pair
of crops showing nearly the same region, within ~0.8% per side. Four more crops, asked with and
stored, each cut one side by ``EDGE_CUT`` (17%): they drop a logo stamped in a corner from both
copies. The distance of two pictures is the smallest over those pairs (:func:`crop_distance`),
matched at PDQ's own threshold: 260 crops asked with, 20 stored.

Pure numpy over the luminance PDQ already decodes (no second decode): the box filter and
decimation of each crop reuse PDQ's per-axis maps, one row pass per top/bottom pair and one
column pass per crop, then one batched DCT. ~15-40 ms an image (benchmarks/viral_sim.py).

A crop set is an entry's packed bytes: a version byte, then 32 bytes per crop in grid order
(left, top, right, bottom cuts, the last varying fastest). Not a bank signal: banks and
platforms exchange single PDQs; crop sets are compared among report media (viral clustering).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from perisai.media.errors import InvalidSignal
from perisai.media.index import Match
from perisai.media.pdq import _DCT, PDQ_MATCH_THRESHOLD, _decimator

__all__ = [
    "CROP_VERSION",
    "QUERY_CUTS",
    "STORED_CUTS",
    "CropIndex",
    "CropSet",
    "crop_distance",
    "crop_set_from_luma",
]

#: Fractions of a side cut by the grid of crops an image asks with (4 a side: 256 crops).
QUERY_CUTS: Final = (0.0, 1 / 60, 2 / 60, 0.05)
#: Fractions of a side cut by the crops an image is found by (a subset of QUERY_CUTS).
STORED_CUTS: Final = (0.0, 0.05)
#: A picture's crops are asked with and stored only when its PDQ quality is at least this
#: (PDQ's own floor is 50). Crops compare many more pairs than one PDQ does, and a nearly
#: featureless picture carrying a caption bar or a logo (quality 50-60) is mostly that overlay:
#: two different such pictures came within 2 bits (benchmarks/viral_sim.py --offline).
MIN_QUALITY: Final = 80
#: Version byte of the packed form (the grids above); another grid is another version.
CROP_VERSION: Final = 1
CODE_BYTES: Final = 32
#: A crop needs this many pixels a side at least (below, the picture is too small to cut).
MIN_CROP_SIDE: Final = 32
#: Rows added since the index's tables were built, paired with every asked crop, up to this
#: many; past it the tables are built again (a few sorts of the rows: amortised over the adds).
RECENT_ROWS: Final = 1024
#: Work on a luminance of at most about twice this on its long side (see ``_reduced``).
WORK_SIDE: Final = 256

#: One side cut by this much, the others not: what drops a logo or watermark stamped in a
#: corner (up to ~15% of the shorter side) from both copies. Asked with and stored.
EDGE_CUT: Final = 0.17
_EDGES: Final = ((EDGE_CUT, 0, 0, 0), (0, EDGE_CUT, 0, 0), (0, 0, EDGE_CUT, 0), (0, 0, 0, EDGE_CUT))
_GRID: Final = (
    *itertools.product(QUERY_CUTS, repeat=4),  # (left, top, right, bottom)
    *_EDGES,
)
_STORED: Final = np.array(
    [i for i, cuts in enumerate(_GRID) if all(c in STORED_CUTS for c in cuts) or cuts in _EDGES],
    dtype=np.intp,
)
_BIT_ORDER: Final = np.arange(255, -1, -1)


@dataclass(frozen=True, slots=True)
class CropSet:
    """An image's crops' PDQs in grid order (``codes``: one row of 32 bytes per crop)."""

    codes: npt.NDArray[np.uint8]

    @property
    def stored(self) -> npt.NDArray[np.uint8]:
        """The crops the image is found by (the STORED_CUTS grid)."""
        return self.codes[_STORED]

    def pack(self) -> bytes:
        return bytes([CROP_VERSION]) + self.codes.tobytes()

    def pack_stored(self) -> bytes:
        return bytes([CROP_VERSION]) + self.stored.tobytes()

    @staticmethod
    def stored_of(data: bytes) -> npt.NDArray[np.uint8]:
        """The stored crops of packed bytes of either grid."""
        codes = CropSet.unpack(data)
        return codes[_STORED] if len(codes) == len(_GRID) else codes

    @staticmethod
    def unpack(data: bytes) -> npt.NDArray[np.uint8]:
        """The codes of packed bytes (either grid); ``InvalidSignal`` when malformed."""
        if not data or data[0] != CROP_VERSION or (len(data) - 1) % CODE_BYTES:
            raise InvalidSignal("not a crop set of this version")
        count = (len(data) - 1) // CODE_BYTES
        if count not in (len(_GRID), len(_STORED)):
            raise InvalidSignal(f"a crop set holds {len(_GRID)} or {len(_STORED)} crops")
        return np.frombuffer(data, dtype=np.uint8, offset=1).reshape(count, CODE_BYTES)


def _axis_cuts(n: int) -> list[tuple[int, int]]:
    """(start, stop) of every (before, after) pair of cuts along an axis of ``n`` samples."""
    return [(round(n * a), n - round(n * b)) for a, b in itertools.product(QUERY_CUTS, repeat=2)]


def _pass(
    values: npt.NDArray[np.float32], start: int, stop: int, axis: int
) -> npt.NDArray[np.float32]:
    """PDQ's box filter and 64-sample decimation of samples ``start:stop`` along ``axis``
    (0: the rows of an image; else the columns of a stack of row passes)."""
    index, weights = _decimator(stop - start)
    # Rows: (rows, cols) -> (64, cols); else the last axis of a stack of row passes:
    # (..., 64, cols) -> (..., 64, 64).
    spec, picked = (
        ("ik,ikw->iw", values[start + index])
        if axis == 0
        else ("jk,...ijk->...ij", values[..., start + index])
    )
    out: npt.NDArray[np.float32] = np.einsum(spec, weights, picked)
    return out


def _bits(coefficients: npt.NDArray[np.float32]) -> npt.NDArray[np.uint8]:
    """PDQ's thresholding, batched: bit k set when coefficient k exceeds the crop's median."""
    flat = coefficients.reshape(coefficients.shape[0], 256)
    median = np.partition(flat, 127, axis=1)[:, 127:128]
    bits = (flat > median).astype(np.uint8)[:, _BIT_ORDER]  # bit 255 first, as PDQ's hex
    return np.packbits(bits, axis=1)


def _reduced(values: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """``values`` averaged over square blocks until its long side is below 2 * WORK_SIDE: PDQ
    keeps 64 samples a side, so the crops lose nothing that matters, and cost a few ms."""
    factor = max(1, max(values.shape) // WORK_SIDE)
    if factor == 1:
        return values
    rows, cols = (values.shape[0] // factor) * factor, (values.shape[1] // factor) * factor
    blocks = values[:rows, :cols].reshape(rows // factor, factor, cols // factor, factor)
    reduced: npt.NDArray[np.float32] = blocks.mean(axis=(1, 3), dtype=np.float32)
    return reduced


def crop_set_from_luma(luma: npt.NDArray[Any]) -> CropSet | None:
    """The crop set of a 2-D luminance array (0-255), or None when it is too small to cut."""
    values = np.asarray(luma, dtype=np.float32)
    if values.ndim != 2:
        raise ValueError("luma must be a 2-D array")
    values = _reduced(values)
    rows, cols = values.shape
    if min(rows, cols) * (1 - 2 * max(QUERY_CUTS)) < MIN_CROP_SIDE:
        return None
    # One row pass per (top, bottom) pair, then one column pass per (left, right) pair over
    # all of them at once: (top, bottom, 64, cols) -> (left, right, top, bottom, 64, 64).
    tall = np.stack([_pass(values, *cut, axis=0) for cut in _axis_cuts(rows)])
    size = len(QUERY_CUTS)
    wide = np.stack([_pass(tall, *cut, axis=2) for cut in _axis_cuts(cols)])
    wide = wide.reshape(size, size, size, size, 64, 64)  # left, right, top, bottom
    grid = wide.transpose(0, 2, 1, 3, 4, 5).reshape(size**4, 64, 64)  # grid order
    edges = [
        _pass(
            _pass(values, round(rows * top), rows - round(rows * bottom), axis=0)[None],
            round(cols * left),
            cols - round(cols * right),
            axis=1,
        )
        for left, top, right, bottom in _EDGES
    ]
    blocks = np.concatenate([grid, *edges])
    coefficients = _DCT @ blocks @ _DCT.T  # (crops, 16, 16)
    return CropSet(_bits(coefficients))


_POPCOUNT: Final = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint16)


def crop_distance(query: npt.NDArray[np.uint8], stored: npt.NDArray[np.uint8]) -> int:
    """Brute force: the smallest Hamming distance between any query crop and stored crop."""
    if not len(query) or not len(stored):
        return 256
    pairs = query[:, None, :] ^ stored[None, :, :]
    return int(_POPCOUNT[pairs].sum(axis=2).min())


class CropIndex:
    """Entries' stored crops, asked with every crop of a picture at once; each entry is
    answered once, at its smallest distance (the same as :func:`crop_distance` over every
    entry: tests check it).

    A multi-index hash (as ``PdqIndex``: 16 chunks of 16 bits; two codes within ``r`` agree to
    within ``r // 16`` bits on some chunk) queried in one batch: a picture asks with 260 crops,
    and one vectorised pass over them costs about what one ``PdqIndex.query`` does. Rows are
    filed in sorted tables, rebuilt when the rows added since (compared with every asked crop)
    pass RECENT_ROWS; a removed entry's rows are masked until then. Not
    thread-safe: the caller serialises (the cluster index holds its lock).
    """

    def __init__(self, *, threshold: int = PDQ_MATCH_THRESHOLD) -> None:
        if not 0 <= threshold < 16 * len(_FLIPS):
            raise ValueError(f"threshold must be within 0..{16 * len(_FLIPS) - 1}")
        self.threshold = threshold
        self._masks = _FLIPS[threshold // 16]
        self._codes = np.zeros((0, CODE_BYTES), dtype=np.uint8)
        self._owner = np.zeros(0, dtype=np.int64)
        self._alive = np.zeros(0, dtype=bool)
        self._rows = 0  # rows in use (the arrays above have room beyond)
        self._sorted = 0  # rows [0, _sorted) are in the sorted tables
        self._order = np.zeros((16, 0), dtype=np.int64)  # per chunk: rows by chunk value
        self._starts = np.zeros((16, (1 << 16) + 1), dtype=np.int64)  # value -> first in order
        self._entries: dict[int, npt.NDArray[np.int64]] = {}  # entry -> its rows

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, entry_id: int, codes: npt.NDArray[np.uint8], bank: str = "default") -> None:
        """File (or replace) an entry's stored crops (``bank`` is not used: one threshold)."""
        del bank
        self.remove(entry_id)
        codes = np.ascontiguousarray(codes, dtype=np.uint8).reshape(-1, CODE_BYTES)
        if not len(codes):
            return
        if self._rows + len(codes) > len(self._codes):
            self._grow(self._rows + len(codes))
        rows = np.arange(self._rows, self._rows + len(codes), dtype=np.int64)
        self._codes[rows], self._owner[rows], self._alive[rows] = codes, entry_id, True
        self._rows += len(codes)
        self._entries[entry_id] = rows
        if self._rows - self._sorted > RECENT_ROWS:
            self._rebuild()

    def remove(self, entry_id: int) -> bool:
        rows = self._entries.pop(entry_id, None)
        if rows is None:
            return False
        self._alive[rows] = False
        return True

    def _grow(self, needed: int) -> None:
        size = max(needed, 2 * len(self._codes), 1024)
        codes = np.zeros((size, CODE_BYTES), dtype=np.uint8)
        owner = np.zeros(size, dtype=np.int64)
        alive = np.zeros(size, dtype=bool)
        codes[: self._rows] = self._codes[: self._rows]
        owner[: self._rows] = self._owner[: self._rows]
        alive[: self._rows] = self._alive[: self._rows]
        self._codes, self._owner, self._alive = codes, owner, alive

    def _rebuild(self) -> None:
        """Drop removed rows and file every row in the sorted tables."""
        live = np.flatnonzero(self._alive[: self._rows])
        count = len(live)
        self._codes[:count] = self._codes[live]
        self._owner[:count] = self._owner[live]
        self._alive[:count], self._alive[count:] = True, False
        self._rows = self._sorted = count
        by_owner = np.argsort(self._owner[:count], kind="stable").astype(np.int64)
        owners, starts = np.unique(self._owner[:count][by_owner], return_index=True)
        self._entries = dict(zip(owners.tolist(), np.split(by_owner, starts[1:]), strict=True))
        chunks = self._codes[:count].view(">u2").astype(np.uint16).T  # (16, rows)
        self._order = np.argsort(chunks, axis=1, kind="stable").astype(np.int64)
        keys = np.take_along_axis(chunks, self._order, axis=1)
        # Where each chunk value's rows start in its table (a bucket lookup, not a search).
        self._starts = np.stack(
            [np.searchsorted(keys[c], np.arange(1 << 16 | 1), side="left") for c in range(16)]
        ).astype(np.int64)

    def _pairs(self, codes: npt.NDArray[np.uint8]) -> npt.NDArray[np.int64]:
        """(code, row) pairs, as ``code * rows + row``, of sorted rows sharing a chunk (within
        the flips) with an asked code: the only pairs that can be within the threshold."""
        if not self._sorted:
            return np.zeros(0, dtype=np.int64)
        chunks = codes.view(">u2").astype(np.int64)  # (codes, 16)
        which = np.repeat(np.arange(len(codes), dtype=np.int64), len(self._masks))
        found = []
        for chunk in range(16):
            keys = (chunks[:, chunk, None] ^ self._masks[None, :]).ravel()
            lo = self._starts[chunk][keys]
            counts = self._starts[chunk][keys + 1] - lo
            total = int(counts.sum())
            if total:
                offsets = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(total)
                rows = self._order[chunk][offsets]
                found.append(np.repeat(which, counts) * self._rows + rows)
        if not found:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate(found)  # a pair found twice is only measured twice

    def query(self, codes: npt.NDArray[np.uint8]) -> list[Match]:
        """Every entry with a stored crop within the threshold of any of ``codes``."""
        flat = np.ascontiguousarray(codes, dtype=np.uint8).reshape(-1, CODE_BYTES)
        asked = np.unique(flat, axis=0)
        if not len(asked) or not self._entries:
            return []
        # The rows added since the tables were built are paired with every asked code.
        recent = np.arange(self._sorted, self._rows, dtype=np.int64)
        every = (np.arange(len(asked), dtype=np.int64)[:, None] * self._rows + recent).ravel()
        pairs = np.concatenate([self._pairs(asked), every])
        which, rows = np.divmod(pairs, max(self._rows, 1))
        keep = self._alive[rows]
        which, rows = which[keep], rows[keep]
        distances = np.bitwise_count(
            asked.view(np.uint64)[which] ^ self._codes[rows].view(np.uint64)
        ).sum(axis=1, dtype=np.int64)
        hit = distances <= self.threshold
        nearest: dict[int, int] = {}
        for owner, distance in zip(
            self._owner[rows[hit]].tolist(), distances[hit].tolist(), strict=True
        ):
            if distance < nearest.get(owner, 257):
                nearest[owner] = distance
        return sorted(
            (Match(owner, distance, "default") for owner, distance in nearest.items()),
            key=lambda m: (m.distance, m.entry_id),
        )

    def entries(self) -> Iterable[int]:
        return list(self._entries)


def _flip_masks(max_bits: int) -> npt.NDArray[np.int64]:
    values = np.arange(1 << 16, dtype=np.uint32)
    return values[np.bitwise_count(values) <= max_bits].astype(np.int64)


#: Chunk variants to look up for a threshold of up to 15, 31 or 47 bits (1, 17, 137 a chunk).
_FLIPS: Final = tuple(_flip_masks(bits) for bits in range(3))
