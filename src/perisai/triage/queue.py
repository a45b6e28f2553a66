"""Queueing triage: the task name triage owns, and the one way other code asks for a triage.

Enrichment asks through its `enrichment.reports_enriched` hook (it sits below triage and does
not import it); triage itself re-triages the reports a new link touches.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from perisai.jobs.queue import JobSpec, defer_many, defer_once_many
from perisai.triage.names import TRIAGE_TASK


def queue_triage(session: Session, report_ids: Sequence[int], *, coalesce: bool = False) -> None:
    """Triage these reports in jobs of their own, committed with the caller's transaction.

    `coalesce`: at most one waiting triage per report (the waiting one reads what this commits),
    for callers that may ask many times for the same report (links, retro-hunts).
    """
    if coalesce:
        defer_once_many(
            session,
            [
                JobSpec(task=TRIAGE_TASK, args={"report_id": rid}, queueing_lock=f"triage:{rid}")
                for rid in report_ids
            ],
        )
    else:
        defer_many(
            session, [JobSpec(task=TRIAGE_TASK, args={"report_id": rid}) for rid in report_ids]
        )


def triage_enriched(session: Session, report_ids: Sequence[int], *, coalesce: bool) -> None:
    """Registered at `enrichment.reports_enriched`: triage runs on the finished enrichment."""
    queue_triage(session, report_ids, coalesce=coalesce)
