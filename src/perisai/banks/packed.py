"""Reading a signal type's entries as packed bytes: the server packs, numpy parses.

A process starting on a national bank (ten million PDQ entries) must be matching within a
minute. Fetching rows costs a Python tuple, a hex string and its parsing per entry (about 5 µs:
50 s at ten million on this machine). Here the server aggregates each range of ``BATCH`` ids
into three ``bytea`` values (the entry ids, the bank ids, the decoded signals: three
aggregates cost a third less server time than one of concatenated records), which become
numpy arrays without a Python object per entry. A binary ``COPY`` was tried first: libpq hands
its rows over one by one, which cost four times the client CPU for the same wall time.

Most of the time is the server's (about 1 µs of its CPU per entry), so the ranges are shared
between the caller's connection and, when it is given one, a second connection in a thread:
two server processes, two cores. Ranges of ids rather than keyset pages make the work
divisible (each range is an index range scan on the primary key, at most ``BATCH`` rows).

Only types whose signals are their own key (``signal_key`` is the hex: PDQ and the
cryptographic hashes) come this way; the others (vPDQ frame lists, TMK bodies) are rows.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt

#: Entries packed per query (about 11 MB of PDQ records): few round trips, each planned as a
#: plain index range scan (no parallel workers, no JIT; a smaller batch with a sorted aggregate
#: made PostgreSQL spill, JIT-compile and start workers for every one of them).
BATCH: Final = 262_144

_EXISTS_SQL: Final = "SELECT EXISTS (SELECT 1 FROM bank_entry WHERE signal_type = %(kind)s)"
_BOUNDS_SQL: Final = "SELECT min(id), max(id) FROM bank_entry"
# The three aggregates see the rows in the same order (one aggregate node), so id i, bank i and
# signal i belong together; the sorted subquery (an index range scan on the primary key: no
# sort) gives that order. A signal of a packed type is always its own key (the service keys
# only longer signals by digest).
_RANGE_SQL: Final = (
    "SELECT count(*), string_agg(int8send(id), ''::bytea),"
    " string_agg(int4send(bank_id), ''::bytea), string_agg(decode(signal_key, 'hex'), ''::bytea)"
    " FROM (SELECT id, bank_id, signal_key FROM bank_entry WHERE enabled"
    " AND signal_type = %(kind)s AND id > %(after)s AND id <= %(last)s ORDER BY id) AS part"
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


def parse_columns(count: int, ids: bytes, banks: bytes, codes: bytes, code_bytes: int) -> Packed:
    """One range's three aggregates (big-endian int8 ids, int4 bank ids, signal bytes) as
    arrays; ``PackedFormatError`` when their sizes do not agree with ``count``."""
    if (len(ids), len(banks), len(codes)) != (8 * count, 4 * count, code_bytes * count):
        raise PackedFormatError(
            f"{len(ids)}, {len(banks)} and {len(codes)} bytes for {count} entries"
            f" of {code_bytes}-byte signals"
        )
    return Packed(
        np.frombuffer(ids, dtype=">i8").astype(np.int64),
        np.frombuffer(banks, dtype=">i4").astype(np.int64),
        np.frombuffer(codes, dtype=np.uint8).reshape(count, code_bytes).copy(),
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


def _read_range(
    cursor: Any, signal_type: str, code_bytes: int, after: int, last: int
) -> Packed | None:
    cursor.execute(_RANGE_SQL, {"kind": signal_type, "after": after, "last": last})
    fetched = cursor.fetchone()
    count = int(fetched[0]) if fetched else 0
    if count == 0:
        return None
    return parse_columns(count, bytes(fetched[1]), bytes(fetched[2]), bytes(fetched[3]), code_bytes)


def read_packed(
    driver_connection: Any,
    signal_type: str,
    code_bytes: int,
    *,
    batch: int = BATCH,
    helper: Any | None = None,
) -> Packed:
    """Every enabled entry of ``signal_type`` (a type whose signals are their own hex key), as
    packed arrays in id order (``driver_connection``: the psycopg connection under a SQLAlchemy
    connection; its reads run in its current transaction, so they see what that transaction
    sees). ``helper``: a second psycopg connection that reads every other range in a thread; it
    sees only committed rows, so give one only when the caller's transaction has written
    nothing."""
    with driver_connection.cursor() as cursor:
        cursor.execute(_EXISTS_SQL, {"kind": signal_type})
        row = cursor.fetchone()
        if row is None or not row[0]:  # a type no bank holds: skip the scans
            return _joined([], code_bytes)
        cursor.execute(_BOUNDS_SQL)
        low, high = cursor.fetchone()
    ranges = [(after, min(after + batch, high)) for after in range(low - 1, high, batch)]
    parts: list[Packed | None] = [None] * len(ranges)
    taken = iter(range(len(ranges)))
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work(connection: Any) -> None:
        try:
            with connection.cursor() as cursor:
                while not errors:
                    with lock:
                        at = next(taken, None)
                    if at is None:
                        return
                    parts[at] = _read_range(cursor, signal_type, code_bytes, *ranges[at])
        except BaseException as exc:  # re-raised by the caller's thread
            errors.append(exc)

    thread = threading.Thread(target=work, args=(helper,), daemon=True) if helper else None
    if thread is not None:
        thread.start()
    work(driver_connection)
    if thread is not None:
        thread.join()
    if errors:
        raise errors[0]
    return _joined([p for p in parts if p is not None], code_bytes)


def release_free_memory() -> None:
    """Hand memory freed by a bulk load back to the system (glibc keeps freed heap memory
    for reuse, which a resident-set figure then counts; elsewhere a no-op)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        return
