"""SLA clocks of a triaged report: scheduling the warning/breach checks and stopping the clocks.

Two clocks per report (TRIAGE.md): first human review and first action, both started at intake.
Each triage run that changes the due times schedules four checks (`triage.sla_check` jobs at 75%
and 100% of each clock); a check whose due time no longer matches the record is stale and does
nothing, so re-triage never needs to cancel jobs. Each warning or breach is emitted once, as an
`sla.warning` / `sla.breached` event.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from perisai.audit.service import SYSTEM, record
from perisai.identity.agencies import SECRETARIAT
from perisai.jobs.queue import JobSpec, defer_many
from perisai.reports.models import Report
from perisai.sharing.events import emit
from perisai.triage.models import TriageRecord
from perisai.triage.names import SLA_CHECK_TASK
from perisai.triage.policy import Priority, warning_time

CLOCKS = ("review", "action")
LEVELS = ("warning", "breached")


def _due(record: TriageRecord, clock: str) -> datetime | None:
    return record.review_due_at if clock == "review" else record.action_due_at


def _stopped(record: TriageRecord, clock: str) -> bool:
    return (record.reviewed_at if clock == "review" else record.actioned_at) is not None


def _flag_column(clock: str, level: str) -> str:
    return f"{clock}_{'warned' if level == 'warning' else 'breached'}_at"


def schedule_checks(session: Session, record: TriageRecord) -> list[int]:
    """Queue the four checks of the record's current due times (one statement); return the
    job ids."""
    jobs: list[JobSpec] = []
    for clock in CLOCKS:
        due = _due(record, clock)
        if due is None or _stopped(record, clock):
            continue
        for level in LEVELS:
            at = warning_time(record.received_at, due) if level == "warning" else due
            jobs.append(
                JobSpec(
                    task=SLA_CHECK_TASK,
                    args={
                        "report_id": record.report_id,
                        "clock": clock,
                        "level": level,
                        "due_at": due.isoformat(),
                    },
                    scheduled_at=at,
                )
            )
    return defer_many(session, jobs)


def check(
    session: Session,
    *,
    report_id: int,
    clock: str,
    level: str,
    due_at: datetime,
    now: datetime,
    audience: Collection[str] = (),
    case_id: int | None = None,
) -> bool:
    """Emit the warning or breach if it is still due; return whether an event was emitted."""
    if clock not in CLOCKS or level not in LEVELS:
        raise ValueError(f"unknown SLA check {clock}/{level}")
    record_ = session.get(TriageRecord, report_id, with_for_update=True)
    if record_ is None or _stopped(record_, clock) or _due(record_, clock) != due_at:
        return False
    column = _flag_column(clock, level)
    threshold = warning_time(record_.received_at, due_at) if level == "warning" else due_at
    if getattr(record_, column) is not None or now < threshold:
        return False
    setattr(record_, column, now)
    public_id = session.scalar(select(Report.public_id).where(Report.id == report_id))
    total = (due_at - record_.received_at).total_seconds()
    emit(
        session,
        type=f"sla.{level}",
        subject_type="report",
        subject_id=public_id or report_id,
        payload={
            "report_public_id": public_id,
            "priority": Priority(record_.priority).label,
            "clock": clock,
            "due_at": due_at.isoformat(),
            "elapsed_fraction": round((now - record_.received_at).total_seconds() / total, 3)
            if total > 0
            else 1.0,
        },
        audience=sorted({SECRETARIAT, *audience}),
        case_id=case_id,
    )
    record(
        session,
        actor=SYSTEM,
        action=f"sla.{level}",
        object_type="report",
        object_id=public_id,
        details={"clock": clock, "due_at": due_at.isoformat()},
    )
    return True


def record_review(session: Session, report_ids: Collection[int], at: datetime) -> None:
    """Stop the review clocks that are still running."""
    if report_ids:
        session.execute(
            update(TriageRecord)
            .where(TriageRecord.report_id.in_(report_ids), TriageRecord.reviewed_at.is_(None))
            .values(reviewed_at=at)
        )


def record_first_action(session: Session, report_ids: Collection[int], at: datetime) -> None:
    """A referral, takedown notice or arrest request: stop both clocks still running."""
    record_review(session, report_ids, at)
    if report_ids:
        session.execute(
            update(TriageRecord)
            .where(TriageRecord.report_id.in_(report_ids), TriageRecord.actioned_at.is_(None))
            .values(actioned_at=at)
        )
