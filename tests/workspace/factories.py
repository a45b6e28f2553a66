"""Workspace fixtures: reports stored through the intake service, triage rows, logged-in users."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.identity.factories import PASSWORD, make_user

from perisai.audit.service import SYSTEM
from perisai.identity.models import User
from perisai.reports import service as reports
from perisai.reports.models import Report
from perisai.reports.schemas import ReportIn
from perisai.runtime import Runtime
from perisai.triage.models import TriageRecord

_keys = itertools.count(1)

GROOMING_CHAT = [
    {"author": "abang_baik", "text": "hi adik, umur berapa?"},
    {"author": "adik", "text": "12 tahun"},
    {"author": "abang_baik", "text": "jangan bagitahu mak ayah ok, ni rahsia kita"},
    {"author": "abang_baik", "text": "jom jumpa esok lepas sekolah, I tunggu kat taman"},
]


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def log_in(client: TestClient, runtime: Runtime, db: Session, *, role: str, agency: str) -> User:
    user, secret = make_user(db, runtime.keyring, role=role, agency=agency)
    page = client.get("/login")
    client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_of(page.text)},
    )
    totp_page = client.get("/login/totp")
    done = client.post(
        "/login/totp",
        data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(totp_page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    return user


def store_report(runtime: Runtime, db: Session, body: dict[str, Any] | None = None) -> Report:
    data = ReportIn.model_validate(
        body
        or {
            "incident": {"type": "online_enticement"},
            "conversations": [{"platform": "ExampleChat", "messages": GROOMING_CHAT}],
            "victims": [{"age": 12, "name": "Nur Contoh"}],
        }
    )
    dumped = data.model_dump(mode="json")
    submitted = reports.submit(
        db,
        keyring=runtime.keyring,
        actor=SYSTEM,
        data=data,
        body_sha256=hashlib.sha256(json.dumps(dumped, sort_keys=True).encode()).hexdigest(),
        client_id="test",
        idempotency_key=f"ws-{next(_keys)}",
    )
    return db.query(Report).filter_by(public_id=submitted.receipt.report_id).one()


def triage(
    db: Session,
    report: Report,
    *,
    priority: int,
    reasons: list[str] | None = None,
    review_in: timedelta = timedelta(minutes=15),
    reviewed_after: timedelta | None = None,
) -> TriageRecord:
    now = datetime.now(UTC)
    record = TriageRecord(
        report_id=report.id,
        priority=priority,
        computed_priority=priority,
        reasons=[
            {"priority": priority, "rule": "test", "text": text}
            for text in (reasons or [f"P{priority}: test reason"])
        ],
        received_at=report.received_at,
        review_due_at=now + review_in,
        action_due_at=None,
        reviewed_at=report.received_at + reviewed_after if reviewed_after else None,
        runs=1,
        triaged_at=now,
    )
    db.add(record)
    db.flush()
    return record
