"""Queueing enrichment from intake: light (no engine imports), inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from perisai.jobs.queue import JobSpec, defer, defer_many

ENRICH_TASK = "enrich.report"
ENRICH_QUEUE = "enrichment"


def _lock(report_id: int) -> str:
    return f"report:{report_id}"


def queue_enrichment(session: Session, *, report_id: int) -> int:
    """Defer the enrichment job; it commits with the report or not at all."""
    return defer(
        session,
        task=ENRICH_TASK,
        args={"report_id": report_id},
        queue=ENRICH_QUEUE,
        lock=_lock(report_id),
    )


def queue_enrichments(session: Session, report_ids: Sequence[int]) -> list[int]:
    """As :func:`queue_enrichment` for several reports, with one statement."""
    return defer_many(
        session,
        [
            JobSpec(
                task=ENRICH_TASK,
                args={"report_id": report_id},
                queue=ENRICH_QUEUE,
                lock=_lock(report_id),
            )
            for report_id in report_ids
        ],
    )
