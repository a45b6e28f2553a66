"""Deferring jobs inside the caller's transaction.

procrastinate's own `defer` uses a connection of its own; intake needs its jobs to commit with the
report (or not at all), so jobs are deferred through the request's SQLAlchemy session by calling
procrastinate's SQL function directly. The worker picks them up after the commit (its LISTEN
wakes it; it also polls).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

_DEFER = text(
    "SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[ROW(:queue, :task, :priority, :lock, "
    "NULL, CAST(:args AS jsonb), :scheduled_at)::procrastinate_job_to_defer_v1])) AS id"
)


def defer(
    session: Session,
    *,
    task: str,
    args: dict[str, Any],
    queue: str = "default",
    priority: int = 0,
    lock: str | None = None,
    scheduled_at: datetime | None = None,
) -> int:
    """Queue ``task`` with ``args`` in the session's transaction; return the job id."""
    job_id = session.execute(
        _DEFER,
        {
            "queue": queue,
            "task": task,
            "priority": priority,
            "lock": lock,
            "args": json.dumps(args),
            "scheduled_at": scheduled_at,
        },
    ).scalar_one()
    return int(job_id)
