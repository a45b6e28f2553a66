"""enrichment: the TMK-like signature of an evidence video (report_file_signal.tmk)

Videos are matched by TMK as well as vPDQ (TMK became bankable, banks_0004); the signature is
stored beside the frames so that a retro-hunt can compare it with a TMK entry added later.

Revision ID: enrichment_0005
Revises: enrichment_0004
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "enrichment_0005"
down_revision: str | Sequence[str] | None = "enrichment_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("report_file_signal", sa.Column("tmk", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("report_file_signal", "tmk")
