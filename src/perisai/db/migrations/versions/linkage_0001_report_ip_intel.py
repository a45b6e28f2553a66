"""linkage: IP intelligence answers stored per IP capture event of a report

Revision ID: linkage_0001
Revises:
Create Date: 2026-11-25 18:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "linkage_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("linkage",)
depends_on: str | Sequence[str] | None = "reports_0001"


def upgrade() -> None:
    op.create_table(
        "report_ip_intel",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("report_id", sa.BigInteger(), nullable=False),
        sa.Column("account_index", sa.Integer(), nullable=False),
        sa.Column("event_index", sa.Integer(), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("at_is_event_time", sa.Boolean(), nullable=False),
        sa.Column("answer", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("looked_up_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_report_ip_intel_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_ip_intel")),
        sa.UniqueConstraint(
            "report_id", "account_index", "event_index", name="uq_report_ip_intel_event"
        ),
    )
    op.create_index(op.f("ix_report_ip_intel_ip"), "report_ip_intel", ["ip"], unique=False)
    op.create_index(
        op.f("ix_report_ip_intel_report_id"), "report_ip_intel", ["report_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_report_ip_intel_report_id"), table_name="report_ip_intel")
    op.drop_index(op.f("ix_report_ip_intel_ip"), table_name="report_ip_intel")
    op.drop_table("report_ip_intel")
