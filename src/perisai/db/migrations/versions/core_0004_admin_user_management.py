"""core: what an administrator needs to manage staff accounts

- ``login_throttle.address_hash``: the SHA-256 of the lower-cased address typed, so that an
  administrator can unlock an account (every source's counter for its address) — the key alone
  hashes the address with the source and cannot be found from the address;
- ``app_user.password_reset_hash`` / ``password_reset_expires_at``: a one-time password-reset
  code an administrator issues and hands over in person (no e-mail reset for staff).

Revision ID: core_0004
Revises: core_0003
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "core_0004"
down_revision: str | Sequence[str] | None = "core_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("login_throttle", sa.Column("address_hash", sa.String(length=64), nullable=True))
    op.create_index(
        op.f("ix_login_throttle_address_hash"), "login_throttle", ["address_hash"], unique=False
    )
    op.add_column("app_user", sa.Column("password_reset_hash", sa.String(length=64), nullable=True))
    op.add_column(
        "app_user",
        sa.Column("password_reset_expires_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("app_user", "password_reset_expires_at")
    op.drop_column("app_user", "password_reset_hash")
    op.drop_index(op.f("ix_login_throttle_address_hash"), table_name="login_throttle")
    op.drop_column("login_throttle", "address_hash")
