"""Reading a signal type's entries as packed bytes: the server packs, numpy parses.

A process starting on a national bank (ten million PDQ entries) must be matching within a
minute. Fetching rows costs a Python tuple, a hex string and its parsing per entry (about 5 µs:
50 s at ten million on this machine). Here the server decodes each hex key and concatenates
fixed-size records (entry id, bank id, signal bytes) into one ``bytea`` per batch of
``BATCH`` entries, read in id order (keyset pagination on the primary key); each batch
becomes three numpy arrays without a Python object per entry. A binary ``COPY`` was tried
first: libpq hands its rows over one by one, which cost four times the client CPU for the
same wall time.

Only types whose signals are their own key (``signal_key`` is the hex: PDQ and the
cryptographic hashes) come this way; the others (vPDQ frame lists, TMK bodies) are rows.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt

#: Entries packed per query (about 11 MB of PDQ records): few round trips, each planned as a
#: plain index range scan (no parallel workers, no JIT; a smaller batch with a sorted aggregate
#: made PostgreSQL spill, JIT-compile and start workers for every one of them).
BATCH: Final = 262_144

_EXISTS_SQL: Final = "SELECT EXISTS (SELECT 1 FROM bank_entry WHERE signal_type = %(kind)s)"
# Records carry their own id, so their order within a batch does not matter; a signal of a
# packed type is always its own key (the service keys only longer signals by digest).
_BATCH_SQL: Final = (
    "SELECT count(*), max(id), string_agg(int8send(id) || int4send(bank_id)"
    " || decode(signal_key, 'hex'), ''::bytea)"
    " FROM (SELECT e.id, e.bank_id, e.signal_key FROM bank_entry e"
    " WHERE e.enabled AND e.signal_type = %(kind)s AND e.id > %(after)s"
    " ORDER BY e.id LIMIT %(limit)s) AS batch"
)


class PackedFormatError(ValueError):
    """A batch is not what the query asked for (never expected; refuse rather than file
    garbage in an index)."""


@dataclass(frozen=True, slots=True)
class Packed:
    """Entries of one signal type: ``ids[i]`` in bank ``banks[i]`` with signal ``codes[i]``."""

    ids: npt.NDArray[np.int64]
    banks: npt.NDArray[np.int64]
    codes: npt.NDArray[np.uint8]

    def __len__(self) -> int:
        return int(self.ids.size)


def record_dtype(code_bytes: int) -> np.dtype[Any]:
    """One packed record: entry id (int8), bank id (int4), signal bytes; big-endian."""
    return np.dtype([("id", ">i8"), ("bank", ">i4"), ("code", "u1", (code_bytes,))])


def parse_records(data: bytes, count: int, code_bytes: int) -> Packed:
    """``count`` packed records from one batch; ``PackedFormatError`` when they do not fit."""
    dtype = record_dtype(code_bytes)
    if len(data) != count * dtype.itemsize:
        raise PackedFormatError(f"{len(data)} bytes for {count} records of {dtype.itemsize} bytes")
    records = np.frombuffer(data, dtype=dtype)
    return Packed(
        records["id"].astype(np.int64),
        records["bank"].astype(np.int64),
        np.ascontiguousarray(records["code"]),
    )


def _joined(parts: list[Packed], code_bytes: int) -> Packed:
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Packed(empty, empty.copy(), np.zeros((0, code_bytes), dtype=np.uint8))
    if len(parts) == 1:
        return parts[0]
    return Packed(
        np.concatenate([p.ids for p in parts]),
        np.concatenate([p.banks for p in parts]),
        np.concatenate([p.codes for p in parts]),
    )


def read_packed(
    driver_connection: Any, signal_type: str, code_bytes: int, *, batch: int = BATCH
) -> Packed:
    """Every enabled entry of ``signal_type`` (a type whose signals are their own hex key), as
    packed arrays (``driver_connection``: the psycopg connection under a SQLAlchemy connection; the
    reads run in its current transaction, so they see what that transaction sees)."""
    parts: list[Packed] = []
    with driver_connection.cursor() as cursor:
        cursor.execute(_EXISTS_SQL, {"kind": signal_type})
        row = cursor.fetchone()
        if row is None or not row[0]:  # a type no bank holds: skip the scans
            return _joined(parts, code_bytes)
        after = 0
        while True:
            cursor.execute(_BATCH_SQL, {"kind": signal_type, "after": after, "limit": batch})
            fetched = cursor.fetchone()
            count = int(fetched[0]) if fetched else 0
            if count == 0:
                break
            parts.append(parse_records(bytes(fetched[2]), count, code_bytes))
            after = int(fetched[1])
            if count < batch:
                break
    return _joined(parts, code_bytes)


def release_free_memory() -> None:
    """Hand memory freed by a bulk load back to the system (glibc keeps freed heap memory
    for reuse, which a resident-set figure then counts; elsewhere a no-op)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        return
