"""Live fixtures for sharing: a database that really commits, a real HTTP server and receiver."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import text
from sqlalchemy.orm import Session

from perisai import urlguard
from perisai.app import create_app
from perisai.config import Settings
from perisai.db.engine import Database
from perisai.runtime import Runtime
from perisai.sharing.stream import close_waker
from perisai.testing.database import drop_database, migrated_database
from perisai.testing.live import free_port


@contextmanager
def younger_writer_behind_an_older_one(
    db: Database, emit_one: Callable[[Session, str], int]
) -> Iterator[tuple[int, int, Session]]:
    """Two writers of the outbox: a younger transaction draws the smaller id and keeps running,
    an older one (it began first) draws the larger id and commits; yields (smaller, larger,
    the younger session), which the caller commits.

    Staged until the older transaction is older than every transaction still running in the
    whole cluster (PostgreSQL's xmin), as on a server with no other writer: that is when a rule
    "settled once older than every running transaction" would take the larger id. Tests of other
    sessions sharing the server hold transactions open, so a try may need repeating; on a server
    kept busy throughout (a shared development machine) the test is skipped, saying so.
    """
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        older, younger = db.sessions(), db.sessions()
        older.begin()
        younger.begin()
        try:
            older_xid = int(older.scalar(text("SELECT pg_current_xact_id()::text::bigint")))
            smaller = emit_one(younger, "younger")
            larger = emit_one(older, "older")
            older.commit()
            with db.transaction() as session:
                staged = session.scalar(
                    text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint > :xid"),
                    {"xid": older_xid},
                )
            if staged:
                yield smaller, larger, younger
                return
            younger.rollback()
        finally:
            older.close()
            younger.close()
        time.sleep(0.1)
    pytest.skip("not staged in 60 s: other transactions on the server stayed older throughout")


class FakeDns:
    """A resolver for the whole process (worker included): names in ``answers`` resolve to
    their addresses, every other name does not resolve. Nothing asks the real DNS."""

    def __init__(self) -> None:
        self.answers: dict[str, list[str]] = {}
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        if host not in self.answers:
            raise urlguard.HostNotFound("the host name does not resolve")
        return list(self.answers[host])


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> FakeDns:
    fake = FakeDns()
    monkeypatch.setattr(urlguard, "resolve", fake)
    return fake


@pytest.fixture(scope="session")
def live_runtime(pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    """A migrated database of its own: SSE and webhooks need real commits and NOTIFY."""
    name = f"perisai_test_sharing_{os.getpid()}"
    url = migrated_database(pg_server, name)
    database = Database(url, pool_size=4)
    data_dir: Path = tmp_path_factory.mktemp("sharing-var")
    # The test receivers listen on loopback, which only an operator's allow-list opens.
    settings = Settings(data_dir=data_dir, demo=False, webhook_allow_hosts="127.0.0.1")
    runtime = Runtime(settings=settings, db=database)
    yield runtime
    close_waker(database)
    database.dispose()
    drop_database(pg_server, name)


@pytest.fixture(scope="session")
def live_server(live_runtime: Runtime) -> Iterator[str]:
    """`create_app` served by uvicorn on loopback in a thread; yields its base URL."""
    port = free_port()
    app = create_app(live_runtime.settings, runtime=live_runtime)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A real HTTP peer: answers the scripted statuses in turn (then 200) and keeps what came."""

    url: str
    script: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_status(self) -> int:
        with self.lock:
            return self.script.pop(0) if self.script else 200

    def wait_for(self, count: int, timeout: float = 60.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.02)
        with self.lock:
            return list(self.received)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with state.lock:
                state.received.append(
                    Received(path=self.path, headers=dict(self.headers.items()), body=body)
                )
            status = state.next_status()
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
