"""Background jobs of triage: `triage.report` (args {"report_id"}), the periodic
`triage.sla_sweep`, and the retired `triage.sla_check`.

Each job owns its transaction, as a request does. Enrichment defers `triage.report` when it
finishes; triage itself defers it for reports that a new link touches.
"""

from __future__ import annotations

from collections.abc import Sequence
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
# One triage job's transaction at a time (a two-int advisory key: one-bigint keys announce
# outbox ids, `sharing/stream.py`). Reports of one suspect are triaged in different batches and
# each triage writes the links of both sides: two batches at once waited on each other's link
# rows until commit, or deadlocked, and a batch holds its rows for all its reports. One at a
# time, in batches, costs less CPU than several that wait.
_TRIAGE_LOCK = text("SELECT pg_advisory_xact_lock(1347, 1)")


def triage_each(session: Session, runtime: Runtime, report_ids: Sequence[int]) -> None:
    """Triage the reports one after the other in the caller's transaction, each as if alone:
    a later one reads what the earlier ones wrote, as it would after their commits. Under the
    triage lock, taken here: one triage job's transaction at a time."""
    session.execute(_TRIAGE_LOCK)
    # Read at once for the lot: what triaging them does not change.
    known = service.prefetch(session, report_ids) if len(report_ids) > 1 else None
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


@job(TRIAGE_TASK)
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
