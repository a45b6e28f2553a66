"""monitoring: stored spike alerts with their evidence and lifecycle

Revision ID: monitoring_0002
Revises: monitoring_0001
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "monitoring_0002"
down_revision: str | Sequence[str] | None = "monitoring_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "monitoring_alert",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("public_id", sa.String(length=24), nullable=False),
        sa.Column("series_key", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("observed", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Float(), nullable=False),
        sa.Column("p_value", sa.Float(), nullable=True),
        sa.Column("q_value", sa.Float(), nullable=True),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("baseline_weeks", sa.Integer(), nullable=False),
        sa.Column("fdr", sa.Float(), nullable=False),
        sa.Column("min_count", sa.Integer(), nullable=False),
        sa.Column("series_tested", sa.Integer(), nullable=False),
        sa.Column("partial_day", sa.Boolean(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("acknowledged_by", sa.String(length=120), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dismiss_reason", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status IN ('new', 'acknowledged', 'confirmed', 'dismissed')",
            name=op.f("ck_monitoring_alert_status"),
        ),
        sa.CheckConstraint(
            "method IN ('negbin', 'cusum', 'new_series')", name=op.f("ck_monitoring_alert_method")
        ),
        sa.CheckConstraint(
            "status <> 'dismissed' OR dismiss_reason IS NOT NULL",
            name=op.f("ck_monitoring_alert_reason"),
        ),
        sa.CheckConstraint(
            "observed >= 0 AND window_days >= 1", name=op.f("ck_monitoring_alert_evidence")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_alert")),
        sa.UniqueConstraint("public_id", name=op.f("uq_monitoring_alert_public_id")),
        sa.UniqueConstraint("series_key", "day", name="uq_monitoring_alert_series_day"),
    )
    op.create_index("ix_monitoring_alert_day", "monitoring_alert", ["day"], unique=False)
    op.create_index(
        "ix_monitoring_alert_status_raised",
        "monitoring_alert",
        ["status", "raised_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("monitoring_alert")
