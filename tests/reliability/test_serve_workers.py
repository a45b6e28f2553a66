"""`perisai serve --workers 2`: two server processes answer, and the job worker runs only once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from perisai.jobs.worker import LANES
from perisai.testing.database import drop_database, migrated_database
from perisai.testing.live import free_port

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("reliability")]


@pytest.fixture
def database_for_server(pg_server: str) -> Iterator[str]:
    name = f"perisai_workers_{os.getpid()}"
    yield migrated_database(pg_server, name)
    drop_database(pg_server, name)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == pid:
                found.append(int(entry.name))
    return found


def _live_job_workers(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar_one()
            )
    finally:
        engine.dispose()


@pytest.mark.timeout(900)
def test_two_server_processes_and_one_job_worker(database_for_server: str, tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERISAI_")}
    env.update(
        PERISAI_DATABASE_URL=database_for_server,
        PERISAI_DATA_DIR=str(tmp_path / "var"),
        PERISAI_LOG_LEVEL="WARNING",
    )
    with (tmp_path / "server.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "perisai.cli", "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 600  # generous: at load 15, imports alone took minutes
        servers: list[int] = []
        while time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / "server.log").read_text()
            try:
                url = f"http://127.0.0.1:{port}/readyz"
                with urllib.request.urlopen(url, timeout=1) as response:
                    servers = [pid for pid in _children(process.pid) if pid != process.pid]
                    if response.status == 200 and len(servers) >= 2:
                        break
            except OSError:
                pass
            time.sleep(0.2)
        assert len(servers) >= 2, servers
        workers = 0
        while time.monotonic() < deadline and workers < len(LANES):
            workers = _live_job_workers(database_for_server)
            time.sleep(0.2)
        # A server that started a worker of its own would register it around the time it
        # answered ready: watch a little longer. (On a loaded machine a late one could be
        # missed, which can only hide a fault, never fail a correct server.)
        settle = time.monotonic() + 2
        while time.monotonic() < settle:
            assert _live_job_workers(database_for_server) <= len(LANES)
            time.sleep(0.2)
        # One job worker: one procrastinate worker per lane, not one set per server process.
        assert _live_job_workers(database_for_server) == len(LANES), (
            tmp_path / "server.log"
        ).read_text()
    finally:
        process.terminate()
        process.wait(timeout=30)
