"""enrichment: the crop set of an image (report_file_signal.pdq_crops)

PDQ of 256 crops of each image (`perisai.media.crops`), packed: viral clustering finds copies
of a picture cut differently by them. Rows hashed before this revision keep NULL (they are
clustered by their PDQ alone until enriched again).

Revision ID: enrichment_0007
Revises: enrichment_0006
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "enrichment_0007"
down_revision: str | Sequence[str] | None = "enrichment_0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("report_file_signal", sa.Column("pdq_crops", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    op.drop_column("report_file_signal", "pdq_crops")
