"""The demo's AI report: signed, claimed and platform-marked pictures, read and triaged."""

from __future__ import annotations

import hashlib
import html

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.datasets import PROVENANCE
from tests.workspace.factories import log_in

import perisai
from perisai.demo_data import DEMO_DATA
from perisai.enrichment.results import ReportFileProvenance
from perisai.reports.models import Report, ReportFile
from perisai.runtime import Runtime
from perisai.triage.models import TriageRecord
from perisai.workspace.demo_ai import DEMO_FILES, DEMO_INFO, seed_ai_demo


def test_demo_report_shows_each_strength_of_ai_evidence(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    seed_ai_demo(runtime, db)
    report = db.scalars(select(Report).where(Report.additional_info.startswith(DEMO_INFO))).one()
    answers = dict(
        db.execute(
            select(ReportFile.name, ReportFileProvenance.ai)
            .join(ReportFileProvenance, ReportFileProvenance.report_file_id == ReportFile.id)
            .where(ReportFile.report_id == report.id)
        ).all()
    )
    assert answers == {
        "ai_created.jpg": "yes",
        "a1111_parameters.png": "claimed",
        "plain.jpg": "unknown",
    }
    record = db.get(TriageRecord, report.id)
    assert record is not None and record.priority == 2
    assert any(r["rule"] == "media.ai" for r in record.reasons)
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    page = html.unescape(client.get(f"/workspace/reports/{report.public_id}?lang=en").text)
    assert "declares trained algorithmic media (AI-generated)." in page
    assert "AI claimed only by metadata (png.parameters)" in page
    assert "The platform marked this file as generative AI." in page


def test_the_demo_pictures_ship_in_the_package_and_match_the_test_files() -> None:
    package = perisai.__file__.rsplit("/", 1)[0]
    folder = DEMO_DATA / "provenance"
    assert str(folder).startswith(package)
    for name, _, _ in DEMO_FILES:
        shipped = hashlib.sha256((folder / name).read_bytes()).digest()
        assert shipped == hashlib.sha256((PROVENANCE / name).read_bytes()).digest()
    assert "Apache-2.0" in (folder / "README.md").read_text()
