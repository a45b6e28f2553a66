"""jobs: index waiting jobs by queue, for each lane's fetch

Each lane of the worker fetches from one queue (`jobs/fetch.py`). procrastinate's index of
waiting jobs is on (priority, id) across every queue, so after a burst the triage lane's fetch
walked past every waiting enrichment job to reach its first one: in a drain of 18,000 reports
the fetch was PostgreSQL's largest cost (7,237 fetches, 83 s, 11 ms each). On (queue, priority,
id) a fetch starts at its own queue's jobs.

Revision ID: jobs_0004
Revises: jobs_0003
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "jobs_0004"
down_revision: str | Sequence[str] | None = "jobs_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEX = "procrastinate_jobs_waiting_queue_idx_perisai"


def upgrade() -> None:
    op.execute(
        f"CREATE INDEX {_INDEX} ON procrastinate_jobs (queue_name, priority DESC, id) "
        "WHERE status = 'todo'"
    )


def downgrade() -> None:
    op.execute(f"DROP INDEX IF EXISTS {_INDEX}")
