"""core: the audit chain is keyed (HMAC under a key derived from the master key)

Entries written from now on carry ``chain = 2`` and an HMAC-SHA256 as their hash; the ones
already there keep ``chain = 1`` (plain SHA-256), which verification accepts only before the
first keyed entry (issue #11, item 8).

Revision ID: core_0002
Revises: core_0001
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "core_0002"
down_revision: str | Sequence[str] | None = "core_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "audit_entry",
        sa.Column("chain", sa.SmallInteger(), server_default=sa.text("1"), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("audit_entry", "chain")
