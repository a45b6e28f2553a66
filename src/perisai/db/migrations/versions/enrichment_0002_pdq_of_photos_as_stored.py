"""enrichment: the PDQ of a photo as stored when its EXIF orientation is not 1

Revision ID: enrichment_0002
Revises: enrichment_0001
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "enrichment_0002"
down_revision: str | Sequence[str] | None = "enrichment_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("report_file_signal", sa.Column("exif_orientation", sa.Integer(), nullable=True))
    op.add_column("report_file_signal", sa.Column("pdq_raw", sa.String(length=64), nullable=True))
    op.add_column("report_file_signal", sa.Column("pdq_raw_quality", sa.Integer(), nullable=True))
    op.create_index(
        "ix_report_file_signal_pdq_raw", "report_file_signal", ["pdq_raw"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_report_file_signal_pdq_raw", table_name="report_file_signal")
    op.drop_column("report_file_signal", "pdq_raw_quality")
    op.drop_column("report_file_signal", "pdq_raw")
    op.drop_column("report_file_signal", "exif_orientation")
