"""Match indexes: PDQ radius search, exact hashes (MD5/SHA-1/SHA-256) and vPDQ videos.

``PdqIndex`` is a multi-index hash (Norouzi et al.): the 256 bits are cut into 16 chunks of 16
bits, and every entry is filed under its chunk value in 16 tables. Two hashes within distance
``r`` agree to within ``r // 16`` bits on at least one chunk (pigeonhole), so looking up each of
the query's chunks and its variants with up to ``r // 16`` flipped bits finds every candidate;
each candidate's true distance is then checked. Results are therefore exact: the same as a
brute-force scan, at any radius (the lookup falls back to a scan when that is cheaper).

Unlike HMA's FAISS index, entries are added and removed one at a time, in place: each table
is a flat array of buckets with spare room, a full bucket moves to the end of the array with
more room, and the space it leaves is reclaimed by an occasional compaction (amortised, and
proportional to the index, never to the bank history). State is a handful of numpy arrays,
saved with ``numpy.savez`` and loaded with ``allow_pickle=False``: no pickle anywhere.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from perisai.media.errors import InvalidSignal
from perisai.media.pdq import PDQ_MATCH_THRESHOLD, FrameHash, normalize_pdq_hex

_CHUNKS: Final = 16
_BUCKETS: Final = 1 << 16
_TABLE_OFFSET: Final = (np.arange(_CHUNKS, dtype=np.int64) * _BUCKETS)[:, None]
_FORMAT: Final = "perisai.pdq-index"
_VERSION: Final = 1
_FREE: Final = 0  # bank number of an unused row


def _flip_masks(max_bits: int) -> npt.NDArray[np.int64]:
    values = np.arange(_BUCKETS, dtype=np.uint32)
    popcount = np.bitwise_count(values)
    masks = values[popcount <= max_bits]
    return masks[np.argsort(np.bitwise_count(masks), kind="stable")].astype(np.int64)


_MASKS: Final = tuple(_flip_masks(k) for k in range(3))  # 1, 17 and 137 lookups per chunk


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


class PdqIndex:
    """Exact PDQ radius search with per-bank thresholds, incremental add/remove, safe save/load.

    Thread safety: every public method takes one lock, so queries may run while another
    thread adds or removes entries; a query sees the index either before or after a change.

    Memory: 32 bytes of hash, 48 bytes of table slots (16 tables x 3-byte row numbers), a
    4-byte entry id (8 if ids exceed 32 bits), a 1-byte bank number, plus 12 bytes per bucket
    (1,048,576 buckets): about 97 bytes per hash at one million, less beyond.
    """

    #: Bytes of one packed signal (``add_packed``).
    code_bytes: Final = 32

    def __init__(
        self,
        *,
        default_threshold: int = PDQ_MATCH_THRESHOLD,
        scan_below: int = 2048,
    ) -> None:
        if not 0 <= default_threshold <= 256:
            raise ValueError("threshold must be within 0..256")
        self.default_threshold = default_threshold
        #: Below this many rows a query scans every hash, which is faster than the tables.
        self.scan_below = scan_below
        self._lock = threading.Lock()
        self._bank_names: list[str] = ["\x00free"]
        self._bank_numbers: dict[str, int] = {}
        self._thresholds = np.array([-1], dtype=np.int16)
        self._clear_rows(0)
        self._relayout()

    # --- rows -----------------------------------------------------------------------------

    def _clear_rows(self, capacity: int) -> None:
        self._codes = np.zeros((capacity, 32), dtype=np.uint8)
        self._ids: npt.NDArray[Any] = np.zeros(capacity, dtype=np.uint32)
        self._bank: npt.NDArray[Any] = np.zeros(capacity, dtype=np.uint8)
        self._rows = 0  # high-water mark
        self._free: list[int] = []
        self._live = 0

    def _grow_rows(self, needed: int) -> None:
        capacity = len(self._codes)
        if needed <= capacity:
            return
        new = max(needed, capacity + capacity // 2, 64)
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

    def _relayout(self) -> None:
        """Rebuild the tables from the live rows, exactly sized: bulk loads and compaction."""
        live = np.flatnonzero(self._bank[: self._rows] != _FREE)
        n = live.size
        self._start = np.zeros(_CHUNKS * _BUCKETS, dtype=np.uint32)
        self._count = np.zeros(_CHUNKS * _BUCKETS, dtype=np.uint32)
        self._lo = np.zeros(_CHUNKS * n, dtype=np.uint16)
        self._hi: npt.NDArray[Any] = np.zeros(
            _CHUNKS * n, dtype=np.uint8 if self._rows <= 1 << 24 else np.uint16
        )
        every = n == self._rows  # a bulk load: no gaps, rows are positions
        chunks = (self._codes[:n] if every else self._codes[live]).view(">u2")
        for t in range(_CHUNKS):
            # One table's keys at a time, contiguous, native order: a radix sort, and no copy
            # of every code at once (320 MB at ten million).
            keys = chunks[:, t].astype(np.uint16)
            order = np.argsort(keys, kind="stable")
            counts = np.bincount(keys, minlength=_BUCKETS)
            base = t * n
            starts = base + np.concatenate([[0], np.cumsum(counts)[:-1]])
            sl = slice(t * _BUCKETS, (t + 1) * _BUCKETS)
            self._start[sl] = starts
            self._count[sl] = counts
            rows = order if every else live[order]
            self._lo[base : base + n] = rows & 0xFFFF
            self._hi[base : base + n] = rows >> 16
        self._capacity = self._count.copy()
        self._used = _CHUNKS * n
        self._garbage = 0

    def _keys_of(self, code: npt.NDArray[np.uint8]) -> npt.NDArray[np.int64]:
        return code.view(">u2").astype(np.int64) + _TABLE_OFFSET[:, 0]

    def _reserve(self, slots: int) -> None:
        """Make room for ``slots`` more table slots: compact if mostly garbage, else grow."""
        if self._used + slots <= len(self._lo):
            return
        if self._garbage > len(self._lo) // 2:
            self._relayout()
            if self._used + slots <= len(self._lo):
                return
        new = max(self._used + slots, len(self._lo) + len(self._lo) // 8, 1024)
        self._lo = np.concatenate([self._lo, np.zeros(new - len(self._lo), np.uint16)])
        self._hi = np.concatenate([self._hi, np.zeros(new - len(self._hi), self._hi.dtype)])

    def _insert(self, rows: npt.NDArray[np.int64], keys: npt.NDArray[np.int64]) -> None:
        """File ``rows`` (not yet in the tables) under their ``keys`` (one row of 16 buckets
        each), all buckets at once: a bucket without room moves to the end of the slot array
        with half as much room again, and its old place becomes garbage."""
        order = np.argsort(keys.ravel(), kind="stable")
        buckets, added = np.unique(keys.ravel()[order], return_counts=True)
        worst = self._count[buckets].astype(np.int64) + added
        # Reserve for the worst case first: compaction may run here, and changes every bucket.
        self._reserve(int((worst + np.maximum(4, worst // 2)).sum()))
        count = self._count[buckets].astype(np.int64)
        need = count + added
        full = need > self._capacity[buckets]
        if full.any():
            moved, moved_count = buckets[full], count[full]
            room = need[full] + np.maximum(4, need[full] // 2)
            new_starts = self._used + np.cumsum(room) - room
            old = _ranges(self._start[moved].astype(np.int64), moved_count)
            new = _ranges(new_starts, moved_count)
            self._lo[new] = self._lo[old]
            self._hi[new] = self._hi[old]
            self._start[moved], self._capacity[moved] = new_starts, room
            self._used += int(room.sum())
            self._garbage += int(moved_count.sum())
        if int(rows.max()) >> 16 > np.iinfo(self._hi.dtype).max:
            self._hi = self._hi.astype(np.uint16)
        slots = _ranges(self._start[buckets].astype(np.int64) + count, added)
        filed = np.repeat(rows, _CHUNKS)[order]
        self._lo[slots] = filed & 0xFFFF
        self._hi[slots] = filed >> 16
        self._count[buckets] = need

    def _delete(self, row: int, keys: npt.NDArray[np.int64]) -> None:
        for g in keys.tolist():
            start, count = int(self._start[g]), int(self._count[g])
            rows = self._lo[start : start + count].astype(np.int64)
            rows |= self._hi[start : start + count].astype(np.int64) << 16
            at = start + int(np.flatnonzero(rows == row)[0])
            last = start + count - 1
            self._lo[at], self._hi[at] = self._lo[last], self._hi[last]
            self._count[g] = count - 1

    # --- public API -----------------------------------------------------------------------

    def __len__(self) -> int:
        return self._live

    @property
    def banks(self) -> list[str]:
        """Names of the banks that have (or had) entries or a threshold."""
        return self._bank_names[1:]

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
            keys = self._keys_of(code)
            row = self._free.pop() if self._free else self._rows
            if row == self._rows:
                self._grow_rows(row + 1)
            # Tables first: _insert may compact, which must not see this row half-filed.
            self._insert(np.array([row], dtype=np.int64), keys[None, :])
            self._ids = _promote(self._ids, entry_id)
            self._codes[row], self._ids[row], self._bank[row] = code, entry_id, number
            self._rows = max(self._rows, row + 1)
            self._live += 1

    def add_many(
        self,
        entry_ids: Sequence[int] | npt.NDArray[np.integer],
        hashes: Sequence[str] | npt.NDArray[np.uint8],
        bank: str = "default",
    ) -> None:
        """Add (or replace) many entries of one bank, all buckets at once; a batch as large as
        half the index re-files every table in one sorted pass instead (bulk loads)."""
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
        re-files every table in one sorted pass (a process loading its banks: one pass for all
        of them, tables sized exactly)."""
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
        with self._lock:
            numbers = np.asarray([self._bank_number(b) for b in bank_names], dtype=np.int64)
            live = self._bank[: self._rows] != _FREE
            existing = (
                np.flatnonzero(np.isin(self._ids[: self._rows], ids) & live)
                if self._live
                else np.zeros(0, dtype=np.int64)
            )
            bulk = ids.size >= self._live // 2  # re-filing everything is cheaper then
            for row in existing.tolist():  # replaced entries leave their buckets
                if not bulk:
                    self._delete(row, self._keys_of(self._codes[row]))
                self._bank[row] = _FREE
            self._free.extend(existing.tolist())
            self._live -= existing.size
            reuse = [self._free.pop() for _ in range(min(len(self._free), ids.size))]
            fresh = np.arange(self._rows, self._rows + ids.size - len(reuse), dtype=np.int64)
            rows = np.concatenate([np.asarray(reuse, dtype=np.int64), fresh])
            self._grow_rows(self._rows + fresh.size)
            if not bulk and ids.size:
                self._insert(rows, codes.view(">u2").astype(np.int64) + _TABLE_OFFSET[:, 0])
            if ids.size:
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
                self._relayout()

    def remove(self, entry_id: int) -> bool:
        """Remove an entry by id; returns whether it was there."""
        with self._lock:
            return self._remove_locked(int(entry_id))

    def _remove_locked(self, entry_id: int) -> bool:
        rows = self._find_rows(entry_id)
        for row in rows.tolist():
            self._delete(row, self._keys_of(self._codes[row]))
            self._bank[row] = _FREE
            self._free.append(row)
            self._live -= 1
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
            flips = radius // _CHUNKS
            if self._rows < self.scan_below or flips >= len(_MASKS):
                rows = np.arange(self._rows)
            else:
                rows = self._candidates(code, flips)
            distances = _distances(self._codes, rows, code)
            banks = np.take(self._bank, rows)
            limit = np.take(self._thresholds, banks)
            if max_distance is not None:
                limit = np.where(limit >= 0, max_distance, -1)
            hit = distances <= limit
            rows, distances, banks = rows[hit], distances[hit], banks[hit]
            rows, first = np.unique(rows, return_index=True)
            distances, banks = distances[first], banks[first]
            ids = self._ids[rows]
            names = self._bank_names
        order = np.lexsort((ids, distances))
        return [Match(int(ids[i]), int(distances[i]), names[int(banks[i])]) for i in order.tolist()]

    def _candidates(self, code: npt.NDArray[np.uint8], flips: int) -> npt.NDArray[np.int64]:
        chunks = code.view(">u2").astype(np.int64)
        keys = ((chunks[:, None] ^ _MASKS[flips][None, :]) + _TABLE_OFFSET).ravel()
        counts = np.take(self._count, keys).astype(np.int64)
        ends = np.cumsum(counts)
        total = int(ends[-1])
        if total == 0:
            return np.zeros(0, dtype=np.int64)
        starts = np.take(self._start, keys).astype(np.int64)
        positions = np.repeat(starts - ends + counts, counts) + np.arange(total)
        rows = np.take(self._lo, positions).astype(np.int64)
        rows |= np.take(self._hi, positions).astype(np.int64) << 16
        return rows

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
        arrays = (self._codes, self._ids, self._bank, self._start, self._count)
        return sum(a.nbytes for a in (*arrays, self._capacity, self._lo, self._hi))

    def compact(self) -> None:
        """Reclaim the room left by moved buckets and removed entries (optional)."""
        with self._lock:
            self._relayout()

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
