"""core: login throttle per (e-mail address, source address); TOTP secret shown once

The lockout counted failures per account and locked the account: anyone could keep an account
locked, and only real accounts ever locked, which told an attacker which addresses exist
(issue #11, item 12). Failures are now counted per (address typed, client address), for known
and unknown addresses alike. The TOTP secret of an account not yet enrolled is shown to the
first pending login only (`app_user.totp_enrol_session`), not to whoever else knows the password.

Revision ID: core_0003
Revises: core_0002
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "core_0003"
down_revision: str | Sequence[str] | None = "core_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("app_user", sa.Column("totp_enrol_session", sa.String(length=64), nullable=True))
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )


def downgrade() -> None:
    op.drop_column("app_user", "totp_enrol_session")
    op.drop_table("login_throttle")
