"""`perisai worker --processes N`: several worker processes share the queue; one failing stops
the rest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from perisai.jobs.processes import run_processes
from perisai.testing.database import drop_database, migrated_database


def remember_pid(folder: str) -> None:
    (Path(folder) / str(os.getpid())).touch()


def first_fails(folder: str) -> None:
    """The first child to start exits with 3; the others would wait ten minutes."""
    try:
        fd = os.open(Path(folder) / "first", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        (Path(folder) / f"waiting-{os.getpid()}").touch()
        time.sleep(600)
        return
    os.close(fd)
    # Fail only once the other is waiting, so that there is one to stop.
    deadline = time.monotonic() + 120
    while not any(p.name.startswith("waiting-") for p in Path(folder).iterdir()):
        if time.monotonic() > deadline:
            return
        time.sleep(0.05)
    sys.exit(3)


ROOT = Path(__file__).resolve().parents[2]


def test_each_process_runs_the_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT))  # spawned children import this module by name
    assert run_processes(remember_pid, (str(tmp_path),), 3) == 0
    pids = {int(p.name) for p in tmp_path.iterdir()}
    assert len(pids) == 3
    assert os.getpid() not in pids


def test_one_failing_process_stops_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(ROOT))
    assert run_processes(first_fails, (str(tmp_path),), 2) == 3
    (waiting,) = [p for p in tmp_path.iterdir() if p.name.startswith("waiting-")]
    with pytest.raises(ProcessLookupError):  # stopped and reaped, not left sleeping
        os.kill(int(waiting.name.removeprefix("waiting-")), 0)


def test_worker_with_two_processes_runs_the_queue(pg_server: str, tmp_path: Path) -> None:
    name = f"perisai_test_processes_{os.getpid()}"
    url = migrated_database(pg_server, name)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            # Triage of reports that do not exist: real jobs that find nothing to do.
            connection.execute(
                text(
                    "SELECT procrastinate_defer_jobs_v1(ARRAY(SELECT ROW('default', "
                    "'triage.report', 0, NULL, NULL, jsonb_build_object('report_id', -g), "
                    "NULL)::procrastinate_job_to_defer_v1 FROM generate_series(1, 40) g))"
                )
            )
        env = {k: v for k, v in os.environ.items() if not k.startswith("PERISAI_")}
        env.update(PERISAI_DATABASE_URL=url, PERISAI_DATA_DIR=str(tmp_path / "var"))
        done = subprocess.run(
            [sys.executable, "-m", "perisai.cli", "worker", "--processes", "2", "--once"],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        with engine.connect() as connection:
            statuses = {
                str(status): int(count)
                for status, count in connection.execute(
                    text(
                        "SELECT status, count(*) FROM procrastinate_jobs "
                        "WHERE task_name = 'triage.report' GROUP BY status"
                    )
                )
            }
        assert statuses == {"succeeded": 40}
    finally:
        engine.dispose()
        drop_database(pg_server, name)


def test_sigterm_stops_every_process_and_lane(pg_server: str, tmp_path: Path) -> None:
    """Each lane used to install procrastinate's own handler: the last one stopped only its
    lane and the process ran on. Now one handler stops them all, in every process."""
    name = f"perisai_test_processes_stop_{os.getpid()}"
    url = migrated_database(pg_server, name)
    engine = create_engine(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERISAI_")}
    env.update(PERISAI_DATABASE_URL=url, PERISAI_DATA_DIR=str(tmp_path / "var"))
    log = tmp_path / "worker.log"
    with log.open("wb") as stderr:
        worker = subprocess.Popen(
            [sys.executable, "-m", "perisai.cli", "worker", "--processes", "2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "SELECT procrastinate_defer_jobs_v1(ARRAY[ROW('default', 'triage.report', "
                    "0, NULL, NULL, '{\"report_id\": -1}'::jsonb, "
                    "NULL)::procrastinate_job_to_defer_v1])"
                )
            )
        deadline = time.monotonic() + 300
        ran = False
        while not ran and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.5)
            with engine.connect() as connection:
                ran = bool(
                    connection.scalar(
                        text("SELECT count(*) FROM procrastinate_jobs WHERE status = 'succeeded'")
                    )
                )
        assert ran, "the worker did not run the job"
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=120) == 0, log.read_text(errors="replace")[-3000:]
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        engine.dispose()
        drop_database(pg_server, name)
