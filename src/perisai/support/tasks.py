"""Background jobs of support: follow-up reminders and the safety check's due time.

`support.follow_up_due` (args {"service_id", "due_at", "level"}) runs a day before a service's
follow-up falls due ("reminder") and at its due time ("overdue"); `support.safety_check_due`
(args {"plan_id", "due_at"}) runs when a safety check falls due. Like the triage SLA checks, a
job whose due time no longer matches the record is stale and does nothing, so moving or doing a
follow-up never needs a job cancelled. Each job owns its transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime

from perisai.jobs.worker import current_runtime, job
from perisai.runtime import Runtime
from perisai.support import service


def run_follow_up_due(runtime: Runtime, *, service_id: int, due_at: str, level: str) -> bool:
    with runtime.db.transaction() as session:
        return service.follow_up_due(
            session,
            service_id=service_id,
            due_at=datetime.fromisoformat(due_at),
            level=level,
            now=datetime.now(UTC),
        )


def run_safety_check_due(runtime: Runtime, *, plan_id: int, due_at: str) -> bool:
    with runtime.db.transaction() as session:
        return service.safety_check_due(
            session, plan_id=plan_id, due_at=datetime.fromisoformat(due_at), now=datetime.now(UTC)
        )


@job(service.FOLLOW_UP_TASK)
def follow_up_due_job(service_id: int, due_at: str, level: str) -> None:
    run_follow_up_due(current_runtime(), service_id=service_id, due_at=due_at, level=level)


@job(service.SAFETY_CHECK_TASK)
def safety_check_due_job(plan_id: int, due_at: str) -> None:
    run_safety_check_due(current_runtime(), plan_id=plan_id, due_at=due_at)
