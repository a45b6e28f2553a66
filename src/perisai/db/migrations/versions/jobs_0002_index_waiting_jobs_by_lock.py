"""jobs: index waiting and running jobs by lock

Revision ID: jobs_0002
Revises: jobs_0001
Create Date: 2026-11-25 21:10:00

procrastinate's fetch refuses a candidate job while another job with its lock is running or
queued before it (`NOT EXISTS (... other_jobs.lock = jobs.lock ...)`). Its own index for that is
on (id, lock), so each probe walks the whole backlog: with 20,000 waiting enrichment jobs (each
locked by its report) a fetch took 0.6 ms, and one fetch runs per job. On (lock, priority, id) the
probe is a lookup (0.07 ms).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "jobs_0002"
down_revision: str | Sequence[str] | None = "jobs_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEX = "procrastinate_jobs_waiting_lock_idx_perisai"


def upgrade() -> None:
    op.execute(
        f"CREATE INDEX {_INDEX} ON procrastinate_jobs (lock, priority DESC, id) "
        "WHERE status IN ('todo', 'doing') AND lock IS NOT NULL"
    )


def downgrade() -> None:
    op.execute(f"DROP INDEX IF EXISTS {_INDEX}")
