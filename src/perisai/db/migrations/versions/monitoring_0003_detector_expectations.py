"""monitoring: the spike detector's expected count and range per series and day (chart bands)

Revision ID: monitoring_0003
Revises: monitoring_0002
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "monitoring_0003"
down_revision: str | Sequence[str] | None = "monitoring_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "monitoring_expectation",
        sa.Column("series_key", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("expected", sa.Float(), nullable=False),
        sa.Column("low", sa.Integer(), nullable=False),
        sa.Column("high", sa.Integer(), nullable=False),
        sa.Column("alpha", sa.Float(), nullable=False),
        sa.Column("baseline_days", sa.Float(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("low <= high", name=op.f("ck_monitoring_expectation_band")),
        sa.PrimaryKeyConstraint("series_key", "day", name=op.f("pk_monitoring_expectation")),
    )
    op.create_index(
        "ix_monitoring_expectation_day", "monitoring_expectation", ["day"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_monitoring_expectation_day", table_name="monitoring_expectation")
    op.drop_table("monitoring_expectation")
