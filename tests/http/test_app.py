from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient


def test_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}


def test_request_id_and_security_headers(client: TestClient) -> None:
    response = client.get("/login")
    assert len(response.headers["x-request-id"]) >= 8
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    echoed = client.get("/healthz", headers={"X-Request-ID": "abc12345-client"})
    assert echoed.headers["x-request-id"] == "abc12345-client"
    bad = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert bad.headers["x-request-id"] != "<script>"


def test_errors_are_problem_json(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404
    assert body["title"]
    assert body["request_id"]


def test_oversized_body_gets_413(client: TestClient, app: FastAPI) -> None:
    limit = app.state.settings.max_body_bytes
    response = client.post(
        "/login",
        content=b"x" * (limit + 1),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert response.json()["title"] == "Request body too large"


def test_chunked_oversized_body_gets_413(client: TestClient, app: FastAPI) -> None:
    limit = app.state.settings.max_body_bytes

    def chunks() -> object:
        for _ in range(limit // 65536 + 2):
            yield b"x" * 65536

    response = client.post(
        "/login",
        content=chunks(),  # type: ignore[arg-type]
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413


def test_api_without_credentials_gets_401_problem(client: TestClient, app: FastAPI) -> None:
    from perisai.identity.deps import require_scope
    from perisai.identity.permissions import Scope

    @app.get("/api/v1/probe", dependencies=[require_scope(Scope.EVENTS_READ)])
    def probe() -> dict[str, str]:
        return {}

    for headers in ({}, {"Authorization": "Bearer psk_nope_nope"}, {"Authorization": "Basic x"}):
        response = client.get("/api/v1/probe", headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
