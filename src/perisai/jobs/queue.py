"""Deferring jobs inside the caller's transaction.

procrastinate's own `defer` uses a connection of its own; intake needs its jobs to commit with the
report (or not at all), so jobs are deferred through the request's SQLAlchemy session by calling
procrastinate's SQL function directly. The worker picks them up after the commit (its LISTEN
wakes it; it also polls).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

_DEFER_MANY = text(
    "SELECT unnest(procrastinate_defer_jobs_v1(ARRAY(SELECT ROW(j.queue, j.task, j.priority, "
    "j.lock, j.queueing_lock, j.args, j.scheduled_at)::procrastinate_job_to_defer_v1 "
    "FROM jsonb_to_recordset(CAST(:jobs AS jsonb)) AS j(queue text, task text, priority int, "
    "lock text, queueing_lock text, args jsonb, scheduled_at timestamptz)))) AS id"
)
_WAITING = text(
    "SELECT EXISTS (SELECT 1 FROM procrastinate_jobs WHERE status = 'todo' "
    "AND queueing_lock = :queueing_lock)"
)
_WAITING_AMONG = text(
    "SELECT queueing_lock FROM procrastinate_jobs WHERE status = 'todo' "
    "AND queueing_lock = ANY(CAST(:locks AS text[]))"
)


@dataclass(frozen=True)
class JobSpec:
    """One job for :func:`defer_many` or :func:`defer_once_many`."""

    task: str
    args: dict[str, Any]
    queue: str = "default"
    priority: int = 0
    lock: str | None = None
    queueing_lock: str | None = None
    scheduled_at: datetime | None = None


def defer(
    session: Session,
    *,
    task: str,
    args: dict[str, Any],
    queue: str = "default",
    priority: int = 0,
    lock: str | None = None,
    scheduled_at: datetime | None = None,
    queueing_lock: str | None = None,
) -> int:
    """Queue ``task`` with ``args`` in the session's transaction; return the job id."""
    job = JobSpec(task, args, queue, priority, lock, queueing_lock, scheduled_at)
    (job_id,) = defer_many(session, [job])
    return job_id


def defer_many(session: Session, jobs: Sequence[JobSpec]) -> list[int]:
    """Queue jobs with one statement in the session's transaction; the new job ids.

    Intake's group commit queues one job per report of a batch: one round trip instead of N.
    """
    if not jobs:
        return []
    payload = [
        {
            "queue": job.queue,
            "task": job.task,
            "priority": job.priority,
            "lock": job.lock,
            "queueing_lock": job.queueing_lock,
            "args": job.args,
            "scheduled_at": job.scheduled_at.isoformat() if job.scheduled_at else None,
        }
        for job in jobs
    ]
    return [int(job_id) for job_id in session.scalars(_DEFER_MANY, {"jobs": json.dumps(payload)})]


def defer_once(
    session: Session,
    *,
    task: str,
    args: dict[str, Any],
    queueing_lock: str,
    queue: str = "default",
    priority: int = 0,
    lock: str | None = None,
) -> int | None:
    """Queue ``task`` unless a job with the same queueing lock is waiting already.

    The waiting job will see everything this transaction commits, so one is enough; this keeps
    fan-out work (e.g. re-triage of every report a new link touches) from multiplying.
    """
    if session.scalar(_WAITING, {"queueing_lock": queueing_lock}):
        return None
    try:
        with session.begin_nested():
            return defer(
                session,
                task=task,
                args=args,
                queue=queue,
                priority=priority,
                lock=lock,
                queueing_lock=queueing_lock,
            )
    except IntegrityError:
        return None  # queued by another transaction between our look and our insert


def defer_once_many(session: Session, jobs: Sequence[JobSpec]) -> int:
    """As :func:`defer_once` for several jobs (each with a `queueing_lock`); how many were queued.

    One look and one insert for the lot; should another transaction queue one of the same locks
    between the two, the lot is queued one by one instead.
    """
    unique: dict[str, JobSpec] = {}
    for job in jobs:
        if job.queueing_lock is None:
            raise ValueError(f"{job.task}: defer_once_many needs a queueing lock")
        unique.setdefault(job.queueing_lock, job)
    if not unique:
        return 0
    waiting = set(session.scalars(_WAITING_AMONG, {"locks": list(unique)}))
    todo = [job for lock, job in unique.items() if lock not in waiting]
    try:
        with session.begin_nested():
            return len(defer_many(session, todo))
    except IntegrityError:
        queued = (
            defer_once(
                session,
                task=job.task,
                args=job.args,
                queue=job.queue,
                priority=job.priority,
                lock=job.lock,
                queueing_lock=str(job.queueing_lock),
            )
            for job in todo
        )
        return sum(1 for job_id in queued if job_id is not None)
