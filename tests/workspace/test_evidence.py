from __future__ import annotations

import base64
import io
import re

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.workspace.factories import csrf_of, log_in, store_report, triage

from perisai.audit.models import AuditEntry
from perisai.audit.service import SYSTEM
from perisai.cases import service as cases
from perisai.reports.evidence import BlobWriter
from perisai.reports.models import Report, ReportFile
from perisai.runtime import Runtime


def _stored_image(runtime: Runtime, db: Session, report: Report) -> ReportFile:
    image = Image.new("RGB", (300, 200), (200, 40, 40))
    raw = io.BytesIO()
    image.save(raw, format="PNG")
    writer = BlobWriter(runtime.settings.evidence_dir, runtime.keyring)
    writer.write(raw.getvalue())
    stored = writer.commit()
    row = ReportFile(
        report_id=report.id, name="benign.png", sha256=stored.sha256, blob_path=stored.relative_path
    )
    db.add(row)
    db.flush()
    return row


def _case_at(db: Session, report: Report, agency: str) -> None:
    case = cases.create_case(db, title="t", report_ids=[report.id], actor=SYSTEM)
    cases.assign(db, case_id=case.id, agency=agency, actor=SYSTEM)


def test_assigned_investigator_reveals_a_greyscale_image_and_it_is_audited(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    report = store_report(runtime, db)
    row = _stored_image(runtime, db, report)
    _case_at(db, report, "PDRM")
    user = log_in(client, runtime, db, role="investigator", agency="PDRM")
    page = client.get(f"/workspace/reports/{report.public_id}?lang=en")
    assert page.status_code == 200 and "Reveal (audited)" in page.text
    preview = client.get(f"/workspace/reports/{report.public_id}/files/{row.id}/preview.png")
    thumb = Image.open(io.BytesIO(preview.content))
    assert thumb.mode == "L" and max(thumb.size) <= 160
    revealed = client.post(
        f"/workspace/reports/{report.public_id}/files/{row.id}/reveal",
        data={"csrf_token": csrf_of(page.text)},
    )
    assert revealed.status_code == 200
    assert revealed.headers["cache-control"] == "no-store"
    found = re.search(r'src="data:image/png;base64,([^"]+)"', revealed.text)
    assert found
    assert Image.open(io.BytesIO(base64.b64decode(found.group(1)))).mode == "L"
    entry = db.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "evidence.reveal", AuditEntry.object_id == str(row.id)
        )
    ).one()
    assert entry.actor_id == str(user.id)


def test_investigator_of_an_unassigned_agency_sees_nothing(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    report = store_report(runtime, db)
    row = _stored_image(runtime, db, report)
    _case_at(db, report, "MCMC")
    log_in(client, runtime, db, role="investigator", agency="PDRM")
    assert client.get(f"/workspace/reports/{report.public_id}").status_code == 404
    preview = client.get(f"/workspace/reports/{report.public_id}/files/{row.id}/preview.png")
    assert preview.status_code == 404


def test_preview_of_a_file_of_another_report_or_a_damaged_blob(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    report, other = store_report(runtime, db), store_report(runtime, db)
    row = _stored_image(runtime, db, other)
    broken = ReportFile(report_id=report.id, name="b.png", blob_path="nowhere/missing.bin")
    db.add(broken)
    db.flush()
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    base = f"/workspace/reports/{report.public_id}/files"
    assert client.get(f"{base}/{row.id}/preview.png").status_code == 404
    assert client.get(f"{base}/{broken.id}/preview.png").status_code == 422
    assert client.get(f"{base}/999999999/preview.png").status_code == 404


def test_override_priority_with_a_reason(client: TestClient, runtime: Runtime, db: Session) -> None:
    report = store_report(runtime, db)
    triage(db, report, priority=3)
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    page = client.get(f"/workspace/reports/{report.public_id}?lang=en")
    url = f"/workspace/reports/{report.public_id}/priority"
    token = csrf_of(page.text)
    assert (
        client.post(url, data={"priority": "P9", "reason": "x", "csrf_token": token}).status_code
        == 422
    )
    done = client.post(
        url,
        data={"priority": "P1", "reason": "child named a school", "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    after = client.get(f"/workspace/reports/{report.public_id}?lang=en")
    assert "child named a school" in after.text
    assert '<span class="prio prio-1">P1</span>' in after.text
