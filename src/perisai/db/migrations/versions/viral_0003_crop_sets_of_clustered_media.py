"""viral: the stored crops of a clustered file (viral_media.pdq_crops)

The 16 crops (`perisai.media.crops`, STORED_CUTS) each clustered image is found by, packed;
the cluster index files them beside the file's PDQ. NULL for files without a crop set.

Revision ID: viral_0003
Revises: viral_0002
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "viral_0003"
down_revision: str | Sequence[str] | None = "viral_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = ["enrichment_0007"]


def upgrade() -> None:
    op.add_column("viral_media", sa.Column("pdq_crops", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    op.drop_column("viral_media", "pdq_crops")
