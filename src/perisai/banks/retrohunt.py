"""Queueing a retro-hunt from a bank change: light (no engine imports), in the caller's transaction.

A hash added to a bank (one entry, an import, or re-enabled) is also matched backwards, against
the stored signals of reports received in the last `PERISAI_RETROHUNT_DAYS`. The bank write only
queues the job, in its own transaction: it stays fast, and the hunt commits with the entries or
not at all. The job (`perisai.enrichment.retrohunt`) owns the matching, the stored matches and
the re-triage.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from perisai.banks.names import RETROHUNT_QUEUE, RETROHUNT_TASK
from perisai.jobs.queue import defer


def queue_retrohunt(
    session: Session, *, bank_id: int, first_entry_id: int, last_entry_id: int
) -> int:
    """Queue the retro-hunt of the bank's entries with ids in ``[first, last]`` (those enabled
    when the job runs); returns the job id."""
    return defer(
        session,
        task=RETROHUNT_TASK,
        args={
            "bank_id": bank_id,
            "first_entry_id": first_entry_id,
            "last_entry_id": last_entry_id,
        },
        queue=RETROHUNT_QUEUE,
    )
