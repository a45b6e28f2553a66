"""/api/v1/monitoring/alerts: supervisors read and act, auditors only read, others are refused;
garbage gets field-level problems."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.monitoring.alert_factories import make_alert
from tests.workspace.factories import log_in

from perisai.runtime import Runtime

API = "/api/v1/monitoring/alerts"


def test_a_supervisor_lists_reads_and_walks_the_lifecycle(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    alert = make_alert(db)
    other = make_alert(db, series="source:ncmec", status="dismissed")
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    listed = client.get(API).json()["items"]
    assert {a["id"] for a in listed} == {alert.public_id, other.public_id}
    only_new = client.get(API, params={"status": "new"}).json()["items"]
    assert [a["id"] for a in only_new] == [alert.public_id]
    shown = client.get(f"{API}/{alert.public_id}").json()
    assert shown["series"] == "source:hotline" and shown["observed"] == 45
    assert shown["q_value"] == pytest.approx(3.6e-9) and shown["method"] == "negbin"
    ack = client.post(f"{API}/{alert.public_id}/acknowledge")
    assert ack.status_code == 200, ack.text
    assert ack.json()["status"] == "acknowledged"
    assert ack.json()["acknowledged_by"].endswith("@SECRETARIAT")
    done = client.post(f"{API}/{alert.public_id}/dismiss", json={"reason": "test traffic"})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "dismissed" and done.json()["dismiss_reason"] == "test traffic"
    again = client.post(f"{API}/{alert.public_id}/confirm")
    assert again.status_code == 409


def test_an_auditor_reads_but_may_not_act(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    alert = make_alert(db)
    log_in(client, runtime, db, role="auditor", agency="SECRETARIAT")
    assert client.get(f"{API}/{alert.public_id}").status_code == 200
    assert client.post(f"{API}/{alert.public_id}/confirm").status_code == 403
    db.refresh(alert)
    assert alert.status == "new"


def test_other_roles_are_refused(client: TestClient, runtime: Runtime, db: Session) -> None:
    alert = make_alert(db)
    log_in(client, runtime, db, role="analyst", agency="PDRM")
    assert client.get(API).status_code == 403
    assert client.post(f"{API}/{alert.public_id}/confirm").status_code == 403


@pytest.mark.parametrize(
    ("path", "kwargs", "field"),
    [
        ("", {"params": {"status": "open-ish"}}, "status"),
        ("", {"params": {"limit": "0"}}, "limit"),
        ("", {"params": {"from": "2026-13-01"}}, "from"),
        ("", {"params": {"from": "2026-11-30", "to": "2026-11-01"}}, "from"),
        ("/{id}/dismiss", {"json": {}}, "reason"),
        ("/{id}/dismiss", {"json": {"reason": ""}}, "reason"),
        ("/{id}/dismiss", {"json": {"reason": "x" * 1001}}, "reason"),
        ("/{id}/dismiss", {"json": {"reason": "ok", "extra": 1}}, "extra"),
        ("/{id}/dismiss", {"json": {"reason": "   "}}, "reason"),
    ],
)
def test_garbage_is_refused_by_field(
    client: TestClient,
    runtime: Runtime,
    db: Session,
    path: str,
    kwargs: dict[str, object],
    field: str,
) -> None:
    alert = make_alert(db)
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    url = API + path.replace("{id}", alert.public_id)
    answer = client.post(url, **kwargs) if "dismiss" in path else client.get(url, **kwargs)  # type: ignore[arg-type]
    assert answer.status_code == 422, answer.text
    assert field in answer.text
    db.refresh(alert)
    assert alert.status == "new"


def test_unknown_and_malformed_ids(client: TestClient, runtime: Runtime, db: Session) -> None:
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    assert client.get(f"{API}/MA-ZZZZZZZZ").status_code == 404
    assert client.get(f"{API}/not-an-id").status_code == 422
    assert client.post(f"{API}/MA-ZZZZZZZZ/acknowledge").status_code == 404
