"""enrichment: grooming assessments and media signals of reports

Revision ID: enrichment_0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "enrichment_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("enrichment",)
depends_on: str | Sequence[str] | None = "reports_0001"


def upgrade() -> None:
    op.create_table(
        "report_grooming",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("report_id", sa.BigInteger(), nullable=False),
        sa.Column("conversation_index", sa.Integer(), nullable=False),
        sa.Column("risk", sa.Float(), nullable=False),
        sa.Column("flag", sa.Boolean(), nullable=False),
        sa.Column("stage", sa.String(length=64), nullable=True),
        sa.Column("suspect", sa.String(length=256), nullable=True),
        sa.Column("first_flag_message", sa.Integer(), nullable=True),
        sa.Column("signals", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_report_grooming_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_grooming")),
    )
    op.create_index(op.f("ix_report_grooming_report_id"), "report_grooming", ["report_id"])
    op.create_table(
        "report_file_signal",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("report_file_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("pdq", sa.String(length=64), nullable=True),
        sa.Column("pdq_quality", sa.Integer(), nullable=True),
        sa.Column("vpdq", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("hashed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_file_id"],
            ["report_file.id"],
            name=op.f("fk_report_file_signal_report_file_id_report_file"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_file_signal")),
        sa.UniqueConstraint("report_file_id", name=op.f("uq_report_file_signal_report_file_id")),
    )
    op.create_index(op.f("ix_report_file_signal_pdq"), "report_file_signal", ["pdq"])


def downgrade() -> None:
    op.drop_table("report_file_signal")
    op.drop_table("report_grooming")
