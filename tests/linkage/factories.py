"""Reports for linkage tests, stored through the real intake service."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.audit.service import SYSTEM
from perisai.crypto import Keyring
from perisai.reports import service
from perisai.reports.models import Report
from perisai.reports.schemas import ReportIn

_keys = itertools.count(1)


def account(**fields: Any) -> dict[str, Any]:
    return {"platform": "ExampleChat", **fields}


def body(
    *accounts: dict[str, Any],
    files: list[dict[str, Any]] | None = None,
    occurred_at: str | None = "2026-11-20T10:00:00+08:00",
) -> dict[str, Any]:
    return {
        "incident": {"type": "online_enticement", "occurred_at": occurred_at},
        "reported_accounts": list(accounts),
        "files": files or [],
    }


def make_report(
    db: Session, keyring: Keyring, data: dict[str, Any], *, received_at: datetime | None = None
) -> Report:
    """Submit `data` as a platform would; `received_at` backdates it for timeline tests."""
    submitted = service.submit(
        db,
        keyring=keyring,
        actor=SYSTEM,
        data=ReportIn.model_validate(data),
        body_sha256=service.canonical_sha256(data),
        client_id="test:linkage",
        idempotency_key=f"linkage-{next(_keys)}",
    )
    report = db.scalars(select(Report).where(Report.public_id == submitted.receipt.report_id)).one()
    if received_at is not None:
        report.received_at = received_at
        db.flush()
    return report
