"""Takedown notices: deadline, re-notice every 24 h, escalation to MCMC after three, removal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from tests.cases.factories import ANALYST, make_case

from perisai.cases import takedowns
from perisai.cases.errors import CaseConflict
from perisai.cases.jobs import run_takedown_due
from perisai.cases.names import TAKEDOWN_DUE_TASK
from perisai.cases.service import confirm_removal, create_takedown, removal_stats
from perisai.runtime import Runtime
from perisai.sharing.models import OutboxEvent
from perisai.triage.models import TriageRecord

T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def test_notice_has_a_deadline_schedules_its_check_and_is_a_first_action(
    db: Session, runtime: Runtime
) -> None:
    case = make_case(db, runtime.keyring, phone="0123456789")
    notice = create_takedown(
        db,
        case_id=case.id,
        url="https://example.com/p/1",
        platform="ExampleChat",
        actor=ANALYST,
        now=T0,
    )
    assert notice.deadline_at == T0 + timedelta(hours=24)  # P2 case: 24 h
    job = db.execute(
        text("SELECT scheduled_at, args FROM procrastinate_jobs WHERE task_name = :t"),
        {"t": TAKEDOWN_DUE_TASK},
    ).one()
    assert job.scheduled_at == notice.deadline_at
    assert job.args["takedown_id"] == notice.id
    record = db.get(TriageRecord, case.reports[0].report_id)
    assert record is not None
    assert record.actioned_at == T0


@pytest.mark.parametrize(
    ("url", "platform"),
    [("ftp://x", "P"), ("https://x", ""), ("https://" + "a" * 5000, "P"), ("https://x", "p" * 101)],
)
def test_bad_notices_are_refused(db: Session, runtime: Runtime, url: str, platform: str) -> None:
    case = make_case(db, runtime.keyring)
    with pytest.raises(CaseConflict):
        create_takedown(db, case_id=case.id, url=url, platform=platform, actor=ANALYST)


def test_renotice_daily_then_escalate_to_mcmc_after_three(db: Session, runtime: Runtime) -> None:
    case = make_case(db, runtime.keyring, escalation="danger")
    notice = create_takedown(
        db,
        case_id=case.id,
        url="https://example.com/x",
        platform="ExampleChat",
        actor=ANALYST,
        now=T0,
    )
    assert notice.deadline_at == T0 + timedelta(hours=4)  # P1 case
    # A stale job (deadline moved) and an early one do nothing.
    assert not takedowns.takedown_due(
        db, takedown_id=notice.id, deadline_at=T0, now=T0 + timedelta(hours=5)
    )
    assert not takedowns.takedown_due(
        db, takedown_id=notice.id, deadline_at=notice.deadline_at, now=T0 + timedelta(hours=1)
    )
    now = notice.deadline_at
    for sent in (2, 3, 4):
        assert takedowns.takedown_due(
            db, takedown_id=notice.id, deadline_at=notice.deadline_at, now=now
        )
        assert notice.notices_sent == sent
        assert notice.deadline_at == now + timedelta(hours=24)
        assert (notice.escalated_at is not None) == (sent == 4)
        now = notice.deadline_at
    assert notice.status == "escalated"
    assert "MCMC" in case.agencies
    escalated = db.scalars(
        select(OutboxEvent).where(OutboxEvent.type == "takedown.escalated")
    ).one()
    assert "MCMC" in escalated.audience
    renotices = db.scalars(select(OutboxEvent).where(OutboxEvent.type == "takedown.renotice"))
    assert len(list(renotices)) == 3


def test_removal_stops_renotices_and_feeds_statistics(db: Session, runtime: Runtime) -> None:
    case = make_case(db, runtime.keyring)
    fast = create_takedown(
        db, case_id=case.id, url="https://a.example/1", platform="Alpha", actor=ANALYST, now=T0
    )
    slow = create_takedown(
        db, case_id=case.id, url="https://a.example/2", platform="Alpha", actor=ANALYST, now=T0
    )
    confirm_removal(db, takedown_id=fast.id, actor=ANALYST, removed_at=T0 + timedelta(hours=2))
    confirm_removal(db, takedown_id=slow.id, actor=ANALYST, removed_at=T0 + timedelta(hours=10))
    with pytest.raises(CaseConflict, match="already"):
        confirm_removal(db, takedown_id=fast.id, actor=ANALYST)
    assert not takedowns.takedown_due(
        db, takedown_id=fast.id, deadline_at=fast.deadline_at, now=fast.deadline_at
    )
    (alpha,) = [s for s in removal_stats(db) if s.platform == "Alpha"]
    assert alpha.removed == 2
    assert alpha.median_hours == pytest.approx(6.0)
    assert alpha.p90_hours == pytest.approx(9.2)


def test_removal_before_the_notice_is_refused(db: Session, runtime: Runtime) -> None:
    case = make_case(db, runtime.keyring)
    notice = create_takedown(
        db, case_id=case.id, url="https://a.example/1", platform="A", actor=ANALYST, now=T0
    )
    with pytest.raises(CaseConflict, match="precede"):
        confirm_removal(db, takedown_id=notice.id, actor=ANALYST, removed_at=T0 - timedelta(1))


def test_the_job_runs_in_its_own_transaction(db: Session, runtime: Runtime) -> None:
    case = make_case(db, runtime.keyring)
    past = datetime.now(UTC) - timedelta(days=2)
    notice = create_takedown(
        db, case_id=case.id, url="https://a.example/1", platform="A", actor=ANALYST, now=past
    )
    db.commit()  # to the test's savepoint: the job's session sees it
    run_takedown_due(runtime, takedown_id=notice.id, deadline_at=notice.deadline_at.isoformat())
    db.refresh(notice)
    assert notice.notices_sent == 2
