"""viral: reports waiting to be clustered (viral_pending), taken by the job in batches

Revision ID: viral_0002
Revises: viral_0001
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "viral_0002"
down_revision: str | Sequence[str] | None = "viral_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "viral_pending"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("report_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "queued_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_viral_pending_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_viral_pending")),
    )
    op.create_index(op.f("ix_viral_pending_queued_at"), TABLE, ["queued_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_viral_pending_queued_at"), table_name=TABLE)
    op.drop_table(TABLE)
