"""Background jobs of cases: `cases.takedown_due` re-sends unanswered notices and escalates."""

from __future__ import annotations

from datetime import datetime

from perisai.cases.names import TAKEDOWN_DUE_TASK
from perisai.cases.takedowns import takedown_due
from perisai.jobs.worker import current_runtime, job
from perisai.runtime import Runtime


def run_takedown_due(runtime: Runtime, *, takedown_id: int, deadline_at: str) -> None:
    with runtime.db.transaction() as session:
        takedown_due(
            session, takedown_id=takedown_id, deadline_at=datetime.fromisoformat(deadline_at)
        )


@job(TAKEDOWN_DUE_TASK)
def takedown_due_job(takedown_id: int, deadline_at: str) -> None:
    run_takedown_due(current_runtime(), takedown_id=takedown_id, deadline_at=deadline_at)
