"""Re-triage of linked reports: only where a new link can change a report's priority or case,
one waiting per report, and the outcome equal to triaging every report afresh."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session
from tests.triage.factories import make_report

from perisai.audit.service import SYSTEM
from perisai.cases import service as cases
from perisai.reports.models import Report
from perisai.runtime import Runtime
from perisai.triage import service
from perisai.triage.models import TriageRecord
from perisai.triage.policy import Priority, link_priority
from perisai.triage.queue import triage_enriched

PHONE = "012-345 6789"
OTHER_PHONE = "013-222 3333"
EMAIL = "suspect@example.org"
FILE = [{"name": "a.png", "sha256": "b" * 64}]


def waiting(db: Session) -> list[int]:
    """Reports with a triage job waiting, in queue order."""
    rows = db.execute(
        text(
            "SELECT (args->>'report_id')::bigint FROM procrastinate_jobs "
            "WHERE task_name = 'triage.report' AND status = 'todo' ORDER BY id"
        )
    )
    return [int(report_id) for (report_id,) in rows]


def run_waiting(db: Session) -> int:
    """Run the waiting triage jobs as the worker would, until none is left; how many ran."""
    ran = 0
    while True:
        row = db.execute(
            text(
                "DELETE FROM procrastinate_jobs WHERE id = (SELECT id FROM procrastinate_jobs "
                "WHERE task_name = 'triage.report' AND status = 'todo' ORDER BY id LIMIT 1) "
                "RETURNING (args->>'report_id')::bigint"
            )
        ).first()
        if row is None:
            return ran
        service.triage_report(db, report_id=int(row[0]), actor=SYSTEM)
        ran += 1


def priority(db: Session, report: Report) -> Priority:
    record = db.get(TriageRecord, report.id)
    assert record is not None
    db.refresh(record)
    return Priority(record.computed_priority)


def test_link_priority_is_read_from_the_rules() -> None:
    assert link_priority("phone") is Priority.P2
    assert link_priority("ip") is Priority.P2
    assert link_priority("sha256") is None  # a shared file alone sets no reason
    assert link_priority("md5") is None


def test_a_new_link_retriages_only_reports_it_can_raise(db: Session, runtime: Runtime) -> None:
    low = make_report(db, runtime.keyring, phone=PHONE, incident="child_pornography")
    service.triage_report(db, report_id=low.id, actor=SYSTEM)
    assert priority(db, low) is Priority.P4
    high = make_report(db, runtime.keyring, phone=PHONE)
    result = service.triage_report(db, report_id=high.id, actor=SYSTEM)
    assert result.priority is Priority.P2
    # The link's reason (P2) is more urgent than P4: the earlier report is queued again.
    assert waiting(db) == [low.id]
    assert run_waiting(db) == 1
    assert priority(db, low) is Priority.P2
    assert any(r["rule"] == "link.suspect" for r in db.get(TriageRecord, low.id).reasons)  # type: ignore[union-attr]

    # A third report links to both, already P2: a link can raise neither, nothing is queued.
    third = make_report(db, runtime.keyring, phone=PHONE)
    assert service.triage_report(db, report_id=third.id, actor=SYSTEM).new_links == 2
    assert waiting(db) == []
    # A fresh triage of each gives the priority it has.
    for report in (low, high, third):
        fresh = service.triage_report(db, report_id=report.id, actor=SYSTEM)
        assert fresh.computed_priority is priority(db, report) is Priority.P2


def test_a_report_not_yet_triaged_is_queued_once(db: Session, runtime: Runtime) -> None:
    """Its first triage may be running and miss the new report's case: queued, coalesced with
    the triage enrichment asks for."""
    first = make_report(db, runtime.keyring, phone=PHONE)
    second = make_report(db, runtime.keyring, phone=PHONE)
    triage_enriched(db, [first.id], coalesce=False)
    service.triage_report(db, report_id=second.id, actor=SYSTEM)
    triage_enriched(db, [first.id], coalesce=False)
    assert waiting(db) == [first.id]


def test_a_report_in_an_open_case_retriages_what_it_links_to(db: Session, runtime: Runtime) -> None:
    """The linked report joins the case (for review), even though the link cannot raise it."""
    urgent = make_report(db, runtime.keyring, email=EMAIL, escalation="danger tonight")
    service.triage_report(db, report_id=urgent.id, actor=SYSTEM)
    case = cases.create_case(db, title="Suspect B", report_ids=[urgent.id], actor=SYSTEM)
    earlier = make_report(db, runtime.keyring, phone=PHONE)
    service.triage_report(db, report_id=earlier.id, actor=SYSTEM)
    assert priority(db, earlier) is Priority.P2
    bridge = make_report(db, runtime.keyring, phone=PHONE, email=EMAIL)
    result = service.triage_report(db, report_id=bridge.id, actor=SYSTEM)
    assert result.attached_case_public_id == case.public_id
    assert waiting(db) == [earlier.id]
    run_waiting(db)
    holding = cases.case_of_report(db, earlier.id)
    assert holding is not None and holding.public_id == case.public_id


def _outcome(db: Session, report: Report) -> tuple[Priority, str | None]:
    holding = cases.case_of_report(db, report.id)
    return priority(db, report), holding.public_id if holding else None


def test_the_pipeline_ends_where_triaging_every_report_afresh_does(
    db: Session, runtime: Runtime
) -> None:
    """Reports of every priority sharing phones, an e-mail address and a file, arriving while
    earlier triages wait; after the queued re-triages each report's priority and case are those
    a fresh triage of it gives."""
    bodies: list[dict[str, Any]] = [
        {"phone": PHONE, "incident": "child_pornography"},  # P4
        {"phone": PHONE, "files": FILE, "incident": "child_pornography"},
        {"email": EMAIL, "escalation": "meeting the child tonight"},  # P1
        {"phone": OTHER_PHONE, "incident": "child_pornography"},
        {"phone": PHONE},  # P2
        {"files": FILE, "incident": "child_pornography"},  # linked by the file only (P2)
        {"phone": OTHER_PHONE, "email": EMAIL, "incident": "child_pornography"},
        {"phone": PHONE, "incident": "child_pornography"},
    ]
    reports: list[Report] = []
    for index, fields in enumerate(bodies):
        reports.append(make_report(db, runtime.keyring, **fields))
        triage_enriched(db, [reports[-1].id], coalesce=False)
        if index == 3:  # an analyst opens a case on the urgent report meanwhile
            run_waiting(db)
            cases.create_case(db, title="Suspect C", report_ids=[reports[2].id], actor=SYSTEM)
        if index % 2:  # triage lags intake by a report
            run_waiting(db)
    run_waiting(db)
    after_pipeline = [_outcome(db, report) for report in reports]
    for report in reports:
        service.triage_report(db, report_id=report.id, actor=SYSTEM)
    assert run_waiting(db) == 0
    assert [_outcome(db, report) for report in reports] == after_pipeline
    # The scenario reaches what it means to: raised, attached, and left alone.
    assert after_pipeline[0][0] is Priority.P2  # raised by the later P2 report's phone
    assert after_pipeline[3][1] is not None  # joined the case through report 6
