"""One case view (perisai.cases.views) behind every outlet: the JSON API keeps its contract (the
fields below, times in ISO 8601, priorities as labels), and the case page reads the same facts
with the people's names added."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.cases.test_api import login
from tests.identity.factories import make_user
from tests.triage.factories import make_report

from perisai.audit.service import SYSTEM
from perisai.runtime import Runtime
from perisai.triage.service import triage_report

CASES = "/api/v1/cases"
# The JSON contract of GET /api/v1/cases/{id}: what scripts and other agencies' systems read.
SUMMARY_KEYS = {
    "id",
    "public_id",
    "status",
    "outcome",
    "priority",
    "tlp",
    "created_at",
    "closed_at",
    "title",
    "agencies",
}
CASE_KEYS = SUMMARY_KEYS | {
    "assignments",
    "referrals",
    "lead_agency",
    "victim_access",
    "assigned_caseworker_id",
    "assigned_investigator_id",
    "reports",
    "tasks",
    "notes",
    "takedowns",
    "allowed_actions",
}
PART_KEYS = {
    "assignments": {"id", "agency", "user_id", "user_role", "since", "ended_at"},
    "referrals": {"id", "agency", "status", "reason", "at", "responded_at", "response_note"},
    "victim_access": {
        "id",
        "agency",
        "user_id",
        "reason",
        "granted_by",
        "granted_at",
        "revoked_at",
        "revoked_by",
        "revoke_reason",
    },
    "reports": {
        "public_id",
        "status",
        "incident_type",
        "received_at",
        "priority",
        "sla_due_at",
        "case_public_id",
        "reasons",
        "links",
    },
    "tasks": {"id", "title", "due_at", "done_at"},
    "notes": {"id", "agency", "body", "at"},
    "takedowns": {
        "id",
        "url",
        "platform",
        "status",
        "deadline_at",
        "notices_sent",
        "escalated_at",
        "first_sent_at",
        "removed_at",
    },
}
TIMES = {
    "created_at",
    "closed_at",
    "since",
    "ended_at",
    "at",
    "responded_at",
    "granted_at",
    "revoked_at",
    "received_at",
    "sla_due_at",
    "due_at",
    "done_at",
    "deadline_at",
    "escalated_at",
    "first_sent_at",
    "removed_at",
}


def _times_are_iso(item: dict[str, Any]) -> None:
    for key in TIMES & item.keys():
        if item[key] is not None:
            assert isinstance(item[key], str), (key, item[key])
            assert datetime.fromisoformat(item[key]).tzinfo is not None, (key, item[key])


def _worked_case(client: TestClient, db: Session, runtime: Runtime) -> tuple[str, str]:
    """A case with every part filled through the API; (its id, the investigator's name)."""
    report = make_report(db, runtime.keyring, escalation="danger", victim_age=11)
    triage_report(db, report_id=report.id, actor=SYSTEM)
    investigator, _ = make_user(db, runtime.keyring, role="investigator", agency="PDRM")
    login(client, db, runtime, "supervisor", "SECRETARIAT")
    created = client.post(CASES, json={"title": "Contract", "report_ids": [report.public_id]})
    assert created.status_code == 201, created.text
    base = f"{CASES}/{created.json()['public_id']}"
    calls = [
        ("assignments", {"agency": "PDRM", "user_id": investigator.id}),
        ("referrals", {"agency": "JKM", "reason": "victim support"}),
        ("tasks", {"title": "call the school", "due_at": "2030-01-01T00:00:00+08:00"}),
        ("notes", {"body": "parents called"}),
        ("takedowns", {"url": "https://example.org/x", "platform": "Example"}),
    ]
    for path, body in calls:
        answer = client.post(f"{base}/{path}", json=body)
        assert answer.status_code in (200, 201), (path, answer.text)
    return created.json()["public_id"], investigator.display_name


def test_the_api_keeps_its_json_contract(client: TestClient, db: Session, runtime: Runtime) -> None:
    public_id, investigator = _worked_case(client, db, runtime)
    shown = client.get(f"{CASES}/{public_id}").json()
    assert set(shown) == CASE_KEYS
    assert shown["priority"] == "P1" and shown["reports"][0]["priority"] == "P1"
    _times_are_iso(shown)
    for part, keys in PART_KEYS.items():
        assert shown[part], f"precondition: {part} filled"
        for item in shown[part]:
            assert set(item) == keys, part
            _times_are_iso(item)
    # The page names people; the API gives their ids only.
    assert investigator not in str(shown)
    (listed,) = [c for c in client.get(CASES).json()["items"] if c["public_id"] == public_id]
    assert set(listed) == SUMMARY_KEYS and listed["priority"] == "P1"
    _times_are_iso(listed)


def test_the_page_reads_the_same_facts_with_names(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    public_id, investigator = _worked_case(client, db, runtime)
    api = client.get(f"{CASES}/{public_id}").json()
    page = client.get(f"/workspace/cases/{public_id}?lang=en").text
    assert f"PDRM: {investigator} (Investigator)" in page  # the assignment, by name
    assert f"PDRM: {investigator} — " in page  # the victim-access grant, by name
    for report in api["reports"]:
        assert report["public_id"] in page
    for part, field in (("tasks", "title"), ("notes", "body"), ("takedowns", "url")):
        for item in api[part]:
            assert item[field] in page, part
    assert "victim support" in page and "Referred" in page  # the referral; the timeline
