"""kill -9 the intake server again and again while clients submit and retry with their keys.

Afterwards every acknowledged report exists exactly once (same receipt, same body SHA-256), with
its audit entry and its enrichment job, no key produced a second report, and the audit chain
verifies. The server is a real `perisai serve` process on a fresh database; the clients are
threads that retry each report with its Idempotency-Key until they get 201 or 200.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from tests.reports.factories import example_body

from perisai.audit.service import SYSTEM
from perisai.config import Settings
from perisai.db.engine import Database
from perisai.identity.permissions import Scope
from perisai.identity.service import create_api_key
from perisai.reports.service import canonical_sha256
from perisai.runtime import Runtime
from perisai.testing.database import drop_database, migrated_database
from perisai.testing.live import free_port

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("reliability")]

REPORTS = 48
CLIENTS = 4
KILLS = 3
DEADLINE_S = 180.0


@dataclass
class Server:
    """A `perisai serve` process that can be killed with SIGKILL and started again."""

    env: dict[str, str]
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "perisai.cli", "serve", "--port", str(self.port)],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: kill -9 takes all of it
            )
        self.starts += 1
        self._wait_ready()

    def _wait_ready(self, timeout: float = 180) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/readyz", timeout=1) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server did not become ready")

    def kill9(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill9()


@dataclass
class Acknowledged:
    key: str
    body_sha256: str
    receipt: dict[str, Any]


@dataclass
class Ledger:
    """What the clients were told; shared by the client threads."""

    acknowledged: list[Acknowledged] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def server(pg_server: str, tmp_path: Path) -> Iterator[tuple[Server, str, str]]:
    name = f"perisai_kill9_{os.getpid()}"
    database_url = migrated_database(pg_server, name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERISAI_")}
    env.update(
        PERISAI_DATABASE_URL=database_url,
        PERISAI_DATA_DIR=str(tmp_path / "var"),
        PERISAI_LOG_LEVEL="WARNING",
        # The job worker is not under test here (its jobs must exist; running them is not).
        PERISAI_WORKER_IN_PROCESS="false",
    )
    # Through a runtime on the server's data directory: the audit entry this writes is keyed with
    # the master key the server (and `audit verify`) will use, not the tests' default key.
    runtime = Runtime(
        settings=Settings(data_dir=tmp_path / "var", demo=False), db=Database(database_url)
    )
    with runtime.db.transaction() as session:
        _, secret = create_api_key(
            session, actor=SYSTEM, name="kill9", scopes=[Scope.REPORTS_SUBMIT], agency_short=None
        )
    runtime.db.dispose()
    live = Server(env=env, port=free_port(), log=tmp_path / "server.log")
    try:
        live.start()
        yield live, database_url, secret
    finally:
        live.stop()
        drop_database(pg_server, name)


def _body(index: int) -> dict[str, Any]:
    body = example_body()
    body["additional_info"] = f"kill -9 test report {index}"
    return body


def _submit_until_acknowledged(
    client: httpx.Client, index: int, run: str, ledger: Ledger, deadline: float
) -> None:
    body = _body(index)
    key = f"kill9-{run}-{index}"
    while time.monotonic() < deadline:
        try:
            response = client.post("/api/v1/reports", json=body, headers={"Idempotency-Key": key})
        except httpx.TransportError:
            with ledger.lock:
                ledger.retries += 1
            time.sleep(0.05)
            continue
        if response.status_code in (200, 201):
            with ledger.lock:
                ledger.acknowledged.append(
                    Acknowledged(key, canonical_sha256(body), response.json())
                )
            return
        if response.status_code < 500:
            with ledger.lock:
                ledger.failures.append(f"{key}: {response.status_code} {response.text[:200]}")
            return
        time.sleep(0.05)  # a 5xx during shutdown: retry like any client would
    with ledger.lock:
        ledger.failures.append(f"{key}: not acknowledged before the deadline")


def _client(
    url: str, secret: str, indexes: list[int], run: str, ledger: Ledger, deadline: float
) -> None:
    headers = {"Authorization": f"Bearer {secret}"}
    with httpx.Client(base_url=url, headers=headers, timeout=5.0) as client:
        for index in indexes:
            _submit_until_acknowledged(client, index, run, ledger, deadline)


def _kill_repeatedly(live: Server, rng: random.Random, done: threading.Event) -> int:
    kills = 0
    while kills < KILLS and not done.wait(rng.uniform(0.2, 1.2)):
        live.kill9()
        kills += 1
        live.start()
    return kills


def test_acknowledged_reports_survive_kill9_exactly_once(
    server: tuple[Server, str, str],
) -> None:
    live, database_url, secret = server
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    run = f"{seed:08x}"
    ledger = Ledger()
    deadline = time.monotonic() + DEADLINE_S
    done = threading.Event()
    clients = [
        threading.Thread(
            target=_client,
            args=(live.url, secret, list(range(n, REPORTS, CLIENTS)), run, ledger, deadline),
        )
        for n in range(CLIENTS)
    ]
    for thread in clients:
        thread.start()
    kills = _kill_repeatedly(live, rng, done)
    for thread in clients:
        thread.join()
    done.set()

    print(f"seed {seed}: {kills} kills, {ledger.retries} retries, {live.starts} starts")
    assert not ledger.failures, (seed, ledger.failures)
    assert kills >= 2, f"the stream ended before the server was killed twice (seed {seed})"
    assert len(ledger.acknowledged) == REPORTS
    _assert_each_acknowledged_report_stored_once(database_url, ledger.acknowledged)
    _assert_audit_chain_verifies(live.env)


def _assert_each_acknowledged_report_stored_once(
    database_url: str, acknowledged: list[Acknowledged]
) -> None:
    database = Database(database_url)
    try:
        with database.transaction() as session:
            rows = session.execute(
                text(
                    "SELECT r.idempotency_key, r.public_id, r.body_sha256, "
                    "(SELECT count(*) FROM audit_entry a WHERE a.action = 'report.submit' "
                    " AND a.object_id = r.public_id) AS audits, "
                    "(SELECT count(*) FROM procrastinate_jobs j WHERE j.task_name = 'enrich.report'"
                    " AND (j.args->>'report_id')::bigint = r.id) AS jobs "
                    "FROM report r"
                )
            ).all()
    finally:
        database.dispose()
    by_key: dict[str, list[Any]] = {}
    for row in rows:
        by_key.setdefault(row.idempotency_key, []).append(row)
    assert len(rows) == len(acknowledged), "a report was stored twice or without a receipt"
    for ack in acknowledged:
        stored = by_key.get(ack.key, [])
        assert len(stored) == 1, f"{ack.key}: {len(stored)} reports"
        row = stored[0]
        assert row.public_id == ack.receipt["report_id"]
        assert row.body_sha256 == ack.body_sha256 == ack.receipt["sha256"]
        assert row.audits == 1, f"{ack.key}: {row.audits} audit entries"
        assert row.jobs == 1, f"{ack.key}: {row.jobs} enrichment jobs"


def _assert_audit_chain_verifies(env: dict[str, str]) -> None:
    verified = subprocess.run(
        [sys.executable, "-m", "perisai.cli", "audit", "verify", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert json.loads(verified.stdout.strip().splitlines()[-1])["ok"] is True
