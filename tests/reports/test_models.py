"""The reports schema as migrated: seeded offence codes and the idempotency constraint."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from perisai.reports.models import OffenceCode, Report


def test_act_792_sections_are_seeded_as_data(db: Session) -> None:
    codes = set(db.scalars(select(OffenceCode.code)))
    assert {"act792.s4", "act792.s11", "act792.s12", "act792.s13"} <= codes


def _report(public_id: str, key: str) -> Report:
    return Report(
        public_id=public_id,
        status="received",
        reporter_kind="hotline",
        client_id="hotline",
        idempotency_key=key,
        body_sha256="0" * 64,
        received_at=datetime.now(UTC),
        incident_type="online_enticement",
        incident_annotations=[],
        reported_accounts=[],
        conversations=[],
        urls=[],
        offence_codes=[],
    )


def test_one_report_per_client_and_idempotency_key(db: Session) -> None:
    db.add(_report("R-TEST-1", "same"))
    db.flush()
    db.add(_report("R-TEST-2", "same"))
    with pytest.raises(IntegrityError):
        db.flush()


def test_status_is_constrained(db: Session) -> None:
    report = _report("R-TEST-3", "k3")
    report.status = "lost"
    db.add(report)
    with pytest.raises(IntegrityError):
        db.flush()
