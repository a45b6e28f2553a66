"""The intake API end to end: real PostgreSQL, real keys, real audit chain."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.reports.factories import (
    REPORTS,
    bearer,
    example_body,
    fresh_key,
    submit,
    submitted_id,
)

from perisai.audit.models import AuditEntry
from perisai.audit.service import SYSTEM
from perisai.crypto import DecryptionError
from perisai.identity.models import ApiKey
from perisai.identity.permissions import Scope
from perisai.identity.service import revoke_api_key
from perisai.reports.models import Report, ReportIdentifier, ReportVictim
from perisai.reports.victimseal import open_victim
from perisai.runtime import Runtime
from perisai.testing.examples import ISSUE_EXAMPLE_JSON


def test_the_issue_example_body_is_accepted_as_is(client: TestClient, db: Session) -> None:
    headers = {**bearer(db), "Idempotency-Key": fresh_key(), "Content-Type": "application/json"}
    response = client.post(REPORTS, content=ISSUE_EXAMPLE_JSON.encode(), headers=headers)
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert set(receipt) == {"report_id", "received_at", "sha256"}
    assert receipt["report_id"].startswith(f"R-{datetime.now(UTC).year}-")
    canonical = json.dumps(
        json.loads(ISSUE_EXAMPLE_JSON), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    assert receipt["sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert response.headers["location"] == f"{REPORTS}/{receipt['report_id']}"


def test_submission_is_stored_with_normalised_identifiers(client: TestClient, db: Session) -> None:
    report_id = submitted_id(client, bearer(db), example_body())
    report = db.scalars(select(Report).where(Report.public_id == report_id)).one()
    assert report.status == "received"
    assert report.incident_type == "online_enticement"
    assert report.incident_annotations == ["sextortion"]
    keys = set(
        db.scalars(select(ReportIdentifier.key).where(ReportIdentifier.report_id == report.id))
    )
    assert {
        "email:abangbaik@gmail.com",
        "phone:+60123456789",
        "ip:81.2.69.160",
        "username:examplechat:abang_baik",
        "username:examplechat:u123",
    } <= keys


def test_victims_are_sealed_and_bound_to_their_report(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    body = example_body()
    body["victims"] = [{"age": 12, "name": "Siti Contoh"}]
    report_id = submitted_id(client, bearer(db), body)
    victim = db.scalars(
        select(ReportVictim).join(Report).where(Report.public_id == report_id)
    ).one()
    assert victim.sealed is not None and b"Siti" not in victim.sealed
    # Under a data key of this victim's own, kept in the subject key store outside the
    # database (crypto-shredding that reaches backups): the row holds no key.
    assert victim.key_sealed is None and victim.key_segment is not None
    assert runtime.keyring.subjects().get(victim.key_segment, f"report:{report_id}:victim:0")
    with pytest.raises(DecryptionError):
        runtime.keyring.open_text(victim.sealed, f"report:{report_id}:victim:0")
    opened = open_victim(runtime.keyring, report_id, victim)
    assert opened is not None and opened["name"] == "Siti Contoh"
    assert opened["age"] == 12


def test_replay_with_same_key_and_body_returns_the_same_receipt(
    client: TestClient, db: Session
) -> None:
    headers, key = bearer(db), fresh_key()
    first = submit(client, headers, key=key)
    again = submit(client, headers, key=key)
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    assert len(db.scalars(select(Report).where(Report.idempotency_key == key)).all()) == 1


def test_same_key_with_a_different_body_is_409(client: TestClient, db: Session) -> None:
    headers, key = bearer(db), fresh_key()
    assert submit(client, headers, key=key).status_code == 201
    changed = example_body()
    changed["additional_info"] = "something else"
    response = submit(client, headers, changed, key=key)
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"


def test_the_same_key_from_another_client_is_a_separate_report(
    client: TestClient, db: Session
) -> None:
    key = fresh_key()
    first = submit(client, bearer(db), key=key)
    second = submit(client, bearer(db), key=key)
    assert first.status_code == second.status_code == 201
    assert first.json()["report_id"] != second.json()["report_id"]


def test_missing_idempotency_key_is_refused(client: TestClient, db: Session) -> None:
    response = client.post(REPORTS, json=example_body(), headers=bearer(db))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"


def test_unknown_field_is_rejected_and_named(client: TestClient, db: Session) -> None:
    body = example_body()
    body["reported_accounts"][0]["favourite_colour"] = "blue"
    response = submit(client, bearer(db), body)
    assert response.status_code == 422
    fields = [error["field"] for error in response.json()["errors"]]
    assert "reported_accounts.0.favourite_colour" in fields


def test_missing_key_is_401(client: TestClient) -> None:
    response = client.post(REPORTS, json=example_body(), headers={"Idempotency-Key": "k-1"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_wrong_key_is_401(client: TestClient) -> None:
    headers = {"Authorization": "Bearer not-a-real-key", "Idempotency-Key": "k-2"}
    assert client.post(REPORTS, json=example_body(), headers=headers).status_code == 401


def test_revoked_key_is_401(client: TestClient, db: Session) -> None:
    headers = bearer(db)
    key = db.scalars(select(ApiKey).order_by(ApiKey.id.desc())).first()
    assert key is not None
    revoke_api_key(db, actor=SYSTEM, key_id=key.id)
    db.flush()
    assert submit(client, headers).status_code == 401


def test_key_without_the_scope_is_403(client: TestClient, db: Session) -> None:
    headers = bearer(db, [Scope.MEDIA_MATCH])
    assert submit(client, headers).status_code == 403
    assert client.get(f"{REPORTS}/R-2026-XXXX", headers=headers).status_code == 403


def test_oversized_body_is_413_and_stores_nothing(client: TestClient, db: Session) -> None:
    body = example_body()
    body["additional_info"] = "x" * (2 * 1_048_576)
    key = fresh_key()
    response = submit(client, bearer(db), body, key=key)
    assert response.status_code == 413
    assert db.scalars(select(Report).where(Report.idempotency_key == key)).first() is None


def test_submit_is_audited(client: TestClient, db: Session) -> None:
    report_id = submitted_id(client, bearer(db), example_body())
    entry = db.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "report.submit", AuditEntry.object_id == report_id
        )
    ).one()
    assert entry.actor_kind == "apikey"
    assert entry.details["incident_type"] == "online_enticement"


def test_get_shows_status_without_victim_identities(client: TestClient, db: Session) -> None:
    headers = bearer(db)
    body = example_body()
    body["victims"] = [{"age": 12, "name": "Siti Contoh", "emails": ["siti@example.my"]}]
    report_id = submitted_id(client, headers, body)
    response = client.get(f"{REPORTS}/{report_id}", headers=headers)
    assert response.status_code == 200
    shown = response.json()
    assert shown["status"] == "received"
    assert shown["victim_count"] == 1
    assert "victims" not in shown
    assert "Siti" not in response.text
    assert "siti@example.my" not in response.text


def test_another_client_cannot_see_the_report(client: TestClient, db: Session) -> None:
    report_id = submitted_id(client, bearer(db), example_body())
    other = bearer(db)
    assert client.get(f"{REPORTS}/{report_id}", headers=other).status_code == 404
    assert client.post(f"{REPORTS}/{report_id}/retract", headers=other).status_code == 404


def test_finish_then_retract_is_refused(client: TestClient, db: Session) -> None:
    headers = bearer(db)
    report_id = submitted_id(client, headers, example_body())
    finished = client.post(f"{REPORTS}/{report_id}/finish", headers=headers)
    assert finished.status_code == 200
    assert finished.json()["status"] == "finished"
    assert client.post(f"{REPORTS}/{report_id}/retract", headers=headers).status_code == 409


def test_retract_then_finish_is_refused(client: TestClient, db: Session) -> None:
    headers = bearer(db)
    report_id = submitted_id(client, headers, example_body())
    retracted = client.post(f"{REPORTS}/{report_id}/retract", headers=headers)
    assert retracted.status_code == 200
    assert retracted.json()["status"] == "retracted"
    refused = client.post(f"{REPORTS}/{report_id}/finish", headers=headers)
    assert refused.status_code == 409
    assert client.get(f"{REPORTS}/{report_id}", headers=headers).json()["status"] == "retracted"
    actions = set(db.scalars(select(AuditEntry.action).where(AuditEntry.object_id == report_id)))
    assert actions == {"report.submit", "report.retract"}


def test_unknown_report_is_404(client: TestClient, db: Session) -> None:
    assert client.get(f"{REPORTS}/R-2026-NOPE", headers=bearer(db)).status_code == 404


def test_openapi_describes_the_intake_endpoints(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    assert set(paths["/api/v1/reports"]) == {"post"}
    assert "application/json" in paths["/api/v1/reports"]["post"]["requestBody"]["content"]
    upload = paths["/api/v1/reports/{report_id}/files/{name}"]["put"]["requestBody"]
    assert "application/octet-stream" in upload["content"]
    assert "application/xml" in paths["/api/v1/reports/cybertip"]["post"]["requestBody"]["content"]
    assert "/lapor" not in paths  # the hotline is a web page, not part of the API
