"""The retention job: `victims.retention`, daily at 03:15 Malaysia time (19:15 UTC).

Erases the victim records the schedule says are due (not on legal hold) and shreds report
victims linked to no record once their report is older than the schedule keeps them, and
reports' sealed extras (the hotline contact, intended recipients) when due
(victims/retention.py), then replays the erasure ledger. The same as `perisai victims
retention --apply` followed by `perisai victims keys reconcile`.
"""

from __future__ import annotations

from perisai.audit.service import Actor
from perisai.jobs.worker import current_runtime, job
from perisai.victims import service

RETENTION_TASK = "victims.retention"
RETENTION_ACTOR = Actor(kind="system", id="victims.retention")


@job(RETENTION_TASK, cron="15 19 * * *")
def retention_job(timestamp: int) -> None:
    del timestamp  # whatever the tick, the schedule is read against the time of the run
    runtime = current_runtime()
    with runtime.db.transaction() as session:
        service.apply_retention(session, runtime.keyring, actor=RETENTION_ACTOR)
    # Then the erasure ledger is replayed (idempotent): an erasure interrupted after its ledger
    # line is completed, and a restored store or database is corrected within a day even if
    # the operator forgot to run `perisai victims keys reconcile` after the restore.
    with runtime.db.transaction() as session:
        service.reconcile(session, runtime.keyring, actor=RETENTION_ACTOR)
