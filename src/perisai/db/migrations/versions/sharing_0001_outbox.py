"""sharing: the outbox of domain events

Revision ID: sharing_0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "sharing_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("sharing",)
depends_on: str | Sequence[str] | None = "core_0001"


def upgrade() -> None:
    op.create_table(
        "outbox_event",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("subject_type", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("audience", sa.ARRAY(sa.String(length=32)), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=True),
        sa.Column("tlp", sa.Enum("RED", "AMBER", "GREEN", "CLEAR", name="tlp"), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_event")),
    )
    op.create_index(op.f("ix_outbox_event_type"), "outbox_event", ["type"], unique=False)
    op.create_index(op.f("ix_outbox_event_case_id"), "outbox_event", ["case_id"], unique=False)
    op.create_index(
        op.f("ix_outbox_event_created_at"), "outbox_event", ["created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_table("outbox_event")
    op.execute("DROP TYPE IF EXISTS tlp")
