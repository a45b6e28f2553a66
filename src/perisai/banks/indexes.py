"""The in-memory match indexes of one server process, kept in step with the `bank_change` feed.

:class:`BankIndexes` holds one index per signal type of the media library's registry
(``perisai.media.signals``: each implemented type's ``new_index()``, no list of types here),
filed by bank id, plus each bank's settings. A type the registry adds is indexed as soon as
banks can store it. It loads every
enabled entry once, in batches, then applies the feed incrementally: a change names an entry,
and the entry's *current* row decides (present and enabled → in the index, else out), so
replaying a change twice or late is harmless. No change ever rebuilds an index.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any, Final, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, TextClause, text
from sqlalchemy.orm import Session

from perisai.banks.models import BankKind
from perisai.banks.packed import read_packed, release_free_memory
from perisai.media.index import PdqIndex, VideoMatch
from perisai.media.pdq import FrameHash, frames_to_signal
from perisai.media.signals import SignalIndex, signal_types

LOAD_BATCH: Final = 20_000
# Whether this transaction has written (an xid is assigned only at the first write).
_WROTE_SQL: Final = text("SELECT pg_current_xact_id_if_assigned() IS NOT NULL")
#: The signal type whose per-bank distance is the bank's ``pdq_threshold`` column.
BANK_THRESHOLD_TYPE: Final = "pdq"

_BANKS_SQL = text("SELECT id, name, kind, enabled, pdq_threshold FROM bank")
_LAST_CHANGE_SQL = text("SELECT coalesce(max(id), 0) FROM bank_change")
_LOAD_SQL = text(
    "SELECT e.id, e.bank_id, e.signal_type, e.signal_key, e.frames, e.signal_body"
    " FROM bank_entry e WHERE e.enabled AND e.signal_type = :kind AND e.id > :after"
    " ORDER BY e.id LIMIT :limit"
)
_FEED_SQL = text(
    "SELECT c.id, c.entry_id, e.id, e.bank_id, e.signal_type, e.signal_key, e.frames,"
    " e.signal_body, e.enabled"
    " FROM bank_change c LEFT JOIN bank_entry e ON e.id = c.entry_id"
    " WHERE c.id > :after ORDER BY c.id LIMIT :limit"
)


class Executor(Protocol):
    """A SQLAlchemy ``Connection`` or ``Session``: anything that runs a text statement."""

    def execute(self, statement: TextClause, params: dict[str, Any] | None = ...) -> Any: ...


@runtime_checkable
class PackedIndex(Protocol):
    """An index that files many entries given as raw signal bytes at once (PDQ, exact)."""

    @property
    def code_bytes(self) -> int: ...

    def add_packed(
        self,
        entry_ids: npt.NDArray[np.int64],
        codes: npt.NDArray[np.uint8],
        banks: npt.NDArray[np.integer],
        bank_names: Sequence[str],
    ) -> None: ...


@contextmanager
def _second_reader(db: Executor) -> Iterator[Any | None]:
    """A second psycopg connection from ``db``'s engine for the packed reads, or None when the
    transaction has written (another connection would not see its rows) or has no engine."""
    connection = db.connection() if isinstance(db, Session) else db
    if not isinstance(connection, Connection):
        yield None
        return
    if connection.execute(_WROTE_SQL).scalar_one():
        yield None
        return
    raw = connection.engine.raw_connection()
    try:
        yield raw.driver_connection
    finally:
        raw.close()  # rolled back and returned to the pool


def _driver_connection(db: Executor) -> Any | None:
    """The psycopg connection under ``db`` (in its transaction), or None if it has none."""
    connection = db.connection() if isinstance(db, Session) else db
    if not isinstance(connection, Connection):
        return None
    return connection.connection.driver_connection


@dataclass(frozen=True, slots=True)
class BankState:
    id: int
    name: str
    kind: str
    enabled: bool
    pdq_threshold: int

    @property
    def negative(self) -> bool:
        return self.kind == BankKind.NEGATIVE.value


@dataclass(frozen=True, slots=True)
class RawMatch:
    """An index hit: the entry, its bank, the distance (and vPDQ's percentages)."""

    entry_id: int
    bank: BankState
    distance: int
    query_match_pct: float | None = None
    bank_match_pct: float | None = None


@dataclass(frozen=True, slots=True)
class _Row:
    entry_id: int
    bank_id: int
    signal_type: str
    signal_key: str
    frames: list[dict[str, Any]] | None
    signal_body: str | None


def _row(values: Sequence[Any]) -> _Row:
    entry_id, bank_id, signal_type, signal_key, frames, body = values
    return _Row(int(entry_id), int(bank_id), str(signal_type), str(signal_key), frames, body)


def _signal(row: _Row) -> str:
    """The entry's signal in the media library's text form (a frame list, or a signal longer
    than its key, is stored apart)."""
    if row.signal_body is not None:
        return row.signal_body
    if row.frames is None:
        return row.signal_key
    return frames_to_signal(
        [FrameHash(float(f["t"]), str(f["pdq"]), int(f["quality"])) for f in row.frames]
    )


def _new_indexes() -> dict[str, SignalIndex]:
    # Every entry is filed under a bank whose threshold is set from its row (`_load_banks`).
    return {s.name: s.new_index() for s in signal_types(implemented_only=True)}


class BankIndexes:
    """Every enabled entry of every bank, indexed; safe to query while changes are applied."""

    def __init__(self) -> None:
        #: One index per implemented signal type of the media library's registry.
        self.indexes: dict[str, SignalIndex] = _new_indexes()
        self._banks: dict[int, BankState] = {}
        #: The id of the last feed change applied; everything up to it is reflected.
        self.last_change_id = 0
        self.loaded = False
        # One applier at a time (the follower thread, or a request catching up): a later
        # applier reads later rows, so state never goes backwards.
        self._apply_lock = threading.Lock()

    # --- loading and following ---------------------------------------------------------------

    def load(self, db: Executor, *, batch: int = LOAD_BATCH, packed: bool = True) -> int:
        """Load every enabled entry; returns how many (0 when loaded already).

        Each signal type of the registry in turn: one whose index takes packed bytes (PDQ,
        exact hashes) in packed ranges (``packed.py``; on two connections when this
        transaction has written nothing), filed in one pass; the others (vPDQ,
        TMK) as rows in batches. ``packed=False`` reads every type as rows (the slower path
        that came first; tests compare the two)."""
        with self._apply_lock:
            if self.loaded:
                return 0
            # The feed position first: changes after it are replayed by sync, which is
            # harmless for those the load below already saw.
            last = int(db.execute(_LAST_CHANGE_SQL).scalar_one())
            self._load_banks(db)
            driver = _driver_connection(db) if packed else None
            total = 0
            with _second_reader(db) if driver is not None else nullcontext() as helper:
                for signal_type, index in self.indexes.items():
                    if driver is not None and isinstance(index, PackedIndex):
                        total += self._load_packed(driver, signal_type, index, helper)
                    else:
                        total += self._load_rows(db, signal_type, batch)
            self.last_change_id = last
            self.loaded = True
            return total

    def _load_packed(
        self, driver: Any, signal_type: str, index: PackedIndex, helper: Any | None
    ) -> int:
        found = read_packed(driver, signal_type, index.code_bytes, helper=helper)
        if len(found):
            # Bank ids are small identities: a lookup table numbers them in one pass.
            present = np.flatnonzero(np.bincount(found.banks))
            numbering = np.zeros(int(present[-1]) + 1, dtype=np.intp)
            numbering[present] = np.arange(present.size)
            names = [str(bank_id) for bank_id in present.tolist()]
            index.add_packed(found.ids, found.codes, numbering[found.banks], names)
        count = len(found)
        del found
        release_free_memory()  # the read's buffers, returned to the system at once
        return count

    def _load_rows(self, db: Executor, signal_type: str, batch: int) -> int:
        total, after = 0, 0
        while True:
            params = {"kind": signal_type, "after": after, "limit": batch}
            rows = [_row(tuple(r)) for r in db.execute(_LOAD_SQL, params)]
            self._add_rows(rows)
            total += len(rows)
            if len(rows) < batch:
                return total
            after = rows[-1].entry_id

    def sync(self, db: Executor, *, batch: int = LOAD_BATCH) -> int:
        """Apply the feed after ``last_change_id`` (loading first if needed); returns how many
        changes were applied."""
        self.load(db, batch=batch)
        with self._apply_lock:
            applied = 0
            while True:
                params = {"after": self.last_change_id, "limit": batch}
                changes = list(db.execute(_FEED_SQL, params))
                if not changes:
                    return applied
                self._load_banks(db)
                self._apply(changes)
                self.last_change_id = int(changes[-1][0])
                applied += len(changes)
                if len(changes) < batch:
                    return applied

    def _load_banks(self, db: Executor) -> None:
        banks: dict[int, BankState] = {}
        for bank_id, name, kind, enabled, threshold in db.execute(_BANKS_SQL):
            banks[int(bank_id)] = BankState(int(bank_id), name, kind, bool(enabled), int(threshold))
        threshold = self.indexes.get(BANK_THRESHOLD_TYPE)
        for bank in banks.values():
            if threshold is not None:
                threshold.set_threshold(str(bank.id), bank.pdq_threshold)
        self._banks = banks

    def _apply(self, changes: Sequence[Any]) -> None:
        # The entry's current row decides; each entry once per batch, whatever its history.
        final: dict[int, _Row | None] = {}
        for change in changes:
            entry_id = change[1]
            if entry_id is None:
                continue
            present = change[2] is not None and bool(change[8])
            final[int(entry_id)] = _row(tuple(change)[2:8]) if present else None
        for entry_id, row in final.items():
            if row is None:
                self._remove(entry_id)
        self._add_rows([row for row in final.values() if row is not None])

    def _add_rows(self, rows: Sequence[_Row]) -> None:
        # Filed per (type, bank) in one batch where the index takes batches (PDQ, big banks).
        groups: dict[tuple[str, int], list[_Row]] = defaultdict(list)
        for row in rows:
            if row.signal_type in self.indexes:  # a type this process cannot match: skipped
                groups[(row.signal_type, row.bank_id)].append(row)
        for (signal_type, bank_id), group in groups.items():
            index, bank = self.indexes[signal_type], str(bank_id)
            add_many = getattr(index, "add_many", None)
            if add_many is not None:
                add_many([r.entry_id for r in group], [_signal(r) for r in group], bank)
                continue
            for row in group:
                index.add(row.entry_id, _signal(row), bank)

    def _remove(self, entry_id: int) -> None:
        # A deleted row no longer says its type: try each index (a removal is rare).
        for index in self.indexes.values():
            index.remove(entry_id)

    # --- matching -----------------------------------------------------------------------------

    def bank(self, bank_id: int) -> BankState | None:
        return self._banks.get(bank_id)

    def banks(self) -> list[BankState]:
        return list(self._banks.values())

    @property
    def pdq(self) -> PdqIndex:
        """The PDQ index (its entries, ``entry_id in``), as tests and benchmarks look at it."""
        index = self.indexes[BANK_THRESHOLD_TYPE]
        assert isinstance(index, PdqIndex)
        return index

    def __len__(self) -> int:
        return sum(len(index) for index in self.indexes.values())

    def query(self, signal_type: str, signal: str | Sequence[FrameHash]) -> list[RawMatch]:
        """Hits in enabled banks, each within its bank's PDQ threshold (signal: canonical; a
        vPDQ frame list may be given as frames)."""
        index = self.indexes.get(signal_type)
        if index is None:
            raise ValueError(f"cannot match signal type {signal_type!r}")
        text = signal if isinstance(signal, str) else frames_to_signal(signal)
        out = []
        for hit in index.query(text):
            bank = self._banks.get(int(hit.bank))
            if bank is None or not bank.enabled:
                continue
            q_pct = hit.query_match_pct if isinstance(hit, VideoMatch) else None
            b_pct = hit.bank_match_pct if isinstance(hit, VideoMatch) else None
            out.append(RawMatch(hit.entry_id, bank, hit.distance, q_pct, b_pct))
        return out
