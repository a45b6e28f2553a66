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
from perisai.banks.retrohunt import RETROHUNT_EVENT, RETROHUNT_QUEUE, RETROHUNT_TASK
from perisai.enrichment.matches import match_report_files
from perisai.enrichment.pipeline import TRIAGE_TASK
from perisai.jobs.queue import JobSpec, defer_once_many
from perisai.jobs.worker import current_runtime, job
from perisai.media.index import PdqIndex, parse_pdq_codes
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
_EXACT: Final = ("md5", "sha1", "sha256")
_BATCH: Final = 10_000

_STORED_PDQ = text(
    "SELECT rf.report_id, s.pdq, s.pdq_raw FROM report_file_signal s "
    "JOIN report_file rf ON rf.id = s.report_file_id "
    "JOIN report r ON r.id = rf.report_id "
    "WHERE r.received_at >= :since AND r.status <> 'retracted' "
    "AND s.pdq IS NOT NULL AND s.pdq_quality >= :quality"
)
_STORED_FRAMES = text(
    "SELECT rf.report_id, f.value->>'pdq' FROM report_file_signal s "
    "JOIN report_file rf ON rf.id = s.report_file_id "
    "JOIN report r ON r.id = rf.report_id "
    "CROSS JOIN LATERAL jsonb_array_elements(s.vpdq) AS f(value) "
    "WHERE r.received_at >= :since AND r.status <> 'retracted' AND s.vpdq IS NOT NULL "
    "AND jsonb_typeof(s.vpdq) = 'array'"
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


def _pdq_candidates(
    session: Session, since: datetime, entries: Sequence[str], threshold: int
) -> set[int]:
    if not entries:
        return set()
    report_ids: list[int] = []
    hexes: list[str] = []
    for report_id, pdq, raw in session.execute(
        _STORED_PDQ, {"since": since, "quality": _MIN_QUALITY}
    ):
        report_ids.append(report_id)
        hexes.append(pdq)
        if raw is not None and raw != pdq:
            report_ids.append(report_id)
            hexes.append(raw)
    found = near_any(_codes(hexes), _codes(entries), threshold)
    ids = np.asarray(report_ids, dtype=np.int64)
    return {int(i) for i in np.unique(ids[found])}


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
    session: Session, entries: Iterable[EntryRow], *, since: datetime, threshold: int
) -> set[int]:
    """Reports received since ``since`` with a stored signal near one of ``entries``."""
    by_type: dict[str, list[str]] = {}
    frames: list[str] = []
    for entry in entries:
        if entry.signal_type == "vpdq" and entry.frames:
            frames += [str(f["pdq"]) for f in entry.frames]
        else:
            by_type.setdefault(entry.signal_type, []).append(entry.signal_key)
    found = _pdq_candidates(session, since, by_type.pop("pdq", []), threshold)
    found |= _frame_candidates(session, since, sorted(set(frames)), threshold)
    for kind in _EXACT:
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


def _announce(session: Session, result: HuntResult, bank_id: int) -> None:
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
        subject_id=bank_id,
        payload=payload,
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
        candidate_reports(session, entries, since=since, threshold=bank.pdq_threshold)
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
    defer_once_many(
        session,
        [
            JobSpec(task=TRIAGE_TASK, args={"report_id": rid}, queueing_lock=f"triage:{rid}")
            for rid in found
        ],
    )
    result = HuntResult(
        bank=bank.name,
        entries=len(entries),
        days=days,
        reports=found,
        files=len(files),
        positive_reports=positive,
    )
    _announce(session, result, bank_id)
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


@job(RETROHUNT_TASK, queue=RETROHUNT_QUEUE)
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
