"""Background jobs of triage: `triage.report` (args {"report_id"}) and `triage.sla_check`.

Each job owns its transaction, as a request does. Enrichment defers `triage.report` when it
finishes; triage itself defers it for reports that a new link touches.
"""

from __future__ import annotations

from datetime import UTC, datetime

from perisai.audit.service import SYSTEM
from perisai.cases.service import case_of_report
from perisai.jobs.worker import current_runtime, job
from perisai.runtime import Runtime
from perisai.triage import service, sla
from perisai.triage.names import SLA_CHECK_TASK, TRIAGE_TASK


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


def run_sla_check(runtime: Runtime, *, report_id: int, clock: str, level: str, due_at: str) -> None:
    with runtime.db.transaction() as session:
        case = case_of_report(session, report_id)
        sla.check(
            session,
            report_id=report_id,
            clock=clock,
            level=level,
            due_at=datetime.fromisoformat(due_at),
            now=datetime.now(UTC),
            audience=case.agencies if case else (),
            case_id=case.id if case else None,
        )


@job(TRIAGE_TASK)
def triage_report_job(report_id: int) -> None:
    run_triage(current_runtime(), report_id)


@job(SLA_CHECK_TASK)
def sla_check_job(report_id: int, clock: str, level: str, due_at: str) -> None:
    run_sla_check(current_runtime(), report_id=report_id, clock=clock, level=level, due_at=due_at)
