"""enrichment: AI provenance of uploaded evidence files (C2PA, XMP, generator metadata)

Revision ID: enrichment_0003
Revises: enrichment_0002
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "enrichment_0003"
down_revision: str | Sequence[str] | None = "enrichment_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_file_provenance",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("report_file_id", sa.BigInteger(), nullable=False),
        sa.Column("ai", sa.String(length=8), nullable=False),
        sa.Column("c2pa_state", sa.String(length=16), nullable=False),
        sa.Column("signer", sa.String(length=512), nullable=True),
        sa.Column("ai_signer", sa.String(length=512), nullable=True),
        sa.Column("digital_source_types", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("errors", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("manifests", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("hints", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_file_id"],
            ["report_file.id"],
            name=op.f("fk_report_file_provenance_report_file_id_report_file"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_file_provenance")),
        sa.UniqueConstraint(
            "report_file_id", name=op.f("uq_report_file_provenance_report_file_id")
        ),
    )
    op.create_index(
        op.f("ix_report_file_provenance_ai"), "report_file_provenance", ["ai"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_report_file_provenance_ai"), table_name="report_file_provenance")
    op.drop_table("report_file_provenance")
