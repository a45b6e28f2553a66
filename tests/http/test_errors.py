"""Garbage that used to answer 500 (#11 item 11), and the 500 document itself.

TLP RED case creation, JSON nested 100,000 deep, NUL characters in fields and URL paths: each
answers a 4xx problem naming what is wrong. A 500 still carries its request id (body and
header), so that an operator can find it in the log.
"""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.cases.test_api import CASES, login
from tests.identity.factories import make_api_key
from tests.triage.factories import make_report

from perisai.audit.service import SYSTEM
from perisai.identity.permissions import Scope
from perisai.runtime import Runtime
from perisai.triage.service import triage_report

DEEP = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECT = b'{"a":' * 100_000 + b"1" + b"}" * 100_000


def _bearer(db: Session, *scopes: Scope) -> dict[str, str]:
    _, secret = make_api_key(db, scopes=list(scopes))
    return {"Authorization": f"Bearer {secret}"}


def test_a_tlp_red_case_can_be_created(client: TestClient, db: Session, runtime: Runtime) -> None:
    report = make_report(db, runtime.keyring)
    triage_report(db, report_id=report.id, actor=SYSTEM)
    login(client, db, runtime, "analyst", "SECRETARIAT")
    response = client.post(
        CASES, json={"title": "Red case", "report_ids": [report.public_id], "tlp": "RED"}
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["tlp"] == "RED"
    assert created["id"].startswith("C-")
    # Red: only its assigned people see it; the creator is told it exists, and no more.
    shown = client.get(f"{CASES}/{created['id']}")
    if created.get("visible") is False:
        assert shown.status_code == 404
        assert set(created) == {"id", "tlp", "visible"}
    else:
        assert shown.status_code == 200, shown.text


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["array", "object"])
def test_json_nested_100000_deep_is_refused(client: TestClient, db: Session, body: bytes) -> None:
    grooming = client.post(
        "/api/v1/grooming/score",
        content=body,
        headers={**_bearer(db, Scope.GROOMING_SCORE), "Content-Type": "application/json"},
    )
    assert grooming.status_code in (400, 422), grooming.text
    headers = {**_bearer(db, Scope.BANKS_WRITE), "Content-Type": "application/json"}
    made = client.post("/api/v1/banks", json={"name": "deep-test"}, headers=headers)
    assert made.status_code in (200, 201), made.text
    imported = client.post(
        "/api/v1/banks/deep-test/import?format=vics", content=body, headers=headers
    )
    assert imported.status_code < 500, imported.text
    assert imported.json()["added"] == 0
    assert imported.json()["errors"]
    for path in ("/api/v1/reports", "/api/v1/banks", CASES, "/api/v1/media/match"):
        answered = client.post(path, content=body, headers=headers)
        assert answered.status_code < 500, (path, answered.text)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/reports/R-%00",
        "/api/v1/reports/R-2026-%00AAAA/files/a%00b",
        "/api/v1/cases/C-%00",
        "/api/v1/banks/x%00y",
        "/workspace/reports/R-%00",
        "/workspace/cases/C-%00",
        "/lapor/status?code=%00",
        "/api/v1/reports?x=%00",
    ],
)
def test_nul_in_a_url_is_refused(client: TestClient, db: Session, path: str) -> None:
    headers = _bearer(db, Scope.REPORTS_SUBMIT, Scope.BANKS_WRITE)
    for method in ("GET", "PUT", "POST"):
        response = client.request(method, path, headers=headers, content=b"x")
        assert response.status_code < 500, (method, path, response.text)


def test_nul_in_fields_is_refused(client: TestClient, db: Session, runtime: Runtime) -> None:
    report = make_report(db, runtime.keyring)
    triage_report(db, report_id=report.id, actor=SYSTEM)
    login(client, db, runtime, "analyst", "SECRETARIAT")
    case = client.post(CASES, json={"title": "a\u0000b", "report_ids": [report.public_id]})
    assert case.status_code == 422, case.text
    form = client.post(
        "/login", data={"email": "a\x00@x.my", "password": "p\x00", "csrf_token": "x"}
    )
    assert form.status_code < 500, form.text
    headers = _bearer(db, Scope.BANKS_WRITE)
    bank = client.post("/api/v1/banks", json={"name": "nul\u0000bank"}, headers=headers)
    assert bank.status_code == 422, bank.text


def test_a_500_carries_its_request_id(app: FastAPI) -> None:
    from perisai.identity.deps import Public

    @app.get("/api/v1/test-boom", dependencies=[Public])
    def boom() -> None:
        raise RuntimeError("synthetic failure")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/test-boom")
    assert response.status_code == 500
    document = response.json()
    assert document["request_id"]
    assert response.headers["x-request-id"] == document["request_id"]
    assert response.headers["content-type"] == "application/problem+json"
    assert "synthetic failure" not in response.text


def test_a_500_on_a_page_is_a_page_with_its_request_id(app: FastAPI) -> None:
    from perisai.identity.deps import Public

    @app.get("/test-boom-page", dependencies=[Public])
    def boom() -> None:
        raise RuntimeError("synthetic failure")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/test-boom-page?lang=en")
        nul = client.get("/workspace/reports/R-%00?lang=ms")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["x-request-id"]
    assert "content-security-policy" in response.headers
    assert "synthetic failure" not in response.text
    assert nul.status_code == 400
    assert nul.headers["content-type"].startswith("text/html")
