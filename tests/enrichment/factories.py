"""Factories for enrichment: a platform's report carrying a resized copy of a known image.

The banked hash is the PDQ of ThreatExchange's `bridge-mods/aaa-orig.jpg`; the reports carry
`shrink-a-lot.jpg`, a resized, re-encoded copy a few bits away, which only a perceptual match
finds (its MD5 and SHA-256 are in no bank).
"""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.datasets import PDQ
from tests.reports.factories import bearer, declaration, example_body, submitted_id

from perisai.audit.service import SYSTEM
from perisai.media import pdq_of_image
from perisai.reports.models import Report
from perisai.triage.policy import Priority
from perisai.triage.service import triage_report

ORIGINAL = PDQ / "bridge-mods" / "aaa-orig.jpg"
COPY = PDQ / "bridge-mods" / "shrink-a-lot.jpg"


def banked_hash() -> str:
    """The PDQ a bank holds for the original image."""
    return pdq_of_image(ORIGINAL.read_bytes()).hex


def report_with_copy(
    client: TestClient, db: Session, *, upload: bool = True, source: Path = COPY
) -> Report:
    """A platform's report declaring ``source`` (uploaded unless ``upload`` is false)."""
    content = source.read_bytes()
    body = example_body()
    body["files"] = [declaration("photo.jpg", content)]
    headers = bearer(db)
    public_id = submitted_id(client, headers, body)
    if upload:
        answer = client.put(
            f"/api/v1/reports/{public_id}/files/photo.jpg",
            content=content,
            headers={**headers, "content-type": "image/jpeg"},
        )
        assert answer.status_code in (200, 201), answer.text
    return db.scalars(select(Report).where(Report.public_id == public_id)).one()


def media_reasons(db: Session, report: Report) -> dict[str, tuple[Priority, str]]:
    """Triage the report; its media reasons by rule."""
    result = triage_report(db, report_id=report.id, actor=SYSTEM)
    return {r.rule: (r.priority, r.text) for r in result.reasons if r.rule.startswith("media.")}
