"""Background jobs of triage: `triage.report` (args {"report_id"}), the periodic
`triage.sla_sweep`, and the retired `triage.sla_check`.

Each job owns its transaction, as a request does. Enrichment defers `triage.report` when it
finishes; triage itself defers it for reports that a new link touches.
"""

from __future__ import annotations

from datetime import UTC, datetime

from perisai.audit.service import SYSTEM
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


def run_triage(runtime: Runtime, report_id: int) -> None:
    with runtime.db.transaction() as session:
        try:
            service.triage_report(
                session,
                report_id=report_id,
                actor=SYSTEM,
                keyring=runtime.keyring,
                with_links=False,
            )
        except (service.ReportNotFound, service.TriageError):
            return  # deleted or retracted since the job was queued: nothing to triage


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
