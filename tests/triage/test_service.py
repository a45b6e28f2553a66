"""Triage on a real database: stored reasons and due times, links with reasons, attachment to an
open case, re-triage of newly linked reports, override, review, the queue."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session
from tests.triage.factories import MEETING_CHAT, make_report

from perisai.audit.service import SYSTEM, Actor, flush_pending
from perisai.cases import service as cases
from perisai.enrichment.results import ReportGrooming
from perisai.runtime import Runtime
from perisai.sharing.models import OutboxEvent
from perisai.triage import linking, service
from perisai.triage.models import ReportLink, TriageRecord
from perisai.triage.policy import Priority

ANALYST = Actor(kind="user", id="7", agency="SECRETARIAT", role="analyst")


def jobs(db: Session, task: str) -> list[dict[str, object]]:
    rows = db.execute(
        text("SELECT args FROM procrastinate_jobs WHERE task_name = :t ORDER BY id"), {"t": task}
    )
    return [row.args for row in rows]


def test_meeting_request_and_young_victim_give_p1_with_stored_reasons(
    db: Session, runtime: Runtime
) -> None:
    report = make_report(db, runtime.keyring, messages=MEETING_CHAT, victim_age=12)
    result = service.triage_report(db, report_id=report.id, actor=SYSTEM, keyring=runtime.keyring)
    assert result.priority is Priority.P1
    texts = [r.text for r in result.reasons]
    assert "P1: meeting request at message 5" in texts
    assert "P1: victim stated age 12" in texts
    stored = db.get(TriageRecord, report.id)
    assert stored is not None
    assert [r["text"] for r in stored.reasons] == texts
    assert stored.review_due_at - report.received_at == timedelta(minutes=15)
    assert stored.action_due_at is not None
    assert stored.action_due_at - report.received_at == timedelta(hours=1)
    # No enrichment result stored: triage scored the chat itself and kept the assessment.
    assert stored.grooming is not None
    assert stored.grooming[0]["stage"] == "approach"
    event = db.scalars(select(OutboxEvent).where(OutboxEvent.type == "report.triaged")).one()
    assert event.payload["priority"] == "P1"
    assert "SECRETARIAT" in event.audience


def test_age_is_read_without_opening_the_victim(db: Session, runtime: Runtime) -> None:
    """Intake keeps the stated age beside the sealed details: triage needs no key and opens
    nothing (issue #18: enrichment and triage never need the plaintext)."""
    report = make_report(db, runtime.keyring, victim_age=9, phone="0123456789")
    result = service.triage_report(db, report_id=report.public_id, actor=SYSTEM)
    assert any("age" in r.rule for r in result.reasons)
    flush_pending(db)
    opened = db.execute(
        text("SELECT count(*) FROM audit_entry WHERE action = 'victim.read' AND object_id = :id"),
        {"id": report.public_id},
    ).scalar_one()
    assert opened == 0


def test_sla_clocks_are_stored_with_warnings_at_75_percent(db: Session, runtime: Runtime) -> None:
    report = make_report(db, runtime.keyring, escalation="child in danger tonight")
    service.triage_report(db, report_id=report.id, actor=SYSTEM)
    stored = db.get(TriageRecord, report.id)
    assert stored is not None and stored.review_warning_due_at is not None
    assert stored.review_warning_due_at - report.received_at == timedelta(minutes=15) * 0.75
    assert stored.action_warning_due_at is not None
    assert stored.action_warning_due_at - report.received_at == timedelta(hours=1) * 0.75
    # The periodic sweep raises them (tests/triage/test_sla.py): no timer job per report.
    assert jobs(db, "triage.sla_check") == []


def test_same_phone_links_both_ways_with_reason_and_retriages_the_other(
    db: Session, runtime: Runtime
) -> None:
    # P4 on its own: the new link's reason (P2) can raise it, so it is triaged again.
    first = make_report(db, runtime.keyring, phone="012-345 6789", incident="child_pornography")
    service.triage_report(db, report_id=first.id, actor=SYSTEM)
    second = make_report(db, runtime.keyring, phone="+60 12 345 6789")
    result = service.triage_report(db, report_id=second.id, actor=SYSTEM)
    assert result.new_links == 1
    assert [link.reason for link in result.links] == [
        f"same phone +60123456789 as report {first.public_id}"
    ]
    back = db.scalars(select(ReportLink).where(ReportLink.report_id == first.id)).one()
    assert back.reason == f"same phone +60123456789 as report {second.public_id}"
    assert result.priority is Priority.P2
    assert any(r.rule == "link.suspect" for r in result.reasons)
    assert {"report_id": first.id} in jobs(db, "triage.report")
    # Running again finds no new link and queues nothing more.
    again = service.triage_report(db, report_id=second.id, actor=SYSTEM)
    assert again.new_links == 0
    assert jobs(db, "triage.report").count({"report_id": first.id}) == 1


def test_same_media_hash_links(db: Session, runtime: Runtime) -> None:
    digest = "a" * 64
    decl = [{"name": "a.png", "sha256": digest}]
    first = make_report(db, runtime.keyring, files=decl)
    second = make_report(db, runtime.keyring, files=decl)
    result = service.triage_report(db, report_id=second.id, actor=SYSTEM)
    assert [(link.kind, link.other_public_id) for link in result.links] == [
        ("sha256", first.public_id)
    ]
    assert result.links[0].reason.startswith("same file (SHA-256) aaaaaaaaaaaaaaaa…")


def test_ip_links_only_within_the_time_window(db: Session, runtime: Runtime) -> None:
    first = make_report(db, runtime.keyring, ip="81.2.69.160", ip_at="2026-11-20T09:00:00+08:00")
    near = make_report(db, runtime.keyring, ip="81.2.69.160", ip_at="2026-11-20T09:40:00+08:00")
    far = make_report(db, runtime.keyring, ip="81.2.69.160", ip_at="2026-11-21T09:00:00+08:00")
    near_result = service.triage_report(db, report_id=near.id, actor=SYSTEM)
    assert [link.other_public_id for link in near_result.links] == [first.public_id]
    assert near_result.links[0].reason == f"same IP address 81.2.69.160 as report {first.public_id}"
    far_result = service.triage_report(db, report_id=far.id, actor=SYSTEM)
    assert far_result.links == []


def test_retracted_reports_are_not_linked_or_triaged(db: Session, runtime: Runtime) -> None:
    first = make_report(db, runtime.keyring, phone="0123456789")
    first.status = "retracted"
    db.flush()
    second = make_report(db, runtime.keyring, phone="0123456789")
    assert service.triage_report(db, report_id=second.id, actor=SYSTEM).links == []
    with pytest.raises(service.TriageError, match="retracted"):
        service.triage_report(db, report_id=first.id, actor=SYSTEM)


def test_link_to_open_p1_case_attaches_for_review_and_raises(db: Session, runtime: Runtime) -> None:
    urgent = make_report(db, runtime.keyring, phone="0123456789", escalation="danger tonight")
    service.triage_report(db, report_id=urgent.id, actor=SYSTEM)
    case = cases.create_case(db, title="Suspect A", report_ids=[urgent.id], actor=ANALYST)
    assert case.priority == 1
    tip = make_report(db, runtime.keyring, phone="0123456789", incident="child_pornography")
    result = service.triage_report(db, report_id=tip.id, actor=SYSTEM)
    assert result.attached_case_public_id == case.public_id
    assert result.priority is Priority.P2
    assert any("open P1 case" in r.text for r in result.reasons)
    attached = next(r for r in case.reports if r.report_id == tip.id)
    assert attached.needs_review
    assert attached.reason == f"same phone +60123456789 as report {urgent.public_id}"


def test_override_needs_a_reason_is_audited_and_moves_due_times(
    db: Session, runtime: Runtime
) -> None:
    report = make_report(db, runtime.keyring, phone="0123456789", incident="child_pornography")
    service.triage_report(db, report_id=report.id, actor=SYSTEM)
    with pytest.raises(service.TriageError, match="reason"):
        service.override_priority(
            db, report_id=report.id, priority="P1", reason="short", actor=ANALYST
        )
    with pytest.raises(service.TriageError, match="P1, P2"):
        service.override_priority(
            db, report_id=report.id, priority="P9", reason="a long enough reason", actor=ANALYST
        )
    record = service.override_priority(
        db,
        report_id=report.id,
        priority="P1",
        reason="caller says the child is meeting him today",
        actor=ANALYST,
    )
    assert record.priority == 1
    assert record.computed_priority == 4
    assert record.review_due_at - report.received_at == timedelta(minutes=15)
    assert record.reviewed_at is not None
    # Re-triage keeps the analyst's priority.
    assert service.triage_report(db, report_id=report.id, actor=SYSTEM).priority is Priority.P1
    flush_pending(db)
    audit = db.execute(
        text("SELECT details FROM audit_entry WHERE action = 'report.priority_override'")
    ).one()
    assert audit.details["to"] == "P1"


def test_unknown_report_raises(db: Session) -> None:
    with pytest.raises(service.ReportNotFound):
        service.triage_report(db, report_id=10**12, actor=SYSTEM)
    with pytest.raises(service.ReportNotFound):
        service.triage_report(db, report_id="R-NOPE", actor=SYSTEM)


def test_queue_sorted_by_priority_then_due_and_paged(db: Session, runtime: Runtime) -> None:
    p4 = make_report(db, runtime.keyring, phone="0123456781", incident="child_pornography")
    p1 = make_report(db, runtime.keyring, escalation="danger")
    p2 = make_report(db, runtime.keyring, annotations=["csam_solicitation"], phone="0123456782")
    for report in (p4, p1, p2):
        service.triage_report(db, report_id=report.id, actor=SYSTEM)
    mine = {p1.id, p2.id, p4.id}
    viewer = ANALYST
    seen: list[int] = []
    cursor = None
    while True:
        page = service.queue(db, viewer=viewer, limit=2, cursor=cursor)
        seen += [item.report_id for item in page.items if item.report_id in mine]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == [p1.id, p2.id, p4.id]
    with pytest.raises(service.TriageError, match="cursor"):
        service.queue(db, viewer=viewer, cursor="garbage!!")


def test_queue_hides_reports_in_cases_of_other_agencies(db: Session, runtime: Runtime) -> None:
    report = make_report(db, runtime.keyring, escalation="danger")
    service.triage_report(db, report_id=report.id, actor=SYSTEM)
    jkm = Actor(kind="user", id="9", agency="JKM", role="caseworker")
    assert report.id not in [i.report_id for i in service.queue(db, viewer=jkm).items]
    case = cases.create_case(db, title="x", report_ids=[report.id], actor=ANALYST)
    cases.refer(db, case_id=case.id, agency="JKM", reason="victim support needed", actor=ANALYST)
    items = service.queue(db, viewer=jkm).items
    assert report.id not in [i.report_id for i in items]  # referral is a first action
    ngo = Actor(kind="user", id="10", agency="NGO", role="caseworker")
    assert report.id not in [i.report_id for i in service.queue(db, viewer=ngo).items]


def test_mark_reviewed_stops_the_review_clock_once(db: Session, runtime: Runtime) -> None:
    report = make_report(db, runtime.keyring, phone="0123456789")
    service.triage_report(db, report_id=report.id, actor=SYSTEM)
    first = service.mark_reviewed(db, report_id=report.id, actor=ANALYST).reviewed_at
    assert first is not None
    assert service.mark_reviewed(db, report_id=report.id, actor=ANALYST).reviewed_at == first
    reviewed = db.scalars(select(OutboxEvent).where(OutboxEvent.type == "report.reviewed"))
    assert len(list(reviewed)) == 1


def test_opening_victims_sealed_before_per_victim_keys_is_audited(
    db: Session, runtime: Runtime
) -> None:
    """A victim sealed by the master key alone (before intake kept the age beside it) is
    opened for its age only, and that read is audited; without the keyring it is not read."""
    report = make_report(db, runtime.keyring, victim_age=9)
    row = report.victims[0]
    row.sealed = runtime.keyring.seal_text(
        json.dumps({"age": 9}), f"report:{report.public_id}:victim:0"
    )
    row.key_sealed, row.key_segment, row.age, row.identified = None, None, None, None
    db.flush()
    blind = service.triage_report(db, report_id=report.id, actor=SYSTEM)
    assert all("age" not in r.rule for r in blind.reasons)
    seen = service.triage_report(db, report_id=report.id, actor=SYSTEM, keyring=runtime.keyring)
    assert any("age" in r.rule for r in seen.reasons)
    flush_pending(db)
    entry = db.execute(
        text("SELECT details FROM audit_entry WHERE action = 'victim.read' AND object_id = :id"),
        {"id": report.public_id},
    ).one()
    assert entry.details["victims"] == 1


def test_queue_shows_case_reports_to_assigned_agencies_in_one_query(
    db: Session, runtime: Runtime
) -> None:
    report = make_report(db, runtime.keyring, escalation="danger")
    service.triage_report(db, report_id=report.id, actor=SYSTEM)
    case = cases.create_case(db, title="x", report_ids=[report.id], actor=ANALYST)
    cases.assign(db, case_id=case.id, agency="PDRM", actor=ANALYST)
    pdrm = Actor(kind="user", id="11", agency="PDRM", role="analyst")
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        items = service.queue(db, viewer=pdrm).items
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert [i.public_id for i in items if i.report_id == report.id] == [report.public_id]
    assert items[0].case_public_id == case.public_id
    assert len(statements) == 1
    moe = Actor(kind="user", id="12", agency="MOE", role="analyst")
    assert report.id not in [i.report_id for i in service.queue(db, viewer=moe).items]


def test_enrichment_assessments_are_used_when_stored(db: Session, runtime: Runtime) -> None:
    report = make_report(db, runtime.keyring, phone="0123456789", incident="child_pornography")
    signals = [{"message": 3, "kind": "meeting_request", "stage": "approach", "evidence": "x"}]
    db.add(
        ReportGrooming(
            report_id=report.id,
            conversation_index=0,
            risk=0.91,
            flag=True,
            stage="approach",
            suspect="a",
            first_flag_message=3,
            signals=signals,
            model_version="test",
            scored_at=report.received_at,
        )
    )
    db.flush()
    result = service.triage_report(db, report_id=report.id, actor=SYSTEM)
    assert result.priority is Priority.P1
    assert "P1: meeting request at message 4" in [r.text for r in result.reasons]
    record = db.get(TriageRecord, report.id)
    assert record is not None
    assert record.grooming is None  # enrichment keeps its own; triage stores no copy


def test_a_common_key_links_only_the_most_recent_reports(
    db: Session, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(linking, "MAX_REPORTS_PER_KEY", 2)
    earlier = [make_report(db, runtime.keyring, phone="0123456789") for _ in range(3)]
    latest = make_report(db, runtime.keyring, phone="0123456789")
    result = service.triage_report(db, report_id=latest.id, actor=SYSTEM)
    assert sorted(link.other_report_id for link in result.links) == [
        earlier[1].id,
        earlier[2].id,
    ]
