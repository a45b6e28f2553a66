"""The demo (`perisai demo run`) shows every capability: an unreviewed P1 report with grooming
signs and IP intelligence, linkage, a known-hash match, a hotline tip with a receipt code, and a
case with a task, a note and a referral to JKM."""

from __future__ import annotations

import hashlib
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.datasets import MAXMIND
from tests.workspace.factories import log_in

import perisai
from perisai.cases.models import (
    Case,
    CaseNote,
    CaseReferral,
    CaseReport,
    CaseTask,
    TakedownNotice,
)
from perisai.demo import demo_ipintel_mmdb, seed_demo
from perisai.demo_data import DEMO_MMDB, DEMO_RECEIPT_CODE
from perisai.enrichment.models import ReportIpIntel
from perisai.reports.hotline import receipt_code_sha256
from perisai.reports.models import Report
from perisai.reports.service import find_by_receipt_code
from perisai.runtime import Runtime
from perisai.triage.models import ReportLink, TriageRecord
from perisai.workspace import demo_data


def _by_info(db: Session, start: str) -> Report:
    return db.scalars(select(Report).where(Report.additional_info.startswith(start))).one()


def test_demo_shows_every_capability(client: TestClient, runtime: Runtime, db: Session) -> None:
    seed_demo(runtime)
    rows = db.execute(
        select(Report.additional_info, TriageRecord.priority).join(
            TriageRecord, TriageRecord.report_id == Report.id
        )
    ).all()
    assert sorted({prio for _, prio in rows}) == [1, 2, 3, 4], rows

    # The headline: a P1 report that nobody has reviewed yet, in no case.
    p1 = _by_info(db, "Demo: synthetic conversation")
    record = db.get(TriageRecord, p1.id)
    assert record is not None
    assert record.priority == 1
    assert record.reviewed_at is None and record.actioned_at is None
    assert db.scalars(select(CaseReport).where(CaseReport.report_id == p1.id)).first() is None
    assert record.grooming, "triage scored the grooming conversation"

    # IP intelligence from MaxMind's test databases: city, network owner, anonymiser flags.
    intel = db.scalars(
        select(ReportIpIntel)
        .where(ReportIpIntel.report_id == p1.id)
        .order_by(ReportIpIntel.event_index)
    ).all()
    assert [row.ip for row in intel] == ["81.2.69.142", "89.160.20.112"]
    text = repr([row.answer for row in intel])
    assert "London" in text and "Link" in text and "29518" in text
    assert "vpn" in text.lower() and "tor" in text.lower()

    # Linkage: the P2 report shares the phone and the address (within the hour).
    p2 = _by_info(db, "Demo: same phone number")
    kinds = set(
        db.scalars(
            select(ReportLink.kind).where(
                ReportLink.report_id == p1.id, ReportLink.other_report_id == p2.id
            )
        )
    )
    assert {"phone", "ip"} <= kinds, kinds

    # A case with a task, a note and a referral to JKM waiting for an answer.
    case = db.scalars(select(Case)).one()
    earlier = _by_info(db, "Demo: an earlier synthetic report")
    assert [r.report_id for r in case.reports] == [earlier.id]
    assert db.scalars(select(CaseTask).where(CaseTask.case_id == case.id)).one().due_at
    assert db.scalars(select(CaseNote).where(CaseNote.case_id == case.id)).one().author
    # The case's own notice (monitoring's demo adds a removal history of other notices to it).
    notice = db.scalars(
        select(TakedownNotice).where(
            TakedownNotice.case_id == case.id, TakedownNotice.url == demo_data.TAKEDOWN_URL
        )
    ).one()
    assert (notice.platform, notice.status) == ("GameChat", "sent")
    referral = db.scalars(select(CaseReferral).where(CaseReferral.case_id == case.id)).one()
    assert (referral.agency.short_name, referral.status) == ("JKM", "pending")

    # The hotline tip answers its receipt code.
    tip = find_by_receipt_code(db, code_sha256=receipt_code_sha256(DEMO_RECEIPT_CODE))
    assert tip is not None and tip.reporter_kind == "hotline"

    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    queue = client.get("/workspace/queue?lang=en")
    assert p1.public_id in queue.text
    page = client.get(f"/workspace/reports/{p1.public_id}?lang=en")
    assert page.status_code == 200
    assert "81.2.69.142" in page.text and "London" in page.text
    p3 = db.scalars(
        select(Report)
        .join(TriageRecord, TriageRecord.report_id == Report.id)
        .where(TriageRecord.priority == 3)
    ).one()
    page = client.get(f"/workspace/reports/{p3.public_id}")
    preview = client.get(f"/workspace/reports/{p3.public_id}/files/{p3.files[0].id}/preview.png")
    assert page.status_code == 200 and preview.status_code == 200
    assert re.search(r"demo-known-hashes", page.text)
    assert preview.headers["content-type"] == "image/png"
    assert preview.headers["cache-control"] == "no-store"


def test_the_demo_databases_ship_in_the_package_with_their_licence() -> None:
    package = perisai.__file__.rsplit("/", 1)[0]
    for path in DEMO_MMDB:
        assert str(path).startswith(package) and "/tests/" not in str(path)
        same = MAXMIND / path.name  # the copy the tests read, with its source JSON
        assert (
            hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(same.read_bytes()).digest()
        )
    folder = DEMO_MMDB[0].parent
    assert "MIT" in (folder / "LICENSE-MIT.MaxMind-DB").read_text()
    assert "test" in (folder / "README.md").read_text()
    assert demo_ipintel_mmdb().split(":") == [str(path) for path in DEMO_MMDB]
