"""Supervisor figures: time-to-review and time-to-action percentiles and SLA breaches (one query).

PostgreSQL computes the percentiles (`percentile_disc`, nearest rank) over `triage_record`.
Per agency: minutes from intake to the referral to that agency, and to the agency's answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Float, cast, extract, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from perisai.cases.models import CaseReferral, CaseReport
from perisai.identity.models import Agency
from perisai.triage.models import TriageRecord


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
    return cast(extract("epoch", later - TriageRecord.received_at) / 60.0, Float)


def _pct(fraction: float, expr: ColumnElement[float]) -> ColumnElement[float]:
    return func.percentile_disc(fraction).within_group(expr)


def priority_figures(session: Session) -> list[PriorityFigures]:
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
    return cast(extract("epoch", later - earlier) / 60.0, Float)


def agency_figures(session: Session) -> list[AgencyFigures]:
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
    return [AgencyFigures(*row) for row in session.execute(query)]
