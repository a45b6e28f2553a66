"""Jobs whose worker died: found by the worker's heartbeat and put back in the queue.

procrastinate marks a job `doing` when a worker takes it and records the worker's heartbeat
(`procrastinate_workers.last_heartbeat`, every `HEARTBEAT_SECONDS`). A worker killed with
SIGKILL, or stopped while a job ran, leaves its jobs `doing` for ever: nothing in procrastinate
retries them by itself. Every worker therefore looks, at start and then every
`RECOVERY_INTERVAL_SECONDS`, for `doing` jobs whose worker is gone (unregistered) or silent for
longer than `PERISAI_JOB_STALLED_SECONDS`, and retries them (status `todo`, one more attempt);
a job that has already used its attempts is marked `failed` instead, so a job that kills its
worker cannot loop for ever. Rows are locked `SKIP LOCKED`, so two workers never retry the
same job twice.

A retried job may have run partly (or, if its worker was merely slow, may still be running):
jobs are written to be safe to run again (enrichment and triage rewrite their results; webhook
deliveries are at-least-once by contract).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.orm import Session

HEARTBEAT_SECONDS = 10.0
RECOVERY_INTERVAL_SECONDS = 30.0
MAX_ATTEMPTS = 10  # as DEFAULT_RETRY: a stalled job gets no more runs than a failing one

_STALLED = text(
    "SELECT job.id, job.task_name, job.attempts FROM procrastinate_jobs job "
    "LEFT JOIN procrastinate_workers worker ON worker.id = job.worker_id "
    "WHERE job.status = 'doing' AND (worker.id IS NULL OR worker.last_heartbeat < "
    "now() - make_interval(secs => :seconds)) "
    "ORDER BY job.id FOR UPDATE OF job SKIP LOCKED"
)
_RETRY = text("SELECT procrastinate_retry_job_v2(:id, now(), NULL, NULL, NULL)")
# A job goes back to `todo` with its queueing lock: if another job of that lock waits already
# (a coalesced triage queued meanwhile), the retry would break the lock's unique index and fail
# (procrastinate then leaves the job `doing` for good). The waiting one does the same work, so
# the retried job gives its lock up instead; both run.
RELEASE_QUEUEING_LOCK = text(
    "UPDATE procrastinate_jobs job SET queueing_lock = NULL WHERE job.id = :id "
    "AND job.queueing_lock IS NOT NULL AND EXISTS (SELECT 1 FROM procrastinate_jobs other "
    "WHERE other.queueing_lock = job.queueing_lock AND other.status = 'todo' "
    "AND other.id <> job.id)"
)
_FAIL = text("SELECT procrastinate_finish_job_v1(:id, 'failed', false)")


@dataclass
class Recovered:
    retried: list[tuple[int, str]] = field(default_factory=list)  # (job id, task)
    failed: list[tuple[int, str]] = field(default_factory=list)


def recover_stalled(
    session: Session, *, stalled_seconds: float, max_attempts: int = MAX_ATTEMPTS
) -> Recovered:
    """Retry (or fail, past `max_attempts`) the `doing` jobs of dead or silent workers."""
    found = Recovered()
    for job_id, task, attempts in session.execute(_STALLED, {"seconds": stalled_seconds}).all():
        if attempts + 1 >= max_attempts:
            session.execute(_FAIL, {"id": job_id})
            found.failed.append((job_id, task))
        else:
            session.execute(RELEASE_QUEUEING_LOCK, {"id": job_id})
            session.execute(_RETRY, {"id": job_id})
            found.retried.append((job_id, task))
    return found


_COUNTS = text(
    "SELECT "
    "count(*) FILTER (WHERE job.status = 'doing' AND (worker.id IS NULL OR "
    "worker.last_heartbeat < now() - make_interval(secs => :seconds))) AS stalled, "
    "count(*) FILTER (WHERE job.status = 'failed') AS failed, "
    "count(*) FILTER (WHERE job.status = 'todo') AS waiting "
    "FROM procrastinate_jobs job "
    "LEFT JOIN procrastinate_workers worker ON worker.id = job.worker_id"
)


@dataclass(frozen=True)
class JobCounts:
    stalled: int
    failed: int
    waiting: int


def job_counts(session: Session, *, stalled_seconds: float) -> JobCounts:
    row = session.execute(_COUNTS, {"seconds": stalled_seconds}).one()
    return JobCounts(stalled=int(row.stalled), failed=int(row.failed), waiting=int(row.waiting))
