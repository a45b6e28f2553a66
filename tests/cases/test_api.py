"""The cases JSON API: access per agency (404 when not on the case), redaction, workflow calls."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.cases.factories import make_case
from tests.identity.factories import make_user
from tests.triage.factories import make_report

from perisai.audit.service import SYSTEM
from perisai.identity.deps import SESSION_COOKIE
from perisai.identity.service import start_session
from perisai.runtime import Runtime
from perisai.triage.service import triage_report

CASES = "/api/v1/cases"


def login(client: TestClient, db: Session, runtime: Runtime, role: str, agency: str) -> int:
    user, _ = make_user(db, runtime.keyring, role=role, agency=agency)
    token = start_session(db, settings=runtime.settings, user=user, totp_verified=True)
    db.flush()
    client.cookies.set(SESSION_COOKIE, token)
    return user.id


def test_create_refer_accept_and_visibility(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    report = make_report(db, runtime.keyring, escalation="danger", victim_age=11)
    triage_report(db, report_id=report.id, actor=SYSTEM)
    login(client, db, runtime, "analyst", "SECRETARIAT")
    created = client.post(CASES, json={"title": "Suspect A", "report_ids": [report.public_id]})
    assert created.status_code == 201, created.text
    case = created.json()
    assert case["priority"] == "P1"
    assert case["reports"][0]["public_id"] == report.public_id
    assert "victims" not in case
    public_id = case["public_id"]
    referred = client.post(
        f"{CASES}/{public_id}/referrals", json={"agency": "JKM", "reason": "victim support"}
    )
    assert referred.status_code == 200, referred.text
    referral_id = referred.json()["referrals"][0]["id"]

    login(client, db, runtime, "caseworker", "NGO")
    assert client.get(f"{CASES}/{public_id}").status_code == 404
    assert client.get(CASES).json()["items"] == []

    login(client, db, runtime, "caseworker", "JKM")
    listed = client.get(CASES).json()["items"]
    assert [c["public_id"] for c in listed] == [public_id]
    answer = client.post(
        f"{CASES}/{public_id}/referrals/{referral_id}/response", json={"accept": True}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["referrals"][0]["status"] == "accepted"
    timeline = client.get(f"{CASES}/{public_id}/timeline").json()
    assert [e["type"] for e in timeline][:2] == ["case.created", "case.referred"]


def test_tasks_notes_status_and_takedowns(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    case = make_case(db, runtime.keyring)
    login(client, db, runtime, "analyst", "SECRETARIAT")
    base = f"{CASES}/{case.public_id}"
    task = client.post(
        f"{base}/tasks", json={"title": "Preserve account", "due_at": "2026-12-01T10:00:00+08:00"}
    )
    assert task.status_code == 201, task.text
    task_id = task.json()["tasks"][0]["id"]
    assert client.post(f"{base}/tasks/{task_id}/done").json()["tasks"][0]["done_at"]
    assert client.post(f"{base}/tasks/999999999/done").status_code == 404
    assert client.post(f"{base}/notes", json={"body": "Called platform."}).status_code == 201
    notice = client.post(
        f"{base}/takedowns", json={"url": "https://example.com/p/9", "platform": "ExampleChat"}
    )
    assert notice.status_code == 201, notice.text
    takedown_id = notice.json()["takedowns"][0]["id"]
    removed = client.post(f"{base}/takedowns/{takedown_id}/removed", json={})
    assert removed.json()["takedowns"][0]["status"] == "removed"
    bad = client.post(f"{base}/status", json={"status": "closed"})
    assert bad.status_code == 409
    assert bad.headers["content-type"].startswith("application/problem+json")
    closed = client.post(f"{base}/status", json={"status": "closed", "outcome": "content_removed"})
    assert closed.json()["status"] == "closed"


def test_garbage_is_refused_clearly(client: TestClient, db: Session, runtime: Runtime) -> None:
    login(client, db, runtime, "analyst", "SECRETARIAT")
    assert client.post(CASES, json={"title": "x", "report_ids": ["R-NOPE"]}).status_code == 422
    assert client.post(CASES, json={"title": "", "report_ids": []}).status_code == 422
    assert client.post(CASES, json={"title": "x", "report_ids": ["a"], "x": 1}).status_code == 422
    assert (
        client.post(
            CASES, content=b"\xff\x00", headers={"content-type": "application/json"}
        ).status_code
        == 422
    )
    assert client.get(f"{CASES}/C-NOPE").status_code == 404
    assert client.get(f"{CASES}/" + "x" * 40).status_code == 422


def test_auditor_and_anonymous_cannot_read_cases(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    assert client.get(CASES).status_code == 401
    login(client, db, runtime, "auditor", "SECRETARIAT")
    assert client.get(CASES).status_code == 403


def test_idempotency_key_answers_the_same_case(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    report = make_report(db, runtime.keyring)
    other = make_report(db, runtime.keyring)
    login(client, db, runtime, "analyst", "SECRETARIAT")
    body = {"title": "Once", "report_ids": [report.public_id]}
    headers = {"Idempotency-Key": "case-key-1"}
    first = client.post(CASES, json=body, headers=headers)
    again = client.post(CASES, json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["public_id"] == again.json()["public_id"]
    changed = client.post(
        CASES, json={"title": "Once", "report_ids": [other.public_id]}, headers=headers
    )
    assert changed.status_code == 409
