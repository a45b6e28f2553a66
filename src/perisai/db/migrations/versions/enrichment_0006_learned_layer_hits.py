"""enrichment: the grooming learned layer's counted hits (report_grooming.learned)

The engine (v2.1) lists the suspect's messages its learned layer counted as evidence beside the
lexicon's signals; the report page shows them. Rows scored before this revision keep NULL, which
the page reads as "not recorded" (it never rescores to fill them in: the risk figure and the
evidence shown must come from one assessment).

Revision ID: enrichment_0006
Revises: enrichment_0005
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "enrichment_0006"
down_revision: str | Sequence[str] | None = "enrichment_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "report_grooming",
        sa.Column("learned", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("report_grooming", "learned")
