"""A lane's fetch from its own queue (`jobs/fetch.py`): procrastinate's rules (priority, then
age; due jobs only; a lock held or waited for earlier blocks), and the index by queue serving it
when another queue holds a backlog."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator

import procrastinate
import psycopg
import pytest

from perisai.jobs.fetch import FETCH_FROM_QUEUE, QueueJobManager
from perisai.jobs.worker import conninfo
from perisai.testing.database import drop_database, migrated_database

_INDEX = "procrastinate_jobs_waiting_queue_idx_perisai"


@pytest.fixture(scope="module")
def fetch_db(pg_server: str) -> Iterator[str]:
    name = f"perisai_test_fetch_{os.getpid()}"
    url = migrated_database(pg_server, name)
    yield conninfo(url)
    drop_database(pg_server, name)


@pytest.fixture
def jobs_table(fetch_db: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    with psycopg.connect(fetch_db, autocommit=True) as connection:
        connection.execute("DELETE FROM procrastinate_jobs")
        yield connection
        connection.execute("DELETE FROM procrastinate_jobs")


def _job(
    connection: psycopg.Connection[tuple[object, ...]],
    queue: str,
    task: str,
    *,
    priority: int = 0,
    lock: str | None = None,
    status: str = "todo",
    later: bool = False,
) -> int:
    row = connection.execute(
        "INSERT INTO procrastinate_jobs (queue_name, task_name, priority, lock, args, status, "
        "scheduled_at) VALUES (%s, %s, %s, %s, '{}', %s, "
        "CASE WHEN %s THEN now() + interval '1 hour' END) RETURNING id",
        (queue, task, priority, lock, status, later),
    ).fetchone()
    assert row is not None
    return int(str(row[0]))


def _fetch_all(url: str, queue: str, *, skip: tuple[str, ...] = ()) -> list[int]:
    """Fetch from `queue` until nothing is left; the ids in the order fetched."""

    async def run() -> list[int]:
        app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=url))
        async with app.open_async():
            manager = QueueJobManager(app.connector)
            worker = await manager.register_worker()
            fetched: list[int] = []
            while found := await manager.fetch_job_skipping([queue], worker, skip=skip):
                assert found.id is not None
                fetched.append(found.id)
            return fetched

    return asyncio.run(run())


def test_a_lane_fetches_its_queue_by_priority_then_age_and_only_due_jobs(
    fetch_db: str, jobs_table: psycopg.Connection[tuple[object, ...]]
) -> None:
    _job(jobs_table, "enrichment", "enrich.report")  # oldest, but another queue's
    old = _job(jobs_table, "default", "triage.report")
    urgent = _job(jobs_table, "default", "triage.report", priority=10)
    _job(jobs_table, "default", "triage.report", later=True)  # not due yet
    _job(jobs_table, "default", "triage.report", status="succeeded")
    assert _fetch_all(fetch_db, "default") == [urgent, old]


def test_a_lock_held_or_waited_for_earlier_blocks_the_job(
    fetch_db: str, jobs_table: psycopg.Connection[tuple[object, ...]]
) -> None:
    _job(jobs_table, "default", "triage.report", lock="triage:1", status="doing")
    _job(jobs_table, "default", "triage.report", lock="triage:1")  # its lock is running
    first = _job(jobs_table, "default", "triage.report", lock="triage:2")
    _job(jobs_table, "default", "triage.report", lock="triage:2")  # waits behind `first`
    free = _job(jobs_table, "default", "triage.report", lock="triage:3")
    assert _fetch_all(fetch_db, "default") == [first, free]


def test_skipped_tasks_stay_where_they_are(
    fetch_db: str, jobs_table: psycopg.Connection[tuple[object, ...]]
) -> None:
    _job(jobs_table, "default", "triage.report")
    sweep = _job(jobs_table, "default", "triage.sla_sweep")
    assert _fetch_all(fetch_db, "default", skip=("triage.report",)) == [sweep]
    waiting = jobs_table.execute(
        "SELECT task_name FROM procrastinate_jobs WHERE status = 'todo'"
    ).fetchall()
    assert waiting == [("triage.report",)]


def test_the_index_by_queue_serves_a_fetch_behind_another_queues_backlog(
    fetch_db: str, jobs_table: psycopg.Connection[tuple[object, ...]]
) -> None:
    jobs_table.execute(
        "INSERT INTO procrastinate_jobs (queue_name, task_name, lock, args) "
        "SELECT 'enrichment', 'enrich.report', 'report:' || g, '{}' "
        "FROM generate_series(1, 5000) AS g"
    )
    _job(jobs_table, "default", "triage.report")
    jobs_table.execute("ANALYZE procrastinate_jobs")
    plan = jobs_table.execute(
        "EXPLAIN " + FETCH_FROM_QUEUE,
        {"queue": "default", "skip": [], "worker_id": None},
    ).fetchall()
    assert any(_INDEX in str(line[0]) for line in plan), plan
