"""Every process we start, we stop (issue #15 item 13): Ctrl-C on `make run` (`perisai demo
run` on the embedded PostgreSQL) stops the app and the database server it started, and so does
`make test`'s migration check (`perisai db check`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from perisai.db.embedded import stop_embedded
from perisai.testing.live import free_port, wait_ready

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("reliability")]


@pytest.fixture
def own_tmp() -> Iterator[Path]:
    """A directory outside pytest's temporary tree (see tests/test_cli.py: run as root, the
    embedded server runs as another user, which pytest's 0700 root would lock out)."""
    with tempfile.TemporaryDirectory(prefix="perisai-test-ctrl-c-") as tmp:
        yield Path(tmp)


def _embedded_env(data_dir: Path) -> dict[str, str]:
    """The environment of a clean `make run`: no database URL, so the embedded server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERISAI_")}
    return {**env, "PERISAI_DATA_DIR": str(data_dir), "PERISAI_LOG_LEVEL": "WARNING"}


@pytest.mark.timeout(1500)
def test_ctrl_c_on_the_demo_stops_its_embedded_postgresql(own_tmp: Path) -> None:
    pgdata = own_tmp / "var" / "pg"
    port = free_port()
    env = {**_embedded_env(own_tmp / "var"), "PERISAI_PORT": str(port)}
    with (own_tmp / "demo.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "perisai.cli", "demo", "run"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            # Generous: a fresh cluster, migrations and the demo's seeding on a loaded machine.
            wait_ready(f"http://127.0.0.1:{port}", process, timeout=900)
            assert (pgdata / "postmaster.pid").exists()
            process.send_signal(signal.SIGINT)  # what Ctrl-C on `make run` sends
            process.wait(timeout=300)
            assert not (pgdata / "postmaster.pid").exists(), "the embedded server was left running"
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=60)
            stop_embedded(pgdata)


@pytest.mark.timeout(1200)
def test_the_migration_check_stops_the_server_it_started(own_tmp: Path) -> None:
    pgdata = own_tmp / "var" / "pg"
    try:
        checked = subprocess.run(
            [sys.executable, "-m", "perisai.cli", "db", "check"],
            env=_embedded_env(own_tmp / "var"),
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert checked.returncode == 0, checked.stderr[-2000:]
        assert pgdata.is_dir() and not (pgdata / "postmaster.pid").exists()
    finally:
        stop_embedded(pgdata)
