"""The cases JSON API: access per agency (404 when not on the case), redaction, workflow calls."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.cases.factories import make_case
from tests.identity.factories import make_user
from tests.triage.factories import make_report

from perisai.audit.service import SYSTEM
from perisai.cases import service as cases
from perisai.identity.deps import SESSION_COOKIE
from perisai.identity.service import start_session
from perisai.reports.models import Report
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
    # An unknown report answers like one the caller may not see (404, existence is secret).
    assert client.post(CASES, json={"title": "x", "report_ids": ["R-NOPE"]}).status_code == 404
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


def test_a_denied_case_action_is_a_clear_403_problem(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    """Issue #11 item 1 over HTTP: the NGO caseworker's assignment of PDRM and merge."""
    case = make_case(db, runtime.keyring, victim_age=10)
    other = make_case(db, runtime.keyring)
    for held in (case, other):
        cases.refer(db, case_id=held.id, agency="NGO", reason="support", actor=SYSTEM)
    investigator, _ = make_user(db, runtime.keyring, role="investigator", agency="PDRM")
    base = f"{CASES}/{case.public_id}"
    login(client, db, runtime, "caseworker", "NGO")
    seen = client.get(base).json()
    assert seen["allowed_actions"] == ["answer_referral"]
    refused = client.post(
        f"{base}/assignments", json={"agency": "PDRM", "user_id": investigator.id}
    )
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["type"].endswith("/case-action-not-allowed/assign_agency")
    assert "Secretariat" in problem["detail"]
    merge = client.post(f"{base}/merge", json={"case_ids": [other.public_id]})
    assert merge.status_code == 403
    assert merge.json()["type"].endswith("/merge")
    close = client.post(f"{base}/status", json={"status": "closed", "outcome": "arrest"})
    assert close.status_code == 403

    login(client, db, runtime, "supervisor", "SECRETARIAT")
    shown = client.get(base).json()
    assert shown["agencies"] == ["NGO"] and shown["victim_access"] == []
    assert "reopen" not in shown["allowed_actions"] and "close" in shown["allowed_actions"]
    assigned = client.post(
        f"{base}/assignments", json={"agency": "PDRM", "user_id": investigator.id}
    )
    assert assigned.status_code == 200, assigned.text
    body = assigned.json()
    assert body["lead_agency"] == "PDRM"
    assert [(g["agency"], g["user_id"]) for g in body["victim_access"]] == [
        ("PDRM", investigator.id)
    ]
    closed = client.post(f"{base}/status", json={"status": "closed", "outcome": "arrest"})
    assert closed.json()["allowed_actions"] == ["reopen", "work"]
    assert client.post(f"{base}/reopen", json={"reason": ""}).status_code == 422
    reopened = client.post(f"{base}/reopen", json={"reason": "new evidence"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "investigating"
    grant_id = body["victim_access"][0]["id"]
    revoked = client.post(
        f"{base}/victim-access/{grant_id}/revoke", json={"reason": "left the unit"}
    )
    assert revoked.json()["victim_access"][0]["revoke_reason"] == "left the unit"
    timeline = [e["type"] for e in client.get(f"{base}/timeline").json()]
    assert "case.victim_access_granted" in timeline
    assert "case.victim_access_revoked" in timeline
    assert "case.reopened" in timeline


def test_creating_a_case_from_unseen_reports_answers_like_a_missing_one(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    """Issue #11 item 12: 422/409/500 told a hidden report from a missing one; now both 404."""
    held = make_case(db, runtime.keyring)
    cases.assign(db, case_id=held.id, agency="CSM", actor=SYSTEM)
    hidden = db.scalar(select(Report.public_id).where(Report.id == held.reports[0].report_id))
    loose = make_report(db, runtime.keyring)
    login(client, db, runtime, "analyst", "PDRM")
    answers = [
        client.post(CASES, json={"title": "x", "report_ids": [public_id]})
        for public_id in (hidden, loose.public_id, "R-000000-NOSUCH")
    ]
    assert [a.status_code for a in answers] == [404, 404, 404]
    bodies = [{k: v for k, v in a.json().items() if k != "request_id"} for a in answers]
    assert bodies[0] == bodies[1] == bodies[2]
    # The Secretariat sees both: the loose report makes a case, the held one is a conflict.
    login(client, db, runtime, "analyst", "SECRETARIAT")
    assert client.post(CASES, json={"title": "x", "report_ids": [hidden]}).status_code == 409
    made = client.post(CASES, json={"title": "x", "report_ids": [loose.public_id]})
    assert made.status_code == 201


def test_split_names_unknown_and_foreign_reports_alike(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    case = make_case(db, runtime.keyring, reports=2)
    foreign = make_case(db, runtime.keyring)
    foreign_id = db.scalar(
        select(Report.public_id).where(Report.id == foreign.reports[0].report_id)
    )
    login(client, db, runtime, "analyst", "SECRETARIAT")
    base = f"{CASES}/{case.public_id}/split"
    answers = [
        client.post(base, json={"title": "x", "report_ids": [public_id]})
        for public_id in (foreign_id, "R-000000-NOSUCH")
    ]
    assert [a.status_code for a in answers] == [409, 409]
    assert answers[0].json()["detail"] == answers[1].json()["detail"]


def test_garbage_to_the_new_case_actions_is_refused_clearly(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    case = make_case(db, runtime.keyring)
    base = f"{CASES}/{case.public_id}"
    login(client, db, runtime, "supervisor", "SECRETARIAT")
    for url, body in (
        (f"{base}/reopen", {}),
        (f"{base}/reopen", {"reason": ""}),
        (f"{base}/reopen", {"reason": "x" * 20_001}),
        (f"{base}/reopen", {"reason": "x", "extra": 1}),
        (f"{base}/victim-access", {"user_id": 0, "reason": "x"}),
        (f"{base}/victim-access", {"user_id": 2**40, "reason": "x"}),
        (f"{base}/victim-access", {"user_id": "1; drop", "reason": "x"}),
        (f"{base}/victim-access/0/revoke", {"reason": "x"}),
        (f"{base}/assignments", {"agency": "PDRM", "lead": "maybe"}),
    ):
        answer = client.post(url, json=body)
        assert answer.status_code == 422, (url, body, answer.status_code)
        assert answer.headers["content-type"].startswith("application/problem+json")
    assert client.post(f"{base}/reopen", json={"reason": "open"}).status_code == 409  # not closed
    assert (
        client.post(f"{base}/victim-access/999999/revoke", json={"reason": "x"}).status_code == 404
    )
    unknown = client.post(f"{base}/victim-access", json={"user_id": 2**31 - 1, "reason": "x"})
    assert unknown.status_code == 409
    assert client.post(f"{CASES}/C-NOPE/reopen", json={"reason": "x"}).status_code == 404
