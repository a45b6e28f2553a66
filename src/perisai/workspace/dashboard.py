"""Supervisor figures: time-to-review and time-to-action percentiles and SLA breaches (one query).

PostgreSQL computes the percentiles (`percentile_disc`, nearest rank) over `triage_record`.
Per-agency figures need case assignments (issue 6, part A) and are added when those land.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Float, cast, extract, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

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
