"""What other domains read of triage through their hooks (cases: `cases.report_triage`)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.cases.hooks import ReportTriage
from perisai.triage.models import TriageRecord


def report_triage(session: Session, report_ids: Collection[int]) -> dict[int, ReportTriage]:
    rows = session.scalars(select(TriageRecord).where(TriageRecord.report_id.in_(report_ids)))
    return {
        row.report_id: ReportTriage(
            priority=row.priority, review_due_at=row.review_due_at, reasons=list(row.reasons or [])
        )
        for row in rows
    }
