"""The triage queue: triaged reports by priority, then review due time, then id (one query).

Reads `triage_record` (A's table, indexed for exactly this order) joined to the report's few
columns the row shows, with keyset pagination so that page N costs the same as page 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from perisai.reports.models import Report
from perisai.triage.models import TriageRecord

PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueRow:
    public_id: str
    priority: int
    incident_type: str
    received_at: datetime
    review_due_at: datetime
    action_due_at: datetime | None
    reviewed: bool
    first_reason: str
    reason_count: int
    cursor: str

    def review_overdue(self, now: datetime) -> bool:
        return not self.reviewed and self.review_due_at <= now


def encode_cursor(priority: int, due: datetime, report_id: int) -> str:
    return f"{priority}_{due.timestamp():.6f}_{report_id}"


def decode_cursor(text: str | None) -> tuple[int, datetime, int] | None:
    """`None` for no cursor or a malformed one (the first page is the safe answer)."""
    if not text:
        return None
    parts = text.split("_")
    if len(parts) != 3:
        return None
    try:
        priority = int(parts[0])
        due = datetime.fromtimestamp(float(parts[1]), UTC)
        report_id = int(parts[2])
    except (ValueError, OverflowError, OSError):
        return None
    return priority, due, report_id


def _first_reason(reasons: list[dict[str, object]]) -> str:
    for reason in reasons:
        text = reason.get("text")
        if isinstance(text, str):
            return text
    return ""


def queue_page(
    session: Session, *, limit: int = PAGE_SIZE, cursor: str | None = None
) -> list[QueueRow]:
    """One page of the queue, open reports first by priority and SLA review due time."""
    query = (
        select(
            Report.public_id,
            Report.incident_type,
            TriageRecord.report_id,
            TriageRecord.priority,
            TriageRecord.received_at,
            TriageRecord.review_due_at,
            TriageRecord.action_due_at,
            TriageRecord.reviewed_at,
            TriageRecord.reasons,
        )
        .join(Report, Report.id == TriageRecord.report_id)
        .order_by(TriageRecord.priority, TriageRecord.review_due_at, TriageRecord.report_id)
        .limit(limit)
    )
    after = decode_cursor(cursor)
    if after is not None:
        query = query.where(
            tuple_(TriageRecord.priority, TriageRecord.review_due_at, TriageRecord.report_id)
            > tuple_(*after)
        )
    return [
        QueueRow(
            public_id=row.public_id,
            priority=row.priority,
            incident_type=row.incident_type,
            received_at=row.received_at,
            review_due_at=row.review_due_at,
            action_due_at=row.action_due_at,
            reviewed=row.reviewed_at is not None,
            first_reason=_first_reason(row.reasons or []),
            reason_count=len(row.reasons or []),
            cursor=encode_cursor(row.priority, row.review_due_at, row.report_id),
        )
        for row in session.execute(query)
    ]
