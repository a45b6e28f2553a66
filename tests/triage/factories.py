"""Triage fixtures: reports stored through the real intake service, from small synthetic bodies."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.audit.service import SYSTEM
from perisai.crypto import Keyring
from perisai.reports.models import Report
from perisai.reports.schemas import ReportIn
from perisai.reports.service import canonical_sha256, submit

_keys = itertools.count(1)


def body(
    *,
    incident: str = "online_enticement",
    phone: str | None = None,
    email: str | None = None,
    ip: str | None = None,
    ip_at: str = "2026-11-20T09:58:00+08:00",
    messages: list[str] | None = None,
    victim_age: int | None = None,
    escalation: str | None = None,
    annotations: list[str] | None = None,
    files: list[dict[str, Any]] | None = None,
    additional_info: str | None = None,
    jurisdiction: str | None = None,
) -> dict[str, Any]:
    """A synthetic, non-explicit report body; only what a test names is filled in."""
    account: dict[str, Any] = {"platform": "ExampleChat"}
    if phone:
        account["phones"] = [phone]
    if email:
        account["emails"] = [email]
    if ip:
        account["ip_events"] = [{"ip": ip, "event": "login", "at": ip_at}]
    data: dict[str, Any] = {
        "incident": {
            "type": incident,
            "escalation_reason": escalation,
            "annotations": annotations or [],
        },
        "reported_accounts": [account] if len(account) > 1 else [],
        "victims": [{"age": victim_age}] if victim_age is not None else [],
        "conversations": (
            [
                {
                    "messages": [
                        {"author": "suspect" if i % 2 == 0 else "child", "text": text}
                        for i, text in enumerate(messages)
                    ]
                }
            ]
            if messages
            else []
        ),
        "files": files or [],
    }
    if additional_info:
        data["additional_info"] = additional_info
    if jurisdiction:
        data["jurisdiction"] = jurisdiction
    return data


def make_report(db: Session, keyring: Keyring, **fields: Any) -> Report:
    raw = body(**fields)
    data = ReportIn.model_validate(raw)
    submitted = submit(
        db,
        keyring=keyring,
        actor=SYSTEM,
        data=data,
        body_sha256=canonical_sha256({**raw, "_n": next(_keys)}),
        client_id="test",
        idempotency_key=f"triage-test-{next(_keys)}",
    )
    db.flush()
    return db.scalars(select(Report).where(Report.public_id == submitted.receipt.report_id)).one()


# Synthetic grooming-like chats (non-explicit) that the packaged model flags.
MEETING_CHAT = [
    "hi, how old are you?",
    "12",
    "you are so mature for your age, our secret ok? don't tell your parents",
    "ok",
    "let's meet tomorrow after school, where do you live?",
]
