"""A lane's fetch: the first due job of its queue, found on an index of waiting jobs by queue.

procrastinate's fetch (`procrastinate_fetch_job_v2`) takes `queue_name = ANY(queues)` and walks
its index of every waiting job in (priority, id) order, filtering out the other queues' jobs.
Each lane of this worker fetches from one queue (`worker.LANES`), so after a burst the triage
lane walked past the whole enrichment backlog on every fetch: with 18,000 enrichment jobs
waiting, fetches were PostgreSQL's largest cost in a drain (7,237 fetches, 83 s; issue #12).
Here a one-queue fetch asks `queue_name = %(queue)s`, which the index of migration jobs_0004,
(queue_name, priority DESC, id) of waiting jobs, serves in order. Otherwise the same rules as
procrastinate's: not while a job of the same lock runs or waits before it, due jobs only,
highest priority then oldest first, `FOR UPDATE SKIP LOCKED`.

`skip` leaves tasks where they are (the intake gate's yielding tasks, `jobs/gate.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, LiteralString

from procrastinate import jobs as jobs_module
from procrastinate import manager

# As procrastinate's fetch: not while a job of the same lock runs, or waits before this one.
LOCK_FREE: LiteralString = (
    "NOT EXISTS (SELECT 1 FROM procrastinate_jobs AS other WHERE jobs.lock IS NOT NULL "
    "AND other.lock = jobs.lock AND (other.status = 'doing' OR (other.status = 'todo' "
    "AND (other.priority > jobs.priority OR (other.priority = jobs.priority "
    "AND other.id < jobs.id))))) "
)
_TAKE: LiteralString = (
    "AND jobs.task_name <> ALL(%(skip)s::varchar[]) "
    "AND (jobs.scheduled_at IS NULL OR jobs.scheduled_at <= now()) "
    "ORDER BY jobs.priority DESC, jobs.id ASC LIMIT 1 FOR UPDATE OF jobs SKIP LOCKED), "
    "taken AS (UPDATE procrastinate_jobs SET status = 'doing', worker_id = %(worker_id)s "
    "FROM candidate WHERE procrastinate_jobs.id = candidate.id "
    "RETURNING procrastinate_jobs.*) "
    "SELECT taken.id, taken.status, taken.task_name, taken.priority, taken.lock, "
    "taken.queueing_lock, taken.args, taken.scheduled_at, taken.queue_name, taken.attempts, "
    "taken.worker_id FROM (SELECT 1) AS one LEFT JOIN taken ON true"
)
FETCH_FROM_QUEUE: LiteralString = (
    "WITH candidate AS (SELECT jobs.id FROM procrastinate_jobs AS jobs WHERE "  # noqa: S608 - constants
    + LOCK_FREE
    + "AND jobs.status = 'todo' AND jobs.queue_name = %(queue)s "
    + _TAKE
)
FETCH_FROM_QUEUES: LiteralString = (
    "WITH candidate AS (SELECT jobs.id FROM procrastinate_jobs AS jobs WHERE "  # noqa: S608 - constants
    + LOCK_FREE
    + "AND jobs.status = 'todo' "
    "AND (%(queues)s::varchar[] IS NULL OR jobs.queue_name = ANY(%(queues)s::varchar[])) " + _TAKE
)


class QueueJobManager(manager.JobManager):
    """procrastinate's job manager, whose fetch from one queue uses the index by queue."""

    async def fetch_job(
        self, queues: Iterable[str] | None, worker_id: int
    ) -> jobs_module.Job | None:
        return await self.fetch_job_skipping(queues, worker_id, skip=())

    async def fetch_job_skipping(
        self, queues: Iterable[str] | None, worker_id: int, *, skip: Iterable[str]
    ) -> jobs_module.Job | None:
        """As :meth:`fetch_job`, leaving the jobs of the `skip` tasks where they are."""
        names = list(queues) if queues is not None else None
        skipped = sorted(skip)
        row: dict[str, Any]
        if names is not None and len(names) == 1:
            row = await self.connector.execute_query_one_async(
                query=FETCH_FROM_QUEUE, queue=names[0], skip=skipped, worker_id=worker_id
            )
        elif not skipped:
            return await super().fetch_job(queues=names, worker_id=worker_id)
        else:
            row = await self.connector.execute_query_one_async(
                query=FETCH_FROM_QUEUES, queues=names, skip=skipped, worker_id=worker_id
            )
        if row["id"] is None:
            return None
        return jobs_module.Job.from_row(row)
