"""reports: the rest of a CyberTipline report (details, sealed details, file details)

Revision ID: reports_0003
Revises: reports_0002
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "reports_0003"
down_revision: str | Sequence[str] | None = "reports_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EMPTY = sa.text("'{}'::jsonb")


def upgrade() -> None:
    op.add_column(
        "report",
        sa.Column("details", postgresql.JSONB(), nullable=False, server_default=_EMPTY),
    )
    op.add_column("report", sa.Column("details_sealed", sa.LargeBinary(), nullable=True))
    op.add_column(
        "report_file",
        sa.Column("details", postgresql.JSONB(), nullable=False, server_default=_EMPTY),
    )


def downgrade() -> None:
    op.drop_column("report_file", "details")
    op.drop_column("report", "details_sealed")
    op.drop_column("report", "details")
