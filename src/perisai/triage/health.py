"""Acknowledged reports that never got a triage record (a lost or stuck job, found by a check)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select, text
from sqlalchemy.orm import Session

from perisai.enrichment.names import ENRICH_TASK
from perisai.reports.models import Report, ReportStatus
from perisai.triage.models import TriageRecord
from perisai.triage.names import TRIAGE_TASK

# Jobs that will triage a report when they run (the enrichment job queues the triage job).
_PENDING = text(
    "SELECT DISTINCT (args->>'report_id')::bigint FROM procrastinate_jobs "
    "WHERE status IN ('todo', 'doing') AND task_name IN (:enrich, :triage) "
    "AND args ? 'report_id'"
).bindparams(enrich=ENRICH_TASK, triage=TRIAGE_TASK)


@dataclass(frozen=True)
class Untriaged:
    id: int
    report_id: str
    received_at: datetime
    pending: bool  # a job that would triage it is waiting or running


def untriaged_reports(
    session: Session, *, older_than: timedelta, limit: int = 1000
) -> list[Untriaged]:
    """Reports received more than `older_than` ago, not retracted, with no triage record."""
    rows = session.execute(
        select(Report.id, Report.public_id, Report.received_at)
        .where(
            Report.status != ReportStatus.RETRACTED,
            Report.received_at < func.now() - older_than,
            ~exists().where(TriageRecord.report_id == Report.id),
        )
        .order_by(Report.received_at, Report.id)
        .limit(limit)
    ).all()
    pending = set(session.scalars(_PENDING)) if rows else set()
    return [Untriaged(row.id, row.public_id, row.received_at, row.id in pending) for row in rows]
