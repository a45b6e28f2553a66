"""Background jobs of triage: `triage.report` (args {"report_id"}), the periodic
`triage.sla_sweep`, and the retired `triage.sla_check`.

Each job owns its transaction, as a request does. Enrichment defers `triage.report` when it
finishes; triage itself defers it for reports that a new link touches.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from perisai.audit.service import SYSTEM
from perisai.jobs.batch import run_batch
from perisai.jobs.worker import current_runtime, job
from perisai.runtime import Runtime
from perisai.triage import service, sla
from perisai.triage.names import SLA_CHECK_TASK, SLA_SWEEP_TASK, TRIAGE_TASK

# A sweep stops after this many batches (SWEEP_BATCH records each); the next sweep goes on, so
# one run stays short even after a long outage of the workers.
MAX_SWEEP_BATCHES = 50
# Above the queue's ordinary jobs: a sweep queued during a burst runs before the burst's backlog
# of triage jobs, as the timers it replaces did (they were older than the backlog).
SWEEP_PRIORITY = 10

# Reports a triage job takes from the waiting ones (its own included; `jobs/batch.py`): each
# is triaged as its own job would, in report order, in one transaction.
BATCH = 20
# While triage jobs keep arriving (enrichment finishing a trickle of reports), a job gathers
# them this long into its batch (`jobs/batch.py`); a report's triage starts at most this late.
GATHER_SECONDS = 0.3
# Triage transactions that could touch the same links take turns: each takes a lock per linking
# key its reports carry (an account identifier, a media hash, an IP address; two-int advisory
# keys: one-bigint keys announce outbox ids, `sharing/stream.py`), in one sorted order, so two
# batches never wait on each other in a circle. Two reports link only through a key both
# carry, so two batches that would write the same link rows (each triage writes both sides)
# hold a lock in common and run one after the other; the later one reads what the earlier
# wrote. Batches of unrelated reports run side by side on every core (one global lock before:
# triage used one core, 17-19 reports/s in a drain, issue #12).
_KEY_LOCK_SPACE = 1348
_TAKE_KEY_LOCKS = text(
    "SELECT count(pg_advisory_xact_lock(:space, k.lock_id)) "
    "FROM unnest(CAST(:ids AS int[])) AS k(lock_id)"
)


def key_lock_ids(keys: Iterable[str]) -> list[int]:
    """The advisory lock ids (signed 32-bit, sorted, distinct) of linking keys. A collision of
    two keys only makes their batches take turns."""
    return sorted({zlib.crc32(key.encode()) - 2**31 for key in keys})


def lock_linking_keys(session: Session, keys: Iterable[str]) -> None:
    ids = key_lock_ids(keys)
    if ids:
        # One statement, the locks taken row by row in the array's (sorted) order.
        session.execute(_TAKE_KEY_LOCKS, {"space": _KEY_LOCK_SPACE, "ids": ids})


def triage_each(session: Session, runtime: Runtime, report_ids: Sequence[int]) -> None:
    """Triage the reports one after the other in the caller's transaction, each as if alone:
    a later one reads what the earlier ones wrote, as it would after their commits. Under the
    locks of the reports' linking keys, taken here."""
    # Read at once for the lot: what triaging them does not change (the keys among it).
    known = service.prefetch(session, report_ids)
    lock_linking_keys(session, (key for keys in known.keys.values() for key in keys))
    ids = frozenset(report_ids)
    for index, report_id in enumerate(report_ids):
        try:
            service.triage_report(
                session,
                report_id=report_id,
                actor=SYSTEM,
                keyring=runtime.keyring,
                with_links=False,
                known=known,
                batch=service.InBatch(ids, frozenset(report_ids[index + 1 :]) - {report_id}),
            )
        except (service.ReportNotFound, service.TriageError):
            continue  # deleted or retracted since the job was queued: nothing to triage


def run_triage(runtime: Runtime, report_id: int) -> None:
    """Triage the report, and up to BATCH - 1 others whose triage waits (in the worker)."""

    def work(session: Session, jobs: list[dict[str, Any]]) -> None:
        triage_each(session, runtime, [int(args["report_id"]) for args in jobs])

    run_batch(
        runtime,
        task=TRIAGE_TASK,
        queue="default",
        args={"report_id": report_id},
        limit=BATCH,
        work=work,
        gather=GATHER_SECONDS,
    )


def run_sla_sweep(
    runtime: Runtime,
    *,
    now: datetime | None = None,
    batch: int = sla.SWEEP_BATCH,
    max_batches: int = MAX_SWEEP_BATCHES,
) -> list[sla.Alert]:
    """Raise every SLA alert due (at `now`, else at each batch's start), one transaction per
    batch; return the alerts raised."""
    alerts: list[sla.Alert] = []
    for _ in range(max_batches):
        with runtime.db.transaction() as session:
            found = sla.sweep(session, now=now or datetime.now(UTC), limit=batch)
        alerts.extend(found.alerts)
        if found.records < batch:
            break
    return alerts


def run_sla_check(runtime: Runtime, report_id: int) -> None:
    with runtime.db.transaction() as session:
        sla.check_report(session, report_id, now=datetime.now(UTC))


@job(TRIAGE_TASK, yields_to_intake=True)
def triage_report_job(report_id: int) -> None:
    run_triage(current_runtime(), report_id)


@job(SLA_SWEEP_TASK, cron=sla.SWEEP_CRON, priority=SWEEP_PRIORITY)
def sla_sweep_job(timestamp: int) -> None:
    del timestamp  # whatever the tick, checks are due against the time of the run
    run_sla_sweep(current_runtime())


@job(SLA_CHECK_TASK)
def sla_check_job(report_id: int, clock: str, level: str, due_at: str) -> None:
    # A timer queued before the sweep: the record says what is due now (the sweep may have
    # raised it already, or the clock stopped or moved), as it does for the sweep.
    del clock, level, due_at
    run_sla_check(current_runtime(), report_id)
