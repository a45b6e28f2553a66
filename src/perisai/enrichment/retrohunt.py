"""Retro-hunt: a hash added to a bank is matched backwards, against the stored signals of reports
received in the last `PERISAI_RETROHUNT_DAYS`.

The bank write queues `bank.retrohunt` in its own transaction (`perisai.banks.retrohunt`). The job
finds the reports whose stored signals come near the new entries (exact hashes by the indexed
columns; PDQ and video frames vectorised with numpy, or through an in-memory PDQ index over the
stored signals when many entries arrive at once), then asks the one matcher again about every
file of each of those reports (`match_report_files`): thresholds, negative banks and frame shares
are decided there, as for a new report, and the rows of the new entries are marked as found by
the retro-hunt. The reports are re-triaged and a `bank.retrohunt` event says how many were found.

Finding candidates is deliberately generous (any frame of a video near any frame of an entry);
only the matcher's answer is stored.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from perisai.audit.service import SYSTEM, record
from perisai.banks.models import Bank
from perisai.banks.models import BankEntry as EntryRow
from perisai.banks.names import RETROHUNT_EVENT, RETROHUNT_QUEUE, RETROHUNT_TASK
from perisai.banks.service import signal_of
from perisai.enrichment import hooks
from perisai.enrichment.matches import match_report_files
from perisai.jobs.worker import current_runtime, job
from perisai.media.errors import MediaError
from perisai.media.index import PdqIndex, parse_pdq_codes
from perisai.media.signals import exact_signal_type_names, get_signal_type
from perisai.reports.models import Report
from perisai.runtime import Runtime
from perisai.sharing.events import emit
from perisai.sharing.models import Tlp

log = logging.getLogger(__name__)

#: Up to this many new hashes are compared with every stored one directly (a few ms each per
#: million); beyond it, the stored hashes are indexed once and each new hash is looked up.
DIRECT_SCAN_LIMIT: Final = 64
#: Below this PDQ quality enrichment does not match a file perceptually (`file_queries`).
_MIN_QUALITY: Final = 50
_BATCH: Final = 10_000
#: Stored TMK signatures (~17 KB each) are read this many at a time.
_TMK_BATCH: Final = 500

# Stored PDQs (and the PDQ as stored of EXIF-rotated photos) as packed bytes: one row for the
# lot, no per-row Python objects. ``:after``: only signal rows with a larger id.
_STORED_PDQ = text(
    "SELECT string_agg(int8send(s.id), ''::bytea), string_agg(int8send(rf.report_id), ''::bytea), "
    "string_agg(int8send(floor(extract(epoch FROM r.received_at))::bigint), ''::bytea), "
    "string_agg(decode(s.pdq, 'hex'), ''::bytea), "
    "string_agg(int8send(s.id), ''::bytea) FILTER (WHERE s.pdq_raw IS NOT NULL "
    "AND s.pdq_raw <> s.pdq AND length(s.pdq_raw) = 64), "
    "string_agg(int8send(rf.report_id), ''::bytea) FILTER (WHERE s.pdq_raw IS NOT NULL "
    "AND s.pdq_raw <> s.pdq AND length(s.pdq_raw) = 64), "
    "string_agg(int8send(floor(extract(epoch FROM r.received_at))::bigint), ''::bytea) "
    "FILTER (WHERE s.pdq_raw IS NOT NULL AND s.pdq_raw <> s.pdq AND length(s.pdq_raw) = 64), "
    "string_agg(decode(s.pdq_raw, 'hex'), ''::bytea) FILTER (WHERE s.pdq_raw IS NOT NULL "
    "AND s.pdq_raw <> s.pdq AND length(s.pdq_raw) = 64) "
    "FROM report_file_signal s JOIN report_file rf ON rf.id = s.report_file_id "
    "JOIN report r ON r.id = rf.report_id "
    "WHERE s.id > :after AND r.received_at >= :since AND r.status <> 'retracted' "
    "AND s.pdq IS NOT NULL AND s.pdq_quality >= :quality AND length(s.pdq) = 64"
)
_STORED_FRAMES = text(
    "SELECT rf.report_id, f.value->>'pdq' FROM report_file_signal s "
    "JOIN report_file rf ON rf.id = s.report_file_id "
    "JOIN report r ON r.id = rf.report_id "
    "CROSS JOIN LATERAL jsonb_array_elements(s.vpdq) AS f(value) "
    "WHERE r.received_at >= :since AND r.status <> 'retracted' AND s.vpdq IS NOT NULL "
    "AND jsonb_typeof(s.vpdq) = 'array'"
)
_STORED_TMK = text(
    "SELECT rf.report_id, s.tmk FROM report_file_signal s "
    "JOIN report_file rf ON rf.id = s.report_file_id JOIN report r ON r.id = rf.report_id "
    "WHERE r.received_at >= :since AND r.status <> 'retracted' AND s.tmk IS NOT NULL"
)


@dataclass(frozen=True)
class HuntResult:
    """What one retro-hunt did: the entries it hunted with, the reports and files they found."""

    bank: str
    entries: int
    days: int
    reports: list[int]
    files: int
    positive_reports: int


# --- the search (pure numpy) -------------------------------------------------------------------


def near_any(
    stored: npt.NDArray[np.uint8], new: npt.NDArray[np.uint8], threshold: int
) -> npt.NDArray[np.bool_]:
    """Which rows of ``stored`` (``(n, 32)`` PDQ bytes) lie within ``threshold`` bits of any
    row of ``new`` (``(m, 32)``). Exact: the same answer as comparing every pair."""
    found = np.zeros(stored.shape[0], dtype=np.bool_)
    if stored.shape[0] == 0 or new.shape[0] == 0:
        return found
    if new.shape[0] <= DIRECT_SCAN_LIMIT:
        words = np.ascontiguousarray(stored).view(np.uint64)  # (n, 4)
        for code in np.ascontiguousarray(new).view(np.uint64):
            distance = np.bitwise_count(words ^ code).sum(axis=1, dtype=np.uint16)
            found |= distance <= threshold
        return found
    index = PdqIndex(default_threshold=threshold)
    index.add_many(np.arange(stored.shape[0], dtype=np.int64), stored, "stored")
    for code in new:
        rows = [m.entry_id for m in index.query(bytes(code).hex(), max_distance=threshold)]
        found[rows] = True
    return found


# --- candidates --------------------------------------------------------------------------------


def _codes(hexes: Sequence[str]) -> npt.NDArray[np.uint8]:
    return parse_pdq_codes(list(hexes))


def _ints(packed: bytes | None) -> npt.NDArray[np.int64]:
    return np.frombuffer(packed or b"", dtype=">i8").astype(np.int64)


def _pdqs(packed: bytes | None) -> npt.NDArray[np.uint8]:
    return np.frombuffer(packed or b"", dtype=np.uint8).reshape(-1, 32)


class StoredSignals:
    """The stored PDQs of a process's recent reports, in memory: read once (the join over a
    million reports takes seconds), then only signal rows added since, so that a hunt compares
    without waiting on the database. Rows are kept with their report and its arrival; those
    older than the window are dropped. A row replaced by re-enrichment may linger until the
    next refresh past it: harmless, as every candidate is matched again by the matcher.

    Signal row ids come from a sequence, and a transaction may commit after one with a later
    id: each refresh reads again the last ``overlap`` ids it had seen."""

    def __init__(self, overlap: int = 10_000) -> None:
        self.overlap = overlap
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self._ids = np.zeros(0, dtype=np.int64)
        self._reports = np.zeros(0, dtype=np.int64)
        self._received = np.zeros(0, dtype=np.int64)
        self._codes = np.zeros((0, 32), dtype=np.uint8)
        self._since = 0  # the earliest arrival held (epoch seconds); 0: nothing read yet
        self.loaded = False

    def __len__(self) -> int:
        return int(self._ids.size)

    def refresh(self, session: Session, since: datetime) -> None:
        """Read what was added since the last refresh (everything in the window the first time,
        or when the window reaches further back than what is held)."""
        with self._lock:
            start = int(since.timestamp())
            if not self.loaded or start < self._since:
                self._reset()
                after = 0
            else:
                after = max(0, int(self._ids.max(initial=0)) - self.overlap)
            row = session.execute(
                _STORED_PDQ, {"after": after, "since": since, "quality": _MIN_QUALITY}
            ).one()
            ids = np.concatenate([_ints(row[0]), _ints(row[4])])
            reports = np.concatenate([_ints(row[1]), _ints(row[5])])
            received = np.concatenate([_ints(row[2]), _ints(row[6])])
            codes = np.concatenate([_pdqs(row[3]), _pdqs(row[7])])
            keep = (self._ids <= after) & (self._received >= start)
            self._ids = np.concatenate([self._ids[keep], ids])
            self._reports = np.concatenate([self._reports[keep], reports])
            self._received = np.concatenate([self._received[keep], received])
            self._codes = np.concatenate([self._codes[keep], codes])
            self._since = start if not self.loaded else max(self._since, start)
            self.loaded = True

    def near(self, since: datetime, entries: npt.NDArray[np.uint8], threshold: int) -> set[int]:
        """Reports received since ``since`` with a stored PDQ within ``threshold`` of an entry."""
        with self._lock:
            window = self._received >= int(since.timestamp())
            codes, reports = self._codes[window], self._reports[window]
        found = near_any(codes, entries, threshold)
        return {int(i) for i in np.unique(reports[found])}


_SIGNALS_KEY: Final = "enrichment.retrohunt.signals"
_signals_lock = threading.Lock()


def stored_signals(runtime: Runtime) -> StoredSignals:
    """This process's stored-signal cache for ``runtime`` (one per runtime)."""
    with _signals_lock:
        held = runtime.extensions.get(_SIGNALS_KEY)
        if not isinstance(held, StoredSignals):
            held = runtime.extensions[_SIGNALS_KEY] = StoredSignals()
        return held


def _pdq_candidates(
    session: Session, runtime: Runtime, since: datetime, entries: Sequence[str], threshold: int
) -> set[int]:
    if not entries:
        return set()
    signals = stored_signals(runtime)
    signals.refresh(session, since)
    return signals.near(since, _codes(entries), threshold)


def _frame_candidates(
    session: Session, since: datetime, frames: Sequence[str], threshold: int
) -> set[int]:
    if not frames:
        return set()
    rows = [
        (int(report_id), str(pdq))
        for report_id, pdq in session.execute(_STORED_FRAMES, {"since": since})
        if isinstance(pdq, str) and len(pdq) == 64
    ]
    if not rows:
        return set()
    found = near_any(_codes([pdq for _, pdq in rows]), _codes(frames), threshold)
    ids = np.asarray([report_id for report_id, _ in rows], dtype=np.int64)
    return {int(i) for i in np.unique(ids[found])}


def _tmk_candidates(session: Session, since: datetime, signatures: Sequence[str]) -> set[int]:
    """Reports whose stored video signature matches one of ``signatures`` (the few new entries
    are indexed; the window's signatures stream past them in batches)."""
    if not signatures:
        return set()
    index = get_signal_type("tmk").new_index()
    for number, signature in enumerate(signatures):
        index.add(number, signature, "new")
    found: set[int] = set()
    rows = session.execute(
        _STORED_TMK, {"since": since}, execution_options={"yield_per": _TMK_BATCH}
    )
    for report_id, signature in rows:
        try:
            if index.query(signature):
                found.add(int(report_id))
        except MediaError:  # a damaged stored signature finds nothing
            continue
    return found


def _exact_candidates(session: Session, since: datetime, kind: str, values: list[str]) -> set[int]:
    found: set[int] = set()
    columns = [kind, f"declared_{kind}"] if kind != "sha1" else ["sha1", "declared_sha1"]
    for start in range(0, len(values), _BATCH):
        chunk = values[start : start + _BATCH]
        for column in columns:
            statement = text(
                f"SELECT DISTINCT rf.report_id FROM report_file rf "  # noqa: S608 - fixed names
                f"JOIN report r ON r.id = rf.report_id WHERE r.received_at >= :since "
                f"AND r.status <> 'retracted' AND rf.{column} = ANY(CAST(:values AS text[]))"
            )
            found.update(session.scalars(statement, {"since": since, "values": chunk}))
    return found


def candidate_reports(
    session: Session,
    runtime: Runtime,
    entries: Iterable[EntryRow],
    *,
    since: datetime,
    threshold: int,
) -> set[int]:
    """Reports received since ``since`` with a stored signal near one of ``entries``."""
    by_type: dict[str, list[str]] = {}
    frames: list[str] = []
    for entry in entries:
        if entry.frames:
            frames += [str(f["pdq"]) for f in entry.frames]
        else:
            by_type.setdefault(entry.signal_type, []).append(signal_of(entry))
    found = _pdq_candidates(session, runtime, since, by_type.pop("pdq", []), threshold)
    found |= _frame_candidates(session, since, sorted(set(frames)), threshold)
    found |= _tmk_candidates(session, since, by_type.pop("tmk", []))
    for kind in exact_signal_type_names():
        if kind in by_type:
            found |= _exact_candidates(session, since, kind, by_type[kind])
    return found


# --- the job -----------------------------------------------------------------------------------


def _entries(
    session: Session, bank_id: int, first_entry_id: int, last_entry_id: int
) -> list[EntryRow]:
    return list(
        session.scalars(
            select(EntryRow).where(
                EntryRow.bank_id == bank_id,
                EntryRow.id >= first_entry_id,
                EntryRow.id <= last_entry_id,
                EntryRow.enabled,
            )
        )
    )


def _announce(session: Session, result: HuntResult, bank: Bank) -> None:
    payload: dict[str, Any] = {
        "bank_name": result.bank,
        "retrohunt_entries": result.entries,
        "retrohunt_days": result.days,
        "retrohunt_reports": len(result.reports),
        "retrohunt_positive_reports": result.positive_reports,
        "retrohunt_files": result.files,
    }
    emit(
        session,
        type=RETROHUNT_EVENT,
        subject_type="bank",
        subject_id=bank.id,
        payload=payload,
        # The secretariat, and the agency that owns the bank, hear of it.
        audience=[bank.owner.removeprefix("agency:")] if bank.owner.startswith("agency:") else [],
        tlp=Tlp.AMBER,
    )
    record(
        session,
        actor=SYSTEM,
        action="bank.retrohunt",
        object_type="bank",
        object_id=result.bank,
        details={**payload, "report_ids": result.reports},
    )


def retrohunt(
    session: Session,
    runtime: Runtime,
    *,
    bank_id: int,
    first_entry_id: int,
    last_entry_id: int,
    now: datetime | None = None,
) -> HuntResult | None:
    """Hunt with the bank's enabled entries with ids in ``[first, last]`` inside the caller's
    transaction; None when the bank is gone. A disabled bank (or a window of 0 days) finds
    nothing, and says so."""
    bank = session.get(Bank, bank_id)
    if bank is None:
        return None
    days = runtime.settings.retrohunt_days
    entries = _entries(session, bank_id, first_entry_id, last_entry_id) if bank.enabled else []
    since = (now or datetime.now(UTC)) - timedelta(days=days)
    candidates = (
        candidate_reports(session, runtime, entries, since=since, threshold=bank.pdq_threshold)
        if entries and days > 0
        else set()
    )
    hunted = {entry.id for entry in entries}
    found: list[int] = []
    files: set[int] = set()
    positive = 0
    for report_id in sorted(candidates):  # id order: two hunts lock reports in the same order
        report = session.get(Report, report_id, with_for_update=True)
        if report is None or report.status == "retracted":
            continue
        rows = match_report_files(session, runtime, report, hunted=hunted)
        mine = [row for row in rows if row.entry_id in hunted]
        if mine:
            found.append(report_id)
            files.update(row.report_file_id for row in mine)
            positive += any(row.status == "positive" for row in mine)
    session.flush()
    # At most one waiting re-triage per report (the waiting one reads what this commits).
    hooks.reports_enriched(session, found, coalesce=True)
    result = HuntResult(
        bank=bank.name,
        entries=len(entries),
        days=days,
        reports=found,
        files=len(files),
        positive_reports=positive,
    )
    _announce(session, result, bank)
    log.info(
        "retro-hunt done",
        extra={
            "fields": {
                "bank": bank.name,
                "entries": result.entries,
                "candidates": len(candidates),
                "reports": len(found),
                "files": result.files,
            }
        },
    )
    return result


# Matching a bank's new entries against every stored report is the heaviest CPU work there is;
# it waits while intake is busy (`jobs/gate.py`).
@job(RETROHUNT_TASK, queue=RETROHUNT_QUEUE, yields_to_intake=True)
def retrohunt_job(bank_id: int, first_entry_id: int, last_entry_id: int) -> None:
    runtime = current_runtime()
    with runtime.db.transaction() as session:
        retrohunt(
            session,
            runtime,
            bank_id=bank_id,
            first_entry_id=first_entry_id,
            last_entry_id=last_entry_id,
        )
