"""banks: hash banks, entries and change feed

Revision ID: banks_0001
Revises:
Create Date: 2026-11-25 18:12:47.074124
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "banks_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("banks",)
depends_on: str | Sequence[str] | None = "core_0001"


def upgrade() -> None:
    op.create_table(
        "bank",
        sa.Column("id", sa.Integer(), sa.Identity(always=True), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("pdq_threshold", sa.SmallInteger(), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("kind IN ('positive', 'negative')", name=op.f("ck_bank_kind")),
        sa.CheckConstraint("pdq_threshold BETWEEN 0 AND 256", name=op.f("ck_bank_pdq_threshold")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank")),
        sa.UniqueConstraint("name", name=op.f("uq_bank_name")),
    )
    op.create_table(
        "bank_change",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column("bank_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.CheckConstraint("op IN ('entry', 'bank')", name=op.f("ck_bank_change_op")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_change")),
    )
    op.create_table(
        "bank_entry",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("bank_id", sa.Integer(), nullable=False),
        sa.Column("signal_type", sa.String(length=16), nullable=False),
        sa.Column("signal_key", sa.String(length=64), nullable=False),
        sa.Column("frames", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("label", sa.String(length=255), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("metadata", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("added_by", sa.String(length=128), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("disabled_reason", sa.String(length=255), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(signal_type = 'vpdq') = (frames IS NOT NULL)",
            name=op.f("ck_bank_entry_frames_for_vpdq"),
        ),
        sa.CheckConstraint(
            "signal_type IN ('pdq', 'vpdq', 'md5', 'sha1', 'sha256')",
            name=op.f("ck_bank_entry_signal_type"),
        ),
        sa.ForeignKeyConstraint(
            ["bank_id"], ["bank.id"], name=op.f("fk_bank_entry_bank_id_bank"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_entry")),
        sa.UniqueConstraint("bank_id", "signal_type", "signal_key", name="uq_bank_entry_signal"),
    )
    op.create_index("ix_bank_entry_bank_id_id", "bank_entry", ["bank_id", "id"], unique=False)
    op.create_index(
        "ix_bank_entry_signal_type_signal_key",
        "bank_entry",
        ["signal_type", "signal_key"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_bank_entry_signal_type_signal_key", table_name="bank_entry")
    op.drop_index("ix_bank_entry_bank_id_id", table_name="bank_entry")
    op.drop_table("bank_entry")
    op.drop_table("bank_change")
    op.drop_table("bank")
