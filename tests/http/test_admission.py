"""Slow request bodies: they never hold a database connection, and they cannot starve the rest.

The live test runs the app under uvicorn (a thread of this process) on a fresh database with a
main pool of two connections: many clients trickle bodies to evidence uploads, media hashing and
bank imports at once, and staff login, report intake and `/readyz` must still answer. The other
tests drive the middleware through the ASGI app: the rate floor (408) and the per-client cap
(429), which never let a slow body reach the app.
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from tests.identity.factories import make_api_key, make_user
from tests.reports.factories import PNG_BYTES, declaration, example_body

from perisai.app import create_app
from perisai.config import Settings
from perisai.db.engine import Database
from perisai.http.admission import BodyAdmissionMiddleware
from perisai.identity.permissions import Scope
from perisai.runtime import Runtime
from perisai.testing.database import drop_database, migrated_database
from perisai.testing.live import free_port

WAIT_S = 120.0
SLOW_CLIENTS = 12  # each of three routes: 36 bodies, against a main pool of 2 connections


def _wait_for(condition: Any, what: str, timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class LiveServer:
    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_config=None, lifespan="on")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        _wait_for(lambda: self.server.started, "the server to start")
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=60)


@pytest.fixture
def live_setup(pg_server: str, tmp_path: Path) -> Iterator[tuple[Runtime, str, str, str]]:
    name = f"perisai_admission_{os.getpid()}"
    url = migrated_database(pg_server, name)
    # A main pool of two connections that gives up after 10 s: a route that held one while
    # its body arrived would starve the others at once.
    database = Database(url, pool_size=2, max_overflow=0, pool_timeout=10)
    settings = Settings(
        data_dir=tmp_path / "var",
        demo=False,
        cookie_secure=False,
        body_grace_seconds=600,  # the rate floor is not under test here
        bodies_per_client=1000,  # nor the caps: only that slow bodies hold no connection
        bodies_per_source=1000,
    )
    runtime = Runtime(settings=settings, db=database)
    with database.transaction() as session:
        _, submit_key = make_api_key(session, scopes=[Scope.REPORTS_SUBMIT])
        _, media_key = make_api_key(session, scopes=[Scope.MEDIA_MATCH, Scope.BANKS_WRITE])
        user, _ = make_user(session, runtime.keyring)
        email = user.email
    try:
        yield runtime, submit_key, media_key, email
    finally:
        database.dispose()
        drop_database(pg_server, name)


def _submit(client: httpx.Client, key: str, index: int, files: list[Any] | None = None) -> str:
    body = example_body()
    if files is not None:
        body["files"] = files
    response = client.post(
        "/api/v1/reports",
        json=body,
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": f"admission-{index}"},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["report_id"])


def _login(client: httpx.Client, email: str) -> httpx.Response:
    page = client.get("/login")
    assert page.status_code == 200
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return client.post(
        "/login",
        data={"email": email, "password": "a-long-test-password", "csrf_token": found.group(1)},
        follow_redirects=False,
    )


class Trickle:
    """A body sent a few bytes at a time until `stop` is set (then it ends)."""

    def __init__(self, stop: threading.Event, head: bytes = b"", tail: bytes = b"") -> None:
        self.stop, self.head, self.tail = stop, head, tail
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        if self.head:
            yield self.head
        while not self.stop.is_set():
            yield b"x"
            self.sent += 1
            self.stop.wait(0.2)
        if self.tail:
            yield self.tail


def _multipart(boundary: str, filename: str) -> tuple[bytes, bytes]:
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    return head, f"\r\n--{boundary}--\r\n".encode()


@pytest.mark.slow
def test_slow_bodies_do_not_starve_login_intake_or_readiness(
    live_setup: tuple[Runtime, str, str, str],
) -> None:
    runtime, submit_key, media_key, email = live_setup
    app = create_app(runtime.settings, runtime=runtime)
    stop = threading.Event()
    trickles: list[Trickle] = []
    threads: list[threading.Thread] = []
    answers: list[int] = []

    def slow(method: str, url: str, headers: dict[str, str], trickle: Trickle) -> None:
        with httpx.Client(base_url=server.url, timeout=WAIT_S * 2) as client:
            try:
                response = client.request(method, url, headers=headers, content=iter(trickle))
                answers.append(response.status_code)
            except httpx.HTTPError:
                answers.append(0)

    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=WAIT_S) as client:
        files = [declaration(f"f{i}.png", PNG_BYTES) for i in range(SLOW_CLIENTS)]
        report_id = _submit(client, submit_key, 0, files)
        boundary = "perisai-test-boundary"
        for index in range(SLOW_CLIENTS):
            evidence = Trickle(stop)
            head, tail = _multipart(boundary, f"slow{index}.bin")
            media, bank = Trickle(stop, head, tail), Trickle(stop, head, tail)
            multipart = f"multipart/form-data; boundary={boundary}"
            jobs = [
                (
                    "PUT",
                    f"/api/v1/reports/{report_id}/files/f{index}.png",
                    {
                        "Authorization": f"Bearer {submit_key}",
                        "Content-Type": "application/octet-stream",
                    },
                    evidence,
                ),
                (
                    "POST",
                    "/api/v1/media/hash",
                    {"Authorization": f"Bearer {media_key}", "Content-Type": multipart},
                    media,
                ),
                (
                    "POST",
                    "/api/v1/media/match",
                    {"Authorization": f"Bearer {media_key}", "Content-Type": multipart},
                    bank,
                ),
            ]
            for method, url, headers, trickle in jobs:
                trickles.append(trickle)
                thread = threading.Thread(
                    target=slow, args=(method, url, headers, trickle), daemon=True
                )
                threads.append(thread)
                thread.start()
        try:
            _wait_for(lambda: all(t.sent >= 3 for t in trickles), "every slow body to be under way")
            # While all of them trickle: the probe, a staff login and a report all get through.
            assert client.get("/readyz").status_code == 200
            login = _login(client, email)
            assert login.status_code == 303, login.text
            assert login.headers["location"] == "/login/totp"
            _submit(client, submit_key, 1)
            assert client.get("/readyz").status_code == 200
            assert not answers, f"slow bodies answered before they ended: {answers}"
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=WAIT_S)
    assert len(answers) == len(threads)
    assert 500 not in answers, answers


# --- the middleware through the ASGI app ------------------------------------------------------


async def _echo(scope: Any, receive: Any, send: Any) -> None:
    """An app that counts what reaches it and answers with the body's length."""
    if scope["type"] != "http":
        return
    reached.append(scope["path"])
    size = 0
    while True:
        message = await receive()
        size += len(message.get("body", b""))
        if not message.get("more_body", False):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(size).encode()})


reached: list[str] = []


def _middleware(**options: Any) -> BodyAdmissionMiddleware:
    defaults: dict[str, Any] = {
        "min_bytes_per_second": 1000,
        "grace_seconds": 0.5,
        "per_client": 2,
        "per_source": 100,
        "streamed": lambda method, path: path == "/api/streamed",
    }
    return BodyAdmissionMiddleware(_echo, **{**defaults, **options})


async def _trickle(stop: asyncio.Event, pieces: int | None = None) -> AsyncIterator[bytes]:
    sent = 0
    while not stop.is_set() and (pieces is None or sent < pieces):
        yield b"x"
        sent += 1
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("path", ["/api/spooled", "/api/streamed"])
def test_a_body_behind_the_rate_floor_is_answered_408(path: str) -> None:
    reached.clear()
    middleware = _middleware()

    async def scenario() -> httpx.Response:
        transport = httpx.ASGITransport(app=middleware)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post(path, content=_trickle(asyncio.Event()))

    response = asyncio.run(scenario())
    assert response.status_code == 408
    assert response.json()["request_id"] is None or isinstance(response.json()["request_id"], str)
    assert reached == ([] if path == "/api/spooled" else ["/api/streamed"])
    assert not middleware.slots  # every slot given back


def test_a_fast_body_passes_whole() -> None:
    reached.clear()

    async def scenario() -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=_middleware(grace_seconds=30))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            pieces = await client.post("/api/spooled", content=_trickle(asyncio.Event(), pieces=5))
            whole = await client.post("/api/spooled", content=b"y" * 3_000_000)
            return pieces, whole

    response, whole = asyncio.run(scenario())
    assert (response.status_code, response.text) == (200, "5")
    assert (whole.status_code, whole.text) == (200, "3000000")


def test_one_key_gets_at_most_its_share_of_slow_bodies() -> None:
    reached.clear()
    middleware = _middleware(grace_seconds=60)
    headers = {"Authorization": "Bearer psk_one_key"}

    async def scenario() -> tuple[httpx.Response, httpx.Response, list[httpx.Response]]:
        stop = asyncio.Event()
        transport = httpx.ASGITransport(app=middleware)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            held = [
                asyncio.create_task(
                    client.post("/api/spooled", content=_trickle(stop), headers=headers)
                )
                for _ in range(2)
            ]
            deadline = time.monotonic() + WAIT_S
            while sum(middleware.slots.values()) < 4 and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            refused = await client.post("/api/spooled", content=_trickle(stop), headers=headers)
            other = await client.post(
                "/api/spooled",
                content=_trickle(stop, pieces=3),
                headers={"Authorization": "Bearer psk_another_key"},
            )
            stop.set()
            return refused, other, list(await asyncio.gather(*held))

    refused, other, finished = asyncio.run(scenario())
    assert refused.status_code == 429
    assert refused.headers["retry-after"]
    assert other.status_code == 200
    assert [r.status_code for r in finished] == [200, 200]
    assert not middleware.slots


@pytest.mark.slow
def test_login_intake_and_readiness_keep_their_lane_when_the_main_pool_is_taken(
    live_setup: tuple[Runtime, str, str, str],
) -> None:
    runtime, submit_key, _, email = live_setup
    app = create_app(runtime.settings, runtime=runtime)
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=WAIT_S) as client:
        # Both connections of the main pool are taken (slow queries, a flood elsewhere)...
        held = [runtime.db.engine.connect() for _ in range(2)]
        try:
            for connection in held:
                connection.exec_driver_sql("SELECT 1")
            # ...and staff login, report intake and the readiness probe still answer.
            assert client.get("/readyz").status_code == 200
            login = _login(client, email)
            assert login.status_code == 303, login.text
            _submit(client, submit_key, 2)
        finally:
            for connection in held:
                connection.close()


def test_a_slow_form_gets_the_error_page_in_the_persons_language(runtime: Runtime) -> None:
    settings = runtime.settings.model_copy(update={"body_grace_seconds": 0.5})
    app = create_app(settings, runtime=runtime)

    async def scenario() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://test") as client:
            return await client.post(
                "/lapor",
                content=_trickle(asyncio.Event()),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )

    response = asyncio.run(scenario())
    assert response.status_code == 408
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["x-request-id"]
    assert '<html lang="ms"' in response.text
