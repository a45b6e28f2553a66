"""The reminder jobs as the worker runs them: their own transaction, stale ones do nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.support.factories import make_plan_world

from perisai.jobs.worker import JOBS
from perisai.runtime import Runtime
from perisai.sharing.models import OutboxEvent
from perisai.support import service, tasks


def test_the_jobs_are_registered_under_their_task_names() -> None:
    assert JOBS[service.FOLLOW_UP_TASK].func is tasks.follow_up_due_job
    assert JOBS[service.SAFETY_CHECK_TASK].func is tasks.safety_check_due_job


def test_a_due_follow_up_job_emits_once(db: Session, runtime: Runtime) -> None:
    pw = make_plan_world(db, runtime.keyring)
    due = datetime.now(UTC) - timedelta(minutes=5)
    found = service.add_service(
        db, viewer=pw.jkm, public_id=pw.id, kind="jkm", follow_up_due_at=due
    )
    db.flush()
    at = due.isoformat()
    assert tasks.run_follow_up_due(runtime, service_id=found.id, due_at=at, level="overdue")
    assert not tasks.run_follow_up_due(runtime, service_id=found.id, due_at=at, level="overdue")
    moved = (due - timedelta(days=1)).isoformat()
    assert not tasks.run_follow_up_due(runtime, service_id=found.id, due_at=moved, level="overdue")
    types = db.scalars(select(OutboxEvent.type).where(OutboxEvent.type.like("support.%"))).all()
    assert types.count("support.follow_up.overdue") == 1


def test_a_safety_check_job_for_a_done_check_does_nothing(db: Session, runtime: Runtime) -> None:
    pw = make_plan_world(db, runtime.keyring)
    plan = service.set_offender_known(db, viewer=pw.jkm, public_id=pw.id, known=True)
    service.record_safety_check(db, viewer=pw.jkm, public_id=pw.id)
    assert plan.safety_check_due_at is not None
    db.flush()
    assert not tasks.run_safety_check_due(
        runtime, plan_id=plan.id, due_at=plan.safety_check_due_at.isoformat()
    )
