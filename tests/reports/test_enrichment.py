"""Intake enriches IP events in the same transaction, and a failing enrichment costs nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.datasets import MAXMIND
from tests.reports.conftest import EVIDENCE_LIMIT
from tests.reports.factories import bearer, example_body, submitted_id

from perisai.config import Settings
from perisai.enrichment import ipintel
from perisai.enrichment.models import ReportIpIntel
from perisai.reports.models import Report

IPINTEL_DATA = MAXMIND


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    databases = ":".join(str(path) for path in sorted(IPINTEL_DATA.glob("*.mmdb")))
    assert databases, f"no MaxMind test databases in {IPINTEL_DATA}"
    return Settings(
        data_dir=tmp_path / "var",
        demo=False,
        max_evidence_bytes=EVIDENCE_LIMIT,
        ipintel_mmdb=databases,
    )


def _report(db: Session, report_id: str) -> Report:
    return db.scalars(select(Report).where(Report.public_id == report_id)).one()


def test_ip_events_are_enriched_before_the_receipt(client: TestClient, db: Session) -> None:
    report_id = submitted_id(client, bearer(db), example_body())
    rows = db.scalars(
        select(ReportIpIntel).where(ReportIpIntel.report_id == _report(db, report_id).id)
    ).all()
    assert [(row.ip, row.event, row.at_is_event_time) for row in rows] == [
        ("81.2.69.160", "login", True)
    ]


def test_a_failing_enrichment_keeps_the_report(
    client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("source exploded")

    monkeypatch.setattr(ipintel, "ip_intel_values", broken)
    report_id = submitted_id(client, bearer(db), example_body())
    assert _report(db, report_id).status == "received"
