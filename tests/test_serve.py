"""`perisai serve`'s job worker runs on an engine of its own, niced on the embedded server only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from perisai.config import Settings
from perisai.db.engine import Database
from perisai.runtime import Runtime
from perisai.serve import WORKER_NICENESS, _worker_runtime


def _runtime(settings: Settings) -> Runtime:
    return Runtime(settings=settings, db=Database("postgresql://postgres@127.0.0.1:1/none"))


def test_the_worker_renices_only_the_embedded_server(tmp_path: Path) -> None:
    embedded = Settings(data_dir=tmp_path / "var", demo=False)
    external = embedded.model_copy(update={"database_url": "postgresql://db.example/perisai"})
    for settings, niceness in ((embedded, WORKER_NICENESS), (external, None)):
        runtime = _runtime(settings)
        worker = _worker_runtime(settings, runtime)
        try:
            assert worker.db is not runtime.db  # never the server's own engine
            assert worker.db.url == runtime.db.url
            assert worker.db.backend_niceness == niceness
        finally:
            worker.db.dispose()
            runtime.db.dispose()


def _client_seen(settings: Settings, forwarded_for: str) -> str:
    """The client address an app sees behind uvicorn configured by `perisai serve`."""
    import asyncio

    import httpx
    import uvicorn

    from perisai.serve import uvicorn_options

    async def echo(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        host = scope["client"][0] if scope.get("client") else "none"
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": host.encode()})

    config = uvicorn.Config(echo, **uvicorn_options(settings))
    config.load()

    async def ask() -> str:
        transport = httpx.ASGITransport(app=config.loaded_app, client=("127.0.0.1", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            answer = await client.get("/", headers={"X-Forwarded-For": forwarded_for})
            return answer.text

    return asyncio.run(ask())


def test_forwarded_for_is_not_believed_from_loopback_by_default(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var", demo=False)
    assert _client_seen(settings, "203.0.113.9") == "127.0.0.1"


def test_forwarded_for_is_believed_from_a_named_proxy(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var", demo=False, trusted_proxies="127.0.0.1")
    assert _client_seen(settings, "203.0.113.9") == "203.0.113.9"
    other = Settings(data_dir=tmp_path / "var", demo=False, trusted_proxies="10.0.0.0/8")
    assert _client_seen(other, "203.0.113.9") == "127.0.0.1"


def test_trusted_proxies_must_be_addresses(tmp_path: Path) -> None:
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="not an IP address"):
        Settings(data_dir=tmp_path, trusted_proxies="proxy.example")
