"""SLA warning at 75% and breach at 100%, once each, as events; stale or stopped clocks skip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.triage.factories import make_report

from perisai.audit.service import SYSTEM
from perisai.runtime import Runtime
from perisai.sharing.models import OutboxEvent
from perisai.triage import service, sla
from perisai.triage.jobs import run_sla_check, run_triage
from perisai.triage.models import TriageRecord


def sla_events(db: Session) -> list[OutboxEvent]:
    return list(
        db.scalars(
            select(OutboxEvent).where(OutboxEvent.type.like("sla.%")).order_by(OutboxEvent.id)
        )
    )


def test_warning_then_breach_once_each(db: Session, runtime: Runtime) -> None:
    report = make_report(db, runtime.keyring, escalation="danger")
    service.triage_report(db, report_id=report.id, actor=SYSTEM)
    record = db.get(TriageRecord, report.id)
    assert record is not None
    due = record.review_due_at
    received = record.received_at
    early = received + timedelta(minutes=5)
    args = {"report_id": report.id, "clock": "review", "due_at": due}
    assert not sla.check(db, level="warning", now=early, **args)  # type: ignore[arg-type]
    at_75 = received + timedelta(minutes=15) * 0.75
    assert sla.check(db, level="warning", now=at_75, **args)  # type: ignore[arg-type]
    assert not sla.check(db, level="warning", now=at_75, **args)  # type: ignore[arg-type]
    assert sla.check(db, level="breached", now=due, **args)  # type: ignore[arg-type]
    events = sla_events(db)
    assert [e.type for e in events] == ["sla.warning", "sla.breached"]
    assert events[0].payload["elapsed_fraction"] == 0.75
    assert events[1].payload["clock"] == "review"
    assert events[1].audience == ["SECRETARIAT"]
    assert record.review_breached_at == due


def test_reviewed_or_moved_clocks_do_not_fire(db: Session, runtime: Runtime) -> None:
    report = make_report(db, runtime.keyring, escalation="danger")
    service.triage_report(db, report_id=report.id, actor=SYSTEM)
    record = db.get(TriageRecord, report.id)
    assert record is not None
    stale_due = record.review_due_at - timedelta(minutes=1)
    late = record.review_due_at + timedelta(hours=1)
    assert not sla.check(
        db, report_id=report.id, clock="review", level="breached", due_at=stale_due, now=late
    )
    service.mark_reviewed(db, report_id=report.id, actor=SYSTEM)
    assert not sla.check(
        db,
        report_id=report.id,
        clock="review",
        level="breached",
        due_at=record.review_due_at,
        now=late,
    )
    assert sla_events(db) == []


def test_jobs_run_in_their_own_transaction(db: Session, runtime: Runtime) -> None:
    report = make_report(db, runtime.keyring, escalation="danger")
    report.received_at = datetime.now(UTC) - timedelta(hours=2)  # both clocks have run out
    db.commit()
    run_triage(runtime, report.id)
    record = db.get(TriageRecord, report.id)
    assert record is not None
    assert record.priority == 1
    run_sla_check(
        runtime,
        report_id=report.id,
        clock="action",
        level="breached",
        due_at=record.action_due_at.isoformat() if record.action_due_at else "",
    )
    assert [e.type for e in sla_events(db)] == ["sla.breached"]
    run_triage(runtime, 10**12)  # a report that no longer exists is not an error


def test_new_due_times_clear_old_warnings(db: Session, runtime: Runtime) -> None:
    report = make_report(db, runtime.keyring, phone="0123456789", incident="child_pornography")
    service.triage_report(db, report_id=report.id, actor=SYSTEM)
    record = db.get(TriageRecord, report.id)
    assert record is not None
    due = record.review_due_at
    assert sla.check(db, report_id=report.id, clock="review", level="warning", due_at=due, now=due)
    assert record.review_warned_at is not None
    analyst = SYSTEM
    service.override_priority(
        db, report_id=report.id, priority="P3", reason="analyst judges it lower risk", actor=analyst
    )
    assert record.review_due_at != due
    assert record.review_warned_at is None
