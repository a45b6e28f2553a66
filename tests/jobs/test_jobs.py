from __future__ import annotations

import gc
import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from perisai.config import Settings
from perisai.db.engine import Database
from perisai.jobs.queue import defer
from perisai.jobs.worker import JOBS, job, run_worker
from perisai.runtime import Runtime
from perisai.testing.database import drop_database, migrated_database

RAN: list[dict[str, object]] = []
_lock = threading.Lock()


@job("test.remember")
def remember(**kwargs: object) -> None:
    with _lock:
        RAN.append(kwargs)


def _jobs(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(text("procrastinate_jobs"))) or 0


def test_defer_joins_the_callers_transaction(db: Session) -> None:
    before = _jobs(db)
    with db.begin_nested() as savepoint:
        defer(db, task="test.remember", args={"n": 1})
        assert _jobs(db) == before + 1
        savepoint.rollback()
    assert _jobs(db) == before, "a rolled-back transaction must not leave its jobs behind"


def test_worker_runs_committed_jobs(pg_server: str, tmp_path: object) -> None:
    url = migrated_database(pg_server, "perisai_test_jobs")
    database = Database(url)
    runtime = Runtime(settings=Settings(data_dir=str(tmp_path)), db=database)
    try:
        with database.transaction() as session:
            defer(session, task="test.remember", args={"report_id": 7})
        RAN.clear()
        run_worker(runtime, concurrency=1, wait=False, install_signal_handlers=False)
        assert RAN == [{"report_id": 7}]
        assert "test.remember" in JOBS
    finally:
        database.dispose()
        drop_database(pg_server, "perisai_test_jobs")


def test_a_worker_processs_run_freezes_its_start_up_objects(
    pg_server: str, tmp_path: object
) -> None:
    """`perisai worker` runs with freeze_heap (perisai.heap); a test's run never freezes."""
    url = migrated_database(pg_server, "perisai_test_jobs_freeze")
    database = Database(url)
    runtime = Runtime(settings=Settings(data_dir=str(tmp_path)), db=database)
    assert gc.get_freeze_count() == 0
    try:
        run_worker(runtime, concurrency=1, wait=False, install_signal_handlers=False)
        assert gc.get_freeze_count() == 0
        run_worker(
            runtime, concurrency=1, wait=False, install_signal_handlers=False, freeze_heap=True
        )
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        database.dispose()
        drop_database(pg_server, "perisai_test_jobs_freeze")


def test_defer_once_keeps_one_waiting_job_per_lock(db: Session) -> None:
    from perisai.jobs.queue import defer_once

    before = _jobs(db)
    first = defer_once(db, task="test.remember", args={"n": 1}, queueing_lock="test:once")
    second = defer_once(db, task="test.remember", args={"n": 2}, queueing_lock="test:once")
    other = defer_once(db, task="test.remember", args={"n": 3}, queueing_lock="test:other")
    assert first is not None and other is not None
    assert second is None
    assert _jobs(db) == before + 2


def test_defer_once_many_skips_locks_already_waiting(db: Session) -> None:
    from perisai.jobs.queue import JobSpec, defer_once, defer_once_many

    before = _jobs(db)
    defer_once(db, task="test.remember", args={"n": 0}, queueing_lock="test:many-a")
    queued = defer_once_many(
        db,
        [
            JobSpec(task="test.remember", args={"n": 1}, queueing_lock="test:many-a"),  # waiting
            JobSpec(task="test.remember", args={"n": 2}, queueing_lock="test:many-b"),
            JobSpec(task="test.remember", args={"n": 3}, queueing_lock="test:many-b"),  # repeat
            JobSpec(task="test.remember", args={"n": 4}, queueing_lock="test:many-c"),
        ],
    )
    assert queued == 2
    assert _jobs(db) == before + 3
    assert defer_once_many(db, []) == 0


def test_defer_many_queues_every_job_with_its_arguments(db: Session) -> None:
    from sqlalchemy import text

    from perisai.jobs.queue import JobSpec, defer_many

    ids = defer_many(
        db,
        [
            JobSpec(task="test.remember", args={"n": n}, queue="enrichment", lock=f"l{n}")
            for n in range(3)
        ],
    )
    rows = db.execute(
        text("SELECT args, queue_name, lock FROM procrastinate_jobs WHERE id = ANY(:ids)"),
        {"ids": ids},
    ).all()
    assert sorted((row.args["n"], row.queue_name, row.lock) for row in rows) == [
        (0, "enrichment", "l0"),
        (1, "enrichment", "l1"),
        (2, "enrichment", "l2"),
    ]


def test_defer_once_many_falls_back_when_a_lock_was_taken_after_its_look(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import text

    from perisai.jobs import queue
    from perisai.jobs.queue import JobSpec, defer_once, defer_once_many

    defer_once(db, task="test.remember", args={"n": 0}, queueing_lock="test:race-a")
    # The look sees nothing waiting, as if test:race-a was queued by another transaction
    # between the look and the insert: the lot's insert fails, and each is queued on its own.
    monkeypatch.setattr(
        queue, "_WAITING_AMONG", text("SELECT NULL WHERE CAST(:locks AS text[]) IS NULL")
    )
    before = _jobs(db)
    queued = defer_once_many(
        db,
        [
            JobSpec(task="test.remember", args={"n": 1}, queueing_lock="test:race-a"),
            JobSpec(task="test.remember", args={"n": 2}, lock="l-b", queueing_lock="test:race-b"),
        ],
    )
    assert queued == 1
    assert _jobs(db) == before + 1
    lock = db.scalar(
        text("SELECT lock FROM procrastinate_jobs WHERE queueing_lock = 'test:race-b'")
    )
    assert lock == "l-b"  # the one-by-one path keeps each job's lock
