"""Match indexes: PDQ radius search, exact hashes (MD5/SHA-1/SHA-256) and vPDQ videos.

``PdqIndex`` is a multi-index hash (Norouzi, Punjani and Fleet, "Fast search in Hamming space
with multi-index hashing", CVPR 2012), exact at any radius:

- **Pigeonhole.** The 256 bits are cut into ``m`` contiguous chunks. To search radius ``r``,
  give chunk ``c`` a search radius ``r_c`` such that the ``r_c + 1`` add up to ``r + 1``
  (``r_c = -1``: the chunk is not searched). If a hash is within ``r`` of the query, some chunk
  differs in at most ``r_c`` bits, since otherwise the chunks alone would differ in at least
  ``sum(r_c + 1) = r + 1`` bits. So probing, in every table, the query's chunk with every
  variant of at most ``r_c`` flipped bits finds every hash within ``r``; each candidate's true
  distance is then checked. The answer is the brute-force answer, whatever the data.
- **Wide chunks, sized to the index.** Candidates per probe fall as the chunk widens (a bucket
  of ``b`` bits holds ``N / 2**b`` random hashes); probes per chunk grow with its width. At a
  bulk build the index picks ``m`` (8..16 chunks) and the bucket width (``log2 N``, at most 23
  bits) that minimise the expected cost of a radius-31 query within a memory budget: at
  10,000,000 entries 11 chunks of 23-24 bits, searched at radius 2 (one at radius 1): about
  2,800 probes and 3,300 candidates, where the former layout (16 chunks of 16 bits at radius 1)
  read 41,000 candidates, each a random 32-byte read. A table files its hashes by the chunk's
  top ``b`` bits when the chunk is wider than ``b``; flipping bits of a chunk flips at most as
  many of its top bits, so the pigeonhole argument holds for those buckets too.
- **Compact buckets.** A table is its row numbers sorted by bucket (3 bytes a row) and a
  directory: one 32-bit start per block of 256 buckets and a 16-bit offset per bucket within
  its block (32-bit when a block holds 65,536 rows or more: heavy duplicates). About 88 bytes
  per hash at ten million, the hash's 32 bytes included.

Those tables are built in one pass (radix sorts) when entries arrive in bulk. Entries added
or removed one at a time go to a small **delta**: 16 tables of 16-bit chunks with growable
buckets, probed with ``r // 16`` flipped bits (the same pigeonhole, ``r_c`` equal for all);
a removed entry of the bulk tables is only marked free. When the delta holds more than
1/32 of the index (or a quarter of the bulk rows are free) everything is re-filed in one
build: amortised, proportional to the index, never to the bank history. State is a handful of
numpy arrays, saved with ``numpy.savez`` and loaded with ``allow_pickle=False``: no pickle.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import os
import statistics
import tempfile
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from perisai.media.errors import InvalidSignal
from perisai.media.pdq import PDQ_MATCH_THRESHOLD, FrameHash, normalize_pdq_hex

_FORMAT: Final = "perisai.pdq-index"
_VERSION: Final = 1
_FREE: Final = 0  # bank number of an unused row

# Delta tables: 16 chunks of 16 bits, growable buckets.
_CHUNKS: Final = 16
_BUCKETS: Final = 1 << 16
_TABLE_OFFSET: Final = (np.arange(_CHUNKS, dtype=np.int64) * _BUCKETS)[:, None]

# Bulk tables.
_MIN_CHUNKS: Final = 8  # chunks of at most 32 bits: two 64-bit words hold any of them
_MAX_CHUNKS: Final = 16
_MIN_BUCKET_BITS: Final = 8  # a table is at least one directory block
_MAX_BUCKET_BITS: Final = 23  # 2**23 buckets x 2 bytes x 11 tables = 18.5 B/entry at 10M
_BLOCK_BITS: Final = 8  # one 32-bit directory start per 256 buckets
#: Bytes per entry the bulk tables may take (slots and directory); with the 37 bytes of hash,
#: id and bank, the index stays under 100 bytes per entry.
_TABLE_BUDGET: Final = 58.0
#: Cost of a probe (a directory read and a bucket's first slot, both random) relative to a
#: candidate (one random 32-byte hash read), for choosing the layout.
_PROBE_COST: Final = 2.0
#: The delta is merged into the bulk tables when it holds more rows than this or 1/32 of all.
DELTA_FLOOR: Final = 8192


def _flip_masks(max_bits: int) -> npt.NDArray[np.int64]:
    values = np.arange(_BUCKETS, dtype=np.uint32)
    popcount = np.bitwise_count(values)
    masks = values[popcount <= max_bits]
    return masks[np.argsort(np.bitwise_count(masks), kind="stable")].astype(np.int64)


_MASKS: Final = tuple(_flip_masks(k) for k in range(3))  # 1, 17 and 137 lookups per chunk


def _ball(bits: int, radius: int) -> int:
    """How many ``bits``-bit values lie within ``radius`` flipped bits of one value."""
    return sum(math.comb(bits, k) for k in range(min(radius, bits) + 1)) if radius >= 0 else 0


@functools.lru_cache(maxsize=256)
def _variants(bits: int, radius: int) -> npt.NDArray[np.int64]:
    """Every ``bits``-bit XOR mask with at most ``radius`` bits set (callers cap the count)."""
    masks = [0]
    for k in range(1, min(radius, bits) + 1):
        masks.extend(sum(1 << b for b in combo) for combo in itertools.combinations(range(bits), k))
    out = np.array(masks, dtype=np.int64)
    out.setflags(write=False)
    return out


def _chunk_radii(chunks: int, radius: int) -> tuple[int, ...]:
    """Per-chunk search radii whose ``r_c + 1`` add up to ``radius + 1`` (the pigeonhole)."""
    units, extra = divmod(radius + 1, chunks)
    return tuple(units - 1 + (1 if c < extra else 0) for c in range(chunks))


@dataclass(frozen=True, slots=True)
class _Plan:
    """How the bulk tables cut the hash: chunk ``c`` is bits ``starts[c] .. + widths[c]``
    (bit 0 the most significant), filed by its top ``bucket_bits[c]`` bits."""

    starts: tuple[int, ...]
    widths: tuple[int, ...]
    bucket_bits: tuple[int, ...]

    @property
    def chunks(self) -> int:
        return len(self.widths)

    def probes(self, radius: int) -> int:
        radii = _chunk_radii(self.chunks, radius)
        return sum(_ball(b, r) for b, r in zip(self.bucket_bits, radii, strict=True))

    def expected_candidates(self, n: int, radius: int) -> float:
        """Candidates of a radius query over ``n`` uniformly random hashes."""
        radii = _chunk_radii(self.chunks, radius)
        return sum(_ball(b, r) * n / (1 << b) for b, r in zip(self.bucket_bits, radii, strict=True))

    def table_bytes(self, n: int) -> float:
        """Bytes per entry of the tables: 3-byte slots and 2-byte directory offsets."""
        return 3 * self.chunks + 2 * sum(1 << b for b in self.bucket_bits) / max(n, 1)


def _plan_of(chunks: int, bucket_bits: int) -> _Plan:
    width, wider = divmod(256, chunks)
    widths = tuple(width + (1 if c < wider else 0) for c in range(chunks))
    starts = tuple(int(s) for s in np.cumsum((0, *widths[:-1])))
    return _Plan(starts, widths, tuple(min(w, bucket_bits) for w in widths))


def choose_plan(n: int, radius: int = PDQ_MATCH_THRESHOLD) -> _Plan:
    """The layout for ``n`` entries that minimises a radius query's expected cost (probes and
    candidates, uniformly random hashes) within the memory budget."""
    around = round(math.log2(max(n, 2)))
    best: tuple[float, _Plan] | None = None
    for chunks in range(_MIN_CHUNKS, _MAX_CHUNKS + 1):
        for bits in (around - 1, around, around + 1):
            if not _MIN_BUCKET_BITS <= bits <= _MAX_BUCKET_BITS:
                continue
            plan = _plan_of(chunks, bits)
            if plan.table_bytes(n) > _TABLE_BUDGET:
                continue
            cost = _PROBE_COST * plan.probes(radius) + plan.expected_candidates(n, radius)
            if best is None or cost < best[0]:
                best = (cost, plan)
    return best[1] if best is not None else _plan_of(_MAX_CHUNKS, _MIN_BUCKET_BITS)


def _bucket_keys(words: npt.NDArray[Any], start: int, width: int, bits: int) -> npt.NDArray[Any]:
    """Top ``bits`` bits of the chunk ``start .. start + width`` of every hash (``words``: the
    hashes as four big-endian 64-bit words), as uint32."""
    word, offset = divmod(start, 64)
    value = words[:, word].astype(np.uint64)
    if offset + width <= 64:
        value >>= np.uint64(64 - offset - width)
    else:  # the chunk runs into the next word
        spill = offset + width - 64
        value <<= np.uint64(spill)
        value |= words[:, word + 1].astype(np.uint64) >> np.uint64(64 - spill)
    value &= np.uint64((1 << width) - 1)
    value >>= np.uint64(width - bits)
    return value.astype(np.uint32)


#: Up to this many rows a table's order comes from radix passes (their scattered reads stay in
#: cache: twice as fast as a sort at one million); beyond, from one sort (half the time of
#: radix passes whose reads miss the cache at ten million).
_RADIX_ROWS: Final = 1 << 22


def _bucket_order(
    keys: npt.NDArray[Any], bits: int, rows: npt.NDArray[np.uint64]
) -> tuple[npt.NDArray[Any], npt.NDArray[np.int64]]:
    """The rows ordered by bucket (stable) and every bucket's count."""
    size = 1 << bits
    if keys.size <= _RADIX_ROWS:
        # NumPy's stable sort is a radix sort for 8- and 16-bit keys: the low bits first, then
        # the high 16 (least significant digit first keeps the first pass's order within ties).
        if bits <= 16:
            order = np.argsort(keys.astype(np.uint16), kind="stable")
        else:
            low = bits - 16  # at most 7: the bucket bits are at most 23
            order = np.argsort((keys & ((1 << low) - 1)).astype(np.uint8), kind="stable")
            order = order[np.argsort((keys >> low).astype(np.uint16)[order], kind="stable")]
        return order, np.bincount(keys, minlength=size)
    # One in-place sort of key << 32 | row (NumPy sorts 64-bit integers with SIMD).
    packed = keys.astype(np.uint64)
    packed <<= np.uint64(32)
    packed |= rows
    packed.sort()
    ordered = packed.astype(np.uint32)  # the low 32 bits: the rows
    packed >>= np.uint64(32)
    return ordered, np.bincount(packed.astype(np.uint32), minlength=size)  # sorted: sequential


@dataclass(frozen=True, slots=True)
class Match:
    """One index hit: the bank entry's id, its Hamming distance to the query, its bank."""

    entry_id: int
    distance: int
    bank: str


def parse_pdq_codes(hexes: Sequence[str]) -> npt.NDArray[np.uint8]:
    """Many PDQ hex strings to an ``(n, 32)`` byte array, validating every one."""
    if not hexes:
        return np.zeros((0, 32), dtype=np.uint8)
    try:
        lengths = np.fromiter((len(h) for h in hexes), dtype=np.int64, count=len(hexes))
        raw = bytes.fromhex("".join(hexes))
    except (TypeError, ValueError):
        raw, lengths = b"", np.zeros(0, dtype=np.int64)
    if lengths.size != len(hexes) or np.any(lengths != 64) or len(raw) != 32 * len(hexes):
        for h in hexes:  # find and name the first bad one
            normalize_pdq_hex(h)
        raise InvalidSignal("malformed PDQ hash in batch")
    return np.frombuffer(raw, dtype=np.uint8).reshape(-1, 32).copy()


def _distances(
    codes: npt.NDArray[np.uint8], rows: npt.NDArray[np.int64], code: npt.NDArray[np.uint8]
) -> npt.NDArray[np.int64]:
    """Hamming distances from ``code`` to ``codes[rows]`` (``np.take`` and per-word sums are
    several times faster than fancy indexing and ``sum(axis=1)`` at these sizes)."""
    words = np.bitwise_count(np.take(codes.view(np.uint64), rows, axis=0) ^ code.view(np.uint64))
    out: npt.NDArray[np.int64] = words[:, 0].astype(np.int64)
    for w in range(1, 4):
        out += words[:, w]
    return out


def _has_duplicates(ids: npt.NDArray[np.int64]) -> bool:
    """Whether an id repeats: one pass when the ids increase (a table read in id order),
    else a sort (NumPy's hash-based ``unique`` is several times slower on ten million)."""
    if ids.size < 2:
        return False
    if bool(np.all(ids[1:] > ids[:-1])):
        return False
    ordered = np.sort(ids)
    return bool(np.any(ordered[1:] == ordered[:-1]))


def _ranges(starts: npt.NDArray[np.int64], lengths: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The positions ``starts[i] .. starts[i] + lengths[i] - 1`` of every i, concatenated."""
    lengths = np.asarray(lengths, dtype=np.int64)
    ends = np.cumsum(lengths)
    total = int(ends[-1]) if ends.size else 0
    return np.repeat(starts - ends + lengths, lengths) + np.arange(total)


def _promote(array: npt.NDArray[Any], value: int) -> npt.NDArray[Any]:
    """Widen an integer array's dtype when ``value`` does not fit (uint8 -> uint16 -> ...)."""
    info = np.iinfo(array.dtype)
    if info.min <= value <= info.max:
        return array
    for dtype in (np.uint16, np.uint32, np.int64):
        wide = np.iinfo(dtype)
        if wide.min <= value <= wide.max and wide.bits > info.bits:
            return array.astype(dtype)
    raise OverflowError(f"value {value} does not fit a 64-bit integer")


def _slots_of(
    lo: npt.NDArray[Any], hi: npt.NDArray[Any], at: npt.NDArray[Any]
) -> npt.NDArray[np.int64]:
    """Row numbers stored as 16 low bits in ``lo`` and the high bits in ``hi``."""
    rows: npt.NDArray[np.int64] = np.take(lo, at).astype(np.int64)
    rows |= np.take(hi, at).astype(np.int64) << 16
    return rows


class _BulkTables:
    """The multi-index tables of rows ``0 .. n-1``, built at once and never changed."""

    def __init__(self, plan: _Plan, codes: npt.NDArray[np.uint8]) -> None:
        n = len(codes)
        if n >= 1 << 32:
            raise OverflowError("a PDQ index holds fewer than 2**32 rows")
        self.plan, self.rows = plan, n
        sizes = [1 << b for b in plan.bucket_bits]  # multiples of 256: blocks never straddle
        self._key_base = np.cumsum((0, *sizes[:-1])).astype(np.int64)
        total = sum(sizes)
        self._base = np.zeros((total >> _BLOCK_BITS) + 1, dtype=np.uint32)
        if plan.chunks * n >= 1 << 32:
            self._base = self._base.astype(np.int64)
        self._offset: npt.NDArray[Any] = np.zeros(total + 1, dtype=np.uint16)  # + end sentinel
        self._lo = np.empty(plan.chunks * n, dtype=np.uint16)
        self._hi = np.empty(plan.chunks * n, dtype=np.uint8 if n <= 1 << 24 else np.uint16)
        words, rows = codes.view(">u8"), np.arange(n, dtype=np.uint64)

        def table(c: int) -> tuple[int, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
            keys = _bucket_keys(words, plan.starts[c], plan.widths[c], plan.bucket_bits[c])
            return (c, *self._file(c, n, keys, rows))

        # Two tables at a time on large builds: NumPy's sorts and casts release the GIL, and a
        # process loading its banks has nothing else to do.
        workers = min(2, os.cpu_count() or 1) if n >= 1 << 16 else 1
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for c, blocks, offsets in pool.map(table, range(plan.chunks)):
                first = int(self._key_base[c])
                self._base[first >> _BLOCK_BITS : (first + offsets.size) >> _BLOCK_BITS] = blocks
                if int(offsets.max(initial=0)) > np.iinfo(self._offset.dtype).max:
                    self._offset = self._offset.astype(np.uint32)  # a block of heavy duplicates
                self._offset[first : first + offsets.size] = offsets
        self._base[total >> _BLOCK_BITS] = plan.chunks * n
        self._probes: dict[
            int, tuple[npt.NDArray[np.intp], npt.NDArray[np.int64], npt.NDArray[np.int64]] | None
        ] = {}

    def _file(
        self, c: int, n: int, keys: npt.NDArray[Any], rows: npt.NDArray[np.uint64]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Table ``c``: its rows in bucket order at slots ``c*n ..``; returns the starts of its
        directory blocks and every bucket's offset within its block."""
        order, starts = _bucket_order(keys, self.plan.bucket_bits[c], rows)
        del keys
        self._lo[c * n : (c + 1) * n] = order.astype(np.uint16)  # the low 16 bits
        order >>= 16
        self._hi[c * n : (c + 1) * n] = order
        del order
        np.cumsum(starts, out=starts)
        starts = np.concatenate([[0], starts[:-1]])
        starts += c * n
        blocks = starts[:: 1 << _BLOCK_BITS].copy()
        starts -= np.repeat(blocks, 1 << _BLOCK_BITS)
        return blocks, starts

    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self._base, self._offset, self._lo, self._hi))

    def _probe_plan(
        self, radius: int
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64], npt.NDArray[np.int64]] | None:
        """For a radius: which chunk each probe varies, its XOR mask and its table's first key;
        ``None`` when probing costs more than reading every row."""
        if radius in self._probes:
            return self._probes[radius]
        plan = self.plan
        planned = None
        if plan.probes(radius) <= max(4096, self.rows // 8):
            radii = _chunk_radii(plan.chunks, radius)
            masks = [_variants(b, r) for b, r in zip(plan.bucket_bits, radii, strict=True)]
            chunk_of = np.repeat(np.arange(plan.chunks), [m.size for m in masks])
            planned = (chunk_of, np.concatenate(masks), self._key_base[chunk_of])
        self._probes[radius] = planned
        return planned

    def candidates(self, code: bytes, radius: int) -> npt.NDArray[np.int64] | None:
        """Rows filed under the query's probes (``None``: scan every row instead)."""
        planned = self._probe_plan(radius)
        if planned is None:
            return None
        chunk_of, masks, key_base = planned
        plan, value = self.plan, int.from_bytes(code, "big")
        mine = np.array(
            [
                ((value >> (256 - s - w)) & ((1 << w) - 1)) >> (w - b)
                for s, w, b in zip(plan.starts, plan.widths, plan.bucket_bits, strict=True)
            ],
            dtype=np.int64,
        )
        keys = np.take(mine, chunk_of)
        keys ^= masks
        keys += key_base
        starts = np.take(self._base, keys >> _BLOCK_BITS).astype(np.int64)
        starts += np.take(self._offset, keys)
        keys += 1
        counts = np.take(self._base, keys >> _BLOCK_BITS).astype(np.int64)
        counts += np.take(self._offset, keys)
        counts -= starts
        return _slots_of(self._lo, self._hi, _ranges(starts, counts))


class _DeltaTables:
    """Rows added one at a time since the last build: 16 tables of 16-bit chunks, each a flat
    array of buckets with spare room; a full bucket moves to the end with more room (the place
    it leaves is reclaimed at the next build)."""

    def __init__(self) -> None:
        self._start = np.zeros(_CHUNKS * _BUCKETS, dtype=np.uint32)
        self._count = np.zeros(_CHUNKS * _BUCKETS, dtype=np.uint32)
        self._capacity = np.zeros(_CHUNKS * _BUCKETS, dtype=np.uint32)
        self._lo = np.zeros(0, dtype=np.uint16)
        self._hi: npt.NDArray[Any] = np.zeros(0, dtype=np.uint8)
        self._used = 0

    @staticmethod
    def keys_of(codes: npt.NDArray[np.uint8]) -> npt.NDArray[np.int64]:
        """The 16 bucket keys of each of ``codes`` (an ``(n, 32)`` array)."""
        return codes.view(">u2").astype(np.int64) + _TABLE_OFFSET[:, 0]

    def nbytes(self) -> int:
        arrays = (self._start, self._count, self._capacity, self._lo, self._hi)
        return sum(a.nbytes for a in arrays)

    def _reserve(self, slots: int) -> None:
        if self._used + slots <= len(self._lo):
            return
        new = max(self._used + slots, len(self._lo) + len(self._lo) // 2, 1024)
        self._lo = np.concatenate([self._lo, np.zeros(new - len(self._lo), np.uint16)])
        self._hi = np.concatenate([self._hi, np.zeros(new - len(self._hi), self._hi.dtype)])

    def insert(self, rows: npt.NDArray[np.int64], keys: npt.NDArray[np.int64]) -> None:
        """File ``rows`` under their ``keys`` (one row of 16 buckets each), all buckets at
        once: a bucket without room moves to the end of the slot array with half as much
        room again."""
        order = np.argsort(keys.ravel(), kind="stable")
        buckets, added = np.unique(keys.ravel()[order], return_counts=True)
        count = self._count[buckets].astype(np.int64)
        need = count + added
        full = need > self._capacity[buckets]
        room = need[full] + np.maximum(4, need[full] // 2)
        self._reserve(int(room.sum()))
        if full.any():
            moved, moved_count = buckets[full], count[full]
            new_starts = self._used + np.cumsum(room) - room
            old = _ranges(self._start[moved].astype(np.int64), moved_count)
            new = _ranges(new_starts, moved_count)
            self._lo[new] = self._lo[old]
            self._hi[new] = self._hi[old]
            self._start[moved], self._capacity[moved] = new_starts, room
            self._used += int(room.sum())
        if int(rows.max()) >> 16 > np.iinfo(self._hi.dtype).max:
            self._hi = self._hi.astype(np.uint16)
        slots = _ranges(self._start[buckets].astype(np.int64) + count, added)
        filed = np.repeat(rows, _CHUNKS)[order]
        self._lo[slots] = filed & 0xFFFF
        self._hi[slots] = filed >> 16
        self._count[buckets] = need

    def delete(self, row: int, keys: npt.NDArray[np.int64]) -> None:
        for g in keys.tolist():
            start, count = int(self._start[g]), int(self._count[g])
            rows = _slots_of(self._lo, self._hi, np.arange(start, start + count))
            at = start + int(np.flatnonzero(rows == row)[0])
            last = start + count - 1
            self._lo[at], self._hi[at] = self._lo[last], self._hi[last]
            self._count[g] = count - 1

    def candidates(self, code: npt.NDArray[np.uint8], flips: int) -> npt.NDArray[np.int64]:
        chunks = code.view(">u2").astype(np.int64)
        keys = ((chunks[:, None] ^ _MASKS[flips][None, :]) + _TABLE_OFFSET).ravel()
        counts = np.take(self._count, keys).astype(np.int64)
        starts = np.take(self._start, keys).astype(np.int64)
        return _slots_of(self._lo, self._hi, _ranges(starts, counts))


class PdqIndex:
    """Exact PDQ radius search with per-bank thresholds, incremental add/remove, safe save/load.

    Thread safety: every public method takes one lock, so queries may run while another
    thread adds or removes entries; a query sees the index either before or after a change.
    A change that triggers a re-build (see the module's docstring) holds the lock for it:
    about a second per million entries.

    Memory per entry: 32 bytes of hash, a 4-byte entry id (8 if ids exceed 32 bits), a 1-byte
    bank number, and the bulk tables' slots and directory (``choose_plan``: at most 58 bytes;
    51 at ten million); the delta's 12 MB of bucket heads only while it holds entries.
    """

    #: Bytes of one packed signal (``add_packed``).
    code_bytes: Final = 32

    def __init__(
        self,
        *,
        default_threshold: int = PDQ_MATCH_THRESHOLD,
        scan_below: int = 2048,
        delta_floor: int = DELTA_FLOOR,
    ) -> None:
        if not 0 <= default_threshold <= 256:
            raise ValueError("threshold must be within 0..256")
        self.default_threshold = default_threshold
        #: Below this many rows a query scans every hash, which is faster than the tables.
        self.scan_below = scan_below
        #: The delta may hold this many rows (or 1/32 of the index) before a re-build.
        self.delta_floor = delta_floor
        self._lock = threading.Lock()
        self._bank_names: list[str] = ["\x00free"]
        self._bank_numbers: dict[str, int] = {}
        self._thresholds = np.array([-1], dtype=np.int16)
        self._clear_rows(0)
        self._bulk: _BulkTables | None = None
        self._bulk_rows = 0  # rows below this are filed in the bulk tables, the rest in the delta
        self._bulk_free = 0  # bulk rows removed since the build (never reused until the next)
        self._delta: _DeltaTables | None = None

    # --- rows -----------------------------------------------------------------------------

    def _clear_rows(self, capacity: int) -> None:
        self._codes = np.zeros((capacity, 32), dtype=np.uint8)
        self._ids: npt.NDArray[Any] = np.zeros(capacity, dtype=np.uint32)
        self._bank: npt.NDArray[Any] = np.zeros(capacity, dtype=np.uint8)
        self._rows = 0  # high-water mark
        self._free: list[int] = []  # free delta rows
        self._live = 0

    def _grow_rows(self, needed: int) -> None:
        capacity = len(self._codes)
        if needed <= capacity:
            return
        # An eighth more at a time: a follower's first add to a ten-million-entry index must
        # not allocate room for five million more.
        new = max(needed, capacity + capacity // 8, 64)
        self._codes = np.concatenate([self._codes, np.zeros((new - capacity, 32), np.uint8)])
        self._ids = np.concatenate([self._ids, np.zeros(new - capacity, self._ids.dtype)])
        self._bank = np.concatenate([self._bank, np.zeros(new - capacity, self._bank.dtype)])

    def _bank_number(self, bank: str) -> int:
        number = self._bank_numbers.get(bank)
        if number is None:
            if not isinstance(bank, str) or not bank:
                raise ValueError("bank must be a non-empty string")
            number = len(self._bank_names)
            self._bank_names.append(bank)
            self._bank_numbers[bank] = number
            self._thresholds = np.append(self._thresholds, np.int16(self.default_threshold))
            self._bank = _promote(self._bank, number)
        return number

    def _find_rows(self, entry_id: int) -> npt.NDArray[np.intp]:
        ids = self._ids[: self._rows]
        info = np.iinfo(ids.dtype)
        if not info.min <= entry_id <= info.max:
            return np.zeros(0, dtype=np.intp)
        return np.flatnonzero((ids == entry_id) & (self._bank[: self._rows] != _FREE))

    # --- tables ---------------------------------------------------------------------------

    def _rebuild(self) -> None:
        """Drop free rows and file every live row in new bulk tables; the delta empties."""
        live = np.flatnonzero(self._bank[: self._rows] != _FREE)
        if live.size != self._rows:
            self._codes, self._ids, self._bank = (
                self._codes[live],
                self._ids[live],
                self._bank[live],
            )
        self._rows, self._free = int(live.size), []
        self._delta, self._bulk_free = None, 0
        radius = max(self.default_threshold, int(self._thresholds.max()))
        self._bulk = (
            _BulkTables(choose_plan(self._rows, radius), self._codes[: self._rows])
            if self._rows
            else None
        )
        self._bulk_rows = self._rows

    def _file_in_delta(self, rows: npt.NDArray[np.int64]) -> None:
        if self._delta is None:
            self._delta = _DeltaTables()
        self._delta.insert(rows, _DeltaTables.keys_of(self._codes[rows]))

    def _unfile(self, row: int) -> None:
        """Free a live row: a bulk row is only marked (its slots stay, never matching)."""
        if row < self._bulk_rows:
            self._bulk_free += 1
        else:
            assert self._delta is not None
            self._delta.delete(row, _DeltaTables.keys_of(self._codes[row : row + 1])[0])
            self._free.append(row)
        self._bank[row] = _FREE
        self._live -= 1

    def _settle(self) -> None:
        """Re-build when the delta or the free bulk rows grew too large (amortised)."""
        delta_rows = self._rows - self._bulk_rows
        if delta_rows > max(self.delta_floor, self._live // 32) or self._bulk_free > max(
            self.delta_floor, self._live // 4
        ):
            self._rebuild()

    # --- public API -----------------------------------------------------------------------

    def __len__(self) -> int:
        return self._live

    @property
    def banks(self) -> list[str]:
        """Names of the banks that have (or had) entries or a threshold."""
        return self._bank_names[1:]

    @property
    def layout(self) -> str:
        """The bulk tables' layout (for benchmarks and logs)."""
        with self._lock:
            bulk, delta = self._bulk, self._rows - self._bulk_rows
        if bulk is None:
            return f"no bulk tables, {delta} delta rows"
        plan = bulk.plan
        return (
            f"{plan.chunks} chunks of {min(plan.widths)}-{max(plan.widths)} bits, "
            f"buckets of {min(plan.bucket_bits)}-{max(plan.bucket_bits)} bits over "
            f"{bulk.rows} rows, {delta} delta rows"
        )

    def set_threshold(self, bank: str, threshold: int) -> None:
        """Per-bank match distance (inclusive), used when a query gives no ``max_distance``.

        ``-1`` disables the bank: its entries stay indexed but never match, whatever the query
        asks (a bank switched off, or quarantined, without losing its place).
        """
        if not -1 <= threshold <= 256:
            raise ValueError("threshold must be within -1..256 (-1 disables the bank)")
        with self._lock:
            number = self._bank_number(bank)  # may grow the thresholds array
            self._thresholds[number] = threshold

    def threshold(self, bank: str) -> int:
        number = self._bank_numbers.get(bank)
        return self.default_threshold if number is None else int(self._thresholds[number])

    def add(self, entry_id: int, pdq_hex: str, bank: str = "default") -> None:
        """Add (or replace) one entry; it is matchable as soon as this returns."""
        code = np.frombuffer(bytes.fromhex(normalize_pdq_hex(pdq_hex)), dtype=np.uint8)
        entry_id = int(entry_id)
        with self._lock:
            number = self._bank_number(bank)
            self._remove_locked(entry_id)
            row = self._free.pop() if self._free else self._rows
            if row == self._rows:
                self._grow_rows(row + 1)
            self._ids = _promote(self._ids, entry_id)
            self._codes[row], self._ids[row], self._bank[row] = code, entry_id, number
            self._rows = max(self._rows, row + 1)
            self._live += 1
            self._file_in_delta(np.array([row], dtype=np.int64))
            self._settle()

    def add_many(
        self,
        entry_ids: Sequence[int] | npt.NDArray[np.integer],
        hashes: Sequence[str] | npt.NDArray[np.uint8],
        bank: str = "default",
    ) -> None:
        """Add (or replace) many entries of one bank (see ``add_packed``)."""
        ids = np.asarray(entry_ids, dtype=np.int64).reshape(-1)
        codes = hashes if isinstance(hashes, np.ndarray) else parse_pdq_codes(list(hashes))
        self.add_packed(ids, codes, np.zeros(ids.size, dtype=np.intp), [bank])

    def add_packed(
        self,
        entry_ids: Sequence[int] | npt.NDArray[np.integer],
        codes: npt.NDArray[np.uint8],
        banks: npt.NDArray[np.integer],
        bank_names: Sequence[str],
    ) -> None:
        """Add (or replace) many entries of several banks at once: entry ``i`` has the 32 bytes
        ``codes[i]`` and belongs to ``bank_names[banks[i]]``. A batch as large as half the index
        is filed with everything else in new bulk tables, in one pass (a process loading its
        banks: one build for all of them); a smaller one goes to the delta."""
        ids = np.asarray(entry_ids, dtype=np.int64).reshape(-1)
        banks = np.asarray(banks).reshape(-1)
        if codes.dtype != np.uint8 or codes.shape != (ids.size, 32):
            raise ValueError("need one 32-byte code per entry id")
        if banks.shape != ids.shape or (
            ids.size and not 0 <= banks.min() <= banks.max() < len(bank_names)
        ):
            raise ValueError("need one bank (an index into bank_names) per entry id")
        if _has_duplicates(ids):
            raise ValueError("duplicate entry ids in batch")
        if not ids.size:
            return
        with self._lock:
            numbers = np.asarray([self._bank_number(b) for b in bank_names], dtype=np.int64)
            if self._live:
                live = self._bank[: self._rows] != _FREE
                existing = np.flatnonzero(np.isin(self._ids[: self._rows], ids) & live)
                for row in existing.tolist():  # replaced entries leave
                    self._unfile(row)
            bulk = ids.size >= self._live // 2  # re-filing everything is cheaper then
            reuse = (
                [] if bulk else [self._free.pop() for _ in range(min(len(self._free), ids.size))]
            )
            fresh = np.arange(self._rows, self._rows + ids.size - len(reuse), dtype=np.int64)
            rows = np.concatenate([np.asarray(reuse, dtype=np.int64), fresh])
            self._grow_rows(self._rows + fresh.size)
            self._ids = _promote(_promote(self._ids, int(ids.min())), int(ids.max()))
            # Fresh rows only (a load): one slice, several times faster than scattering.
            at: slice | npt.NDArray[np.int64] = (
                slice(int(fresh[0]), int(fresh[-1]) + 1) if not reuse else rows
            )
            self._codes[at], self._ids[at] = codes, ids
            self._bank[at] = numbers[banks]
            self._rows += fresh.size
            self._live += ids.size
            if bulk:
                self._rebuild()
            else:
                self._file_in_delta(rows)
                self._settle()

    def remove(self, entry_id: int) -> bool:
        """Remove an entry by id; returns whether it was there."""
        with self._lock:
            found = self._remove_locked(int(entry_id))
            if found:
                self._settle()
            return found

    def _remove_locked(self, entry_id: int) -> bool:
        rows = self._find_rows(entry_id)
        for row in rows.tolist():
            self._unfile(row)
        return bool(rows.size)

    def __contains__(self, entry_id: object) -> bool:
        if not isinstance(entry_id, int):
            return False
        with self._lock:
            return bool(self._find_rows(entry_id).size)

    def query(self, pdq_hex: str, max_distance: int | None = None) -> list[Match]:
        """Every entry within its bank's threshold (or ``max_distance`` for all banks).

        Sorted by distance, then entry id. Exact: the same set as a brute-force scan.
        """
        code = np.frombuffer(bytes.fromhex(normalize_pdq_hex(pdq_hex)), dtype=np.uint8)
        if max_distance is not None and max_distance < 0:
            return []
        with self._lock:
            if self._live == 0:
                return []
            radius = int(self._thresholds.max()) if max_distance is None else max_distance
            if radius < 0:
                return []
            rows = self._candidates(code, min(radius, 256))
            distances = _distances(self._codes, rows, code)
            banks = np.take(self._bank, rows)
            limit = np.take(self._thresholds, banks)
            if max_distance is not None:
                limit = np.where(limit >= 0, max_distance, -1)
            hit = distances <= limit
            rows, distances, banks = rows[hit], distances[hit], banks[hit]
            rows, first = np.unique(rows, return_index=True)  # a row may be filed twice
            distances, banks = distances[first], banks[first]
            ids = self._ids[rows]
            names = self._bank_names
        order = np.lexsort((ids, distances))
        return [Match(int(ids[i]), int(distances[i]), names[int(banks[i])]) for i in order.tolist()]

    def _candidates(self, code: npt.NDArray[np.uint8], radius: int) -> npt.NDArray[np.int64]:
        """Every row that may lie within ``radius`` (a superset; free rows included)."""
        if self._rows < self.scan_below:
            return np.arange(self._rows)
        parts = []
        if self._bulk is not None:
            found = self._bulk.candidates(code.tobytes(), radius)
            parts.append(np.arange(self._bulk_rows) if found is None else found)
        if self._rows > self._bulk_rows:
            flips = radius // _CHUNKS
            if self._delta is None or flips >= len(_MASKS):
                parts.append(np.arange(self._bulk_rows, self._rows))
            else:
                parts.append(self._delta.candidates(code, flips))
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def entries(self) -> Iterable[tuple[int, str, str]]:
        """``(entry_id, pdq_hex, bank)`` of every entry (a snapshot)."""
        with self._lock:
            live = np.flatnonzero(self._bank[: self._rows] != _FREE)
            ids, codes, banks = self._ids[live], self._codes[live], self._bank[live]
            names = self._bank_names
        for entry_id, code, number in zip(ids.tolist(), codes, banks.tolist(), strict=True):
            yield entry_id, code.tobytes().hex(), names[number]

    def memory_bytes(self) -> int:
        """Bytes held by the index's arrays (allocated capacity, not only what is used)."""
        total = self._codes.nbytes + self._ids.nbytes + self._bank.nbytes
        total += self._bulk.nbytes() if self._bulk is not None else 0
        return total + (self._delta.nbytes() if self._delta is not None else 0)

    def compact(self) -> None:
        """File every entry in new bulk tables, reclaiming removed rows (optional)."""
        with self._lock:
            self._rebuild()

    # --- persistence ----------------------------------------------------------------------

    def save(self, path: Path | str) -> None:
        """Write the entries, banks and thresholds as a NumPy ``.npz`` archive (no pickle).

        The file is written beside ``path`` and renamed over it, so a reader never sees half.
        """
        with self._lock:
            live = np.flatnonzero(self._bank[: self._rows] != _FREE)
            used = sorted(set(self._bank[live].tolist()))
            renumber = np.zeros(len(self._bank_names), dtype=np.uint16)
            renumber[used] = np.arange(len(used), dtype=np.uint16)
            meta = {
                "format": _FORMAT,
                "version": _VERSION,
                "default_threshold": self.default_threshold,
                "banks": [self._bank_names[b] for b in used],
                "thresholds": {
                    name: int(self._thresholds[n]) for name, n in self._bank_numbers.items()
                },
                "count": int(live.size),
            }
            arrays = {
                "meta": np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
                "codes": self._codes[live],
                "entry_ids": self._ids[live].astype(np.int64),
                "banks": renumber[self._bank[live]],
            }
        target = Path(path)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, **arrays)
            Path(tmp).replace(target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path | str, *, scan_below: int = 2048) -> PdqIndex:
        """Read an index written by ``save``; refuses anything else (and never unpickles)."""
        try:
            with np.load(Path(path), allow_pickle=False) as data:
                meta = json.loads(bytes(data["meta"]).decode())
                codes, ids, banks = data["codes"], data["entry_ids"], data["banks"]
        except (OSError, KeyError, ValueError, UnicodeDecodeError) as exc:
            raise ValueError(f"not a PDQ index file: {path}: {exc}") from exc
        if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
            raise ValueError(f"not a PDQ index file: {path}")
        if meta.get("version") != _VERSION:
            raise ValueError(f"unsupported PDQ index version {meta.get('version')!r}")
        names = meta.get("banks")
        n = len(ids)
        if (
            not isinstance(names, list)
            or codes.dtype != np.uint8
            or codes.shape != (n, 32)
            or banks.shape != (n,)
            or ids.dtype.kind not in "iu"
            or banks.dtype.kind not in "iu"
            or (n and (banks.min() < 0 or banks.max() >= len(names)))
            or np.unique(ids).size != n
        ):
            raise ValueError(f"PDQ index file is inconsistent: {path}")
        index = cls(default_threshold=int(meta["default_threshold"]), scan_below=scan_below)
        for name, threshold in dict(meta.get("thresholds", {})).items():
            index.set_threshold(str(name), int(threshold))
        for number, name in enumerate(names):
            chosen = banks == number
            if chosen.any():
                index.add_many(ids[chosen], codes[chosen], str(name))
        return index


# --- exact hashes -----------------------------------------------------------------------------


class ExactIndex:
    """Exact lookup of a cryptographic hash (hex, case-insensitive), by entry id."""

    def __init__(self, hex_length: int = 32) -> None:
        self.hex_length = hex_length
        #: Bytes of one packed signal (``add_packed``).
        self.code_bytes = hex_length // 2
        self._lock = threading.Lock()
        self._by_value: dict[bytes, dict[int, str]] = {}
        self._by_entry: dict[int, bytes] = {}
        self._disabled: set[str] = set()

    def set_threshold(self, bank: str, threshold: int) -> None:
        """Exact hashes have no distance: only ``-1`` (disable the bank) or not matters."""
        if not -1 <= threshold <= 256:
            raise ValueError("threshold must be within -1..256 (-1 disables the bank)")
        with self._lock:
            if threshold < 0:
                self._disabled.add(bank)
            else:
                self._disabled.discard(bank)

    def _key(self, value: str) -> bytes:
        text = value.strip().lower()
        if len(text) != self.hex_length:
            raise InvalidSignal(f"expected {self.hex_length} hex characters, got {len(text)}")
        try:
            return bytes.fromhex(text)
        except ValueError as exc:
            raise InvalidSignal(f"not hexadecimal: {value[:80]!r}") from exc

    def __len__(self) -> int:
        return len(self._by_entry)

    def add(self, entry_id: int, value: str, bank: str = "default") -> None:
        key = self._key(value)
        with self._lock:
            self._remove_locked(int(entry_id))
            self._by_value.setdefault(key, {})[int(entry_id)] = bank
            self._by_entry[int(entry_id)] = key

    def add_packed(
        self,
        entry_ids: Sequence[int] | npt.NDArray[np.integer],
        codes: npt.NDArray[np.uint8],
        banks: npt.NDArray[np.integer],
        bank_names: Sequence[str],
    ) -> None:
        """Add (or replace) many entries given as raw bytes (``codes[i]``, ``code_bytes`` each)
        of the banks ``bank_names[banks[i]]``."""
        ids = np.asarray(entry_ids, dtype=np.int64).reshape(-1)
        if codes.dtype != np.uint8 or codes.shape != (ids.size, self.code_bytes):
            raise ValueError(f"need one {self.code_bytes}-byte code per entry id")
        names = [bank_names[int(b)] for b in np.asarray(banks).reshape(-1)]
        if len(names) != ids.size:
            raise ValueError("need one bank per entry id")
        with self._lock:
            for entry_id, code, bank in zip(ids.tolist(), codes, names, strict=True):
                key = code.tobytes()
                self._remove_locked(entry_id)
                self._by_value.setdefault(key, {})[entry_id] = bank
                self._by_entry[entry_id] = key

    def remove(self, entry_id: int) -> bool:
        with self._lock:
            return self._remove_locked(int(entry_id))

    def _remove_locked(self, entry_id: int) -> bool:
        key = self._by_entry.pop(entry_id, None)
        if key is None:
            return False
        holders = self._by_value[key]
        del holders[entry_id]
        if not holders:
            del self._by_value[key]
        return True

    def query(self, value: str, max_distance: int | None = None) -> list[Match]:
        """Entries whose hash equals ``value`` (distance 0); ``max_distance`` is ignored."""
        del max_distance
        key = self._key(value)
        with self._lock:
            holders = dict(self._by_value.get(key, {}))
            disabled = set(self._disabled)
        return [
            Match(entry_id, 0, bank)
            for entry_id, bank in sorted(holders.items())
            if bank not in disabled
        ]

    def entries(self) -> Iterable[tuple[int, str, str]]:
        with self._lock:
            items = [(e, k, self._by_value[k][e]) for e, k in self._by_entry.items()]
        for entry_id, key, bank in items:
            yield entry_id, key.hex(), bank


# --- videos (vPDQ) ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VideoMatch:
    """A bank video matched by a query video, with vPDQ's two percentages.

    ``query_match_pct``: share of the query's distinct frame hashes (quality-filtered) within
    the frame distance of some frame of the bank video; ``bank_match_pct``: the same the other
    way round. ``distance``: median over the matched query frames of their best distance.
    """

    entry_id: int
    distance: int
    bank: str
    query_match_pct: float
    bank_match_pct: float


def _distinct_frames(frames: Sequence[FrameHash], min_quality: int) -> list[str]:
    """vPDQ's preparation: drop low-quality frames, keep each distinct hash once."""
    seen: dict[str, None] = {}
    for frame in frames:
        if frame.quality >= min_quality:
            seen.setdefault(normalize_pdq_hex(frame.pdq), None)
    return list(seen)


@dataclass(slots=True)
class _Video:
    bank: str
    frame_ids: list[int]


class VideoIndex:
    """vPDQ matching: every bank frame goes into one ``PdqIndex``; a query video's frames are
    looked up there and the hits are counted per bank video in both directions.

    Defaults follow python-threatexchange: frames of quality < 50 ignored, frame distance 31,
    a match when at least 80% of the query's frames match (``bank_match_pct`` 0 = no bound).
    """

    def __init__(
        self,
        *,
        frame_threshold: int = PDQ_MATCH_THRESHOLD,
        query_match_pct: float = 80.0,
        bank_match_pct: float = 0.0,
        min_quality: int = 50,
    ) -> None:
        self.frame_threshold = frame_threshold
        self.query_match_pct = query_match_pct
        self.bank_match_pct = bank_match_pct
        self.min_quality = min_quality
        self._frames = PdqIndex(default_threshold=frame_threshold)
        self._lock = threading.Lock()
        self._videos: dict[int, _Video] = {}
        self._owner: dict[int, int] = {}
        self._next_frame_id = 0

    def __len__(self) -> int:
        return len(self._videos)

    def set_threshold(self, bank: str, threshold: int) -> None:
        """``-1`` disables a bank's videos; other values set nothing (use ``frame_threshold``)."""
        if threshold < 0:
            self._frames.set_threshold(bank, -1)
        elif self._frames.threshold(bank) < 0:
            self._frames.set_threshold(bank, self.frame_threshold)

    def add(self, entry_id: int, frames: Sequence[FrameHash], bank: str = "default") -> None:
        """Add (or replace) a bank video; frames below ``min_quality`` are not indexed."""
        hashes = _distinct_frames(frames, self.min_quality)
        with self._lock:
            self._remove_locked(int(entry_id))
            first = self._next_frame_id
            self._next_frame_id += len(hashes)
            frame_ids = list(range(first, first + len(hashes)))
            self._frames.add_many(frame_ids, hashes, bank)
            self._videos[int(entry_id)] = _Video(bank, frame_ids)
            for frame_id in frame_ids:
                self._owner[frame_id] = int(entry_id)

    def remove(self, entry_id: int) -> bool:
        with self._lock:
            return self._remove_locked(int(entry_id))

    def _remove_locked(self, entry_id: int) -> bool:
        video = self._videos.pop(entry_id, None)
        if video is None:
            return False
        for frame_id in video.frame_ids:
            self._frames.remove(frame_id)
            del self._owner[frame_id]
        return True

    def query(
        self,
        frames: Sequence[FrameHash],
        *,
        frame_threshold: int | None = None,
        query_match_pct: float | None = None,
        bank_match_pct: float | None = None,
    ) -> list[VideoMatch]:
        """Bank videos matching ``frames`` under the thresholds (defaults: the index's own)."""
        radius = self.frame_threshold if frame_threshold is None else frame_threshold
        need_query = self.query_match_pct if query_match_pct is None else query_match_pct
        need_bank = self.bank_match_pct if bank_match_pct is None else bank_match_pct
        hashes = _distinct_frames(frames, self.min_quality)
        if not hashes:
            return []
        hits = [self._frames.query(h, max_distance=radius) for h in hashes]
        best: dict[int, dict[int, int]] = {}  # video -> query frame -> best distance
        matched_bank: dict[int, set[int]] = {}  # video -> its matched frame ids
        with self._lock:
            for q, matches in enumerate(hits):
                for m in matches:
                    owner = self._owner.get(m.entry_id)
                    if owner is None:  # removed meanwhile
                        continue
                    per_query = best.setdefault(owner, {})
                    per_query[q] = min(per_query.get(q, m.distance), m.distance)
                    matched_bank.setdefault(owner, set()).add(m.entry_id)
            sizes = {v: len(self._videos[v].frame_ids) for v in best if v in self._videos}
            banks = {v: self._videos[v].bank for v in sizes}
        out = []
        for video, per_query in best.items():
            if video not in sizes:
                continue
            q_pct = 100.0 * len(per_query) / len(hashes)
            b_pct = 100.0 * len(matched_bank[video]) / max(1, sizes[video])
            if q_pct >= need_query and b_pct >= need_bank:
                distance = int(statistics.median(per_query.values()))
                out.append(
                    VideoMatch(video, distance, banks[video], round(q_pct, 2), round(b_pct, 2))
                )
        out.sort(key=lambda m: (-m.query_match_pct, m.distance, m.entry_id))
        return out

    def entries(self) -> Iterable[tuple[int, str]]:
        with self._lock:
            return [(entry_id, v.bank) for entry_id, v in self._videos.items()]
