"""SLA clocks of a triaged report: raising warnings and breaches, and stopping the clocks.

Two clocks per report (TRIAGE.md): first human review and first action, both started at intake.
Each clock has two checks, a warning at 75 % of its time and a breach at 100 %, and each is
raised once, as an `sla.warning` / `sla.breached` event (audience: the secretariat and the
case's agencies) with an audit record.

The times live on the triage record (`*_warning_due_at`, `*_due_at`) beside the flags of the
alerts raised (`*_warned_at`, `*_breached_at`). One periodic job, `triage.sla_sweep`
(`SWEEP_CRON`), raises every check whose time has come: one partial index per check holds only
the clocks still running whose alert is not raised yet, so the sweep reads the due ones by range.
No job per report waits in procrastinate's queue: four timers per triage run had made every job
fetch walk and filter tens of thousands of future jobs (issue #12).

A triage run or override that moves the due times restarts the clocks (`restart_clocks`: new
warning times, flags cleared); a stopped clock leaves the indexes. The sweep locks the records
it raises alerts for (`FOR UPDATE SKIP LOCKED`): two sweeps share the work and never raise one
alert twice, and a review committed before the sweep locks the record is honoured. An alert
comes at most one sweep period plus the sweep's run time after its time.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from perisai.audit.service import SYSTEM, record
from perisai.cases.service import case_of_report
from perisai.identity.agencies import SECRETARIAT
from perisai.reports.models import Report
from perisai.sharing.events import emit
from perisai.triage.models import SLA_CHECK_COLUMNS, TriageRecord
from perisai.triage.policy import Priority, warning_time

CLOCKS = ("review", "action")
LEVELS = ("warning", "breached")
# Every 15 seconds (procrastinate's cron, seconds last): P1's review warning comes 11¼ minutes
# after intake, so a quarter of a minute late at most is well inside what supervisors need.
SWEEP_CRON = "* * * * * */15"
# Records locked and alerted per transaction: short transactions, so a triage run or review
# waiting for one of these records waits briefly.
SWEEP_BATCH = 50


@dataclass(frozen=True)
class Check:
    """One of a record's four checks, with the columns that hold its state."""

    clock: str
    level: str
    at_column: str  # when it is due
    stop_column: str  # set when the clock stops
    flag_column: str  # set when the alert is raised


CHECKS = tuple(Check(*columns) for columns in SLA_CHECK_COLUMNS)


@dataclass(frozen=True)
class Alert:
    """An alert raised: the report, the check, the clock's due time."""

    report_id: int
    clock: str
    level: str
    due_at: datetime


@dataclass(frozen=True)
class SweepBatch:
    records: int  # records locked (each had a check due when read)
    alerts: list[Alert]


def restart_clocks(record_: TriageRecord) -> None:
    """The record's due times are new: set their warning times and clear earlier alerts (they
    were about clocks that no longer apply)."""
    record_.review_warning_due_at = warning_time(record_.received_at, record_.review_due_at)
    record_.action_warning_due_at = (
        warning_time(record_.received_at, record_.action_due_at)
        if record_.action_due_at is not None
        else None
    )
    record_.review_warned_at = record_.review_breached_at = None
    record_.action_warned_at = record_.action_breached_at = None


def _is_due(check: Check, now: datetime) -> ColumnElement[bool]:
    """The check's time has come, its clock runs and its alert is not raised: in the words of
    its partial index's predicate, so that the planner reads that index."""
    at = getattr(TriageRecord, check.at_column)
    return and_(
        getattr(TriageRecord, check.stop_column).is_(None),
        getattr(TriageRecord, check.flag_column).is_(None),
        at.is_not(None),
        at <= now,
    )


def any_due(now: datetime) -> ColumnElement[bool]:
    """A record with a check due at `now` (the sweep's condition: a range over each index)."""
    return or_(*(_is_due(check, now) for check in CHECKS))


def _due_checks(record_: TriageRecord, now: datetime) -> list[Check]:
    """The record's due checks, each clock's warning before its breach."""
    return [
        check
        for check in CHECKS
        if getattr(record_, check.stop_column) is None
        and getattr(record_, check.flag_column) is None
        and (at := getattr(record_, check.at_column)) is not None
        and at <= now
    ]


def _raise(
    session: Session,
    record_: TriageRecord,
    check: Check,
    *,
    now: datetime,
    public_id: str | None,
    audience: Collection[str],
    case_id: int | None,
) -> Alert:
    setattr(record_, check.flag_column, now)
    due_at: datetime = getattr(record_, f"{check.clock}_due_at")
    total = (due_at - record_.received_at).total_seconds()
    emit(
        session,
        type=f"sla.{check.level}",
        subject_type="report",
        subject_id=public_id or record_.report_id,
        payload={
            "report_public_id": public_id,
            "priority": Priority(record_.priority).label,
            "clock": check.clock,
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
        action=f"sla.{check.level}",
        object_type="report",
        object_id=public_id,
        details={"clock": check.clock, "due_at": due_at.isoformat()},
    )
    return Alert(record_.report_id, check.clock, check.level, due_at)


def _raise_due(session: Session, records: Sequence[TriageRecord], now: datetime) -> list[Alert]:
    """Raise the due checks of records this transaction has locked."""
    due = [(record_, checks) for record_ in records if (checks := _due_checks(record_, now))]
    if not due:
        return []
    public_ids = {
        row.id: row.public_id
        for row in session.execute(
            select(Report.id, Report.public_id).where(
                Report.id.in_([record_.report_id for record_, _ in due])
            )
        )
    }
    alerts: list[Alert] = []
    for record_, checks in due:
        case = case_of_report(session, record_.report_id)
        for check in checks:
            alerts.append(
                _raise(
                    session,
                    record_,
                    check,
                    now=now,
                    public_id=public_ids.get(record_.report_id),
                    audience=case.agencies if case else (),
                    case_id=case.id if case else None,
                )
            )
    session.flush()
    return alerts


def sweep(session: Session, *, now: datetime, limit: int = SWEEP_BATCH) -> SweepBatch:
    """One batch of the sweep: lock up to `limit` records with a check due at `now` (records
    another transaction holds are left to the next batch or sweep) and raise their alerts."""
    records = session.scalars(
        select(TriageRecord)
        .where(any_due(now))
        .limit(limit)
        .with_for_update(skip_locked=True)
        # The session may hold these records from before the lock: read what the lock saw.
        .execution_options(populate_existing=True)
    ).all()
    return SweepBatch(records=len(records), alerts=_raise_due(session, records, now))


def check_report(session: Session, report_id: int, *, now: datetime) -> list[Alert]:
    """Raise the report's checks due at `now` (what the sweep would do for it)."""
    record_ = session.get(TriageRecord, report_id, with_for_update=True, populate_existing=True)
    return [] if record_ is None else _raise_due(session, [record_], now)


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
