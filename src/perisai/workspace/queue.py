"""The triage queue page's rows, read through triage's `queue` (one query, keyset pages).

Triage decides what is open and which reports the viewer's agency may see (its own cases' reports;
the secretariat also sees reports in no case); this module only shapes rows for the template.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from perisai.sharing.redaction import Viewer
from perisai.triage.service import QueueFilter, QueueItem, TriageError, queue

PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueRow:
    public_id: str
    priority: int
    incident_type: str
    received_at: datetime
    review_due_at: datetime
    reviewed: bool
    first_reason: dict[str, Any]  # the override when there is one, else the most urgent reason
    reason_count: int
    case_public_id: str | None
    overridden: bool

    def review_overdue(self, now: datetime) -> bool:
        return not self.reviewed and self.review_due_at <= now


@dataclass(frozen=True)
class QueueView:
    rows: list[QueueRow]
    next_cursor: str | None
    prev_cursor: str | None = None
    total: int | None = None
    offset: int = 0


def _first_reason(item: QueueItem) -> dict[str, Any]:
    if item.overridden:
        return {
            "priority": int(item.priority),
            "rule": "override",
            "text": f"{item.priority.label} (override): {item.override_reason or ''}",
            "params": {"reason": item.override_reason or ""},
        }
    if item.reason_details:
        return dict(item.reason_details[0])
    return {"text": item.reasons[0]} if item.reasons else {}


def queue_page(
    session: Session,
    *,
    viewer: Viewer,
    limit: int = PAGE_SIZE,
    cursor: str | None = None,
    before: str | None = None,
    filters: QueueFilter | None = None,
    count: bool = False,
) -> QueueView:
    """One page of the queue; a cursor the queue did not give out means the first page."""
    # After five runs of a prepared statement PostgreSQL may switch to a generic plan; for an
    # agency's need-to-know filter that plan scans the whole queue (35 ms → 220 ms at 100,000
    # reports). Custom plans for this request's transaction only.
    session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    try:
        page = queue(
            session,
            viewer=viewer,
            limit=limit,
            cursor=cursor or None,
            before=before or None,
            filters=filters,
            count=count,
        )
    except TriageError:
        page = queue(session, viewer=viewer, limit=limit, filters=filters, count=count)
    return QueueView(
        rows=[
            QueueRow(
                public_id=item.public_id,
                priority=int(item.priority),
                incident_type=item.incident_type,
                received_at=item.received_at,
                review_due_at=item.review_due_at,
                reviewed=item.reviewed_at is not None,
                first_reason=_first_reason(item),
                reason_count=len(item.reasons),
                case_public_id=item.case_public_id,
                overridden=item.overridden,
            )
            for item in page.items
        ],
        next_cursor=page.next_cursor,
        prev_cursor=page.prev_cursor,
        total=page.total,
        offset=page.offset,
    )
