"""The support API under /api/v1/support: a whole plan through JSON, need-to-know as 404/403,
garbage refused with field-level problems, no access with an API key."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.identity.factories import make_api_key
from tests.support.factories import PlanWorld, make_plan_world
from tests.victims.factories import make_world
from tests.workspace.factories import log_in

from perisai.identity.permissions import Scope
from perisai.runtime import Runtime

BASE = "/api/v1/support"
REASON = "The first recording is unusable; the deputy public prosecutor asked for another."


@pytest.fixture
def pw(db: Session, runtime: Runtime) -> PlanWorld:
    return make_plan_world(db, runtime.keyring)


def test_a_plan_through_the_api(client: TestClient, db: Session, runtime: Runtime) -> None:
    world = make_world(db, runtime.keyring)
    log_in(client, runtime, db, role="caseworker", agency="JKM")
    started = client.post(f"{BASE}/plans", json={"victim_id": world.victim.public_id})
    assert started.status_code == 201, started.text
    plan = started.json()
    assert plan["victim_id"] == world.victim.public_id and plan["lead_agency"] == "JKM"
    pid = plan["id"]
    again = client.post(f"{BASE}/plans", json={"victim_id": world.victim.public_id})
    assert again.json()["id"] == pid
    need = client.put(f"{BASE}/plans/{pid}/needs/medical", json={"level": "high"})
    assert need.status_code == 200 and need.json()["needs"][0]["level"] == "high"
    safety = client.put(f"{BASE}/plans/{pid}/safety", json={"offender_known_to_family": True})
    assert safety.json()["safety_check"] == "due"
    added = client.post(
        f"{BASE}/plans/{pid}/services",
        json={
            "kind": "oscc",
            "provider": "OSCC Hospital Contoh",
            "follow_up_due_at": "2031-01-01T09:00:00+08:00",
        },
    )
    assert added.status_code == 201, added.text
    (svc,) = added.json()["services"]
    assert svc["provider_agency"] is None and svc["status"] == "referred"
    contact = client.post(
        f"{BASE}/plans/{pid}/services/{svc['id']}/contacts", json={"kind": "contact"}
    )
    assert contact.status_code == 201 and contact.json()["services"][0]["first_contact_at"]
    code = client.post(f"{BASE}/plans/{pid}/child-code", json={"helpers": True, "lang": "en"})
    assert code.status_code == 201 and code.json()["url"] == "/support"
    assert client.get(f"{BASE}/plans").json()[0]["id"] == pid
    assert client.delete(f"{BASE}/plans/{pid}/child-code").status_code == 204
    closed = client.post(f"{BASE}/plans/{pid}/close")
    assert closed.json()["closed_at"] is not None


def test_interviews_through_the_api(
    client: TestClient, db: Session, runtime: Runtime, pw: PlanWorld
) -> None:
    log_in(client, runtime, db, role="investigator", agency="PDRM")
    body = {
        "scheduled_for": "2031-02-01T10:00:00+08:00",
        "agency": "PDRM",
        "interviewer": "Insp. Contoh",
    }
    first = client.post(f"{BASE}/plans/{pw.id}/interviews", json=body)
    assert first.status_code == 201 and first.json()["status"] == "scheduled"
    second = client.post(f"{BASE}/plans/{pw.id}/interviews", json=body)
    assert second.status_code == 422 and "written reason" in second.json()["title"]
    second = client.post(f"{BASE}/plans/{pw.id}/interviews", json={**body, "reason": REASON})
    assert second.json()["status"] == "awaiting_approval" and second.json()["repeat"]
    decided = client.post(f"{BASE}/plans/{pw.id}/interviews/2/decision", json={"approve": True})
    assert decided.status_code == 403  # an investigator is not a supervisor
    held = client.post(
        f"{BASE}/plans/{pw.id}/interviews/1/held",
        json={"held_at": "2026-12-01T10:00:00+08:00", "recording_location": "PDRM store"},
    )
    assert held.json()["status"] == "held"
    register = client.get(f"{BASE}/plans/{pw.id}/interviews").json()
    assert [(i["number"], i["status"]) for i in register] == [
        (1, "held"),
        (2, "awaiting_approval"),
    ]


def test_need_to_know_answers(
    client: TestClient, db: Session, runtime: Runtime, pw: PlanWorld
) -> None:
    log_in(client, runtime, db, role="caseworker", agency="MOE")
    assert client.get(f"{BASE}/plans/{pw.id}").status_code == 404
    assert client.get(f"{BASE}/plans").json() == []
    assert client.get(f"{BASE}/measures").status_code == 403  # aggregates: supervisors


def test_an_api_key_gets_nothing(client: TestClient, db: Session, pw: PlanWorld) -> None:
    _key, secret = make_api_key(db, scopes=[Scope.EVENTS_READ], agency="JKM")
    answer = client.get(f"{BASE}/plans/{pw.id}", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 401


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/services", {"kind": "astrology"}),
        ("/services", {"kind": "jkm", "surprise": 1}),
        ("/services", {"kind": "jkm", "provider": "x" * 201}),
        ("/services", {"kind": "jkm", "follow_up_due_at": "9999-01-01T00:00:00+00:00"}),
        ("/services", {"kind": "jkm", "follow_up_due_at": "2031-01-01T00:00:00"}),
        ("/services", {"kind": "jkm", "owner_id": -3}),
        ("/interviews", {"scheduled_for": "2031-01-01T00:00:00+08:00", "agency": "PDRM"}),
        ("/child-code", {"contact": True, "contact_text": "y" * 301}),
        ("/child-code", {"lang": "fr"}),
    ],
)
def test_garbage_is_refused_with_the_field_named(
    client: TestClient, db: Session, runtime: Runtime, pw: PlanWorld, path: str, body: object
) -> None:
    log_in(client, runtime, db, role="caseworker", agency="JKM")
    answer = client.post(f"{BASE}/plans/{pw.id}{path}", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"], answer.json()


def test_measures_for_a_supervisor(
    client: TestClient, db: Session, runtime: Runtime, pw: PlanWorld
) -> None:
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    found = client.get(f"{BASE}/measures?window=all")
    assert found.status_code == 200
    assert found.json()["overall"]["children"] == 1
    assert client.get(f"{BASE}/measures?window=7").status_code == 422
