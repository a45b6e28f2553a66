"""The triage JSON API: queue order and paging, a report's reasons and links, override, review."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.cases.test_api import login
from tests.triage.factories import make_report

from perisai.audit.service import SYSTEM
from perisai.runtime import Runtime
from perisai.triage.service import triage_report

TRIAGE = "/api/v1/triage"


def test_queue_report_override_and_review(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    low = make_report(db, runtime.keyring, phone="0123456789", incident="child_pornography")
    high = make_report(db, runtime.keyring, escalation="danger tonight")
    for report in (low, high):
        triage_report(db, report_id=report.id, actor=SYSTEM)
    login(client, db, runtime, "analyst", "SECRETARIAT")
    queue = client.get(f"{TRIAGE}/queue", params={"limit": 200}).json()
    order = [
        i["public_id"] for i in queue["items"] if i["public_id"] in (low.public_id, high.public_id)
    ]
    assert order == [high.public_id, low.public_id]
    assert client.get(f"{TRIAGE}/queue", params={"cursor": "@@"}).status_code == 400

    shown = client.get(f"{TRIAGE}/reports/{low.public_id}").json()
    assert shown["priority"] == "P4"
    assert shown["sla_due_at"]["review"]
    overridden = client.post(
        f"{TRIAGE}/reports/{low.public_id}/override",
        json={"priority": "P2", "reason": "same suspect as an active PDRM case"},
    )
    assert overridden.status_code == 200, overridden.text
    body = overridden.json()
    assert body["priority"] == "P2"
    assert body["reasons"][0]["rule"] == "override"
    assert body["sla_due_at"]["reviewed_at"]
    short = client.post(
        f"{TRIAGE}/reports/{low.public_id}/override", json={"priority": "P1", "reason": "x"}
    )
    assert short.status_code == 422
    reviewed = client.post(f"{TRIAGE}/reports/{high.public_id}/review").json()
    assert reviewed["sla_due_at"]["reviewed_at"]
    rerun = client.post(f"{TRIAGE}/reports/{high.public_id}/run")
    assert rerun.status_code == 200
    assert client.get(f"{TRIAGE}/reports/R-NOPE").status_code == 404


def test_other_agencies_do_not_see_unassigned_reports(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    report = make_report(db, runtime.keyring, escalation="danger")
    triage_report(db, report_id=report.id, actor=SYSTEM)
    login(client, db, runtime, "analyst", "PDRM")
    assert client.get(f"{TRIAGE}/reports/{report.public_id}").status_code == 404
    items = client.get(f"{TRIAGE}/queue").json()["items"]
    assert report.public_id not in [i["public_id"] for i in items]
