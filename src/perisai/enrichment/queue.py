"""Queueing enrichment from intake: light (no engine imports), inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from perisai.enrichment.names import ENRICH_QUEUE, ENRICH_TASK
from perisai.jobs.queue import JobSpec, defer_many


def enrichment_lock(report_id: int) -> str:
    """The lock of the report's enrichment jobs (two never run at once)."""
    return f"report:{report_id}"


def _job(report_id: int) -> JobSpec:
    return JobSpec(
        task=ENRICH_TASK,
        args={"report_id": report_id},
        queue=ENRICH_QUEUE,
        lock=enrichment_lock(report_id),
    )


def queue_enrichment(session: Session, *, report_id: int) -> int:
    """Defer the enrichment job; it commits with the report or not at all."""
    (job_id,) = defer_many(session, [_job(report_id)])
    return job_id


def queue_enrichments(session: Session, report_ids: Sequence[int]) -> list[int]:
    """As :func:`queue_enrichment` for several reports, with one statement."""
    return defer_many(session, [_job(report_id) for report_id in report_ids])
