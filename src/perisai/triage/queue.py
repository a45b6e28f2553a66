"""Queueing triage: the task name triage owns, and the one way other code asks for a triage.

Enrichment asks through its `enrichment.reports_enriched` hook (it sits below triage and does
not import it); triage itself re-triages the reports a new link touches.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session

from perisai.enrichment.names import ENRICH_TASK
from perisai.enrichment.queue import enrichment_lock
from perisai.jobs.queue import JobSpec, defer_many, defer_once_many
from perisai.triage.names import TRIAGE_TASK


def queue_triage(session: Session, report_ids: Sequence[int], *, coalesce: bool = False) -> None:
    """Triage these reports in jobs of their own, committed with the caller's transaction.

    `coalesce`: at most one waiting triage per report (the waiting one reads what this commits),
    for callers that may ask many times for the same report (links, retro-hunts).
    """
    # `lock`: two triages of one report never run at once, in any worker process (the second
    # would find no record to lock and fail on inserting its own, then be retried).
    if coalesce:
        defer_once_many(
            session,
            [
                JobSpec(
                    task=TRIAGE_TASK,
                    args={"report_id": rid},
                    lock=f"triage:{rid}",
                    queueing_lock=f"triage:{rid}",
                )
                for rid in report_ids
            ],
        )
    else:
        defer_many(
            session,
            [
                JobSpec(task=TRIAGE_TASK, args={"report_id": rid}, lock=f"triage:{rid}")
                for rid in report_ids
            ],
        )


def triage_enriched(session: Session, report_ids: Sequence[int], *, coalesce: bool) -> None:
    """Registered at `enrichment.reports_enriched`: triage runs on the finished enrichment.

    Always coalesced, whatever the caller asks: a triage of the report already waiting runs
    after this commit and reads the finished enrichment, so a second one would only repeat it
    (and a re-triage queued by a new link before the first triage ran is then that triage).
    """
    del coalesce  # one waiting triage per report is right for every caller
    queue_triage(session, report_ids, coalesce=True)


_STARTING_LATER = text(
    "SELECT (args->>'report_id')::bigint FROM procrastinate_jobs WHERE "
    "(status IN ('todo', 'doing') AND task_name = :task AND lock = ANY(CAST(:locks AS text[]))) "
    "OR "
    "(status IN ('todo', 'doing') AND task_name = :enrich AND lock = ANY(CAST(:enriching AS "
    "text[])))"
).bindparams(task=TRIAGE_TASK, enrich=ENRICH_TASK)


def triaged_after(session: Session, report_ids: Sequence[int]) -> set[int]:
    """Of these reports, those a triage job will triage after this transaction commits: their
    triage job waits in the queue, or is `doing` but waits for a linking key's lock
    (`triage/jobs.py`), which the caller holds (either way it has read nothing yet and will read
    what this commits); or their enrichment waits or runs, which queues their triage when it
    commits. (Queuing one here as well raced enrichment's own insert of it and could deadlock on
    the queueing lock.) After a burst most linked reports are in one of these states; asking
    here spares queueing (a look at the queueing locks, an insert) a job that exists already.

    Only for callers holding the locks of the keys linking them: then no other triage of them
    has read anything yet.
    """
    if not report_ids:
        return set()
    locks = [f"triage:{rid}" for rid in report_ids]
    enriching = [enrichment_lock(rid) for rid in report_ids]
    return {
        int(rid)
        for rid in session.scalars(_STARTING_LATER, {"locks": locks, "enriching": enriching})
    }
