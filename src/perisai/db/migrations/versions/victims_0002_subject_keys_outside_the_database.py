"""victims: per-subject keys kept in the subject key store, outside the database

A database backup taken before an erasure held the wrapped key beside the ciphertext; keys now
live in the subject key store (perisai.keystore) and rows name its segment (``key_segment``).
Older rows keep their key in ``key_sealed`` until ``perisai victims keys reconcile`` moves it
to the store. An active record has its key in one place or the other.

Revision ID: victims_0002
Revises: victims_0001
Create Date: 2026-12-06 00:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "victims_0002"
down_revision: str | Sequence[str] | None = "victims_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD = (
    "(status = 'active' AND key_sealed IS NOT NULL AND erased_at IS NULL)"
    " OR (status = 'erased' AND key_sealed IS NULL AND erased_at IS NOT NULL"
    " AND erasure_basis IS NOT NULL)"
)
_NEW = (
    "(status = 'active' AND (key_sealed IS NOT NULL OR key_segment IS NOT NULL)"
    " AND erased_at IS NULL)"
    " OR (status = 'erased' AND key_sealed IS NULL AND erased_at IS NOT NULL"
    " AND erasure_basis IS NOT NULL)"
)


def upgrade() -> None:
    op.add_column("victim", sa.Column("key_segment", sa.String(length=16), nullable=True))
    op.add_column("report_victim", sa.Column("key_segment", sa.String(length=16), nullable=True))
    op.add_column("report", sa.Column("key_segment", sa.String(length=16), nullable=True))
    op.drop_constraint(op.f("ck_victim_erased_has_no_key"), "victim", type_="check")
    op.create_check_constraint(op.f("ck_victim_erased_has_no_key"), "victim", _NEW)


def downgrade() -> None:
    op.drop_constraint(op.f("ck_victim_erased_has_no_key"), "victim", type_="check")
    op.create_check_constraint(op.f("ck_victim_erased_has_no_key"), "victim", _OLD)
    op.drop_column("report", "key_segment")
    op.drop_column("report_victim", "key_segment")
    op.drop_column("victim", "key_segment")
