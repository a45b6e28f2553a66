"""Batches (`jobs/batch.py`): a fetched job runs waiting jobs of its task with its own; a job
that fails alone does not stop the others; two workers never claim the same job; the pipeline's
jobs, batched by a real worker, enrich and triage every report."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from tests.triage.factories import make_report

from perisai.config import Settings
from perisai.db.engine import Database
from perisai.jobs.batch import claim, retry_later, run_batch, running_job
from perisai.jobs.queue import defer
from perisai.jobs.worker import run_worker
from perisai.runtime import Runtime
from perisai.testing.database import drop_database, migrated_database
from perisai.triage.models import TriageRecord

TASK = "test.batched"
_DUE = text(
    "SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo' "
    "AND (scheduled_at IS NULL OR scheduled_at <= now())"
)


def _queue(db: Session, n: int, **options: Any) -> list[int]:
    return [defer(db, task=TASK, args={"n": i}, **options) for i in range(n)]


def _fetch(db: Session, job_id: int) -> None:
    """As procrastinate's fetch leaves the job the worker runs."""
    worker_id = db.scalar(
        text("INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now()) RETURNING id")
    )
    db.execute(
        text("UPDATE procrastinate_jobs SET status = 'doing', worker_id = :w WHERE id = :id"),
        {"w": worker_id, "id": job_id},
    )


def _statuses(db: Session, ids: list[int]) -> dict[int, tuple[str, int]]:
    rows = db.execute(
        text("SELECT id, status, attempts FROM procrastinate_jobs WHERE id = ANY(:ids)"),
        {"ids": ids},
    )
    return {row.id: (str(row.status), int(row.attempts)) for row in rows}


def test_a_batch_runs_waiting_jobs_with_its_own_and_marks_them_done(
    db: Session, runtime: Runtime
) -> None:
    own, *waiting = _queue(db, 5)
    _fetch(db, own)
    seen: list[list[int]] = []

    def work(session: Session, jobs: list[dict[str, Any]]) -> None:
        seen.append([int(args["n"]) for args in jobs])

    with running_job(own):
        ran = run_batch(runtime, task=TASK, queue="default", args={"n": 0}, limit=3, work=work)

    assert ran == 3
    assert seen == [[0, 1, 2]]  # one transaction for the lot, in job order
    statuses = _statuses(db, waiting)
    assert [statuses[i] for i in waiting] == [
        ("succeeded", 1),
        ("succeeded", 1),
        ("todo", 0),  # beyond the limit: left for the next job
        ("todo", 0),
    ]


def test_a_batch_gathers_jobs_while_they_keep_arriving(
    db: Session, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    own, _ = _queue(db, 2)
    _fetch(db, own)
    arriving: list[int] = []

    def meanwhile(seconds: float) -> None:  # a job arrives while the batch waits
        arriving.append(defer(db, task=TASK, args={"n": 10 + len(arriving)}))

    monkeypatch.setattr("perisai.jobs.batch.time.sleep", meanwhile)
    seen: list[list[int]] = []

    def work(session: Session, jobs: list[dict[str, Any]]) -> None:
        seen.append([int(args["n"]) for args in jobs])

    with running_job(own):
        ran = run_batch(
            runtime, task=TASK, queue="default", args={"n": 0}, limit=5, work=work, gather=60
        )

    assert ran == 5  # stopped gathering at the limit: no wait after the third arrival
    assert seen == [[0, 1, 10, 11, 12]]
    assert len(arriving) == 3


class _Clock:
    """Monotonic time that passes only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept = 0.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.slept += seconds


def test_a_batch_gathers_until_its_time_is_up(
    db: Session, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    own, _ = _queue(db, 2)
    _fetch(db, own)
    clock = _Clock()
    monkeypatch.setattr("perisai.jobs.batch.time.monotonic", clock.monotonic)
    monkeypatch.setattr("perisai.jobs.batch.time.sleep", clock.sleep)
    with running_job(own):
        ran = run_batch(
            runtime, task=TASK, queue="default", args={"n": 0}, limit=5, work=_nothing, gather=0.3
        )
    assert ran == 2
    assert 0.2 <= clock.slept <= 0.3  # waited for more, never past its gathering time


def test_without_gathering_a_job_runs_at_once(
    db: Session, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    (own,) = _queue(db, 1)
    _fetch(db, own)

    def no_wait(seconds: float) -> None:
        raise AssertionError("a job that does not gather waited")

    monkeypatch.setattr("perisai.jobs.batch.time.sleep", no_wait)
    with running_job(own):
        ran = run_batch(runtime, task=TASK, queue="default", args={"n": 0}, limit=5, work=_nothing)
    assert ran == 1


def _nothing(session: Session, jobs: list[dict[str, Any]]) -> None:
    del session, jobs


def test_a_failing_job_does_not_stop_the_others(db: Session, runtime: Runtime) -> None:
    own, *waiting = _queue(db, 4)
    _fetch(db, own)
    done: list[int] = []

    def work(session: Session, jobs: list[dict[str, Any]]) -> None:
        for args in jobs:
            if args["n"] == 2:
                raise RuntimeError("a bad report")
        # Written in the transaction: rolled back with a failed lot.
        done.extend(int(args["n"]) for args in jobs if len(jobs) == 1)

    with running_job(own):
        run_batch(runtime, task=TASK, queue="default", args={"n": 0}, limit=10, work=work)

    assert sorted(done) == [0, 1, 3]  # each of the others ran alone after the lot failed
    statuses = _statuses(db, waiting)
    assert statuses[waiting[0]] == ("succeeded", 1)
    assert statuses[waiting[1]] == ("todo", 1)  # the bad one: retried later, an attempt used
    assert statuses[waiting[2]] == ("succeeded", 1)
    # A job that failed once is never claimed into a lot again: it runs alone.
    again, *_ = _queue(db, 1)
    _fetch(db, again)
    db.execute(
        text("UPDATE procrastinate_jobs SET scheduled_at = NULL WHERE id = :id"), {"id": waiting[1]}
    )
    assert claim(db, own=again, task=TASK, queue="default", limit=10) == []


def test_the_fetched_jobs_own_failure_is_raised_for_procrastinate_to_retry(
    db: Session, runtime: Runtime
) -> None:
    own, other = _queue(db, 2)
    _fetch(db, own)

    def work(session: Session, jobs: list[dict[str, Any]]) -> None:
        if any(args["n"] == 0 for args in jobs):
            raise RuntimeError("the fetched job's report is bad")

    with running_job(own), pytest.raises(RuntimeError):
        run_batch(runtime, task=TASK, queue="default", args={"n": 0}, limit=10, work=work)
    assert _statuses(db, [other])[other] == ("succeeded", 1)


def test_jobs_whose_lock_is_held_are_not_claimed(db: Session) -> None:
    own, same_lock, free = (
        defer(db, task=TASK, args={"n": 0}, lock="report:1"),
        defer(db, task=TASK, args={"n": 1}, lock="report:1"),
        defer(db, task=TASK, args={"n": 2}, lock="report:2"),
    )
    _fetch(db, own)
    claimed = claim(db, own=own, task=TASK, queue="default", limit=10)
    assert [c.job_id for c in claimed] == [free]
    assert _statuses(db, [same_lock])[same_lock] == ("todo", 0)
    assert _statuses(db, [free])[free] == ("doing", 0)


@pytest.fixture
def own_database(pg_server: str, tmp_path: Path, worker_id: str) -> Iterator[Runtime]:
    name = f"perisai_test_batches_{worker_id}"  # two test processes never share it
    url = migrated_database(pg_server, name)
    database = Database(url)
    try:
        yield Runtime(settings=Settings(data_dir=tmp_path), db=database)
    finally:
        database.dispose()
        drop_database(pg_server, name)


def test_two_workers_never_claim_the_same_job(own_database: Runtime) -> None:
    db = own_database.db
    with db.transaction() as session:
        first, second, *waiting = _queue(session, 12)
        _fetch(session, first)
        _fetch(session, second)
    with db.transaction() as one, db.transaction() as two:
        # Both claim while the other's claim is still open (row locks held, not committed).
        a = claim(one, own=first, task=TASK, queue="default", limit=6)
        b = claim(two, own=second, task=TASK, queue="default", limit=20)
    ids_a, ids_b = {c.job_id for c in a}, {c.job_id for c in b}
    assert not ids_a & ids_b
    assert ids_a | ids_b == set(waiting)
    assert len(ids_a) == 6


def test_the_worker_enriches_and_triages_every_report_in_batches(own_database: Runtime) -> None:
    db = own_database.db
    with db.transaction() as session:
        reports = [
            make_report(session, own_database.keyring, phone=f"012-345 67{i % 3:02d}")
            for i in range(25)
        ]
    # Each lane stops when its queue is empty: triage jobs come after the enrichment commits.
    for _ in range(5):
        run_worker(own_database, concurrency=1, wait=False, install_signal_handlers=False)
        with db.transaction() as session:
            if not session.scalar(_DUE):
                break
    with db.transaction() as session:
        triaged = set(session.scalars(select(TriageRecord.report_id)))
        assert {report.id for report in reports} <= triaged
        left = session.execute(
            text(
                "SELECT count(*) FILTER (WHERE status IN ('todo', 'doing') AND "
                "(scheduled_at IS NULL OR scheduled_at <= now())) AS due, "
                "count(*) FILTER (WHERE status = 'failed') AS failed, "
                "count(*) FILTER (WHERE task_name = 'triage.report' AND status = 'succeeded') "
                "AS triage_jobs FROM procrastinate_jobs"
            )
        ).one()
        assert (left.due, left.failed) == (0, 0)
        assert left.triage_jobs >= len(reports)  # every report's job ended as succeeded


def test_a_retried_job_gives_up_its_queueing_lock_when_another_of_it_waits(
    db: Session, runtime: Runtime
) -> None:
    """A failed (or stalled) job whose queueing lock another waiting job holds by now is retried
    without it: the retry would break the lock's unique index, fail, and leave the job `doing`
    for good (seen with coalesced triage jobs)."""
    from perisai.jobs.stalled import recover_stalled

    own, claimed = _queue(db, 2)
    for job_id in (own, claimed):
        db.execute(
            text("UPDATE procrastinate_jobs SET queueing_lock = 'test:q' || id WHERE id = :id"),
            {"id": job_id},
        )
    _fetch(db, own)
    assert [c.job_id for c in claim(db, own=own, task=TASK, queue="default", limit=5)] == [claimed]
    # Both now `doing`; a new job of each one's queueing lock waits meanwhile.
    for job_id in (own, claimed):
        defer(db, task=TASK, args={"n": 9}, queueing_lock=f"test:q{job_id}")
    retry_later(db, claimed)
    db.execute(text("UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 day'"))
    found = recover_stalled(db, stalled_seconds=60)
    assert own in {job_id for job_id, _ in found.retried}
    rows = db.execute(
        text("SELECT id, status, queueing_lock FROM procrastinate_jobs WHERE id = ANY(:ids)"),
        {"ids": [own, claimed]},
    )
    assert {(row.id, row.status, row.queueing_lock) for row in rows} == {
        (own, "todo", None),
        (claimed, "todo", None),
    }


def test_jobs_of_one_task_gather_one_at_a_time(own_database: Runtime) -> None:
    """A job waits for the batch gathering before it; then it gathers what is left."""
    db = own_database.db
    with db.transaction() as session:
        first, second, *waiting = _queue(session, 5)
        _fetch(session, first)
        _fetch(session, second)
    ran: list[int] = []

    def later_job() -> None:
        with running_job(second):
            ran.append(
                run_batch(
                    own_database,
                    task=TASK,
                    queue="default",
                    args={"n": 1},
                    limit=20,
                    work=_nothing,
                    gather=0.2,
                )
            )

    with db.transaction() as gathering:  # as the first job's gathering holds it
        gathering.execute(text("SELECT pg_advisory_xact_lock(1349, hashtext(:t))"), {"t": TASK})
        taken = claim(gathering, own=first, task=TASK, queue="default", limit=2)
        thread = threading.Thread(target=later_job, daemon=True)
        thread.start()
        deadline = time.monotonic() + 60
        while not _waiting_to_gather(db):
            assert time.monotonic() < deadline, "the second job never waited for its turn"
            time.sleep(0.05)
        assert thread.is_alive() and not ran
    thread.join(60)
    assert not thread.is_alive()
    assert len(taken) == 2
    assert ran == [1 + len(waiting) - 2]  # its own and what the first left


def _waiting_to_gather(db: Database) -> bool:
    with db.transaction() as session:
        return bool(
            session.scalar(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND classid = 1349 AND NOT granted"
                )
            )
        )
