"""The public hotline: bilingual, anonymous by default, idempotent, rate limited without IPs."""

from __future__ import annotations

import json
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.audit.models import AuditEntry
from perisai.reports.hotline import (
    REPORTS_PER_WINDOW,
    HotlineGuard,
    receipt_code_sha256,
)
from perisai.reports.models import Report
from perisai.runtime import Runtime

CODE = re.compile(r"<code>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</code>")


def _form(client: TestClient, path: str = "/lapor") -> dict[str, str]:
    page = client.get(path)
    assert page.status_code == 200
    fields = dict(re.findall(r'name="(csrf_token|submission_id)" value="([^"]+)"', page.text))
    assert set(fields) == {"csrf_token", "submission_id"}
    return fields


def _send(client: TestClient, path: str = "/lapor", **values: str) -> tuple[int, str]:
    form = {**_form(client, path), "urls": "https://example.com/p/1", "kind": "material"}
    form.update(values)
    response = client.post(path, data=form)
    return response.status_code, response.text


def test_forms_speak_malay_and_english_and_warn(client: TestClient) -> None:
    malay = client.get("/lapor")
    assert '<html lang="ms">' in malay.text
    assert "Jangan muat turun" in malay.text
    english = client.get("/report")
    assert '<html lang="en">' in english.text
    assert "Do not download" in english.text
    for page in (malay, english):
        assert '<label for="urls">' in page.text
        assert 'name="viewport"' in page.text


def test_anonymous_report_is_stored_and_gets_a_receipt_code(
    client: TestClient, db: Session
) -> None:
    status, text = _send(client, description="akaun ini menghantar mesej kepada murid")
    assert status == 201
    found = CODE.search(text)
    assert found is not None
    report = db.scalars(
        select(Report).where(Report.receipt_code_sha256 == receipt_code_sha256(found.group(1)))
    ).one()
    assert report.reporter_kind == "hotline"
    assert report.client_id == "hotline"
    assert report.urls == ["https://example.com/p/1"]
    assert report.contact_sealed is None
    audit = db.scalars(select(AuditEntry).where(AuditEntry.object_id == report.public_id)).one()
    assert (audit.action, audit.actor_kind) == ("report.submit", "public")


def test_optional_contact_is_sealed(client: TestClient, db: Session, runtime: Runtime) -> None:
    status, text = _send(client, contact_email="saksi@example.my", contact_name="Saksi")
    assert status == 201
    found = CODE.search(text)
    assert found is not None
    report = db.scalars(
        select(Report).where(Report.receipt_code_sha256 == receipt_code_sha256(found.group(1)))
    ).one()
    assert report.contact_sealed is not None
    assert b"saksi@example.my" not in report.contact_sealed
    contact = json.loads(
        runtime.keyring.open_text(report.contact_sealed, f"report:{report.public_id}:contact")
    )
    assert contact == {"email": "saksi@example.my", "name": "Saksi"}


def test_resending_the_same_form_stores_one_report(client: TestClient, db: Session) -> None:
    form = {**_form(client), "urls": "https://example.com/x", "kind": "enticement"}
    first = client.post("/lapor", data=form)
    again = client.post("/lapor", data=form)
    assert first.status_code == again.status_code == 201
    assert CODE.search(first.text) is not None
    assert CODE.search(again.text) is None  # the code is shown once; only its hash is kept
    count = db.scalars(select(Report).where(Report.idempotency_key == form["submission_id"]))
    assert len(count.all()) == 1


def test_status_check_with_the_receipt_code(client: TestClient) -> None:
    _, text = _send(client, "/report")
    found = CODE.search(text)
    assert found is not None
    page = client.get("/report/status")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    typed = found.group(1).lower().replace("-", " ")  # forgiving of how it is typed
    response = client.post("/report/status", data={"csrf_token": token.group(1), "code": typed})
    assert response.status_code == 200
    assert "Status: Received" in response.text
    unknown = client.post(
        "/report/status", data={"csrf_token": token.group(1), "code": "AAAA-BBBB-CCCC"}
    )
    assert unknown.status_code == 404


@pytest.mark.parametrize(
    ("values", "status"),
    [
        ({"urls": "", "description": ""}, 422),
        ({"urls": "javascript:alert(1)"}, 422),
        ({"urls": "\n".join(f"https://example.com/{i}" for i in range(21))}, 422),
        ({"description": "x" * 5001}, 422),
        ({"submission_id": "short"}, 422),
        ({"csrf_token": "forged"}, 403),
    ],
)
def test_bad_forms_are_refused_and_store_nothing(
    client: TestClient, db: Session, values: dict[str, str], status: int
) -> None:
    before = len(db.scalars(select(Report.id)).all())
    code, text = _send(client, **values)
    assert code == status
    assert 'role="alert"' in text
    assert len(db.scalars(select(Report.id)).all()) == before


def test_rate_limit_keys_on_a_salted_hash_not_the_address(client: TestClient, app: FastAPI) -> None:
    statuses = [_send(client)[0] for _ in range(REPORTS_PER_WINDOW + 1)]
    assert statuses[:REPORTS_PER_WINDOW] == [201] * REPORTS_PER_WINDOW
    assert statuses[-1] == 429
    guard: HotlineGuard = app.state.hotline_guard
    keys = list(guard.limiter._buckets)
    assert keys
    assert all(re.fullmatch(r"[0-9a-f]{64}", key) for key in keys)
    assert "testclient" not in json.dumps(keys)


def test_the_salt_changes_the_key() -> None:
    first, second = HotlineGuard(), HotlineGuard()
    assert first.client_key("203.0.113.9") == first.client_key("203.0.113.9")
    assert first.client_key("203.0.113.9") != second.client_key("203.0.113.9")
