from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.linkage.factories import account, body, make_report
from tests.linkage.login import log_in
from tests.reports.factories import bearer

from perisai.audit.models import AuditEntry
from perisai.identity.permissions import Scope
from perisai.runtime import Runtime

LINKS = "/api/v1/links"
SECTIONS = {"identifier", "reports", "identifiers", "links", "shared_media", "timeline"}


def _audited(db: Session) -> list[AuditEntry]:
    statement = select(AuditEntry).where(AuditEntry.action == "linkage.lookup")
    return list(db.scalars(statement.order_by(AuditEntry.id)))


def test_an_analyst_gets_the_linkage_answer_and_it_is_audited(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    keyring = runtime.keyring
    one = make_report(db, keyring, body(account(user_id="api1", phones=["012-345 6789"])))
    two = make_report(db, keyring, body(account(user_id="api2", phones=["+60123456789"])))
    user = log_in(client, runtime, db)
    response = client.get(LINKS, params={"identifier": "0123456789"})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert set(answer) >= SECTIONS
    assert {r["report_id"] for r in answer["reports"]} == {one.public_id, two.public_id}
    assert answer["links"][0]["reasons"][0].startswith("same phone +60123456789 as report ")
    (entry,) = _audited(db)
    assert entry.actor_kind == "user" and entry.actor_id == str(user.id)
    assert entry.object_id == "phone:+60123456789"
    assert sorted(entry.details["reports"]) == sorted([one.public_id, two.public_id])


def test_username_needs_kind_or_platform(client: TestClient, runtime: Runtime, db: Session) -> None:
    make_report(db, runtime.keyring, body(account(user_id="Si_Abang")))
    log_in(client, runtime, db)
    found = client.get(
        LINKS, params={"identifier": "si_abang", "kind": "username", "platform": "examplechat"}
    )
    assert found.status_code == 200 and len(found.json()["reports"]) == 1


def test_unknown_identifier_is_an_empty_answer(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    log_in(client, runtime, db)
    response = client.get(LINKS, params={"identifier": "device-123", "kind": "device"})
    assert response.status_code == 200
    assert response.json()["reports"] == []
    assert len(_audited(db)) == 1  # an empty answer is still a lookup


def test_malformed_identifier_is_a_problem_naming_the_field(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    log_in(client, runtime, db)
    cases = [
        ({"identifier": "abang"}, "kind"),
        ({"identifier": "x", "kind": "shoe"}, "kind"),
        ({"identifier": "abang", "kind": "username"}, "platform"),
        ({"identifier": "12", "kind": "phone"}, "identifier"),
        ({"identifier": "x" * 3000}, "identifier"),
        ({}, "identifier"),
    ]
    for params, field in cases:
        response = client.get(LINKS, params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == "application/problem+json"
        assert field in {error["field"] for error in response.json()["errors"]}, params
    assert _audited(db) == []


def test_unauthenticated_call_is_401(client: TestClient) -> None:
    response = client.get(LINKS, params={"identifier": "a@b.my"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


def test_api_keys_cannot_read_links(client: TestClient, db: Session) -> None:
    # Linkage is for staff sessions: even a key with every scope is refused.
    headers = bearer(db, list(Scope))
    assert client.get(LINKS, params={"identifier": "a@b.my"}, headers=headers).status_code == 401


def test_a_caseworker_without_reports_read_is_403(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    log_in(client, runtime, db, role="caseworker")
    response = client.get(LINKS, params={"identifier": "a@b.my"})
    assert response.status_code == 403
    assert "reports:read" in response.json()["detail"]
    assert _audited(db) == []
