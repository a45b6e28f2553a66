"""SLA warnings at 75 % and breaches at 100 % of each clock, raised once each by the periodic
sweep (`now` driven explicitly); stopped clocks and moved due times raise nothing; no timer job
waits in procrastinate's queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session
from tests.triage.factories import make_report

from perisai.audit.models import AuditEntry
from perisai.audit.service import SYSTEM, Actor, flush_pending
from perisai.cases import service as cases
from perisai.reports.models import Report
from perisai.runtime import Runtime
from perisai.sharing.models import OutboxEvent
from perisai.triage import service, sla
from perisai.triage.jobs import run_sla_check, run_sla_sweep, run_triage
from perisai.triage.models import TriageRecord

ANALYST = Actor(kind="user", id="7", agency="SECRETARIAT", role="analyst")


def sla_events(db: Session) -> list[OutboxEvent]:
    return list(
        db.scalars(
            select(OutboxEvent).where(OutboxEvent.type.like("sla.%")).order_by(OutboxEvent.id)
        )
    )


def kinds(db: Session) -> list[tuple[str, str]]:
    return [(e.type, e.payload["clock"]) for e in sla_events(db)]


def triaged(db: Session, runtime: Runtime, **fields: object) -> TriageRecord:
    report = make_report(db, runtime.keyring, **fields)
    service.triage_report(db, report_id=report.id, actor=SYSTEM)
    record = db.get(TriageRecord, report.id)
    assert record is not None
    return record


def raised(db: Session, now: datetime) -> list[tuple[str, str]]:
    return [(a.clock, a.level) for a in sla.sweep(db, now=now).alerts]


def test_warning_then_breach_once_each_at_their_time(db: Session, runtime: Runtime) -> None:
    record = triaged(db, runtime, escalation="danger")  # P1: review 15 min, action 1 h
    received, due = record.received_at, record.review_due_at
    at_75 = received + timedelta(minutes=15) * 0.75
    tick = timedelta(microseconds=1)
    assert record.review_warning_due_at == at_75
    assert raised(db, received + timedelta(minutes=5)) == []
    assert raised(db, at_75 - tick) == []
    assert raised(db, at_75) == [("review", "warning")]
    assert raised(db, at_75) == []
    assert raised(db, due - tick) == []
    assert raised(db, due) == [("review", "breached")]
    assert raised(db, due + timedelta(minutes=1)) == []
    assert raised(db, received + timedelta(minutes=45)) == [("action", "warning")]
    assert raised(db, received + timedelta(hours=1)) == [("action", "breached")]
    assert raised(db, received + timedelta(days=30)) == []
    events = sla_events(db)
    assert [(e.type, e.payload["clock"]) for e in events] == [
        ("sla.warning", "review"),
        ("sla.breached", "review"),
        ("sla.warning", "action"),
        ("sla.breached", "action"),
    ]
    public_id = db.scalar(select(Report.public_id).where(Report.id == record.report_id))
    assert events[0].payload == {
        "report_public_id": public_id,
        "priority": "P1",
        "clock": "review",
        "due_at": due.isoformat(),
        "elapsed_fraction": 0.75,
    }
    assert events[1].payload["elapsed_fraction"] == 1.0
    assert all(e.audience == ["SECRETARIAT"] and e.case_id is None for e in events)
    assert (record.review_warned_at, record.review_breached_at) == (at_75, due)
    flush_pending(db)
    audited = db.execute(
        select(AuditEntry.action, AuditEntry.details)
        .where(AuditEntry.action.like("sla.%"), AuditEntry.object_id == public_id)
        .order_by(AuditEntry.id)
    ).all()
    assert [(action, details["clock"]) for action, details in audited] == [
        ("sla.warning", "review"),
        ("sla.breached", "review"),
        ("sla.warning", "action"),
        ("sla.breached", "action"),
    ]


def test_a_late_sweep_raises_the_warning_before_the_breach(db: Session, runtime: Runtime) -> None:
    record = triaged(db, runtime, escalation="danger")
    assert raised(db, record.review_due_at) == [("review", "warning"), ("review", "breached")]


def test_alerts_of_a_report_in_a_case_go_to_its_agencies(db: Session, runtime: Runtime) -> None:
    record = triaged(db, runtime, escalation="danger")
    case = cases.create_case(db, title="Suspect A", report_ids=[record.report_id], actor=ANALYST)
    cases.assign(db, case_id=case.id, agency="PDRM", actor=ANALYST)
    assert raised(db, record.review_due_at) == [("review", "warning"), ("review", "breached")]
    for event in sla_events(db):
        assert event.audience == ["PDRM", "SECRETARIAT"]
        assert event.case_id == case.id


def test_stopped_clocks_raise_nothing(db: Session, runtime: Runtime) -> None:
    reviewed = triaged(db, runtime, escalation="danger")
    service.mark_reviewed(db, report_id=reviewed.report_id, actor=SYSTEM)
    acted = triaged(db, runtime, escalation="danger")
    sla.record_first_action(db, [acted.report_id], datetime.now(UTC))
    late = reviewed.received_at + timedelta(days=1)
    alerts = sla.sweep(db, now=late).alerts
    # The reviewed report's action clock still runs; the acted-on report's clocks both stopped.
    assert [(a.report_id, a.clock, a.level) for a in alerts] == [
        (reviewed.report_id, "action", "warning"),
        (reviewed.report_id, "action", "breached"),
    ]


def test_moved_due_times_are_honoured(db: Session, runtime: Runtime) -> None:
    # P4 (review 7 days, no action clock) until an analyst raises it to P2 (4 h / 24 h).
    record = triaged(db, runtime, phone="0123456789", incident="child_pornography")
    received, p4_due = record.received_at, record.review_due_at
    assert record.action_due_at is None and record.action_warning_due_at is None
    service.override_priority(
        db,
        report_id=record.report_id,
        priority="P2",
        reason="analyst judges it urgent",
        actor=ANALYST,
    )
    # The override counts as the review: only the new action clock (24 h) runs.
    assert record.action_due_at == received + timedelta(hours=24)
    assert raised(db, received + timedelta(hours=17)) == []
    assert raised(db, received + timedelta(hours=18)) == [("action", "warning")]
    assert raised(db, p4_due) == [("action", "breached")]


def test_new_due_times_clear_old_alerts(db: Session, runtime: Runtime) -> None:
    record = triaged(db, runtime, escalation="danger")
    p1_action_due = record.action_due_at
    assert p1_action_due is not None
    assert raised(db, p1_action_due) == [
        ("review", "warning"),
        ("review", "breached"),
        ("action", "warning"),
        ("action", "breached"),
    ]
    service.override_priority(
        db,
        report_id=record.report_id,
        priority="P3",
        reason="no child in danger after all",
        actor=ANALYST,
    )
    assert record.action_warned_at is None and record.action_breached_at is None
    # The old breach time is no alert for the new 72-hour clock; its own times are.
    assert raised(db, p1_action_due + timedelta(minutes=1)) == []
    assert raised(db, record.received_at + timedelta(hours=54)) == [("action", "warning")]
    assert raised(db, record.received_at + timedelta(hours=72)) == [("action", "breached")]


def test_the_sweep_works_in_batches_across_many_reports(db: Session, runtime: Runtime) -> None:
    records = [triaged(db, runtime, escalation="danger") for _ in range(23)]
    late = max(r.received_at for r in records) + timedelta(hours=2)
    first = run_sla_sweep(runtime, now=late, batch=5, max_batches=2)
    assert len({a.report_id for a in first}) == 10 and len(first) == 40
    rest = run_sla_sweep(runtime, now=late, batch=5)
    every = [(a.report_id, a.clock, a.level) for a in first + rest]
    assert len(every) == len(set(every)) == 23 * 4
    assert {a.report_id for a in first + rest} == {r.report_id for r in records}
    assert run_sla_sweep(runtime, now=late, batch=5) == []
    assert len(sla_events(db)) == 23 * 4


def test_triage_queues_no_timer(db: Session, runtime: Runtime) -> None:
    record = triaged(db, runtime, messages=["let's meet tomorrow"], victim_age=12)
    service.override_priority(
        db,
        report_id=record.report_id,
        priority="P2",
        reason="analyst judges it lower",
        actor=ANALYST,
    )
    triaged(db, runtime, escalation="danger")
    scheduled = db.scalar(
        text("SELECT count(*) FROM procrastinate_jobs WHERE scheduled_at IS NOT NULL")
    )
    assert scheduled == 0


def test_timers_queued_by_earlier_versions_run_harmlessly(db: Session, runtime: Runtime) -> None:
    report = make_report(db, runtime.keyring, escalation="danger")
    report.received_at = datetime.now(UTC) - timedelta(hours=2)  # both clocks have run out
    db.commit()
    run_triage(runtime, report.id)
    # An old job raises what is due for its report (all four), whatever check it was queued for.
    run_sla_check(runtime, report.id)
    assert len(sla_events(db)) == 4
    # Its siblings, and the sweep, find nothing left to raise.
    run_sla_check(runtime, report.id)
    assert run_sla_sweep(runtime) == []
    assert len(sla_events(db)) == 4
    run_sla_check(runtime, 10**12)  # a report that no longer exists is not an error
    run_triage(runtime, 10**12)
