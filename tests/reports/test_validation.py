"""Garbage in: every bad field is refused with RFC 9457 problem details naming it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.reports.factories import REPORTS, bearer, example_body, fresh_key, submit

from perisai.reports.models import Report

Body = dict[str, Any]


def _set(path: str, value: Any) -> Callable[[Body], None]:
    def change(body: Body) -> None:
        target: Any = body
        *parents, last = path.split(".")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return change


CASES = [
    ("incident.type", _set("incident.type", "not_a_type")),
    ("incident.occurred_at", _set("incident.occurred_at", "2026-11-20T10:00:00")),
    ("incident.occurred_at", _set("incident.occurred_at", "yesterday")),
    ("incident.annotations.0", _set("incident.annotations", ["sarcasm"])),
    ("incident.escalation_reason", _set("incident.escalation_reason", "x" * 3000)),
    ("reported_accounts.0.ip_events.0.ip", _set("reported_accounts.0.ip_events.0.ip", "999.1.1.1")),
    ("reported_accounts.0.ip_events.0.port", _set("reported_accounts.0.ip_events.0.port", 70000)),
    ("reported_accounts.0.ip_events.0.event", _set("reported_accounts.0.ip_events.0.event", "x")),
    (
        "reported_accounts.0.ip_events.0.at",
        _set("reported_accounts.0.ip_events.0.at", "2026-11-20"),
    ),
    ("reported_accounts.0.phones.0", _set("reported_accounts.0.phones.0", "not a phone")),
    ("reported_accounts.0.emails.0", _set("reported_accounts.0.emails.0", "no-at-sign")),
    ("reported_accounts.0.screen_name", _set("reported_accounts.0.screen_name", "s" * 300)),
    ("reported_accounts", _set("reported_accounts", [{}] * 101)),
    ("victims.0.age", _set("victims.0.age", -1)),
    ("victims.0.age_range", _set("victims.0", {"age_range": {"min": 15, "max": 10}})),
    ("conversations.0.messages", _set("conversations.0.messages", [])),
    ("conversations.0.messages.0.text", _set("conversations.0.messages.0.text", "a\x00b")),
    ("reported_accounts.0.user_id", _set("reported_accounts.0.user_id", "u\x00")),
    ("urls.0", _set("urls", ["https://example.com/\x00"])),
    ("conversations.0.messages.0.sent_at", _set("conversations.0.messages.0.sent_at", 5)),
    ("urls", _set("urls", ["https://example.com"] * 1001)),
    ("urls.0", _set("urls", [""])),
    ("additional_info", _set("additional_info", ["not", "text"])),
    ("jurisdiction", _set("jurisdiction", "Malaysia")),
    ("offence_codes.0", _set("offence_codes", ["act792.s999"])),
    ("files.0.name", _set("files", [{"name": "../etc/passwd", "md5": "0" * 32}])),
    ("files.0", _set("files", [{"name": "a.png"}])),
    ("files.0.sha256", _set("files", [{"name": "a.png", "sha256": "xyz"}])),
    (
        "files.0.industry_classification",
        _set("files", [{"name": "a", "md5": "0" * 32, "industry_classification": "C9"}]),
    ),
    ("files", _set("files", [{"name": "a", "md5": "0" * 32}, {"name": "a", "md5": "1" * 32}])),
    ("incident", lambda body: body.pop("incident")),
    ("surprise", _set("surprise", True)),
]


@pytest.mark.parametrize(
    ("field", "change"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_bad_field_is_named_and_nothing_is_stored(
    client: TestClient, db: Session, field: str, change: Callable[[Body], None]
) -> None:
    body = example_body()
    change(body)
    key = fresh_key()
    response = submit(client, bearer(db), body, key=key)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    fields = [error["field"] for error in response.json()["errors"]]
    assert any(name == field or name.startswith(f"{field}.") for name in fields), fields
    assert db.scalars(select(Report).where(Report.idempotency_key == key)).first() is None


@pytest.mark.parametrize(
    "raw",
    [b"", b"not json", b"[1, 2, 3]", b'{"incident": ', b"null", b'"text"', b"\xff\xfe\x00"],
)
def test_unparseable_bodies_are_422(client: TestClient, db: Session, raw: bytes) -> None:
    headers = {**bearer(db), "Idempotency-Key": fresh_key(), "Content-Type": "application/json"}
    response = client.post(REPORTS, content=raw, headers=headers)
    assert response.status_code in (400, 422)
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("key", [b"has space", b"x" * 256, "naïve".encode(), b""])
def test_malformed_idempotency_key_is_refused(client: TestClient, db: Session, key: bytes) -> None:
    headers = [(name.encode(), value.encode()) for name, value in bearer(db).items()]
    headers.append((b"Idempotency-Key", key))
    response = client.post(REPORTS, json=example_body(), headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"


def test_known_offence_codes_and_full_vocabulary_are_accepted(
    client: TestClient, db: Session
) -> None:
    body = example_body()
    body["offence_codes"] = ["act792.s11", "act792.s12"]
    body["jurisdiction"] = "MY-14"
    body["incident"]["escalation_reason"] = "child at immediate risk"
    body["victims"] = [{"age_range": {"min": 12, "max": 14}, "school_name": "SK Contoh"}]
    body["reported_accounts"][0].update(
        display_names=["Abang Baik"],
        profile_urls=["https://example.com/u/abang"],
        device_ids=["a1b2c3d4e5f6"],
        prior_report_ids=["123456"],
    )
    body["reported_accounts"][0]["ip_events"][0].update(port=443, possible_proxy=True)
    response = submit(client, bearer(db), body)
    assert response.status_code == 201, response.text
    report = db.scalars(
        select(Report).where(Report.public_id == response.json()["report_id"])
    ).one()
    assert report.offence_codes == ["act792.s11", "act792.s12"]
    assert report.jurisdiction == "MY-14"
    assert report.reported_accounts[0]["ip_events"][0]["possible_proxy"] is True


# Out-of-range dates (#11): valid ISO 8601 that PostgreSQL stores and no later read survives.
FAR_TIMES = [
    "0001-01-01T00:00:00+08:00",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59-14:00",
    "9999-12-31T23:59:59+14:00",
    "1969-12-31T23:59:59Z",
    "2999-01-01T00:00:00+08:00",
]
TIME_FIELDS = [
    ("incident.occurred_at", lambda body, value: body["incident"].update(occurred_at=value)),
    (
        "reported_accounts.0.ip_events.0.at",
        lambda body, value: body["reported_accounts"][0]["ip_events"][0].update(at=value),
    ),
    (
        "conversations.0.messages.0.sent_at",
        lambda body, value: body["conversations"][0]["messages"][0].update(sent_at=value),
    ),
    (
        "files.0.uploaded_to_platform_at",
        lambda body, value: body.update(
            files=[{"name": "a.png", "md5": "0" * 32, "uploaded_to_platform_at": value}]
        ),
    ),
]


@pytest.mark.parametrize("value", FAR_TIMES)
@pytest.mark.parametrize(("field", "put"), TIME_FIELDS, ids=[f for f, _ in TIME_FIELDS])
def test_out_of_range_times_are_refused_with_the_field_named(
    client: TestClient, db: Session, field: str, put: Callable[[Body, str], None], value: str
) -> None:
    body = example_body()
    put(body, value)
    key = fresh_key()
    response = submit(client, bearer(db), body, key=key)
    assert response.status_code == 422, response.text
    errors = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert field in errors, errors
    assert "between 1970-01-01" in errors[field]
    assert db.scalars(select(Report).where(Report.idempotency_key == key)).first() is None


@pytest.mark.parametrize("value", ["0001-01-01", "1899-12-31", "9999-12-31"])
@pytest.mark.parametrize("where", ["victims", "reported_accounts"])
def test_out_of_range_birth_dates_are_refused(
    client: TestClient, db: Session, value: str, where: str
) -> None:
    body = example_body()
    if where == "victims":
        body["victims"] = [{"name": "Nur", "date_of_birth": value}]
    else:
        body["reported_accounts"][0]["date_of_birth"] = value
    response = submit(client, bearer(db), body)
    assert response.status_code == 422, response.text
    fields = [error["field"] for error in response.json()["errors"]]
    assert f"{where}.0.date_of_birth" in fields, fields
