"""triage: triage records (priority, reasons, SLA clocks, override) and report links

Revision ID: triage_0001
Revises:
Create Date: 2026-11-25 18:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "triage_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("triage",)
depends_on: str | Sequence[str] | None = "reports_0001"


def upgrade() -> None:
    op.create_table(
        "report_link",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("report_id", sa.BigInteger(), nullable=False),
        sa.Column("other_report_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=600), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["other_report_id"],
            ["report.id"],
            name=op.f("fk_report_link_other_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_report_link_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_link")),
        sa.UniqueConstraint("report_id", "other_report_id", "key", name="uq_report_link_pair_key"),
    )
    op.create_index(
        op.f("ix_report_link_other_report_id"), "report_link", ["other_report_id"], unique=False
    )
    op.create_index(op.f("ix_report_link_report_id"), "report_link", ["report_id"], unique=False)
    op.create_table(
        "triage_record",
        sa.Column("report_id", sa.BigInteger(), nullable=False),
        sa.Column("priority", sa.SmallInteger(), nullable=False),
        sa.Column("computed_priority", sa.SmallInteger(), nullable=False),
        sa.Column("reasons", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("grooming", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("review_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("actioned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("override_priority", sa.SmallInteger(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("override_by", sa.String(length=128), nullable=True),
        sa.Column("overridden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_warned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_breached_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("action_warned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("action_breached_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("triaged_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "computed_priority BETWEEN 1 AND 4", name=op.f("ck_triage_record_computed_priority")
        ),
        sa.CheckConstraint("priority BETWEEN 1 AND 4", name=op.f("ck_triage_record_priority")),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_triage_record_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_triage_record")),
    )
    op.create_index(
        "ix_triage_record_queue",
        "triage_record",
        ["priority", "review_due_at", "report_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("triage_record")
    op.drop_table("report_link")
