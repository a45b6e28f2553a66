from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.workspace.factories import log_in

from perisai.cases.models import Case, CaseReferral
from perisai.reports.models import Report
from perisai.runtime import Runtime
from perisai.triage.models import TriageRecord
from perisai.workspace.demo import seed_workspace


def test_demo_seeds_one_report_per_priority_and_a_case_at_jkm(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    seed_workspace(runtime, db)
    rows = db.execute(
        select(Report.additional_info, TriageRecord.priority, TriageRecord.reasons).join(
            TriageRecord, TriageRecord.report_id == Report.id
        )
    ).all()
    by_text = {info.split(":")[1].strip()[:12]: (prio, reasons) for info, prio, reasons in rows}
    priorities = sorted(prio for prio, _ in by_text.values())
    assert priorities == [1, 2, 3, 4], by_text
    case = db.scalars(select(Case)).one()
    referral = db.scalars(select(CaseReferral).where(CaseReferral.case_id == case.id)).one()
    assert referral.agency.short_name == "JKM"
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    queue = client.get("/workspace/queue?lang=en")
    assert queue.text.count("<tr data-report=") >= 3  # referred (actioned) reports may leave it
    p3 = db.scalars(
        select(Report)
        .join(TriageRecord, TriageRecord.report_id == Report.id)
        .where(TriageRecord.priority == 3)
    ).one()
    assert p3.public_id in queue.text
    page = client.get(f"/workspace/reports/{p3.public_id}")
    preview = client.get(f"/workspace/reports/{p3.public_id}/files/{p3.files[0].id}/preview.png")
    assert page.status_code == 200 and preview.status_code == 200
    assert "SHA256 in bank demo-known-hashes (demo test image)" in page.text
    assert preview.headers["content-type"] == "image/png"
    assert preview.headers["cache-control"] == "no-store"
