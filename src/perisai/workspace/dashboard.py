"""Supervisor figures: time-to-review and time-to-action percentiles and SLA breaches (one query).

PostgreSQL computes the percentiles (`percentile_disc`, nearest rank) over `triage_record`.
Per agency: minutes from intake to the referral to that agency, and to the agency's answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Float, cast, extract, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from perisai.cases.models import CaseReferral, CaseReport
from perisai.identity.models import Agency
from perisai.reports.models import Report, ReportStatus
from perisai.triage.models import TriageRecord
from perisai.triage.policy import SLA_TARGETS


@dataclass(frozen=True)
class PriorityFigures:
    priority: int
    total: int
    review_p50: float | None
    review_p90: float | None
    action_p50: float | None
    action_p90: float | None
    review_breached: int
    action_breached: int


def _minutes(later: InstrumentedAttribute[datetime | None]) -> ColumnElement[float]:
    return _between(later, TriageRecord.received_at)


def _pct(fraction: float, expr: ColumnElement[float]) -> ColumnElement[float]:
    return func.percentile_disc(fraction).within_group(expr)


# The windows a supervisor may look at (days; None: everything).
WINDOWS: dict[str, int | None] = {"1": 1, "7": 7, "30": 30, "90": 90, "all": None}
DEFAULT_WINDOW = "30"


def window_start(window: str, now: datetime) -> datetime | None:
    days = WINDOWS.get(window, WINDOWS[DEFAULT_WINDOW])
    return now - timedelta(days=days) if days is not None else None


def priority_figures(session: Session, since: datetime | None = None) -> list[PriorityFigures]:
    """Per priority, for reports received since ``since`` (all when None)."""
    review = _minutes(TriageRecord.reviewed_at)
    action = _minutes(TriageRecord.actioned_at)
    query = (
        select(
            TriageRecord.priority,
            func.count(),
            _pct(0.5, review),
            _pct(0.9, review),
            _pct(0.5, action),
            _pct(0.9, action),
            func.count(TriageRecord.review_breached_at),
            func.count(TriageRecord.action_breached_at),
        )
        .group_by(TriageRecord.priority)
        .order_by(TriageRecord.priority)
    )
    if since is not None:
        query = query.where(TriageRecord.received_at >= since)
    return [PriorityFigures(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class AgencyFigures:
    agency: str
    referrals: int
    to_referral_p50: float | None
    to_referral_p90: float | None
    response_p50: float | None
    response_p90: float | None
    pending: int


def _between(
    later: InstrumentedAttribute[datetime | None] | InstrumentedAttribute[datetime],
    earlier: InstrumentedAttribute[datetime],
) -> ColumnElement[float]:
    """Minutes from ``earlier`` to ``later``, never below zero.

    A clock can say a report was reviewed or referred before it was received (an imported
    report keeps the source's receipt time; a report seeded as already reviewed): that is no
    time at all, not a negative one.
    """
    return func.greatest(cast(extract("epoch", later - earlier) / 60.0, Float), 0.0)


def agency_figures(session: Session, since: datetime | None = None) -> list[AgencyFigures]:
    """Per agency: minutes from intake to the referral (action), and to the agency's answer."""
    to_referral = _between(CaseReferral.created_at, TriageRecord.received_at)
    response = _between(CaseReferral.responded_at, CaseReferral.created_at)
    query = (
        select(
            Agency.short_name,
            func.count(func.distinct(CaseReferral.id)),
            _pct(0.5, to_referral),
            _pct(0.9, to_referral),
            _pct(0.5, response),
            _pct(0.9, response),
            func.count(func.distinct(CaseReferral.id)).filter(CaseReferral.responded_at.is_(None)),
        )
        .join(Agency, Agency.id == CaseReferral.agency_id)
        .join(CaseReport, CaseReport.case_id == CaseReferral.case_id)
        .join(TriageRecord, TriageRecord.report_id == CaseReport.report_id)
        .group_by(Agency.short_name)
        .order_by(Agency.short_name)
    )
    if since is not None:
        query = query.where(CaseReferral.created_at >= since)
    return [AgencyFigures(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class Backlog:
    """What waits now, per priority (whatever the window: a backlog is the present)."""

    priority: int
    unreviewed: int
    review_overdue: int
    awaiting_action: int
    action_overdue: int
    oldest_waiting_minutes: float | None


def backlog(session: Session, now: datetime) -> list[Backlog]:
    waiting = TriageRecord.reviewed_at.is_(None)
    no_action = TriageRecord.actioned_at.is_(None) & TriageRecord.action_due_at.is_not(None)
    age = func.greatest(cast(extract("epoch", now - TriageRecord.received_at) / 60.0, Float), 0.0)
    query = (
        select(
            TriageRecord.priority,
            func.count().filter(waiting),
            func.count().filter(waiting & (TriageRecord.review_due_at <= now)),
            func.count().filter(no_action),
            func.count().filter(no_action & (TriageRecord.action_due_at <= now)),
            func.max(age).filter(waiting | no_action),
        )
        .join(Report, Report.id == TriageRecord.report_id)
        .where(Report.status != ReportStatus.RETRACTED.value, waiting | no_action)
        .group_by(TriageRecord.priority)
        .order_by(TriageRecord.priority)
    )
    return [Backlog(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class Target:
    priority: int
    review_minutes: float
    action_minutes: float | None
    review_met: int | None  # reviewed within the target, of those reviewed in the window
    review_done: int
    action_met: int | None
    action_done: int

    @property
    def review_share(self) -> float | None:
        return (
            self.review_met / self.review_done
            if self.review_done and self.review_met is not None
            else None
        )

    @property
    def action_share(self) -> float | None:
        return (
            self.action_met / self.action_done
            if self.action_done and self.action_met is not None
            else None
        )


def targets(session: Session, since: datetime | None = None) -> list[Target]:
    """The SLA targets (TRIAGE.md) and how many reviews and actions met them in the window."""
    reviewed = TriageRecord.reviewed_at.is_not(None)
    actioned = TriageRecord.actioned_at.is_not(None)
    query = select(
        TriageRecord.priority,
        func.count().filter(reviewed & (TriageRecord.reviewed_at <= TriageRecord.review_due_at)),
        func.count().filter(reviewed),
        func.count().filter(actioned & (TriageRecord.actioned_at <= TriageRecord.action_due_at)),
        func.count().filter(actioned & TriageRecord.action_due_at.is_not(None)),
    ).group_by(TriageRecord.priority)
    if since is not None:
        query = query.where(TriageRecord.received_at >= since)
    found = {row[0]: row[1:] for row in session.execute(query)}
    rows = []
    for priority, target in SLA_TARGETS.items():
        met, done, action_met, action_done = found.get(priority.value, (0, 0, 0, 0))
        rows.append(
            Target(
                priority=priority.value,
                review_minutes=target.review.total_seconds() / 60,
                action_minutes=target.action.total_seconds() / 60 if target.action else None,
                review_met=met,
                review_done=done,
                action_met=action_met if target.action else None,
                action_done=action_done,
            )
        )
    return rows
