"""banks: every bank has an owner (an agency or an API client) and a shared flag

Any `banks:write` key could change, disable or delete any bank (issue #11, item 9). Existing
banks belong to the task force (the Secretariat) and stay shared.

Revision ID: banks_0003
Revises: banks_0002
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "banks_0003"
down_revision: str | Sequence[str] | None = "banks_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("bank", sa.Column("owner", sa.String(length=64), nullable=True))
    op.add_column("bank", sa.Column("shared", sa.Boolean(), nullable=True))
    op.execute("UPDATE bank SET owner = 'agency:SECRETARIAT', shared = true")
    op.alter_column("bank", "owner", nullable=False)
    op.alter_column("bank", "shared", nullable=False)
    op.create_index(op.f("ix_bank_owner"), "bank", ["owner"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_bank_owner"), table_name="bank")
    op.drop_column("bank", "shared")
    op.drop_column("bank", "owner")
