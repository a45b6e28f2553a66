"""banks: TMK is bankable; a signal longer than its key is kept whole in `signal_body`

The signal types a bank holds are now the media library's registry's implemented ones (TMK
joins pdq, vpdq, md5, sha1 and sha256). A TMK signature is ~17 KB of text, far beyond a btree
key: `signal_key` holds the SHA-256 hex of the canonical signal and `signal_body` the signal
(a CHECK ties the two). Existing rows are unchanged (every one fits its key, or is a vPDQ
frame list kept in `frames`).

Revision ID: banks_0004
Revises: banks_0003
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "banks_0004"
down_revision: str | Sequence[str] | None = "banks_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The registry at the time of this migration (a later type needs a migration of its own).
_TYPES = "signal_type IN ('md5', 'sha1', 'sha256', 'pdq', 'vpdq', 'tmk')"
_OLD_TYPES = "signal_type IN ('pdq', 'vpdq', 'md5', 'sha1', 'sha256')"
_FRAMES = "(signal_type IN ('vpdq')) = (frames IS NOT NULL)"
_OLD_FRAMES = "(signal_type = 'vpdq') = (frames IS NOT NULL)"
_BODY = "signal_body IS NULL OR signal_key = encode(sha256(convert_to(signal_body, 'UTF8')), 'hex')"


def upgrade() -> None:
    op.add_column("bank_entry", sa.Column("signal_body", sa.Text(), nullable=True))
    op.drop_constraint(op.f("ck_bank_entry_signal_type"), "bank_entry", type_="check")
    op.create_check_constraint(op.f("ck_bank_entry_signal_type"), "bank_entry", _TYPES)
    op.drop_constraint(op.f("ck_bank_entry_frames_for_vpdq"), "bank_entry", type_="check")
    op.create_check_constraint(op.f("ck_bank_entry_frames_for_vpdq"), "bank_entry", _FRAMES)
    op.create_check_constraint(op.f("ck_bank_entry_signal_body_digest"), "bank_entry", _BODY)


def downgrade() -> None:
    op.execute(
        "DELETE FROM bank_entry WHERE signal_type NOT IN ('pdq', 'vpdq', 'md5', 'sha1', 'sha256')"
    )
    op.drop_constraint(op.f("ck_bank_entry_signal_body_digest"), "bank_entry", type_="check")
    op.drop_constraint(op.f("ck_bank_entry_frames_for_vpdq"), "bank_entry", type_="check")
    op.create_check_constraint(op.f("ck_bank_entry_frames_for_vpdq"), "bank_entry", _OLD_FRAMES)
    op.drop_constraint(op.f("ck_bank_entry_signal_type"), "bank_entry", type_="check")
    op.create_check_constraint(op.f("ck_bank_entry_signal_type"), "bank_entry", _OLD_TYPES)
    op.drop_column("bank_entry", "signal_body")
