"""jobs: procrastinate's schema (job queue tables, functions and triggers)

Revision ID: jobs_0001
Revises:
Create Date: 2026-11-25

The schema is the one shipped by the pinned procrastinate release; upgrading procrastinate means
adding a migration with its migration scripts (procrastinate/sql/migrations).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "jobs_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("jobs",)
depends_on: str | Sequence[str] | None = "core_0001"


def upgrade() -> None:
    from procrastinate.schema import SchemaManager

    op.execute(SchemaManager.get_schema())


def downgrade() -> None:
    op.execute(
        "DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, "
        "procrastinate_jobs, procrastinate_workers CASCADE"
    )
