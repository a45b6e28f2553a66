"""Batches of one task's jobs: the job a worker fetched takes up to N more waiting jobs of its
task and runs them all in one transaction.

Why: a pipeline job's own work is small next to what every job costs around it (procrastinate's
fetch and finish, a transaction with its audit-chain write, the webhook dispatcher's wake-up and
then one dispatch run per commit). With a backlog, one job for N reports pays that once.

How, and what it keeps:
- The job procrastinate fetched (`doing`) *claims* up to N-1 more due jobs of the same task and
  queue, in a transaction of their own that commits at once: `todo` → `doing`, under the fetched
  job's worker, with the rules of procrastinate's fetch (`FOR UPDATE SKIP LOCKED`, so two workers
  never claim the same job; not a job whose `lock` another running or earlier waiting job holds).
  Claimed jobs are `doing` as a fetched job is: a deferrer's queueing lock no longer counts them
  as waiting, and a worker that dies leaves them to stalled-job recovery (`jobs/stalled.py`),
  which retries them as it retries the fetched one.
- The lot runs in one transaction, which also marks the claimed jobs `succeeded`: the work and
  its jobs' end commit together or not at all.
- A job may gather for a moment (`gather`): it claims again every GATHER_STEP until its limit
  or the gathering time, and jobs of one task gather one at a time (see `_gather`). Why:
  batches are what make a job cheap, and they form by themselves only while a backlog waits;
  idle lanes fetching the jobs of a trickle, or of a lot that arrives at once, would otherwise
  each run a batch of one or two. A job waits at most `gather` for its batch, plus the turns
  of the jobs gathering before it.
- If the lot fails, each job runs again alone, in a transaction of its own: one bad report never
  holds up the others. A claimed job that fails alone is retried later (procrastinate's retry,
  one attempt used); the fetched job's failure is raised, so procrastinate retries it. Jobs that
  have failed before (attempts > 0) are never claimed: they run alone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from perisai.jobs.fetch import LOCK_FREE
from perisai.jobs.stalled import RELEASE_QUEUEING_LOCK
from perisai.runtime import Runtime

log = logging.getLogger(__name__)

# The id of the procrastinate job this thread runs (set by the worker around each task).
_CURRENT_JOB: ContextVar[int | None] = ContextVar("perisai_current_job", default=None)

# A claimed job that fails on its own runs again this much later (procrastinate's backoff
# starts at 2 s too).
RETRY_DELAY = timedelta(seconds=2)
# Between two claims while a batch gathers.
GATHER_STEP = 0.05

_CLAIM = text(
    "WITH picked AS MATERIALIZED (SELECT jobs.id FROM procrastinate_jobs jobs "  # noqa: S608 - constants
    "WHERE jobs.status = 'todo' AND jobs.task_name = :task AND jobs.queue_name = :queue "
    "AND jobs.attempts = 0 AND jobs.id <> :own "
    "AND (jobs.scheduled_at IS NULL OR jobs.scheduled_at <= now()) AND "
    # As procrastinate's fetch (and the lanes', `jobs/fetch.py`): not while a job of the same
    # lock runs or waits before it.
    + LOCK_FREE
    + "ORDER BY jobs.priority DESC, jobs.id LIMIT :limit FOR UPDATE OF jobs SKIP LOCKED) "
    "UPDATE procrastinate_jobs SET status = 'doing', "
    "worker_id = (SELECT own.worker_id FROM procrastinate_jobs own WHERE own.id = :own) "
    "FROM picked WHERE procrastinate_jobs.id = picked.id "
    "RETURNING procrastinate_jobs.id, procrastinate_jobs.args"
)
# As procrastinate_finish_job_v1 does for a job that ran: one attempt used, succeeded.
_FINISH = text(
    "UPDATE procrastinate_jobs SET status = 'succeeded', attempts = attempts + 1, "
    "abort_requested = false WHERE id = ANY(CAST(:ids AS bigint[])) AND status = 'doing'"
)
_RETRY = text(
    "SELECT procrastinate_retry_job_v2(:id, now() + make_interval(secs => :delay), "
    "NULL, NULL, NULL)"
)


def current_job_id() -> int | None:
    """The procrastinate job this code runs in (None outside the worker)."""
    return _CURRENT_JOB.get()


@contextmanager
def running_job(job_id: int | None) -> Iterator[None]:
    """Mark the job this thread runs (the worker's wrapper, and benchmarks that run tasks)."""
    token = _CURRENT_JOB.set(job_id)
    try:
        yield
    finally:
        _CURRENT_JOB.reset(token)


@dataclass(frozen=True)
class Claimed:
    job_id: int
    args: dict[str, Any]


def claim(session: Session, *, own: int, task: str, queue: str, limit: int) -> list[Claimed]:
    """Up to `limit` due jobs of `task` in `queue`, now `doing` under the worker running `own`."""
    if limit <= 0:
        return []
    rows = session.execute(_CLAIM, {"own": own, "task": task, "queue": queue, "limit": limit})
    return sorted((Claimed(int(r.id), dict(r.args)) for r in rows), key=lambda c: c.job_id)


def finish(session: Session, job_ids: Sequence[int]) -> None:
    """Mark claimed jobs succeeded (in the transaction that did their work)."""
    if job_ids:
        session.execute(_FINISH, {"ids": list(job_ids)})


def retry_later(session: Session, job_id: int, delay: timedelta = RETRY_DELAY) -> None:
    session.execute(RELEASE_QUEUEING_LOCK, {"id": job_id})
    session.execute(_RETRY, {"id": job_id, "delay": delay.total_seconds()})


# Runs the work of several jobs (their args, in job order) inside the caller's transaction.
Work = Callable[[Session, list[dict[str, Any]]], None]


def run_batch(
    runtime: Runtime,
    *,
    task: str,
    queue: str,
    args: dict[str, Any],
    limit: int,
    work: Work,
    gather: float = 0.0,
) -> int:
    """Run this job (`args`) with up to `limit - 1` claimed jobs of its task; how many ran.

    `gather`: seconds to go on claiming while jobs keep arriving (see the module's docstring).
    Outside the worker (no current job) only this job runs.
    """
    own = current_job_id()
    claimed: list[Claimed] = []
    if own is not None and limit > 1:
        claimed = _gather(runtime, own=own, task=task, queue=queue, limit=limit - 1, for_=gather)
    if not claimed:
        with runtime.db.transaction() as session:
            work(session, [args])
        return 1
    try:
        with runtime.db.transaction() as session:
            work(session, [args, *(c.args for c in claimed)])
            finish(session, [c.job_id for c in claimed])
        return 1 + len(claimed)
    except Exception:
        log.exception("a batch of %d %s jobs failed: each runs again alone", 1 + len(claimed), task)
    for item in claimed:
        _run_claimed_alone(runtime, task, item, work)
    with runtime.db.transaction() as session:
        work(session, [args])  # a failure here is this job's: procrastinate retries it
    return 1 + len(claimed)


# One gathering batch of a task at a time, across worker processes (a two-int advisory key:
# one-bigint keys announce outbox ids, `sharing/stream.py`).
_GATHER_LOCK = text("SELECT pg_advisory_xact_lock(1349, hashtext(:task))")


def _gather(
    runtime: Runtime, *, own: int, task: str, queue: str, limit: int, for_: float
) -> list[Claimed]:
    """Claim up to `limit` jobs; with `for_` > 0, go on claiming until the limit or `for_`
    seconds after this job's turn to gather came.

    One job of a task gathers at a time, the others wait their turn: when a lot of jobs
    arrives at once (an enrichment batch queues 20 triages), several idle lanes each fetch one
    of them, and if each then claimed what it could, the lot would split into batches of one or
    two (in a drain, 391 of 600 triage transactions held one report, each paying a whole
    transaction and the audit chain's lock). Taking turns, the first takes the lot and the
    next the jobs that arrive after it.
    """
    with runtime.db.transaction() as session:
        if for_ > 0:
            session.execute(_GATHER_LOCK, {"task": task})  # held until this claim commits
        deadline = time.monotonic() + for_
        claimed: list[Claimed] = []
        while True:
            claimed += claim(session, own=own, task=task, queue=queue, limit=limit - len(claimed))
            if len(claimed) >= limit or time.monotonic() + GATHER_STEP > deadline:
                return sorted(claimed, key=lambda c: c.job_id)
            time.sleep(GATHER_STEP)


def _run_claimed_alone(runtime: Runtime, task: str, item: Claimed, work: Work) -> None:
    try:
        with runtime.db.transaction() as session:
            work(session, [item.args])
            finish(session, [item.job_id])
    except Exception:
        log.exception("job %d (%s) failed: retried later", item.job_id, task)
    else:
        return
    try:
        with runtime.db.transaction() as session:
            retry_later(session, item.job_id)
    except Exception:  # the others still run; this one waits for stalled-job recovery
        log.exception("job %d (%s) could not be put back in the queue", item.job_id, task)
