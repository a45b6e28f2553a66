"""Jobs left `doing` by a dead worker are retried; reports the pipeline never triaged are listed.

A worker killed with SIGKILL (or stopped mid-job) leaves exactly this in the database: its job
`doing`, its row in `procrastinate_workers` with a heartbeat that no longer moves (or no row at
all once another worker pruned it). The tests build that state with SQL and check what the
next worker and `perisai jobs check` make of it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session
from tests.jobs.test_jobs import RAN
from tests.triage.factories import make_report
from typer.testing import CliRunner

from perisai.cli import app as cli_app
from perisai.config import Settings
from perisai.db.engine import Database
from perisai.jobs.queue import defer
from perisai.jobs.stalled import MAX_ATTEMPTS, job_counts, recover_stalled
from perisai.jobs.worker import run_worker
from perisai.runtime import Runtime
from perisai.testing.database import drop_database, migrated_database
from perisai.triage.health import untriaged_reports

STALLED_S = 60.0


def _worker(db: Session, *, seconds_ago: float) -> int:
    return int(
        db.scalar(
            text(
                "INSERT INTO procrastinate_workers (last_heartbeat) "
                "VALUES (now() - make_interval(secs => :ago)) RETURNING id"
            ),
            {"ago": seconds_ago},
        )
    )


def _running(db: Session, worker_id: int | None, *, attempts: int = 0, n: int = 1) -> int:
    job_id = defer(db, task="test.remember", args={"n": n})
    db.execute(
        text(
            "UPDATE procrastinate_jobs SET status = 'doing', worker_id = :worker, "
            "attempts = :attempts WHERE id = :id"
        ),
        {"worker": worker_id, "attempts": attempts, "id": job_id},
    )
    return job_id


def _status(db: Session, job_id: int) -> tuple[str, int]:
    row = db.execute(
        text("SELECT status, attempts FROM procrastinate_jobs WHERE id = :id"), {"id": job_id}
    ).one()
    return str(row.status), int(row.attempts)


def test_jobs_of_dead_workers_are_retried_and_live_ones_left_alone(db: Session) -> None:
    dead = _running(db, _worker(db, seconds_ago=STALLED_S * 10), n=1)
    gone = _running(db, None, n=2)  # its worker unregistered (a stop) or was pruned
    live = _running(db, _worker(db, seconds_ago=1), n=3)
    exhausted = _running(db, _worker(db, seconds_ago=STALLED_S * 10), attempts=MAX_ATTEMPTS - 1)
    assert job_counts(db, stalled_seconds=STALLED_S).stalled >= 3

    found = recover_stalled(db, stalled_seconds=STALLED_S)

    assert {job_id for job_id, _ in found.retried} >= {dead, gone}
    assert exhausted in {job_id for job_id, _ in found.failed}
    assert _status(db, dead) == ("todo", 1)
    assert _status(db, gone) == ("todo", 1)
    assert _status(db, live) == ("doing", 0)
    assert _status(db, exhausted)[0] == "failed"
    assert job_counts(db, stalled_seconds=STALLED_S).stalled == 0
    # A second round finds nothing more (and never touches the live worker's job).
    again = recover_stalled(db, stalled_seconds=STALLED_S)
    assert live not in {job_id for job_id, _ in again.retried + again.failed}


def test_reports_without_triage_are_listed(db: Session, runtime: Runtime) -> None:
    old = make_report(db, runtime.keyring)
    fresh = make_report(db, runtime.keyring)
    retracted = make_report(db, runtime.keyring)
    retracted.status = "retracted"
    db.execute(
        text("UPDATE report SET received_at = now() - interval '1 hour' WHERE id IN (:a, :b)"),
        {"a": old.id, "b": retracted.id},
    )
    db.expire_all()
    listed = {
        item.report_id: item for item in untriaged_reports(db, older_than=timedelta(minutes=10))
    }
    assert old.public_id in listed
    assert fresh.public_id not in listed  # the pipeline has ten minutes
    assert retracted.public_id not in listed
    assert listed[old.public_id].pending  # its enrichment job still waits in the queue
    db.execute(
        text(
            "DELETE FROM procrastinate_jobs WHERE args->>'report_id' = :id "
            "AND task_name = 'enrich.report'"
        ),
        {"id": str(old.id)},
    )
    listed = {
        item.report_id: item for item in untriaged_reports(db, older_than=timedelta(minutes=10))
    }
    assert not listed[old.public_id].pending


@pytest.fixture
def own_database(pg_server: str, tmp_path: Path) -> Iterator[tuple[Runtime, str]]:
    name = "perisai_test_stalled"
    url = migrated_database(pg_server, name)
    database = Database(url)
    runtime = Runtime(
        settings=Settings(data_dir=tmp_path, job_stalled_seconds=STALLED_S), db=database
    )
    try:
        yield runtime, url
    finally:
        database.dispose()
        drop_database(pg_server, name)


def test_a_worker_runs_the_job_a_killed_worker_left_doing(
    own_database: tuple[Runtime, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    runtime, url = own_database
    with runtime.db.transaction() as session:
        job_id = _running(session, _worker(session, seconds_ago=STALLED_S * 10), n=42)
        report = make_report(session, runtime.keyring)
        session.execute(
            text("UPDATE report SET received_at = now() - interval '1 hour' WHERE id = :id"),
            {"id": report.id},
        )
        session.execute(
            text("DELETE FROM procrastinate_jobs WHERE task_name = 'enrich.report'")
        )  # its enrichment job was lost

    monkeypatch.setenv("PERISAI_DATABASE_URL", url)
    monkeypatch.setenv("PERISAI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PERISAI_JOB_STALLED_SECONDS", str(STALLED_S))
    checked = CliRunner().invoke(cli_app, ["jobs", "check", "--json"])
    assert checked.exit_code == 1, checked.output
    found = json.loads(checked.stdout)
    assert found["stalled_jobs"] == 1
    assert [r["report_id"] for r in found["untriaged_reports"]] == [report.public_id]
    assert found["untriaged_reports"][0]["received_at"].endswith("+08:00")

    RAN.clear()
    run_worker(runtime, concurrency=1, wait=False, install_signal_handlers=False)
    assert {"n": 42} in RAN
    with runtime.db.transaction() as session:
        assert _status(session, job_id)[0] == "succeeded"

    requeued = CliRunner().invoke(cli_app, ["jobs", "check", "--requeue"])
    assert requeued.exit_code == 1, requeued.output
    assert report.public_id in requeued.stdout
    assert "stalled jobs (their worker is gone): 0" in requeued.stdout
    with runtime.db.transaction() as session:
        (item,) = untriaged_reports(session, older_than=timedelta(minutes=10))
        assert item.pending  # enrichment is queued again, and triage after it
