"""Queueing enrichment from intake: light (no engine imports), inside the caller's transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from perisai.jobs.queue import defer

ENRICH_TASK = "enrich.report"


def queue_enrichment(session: Session, *, report_id: int) -> int:
    """Defer the enrichment job; it commits with the report or not at all."""
    return defer(
        session,
        task=ENRICH_TASK,
        args={"report_id": report_id},
        queue="enrichment",
        lock=f"report:{report_id}",
    )
