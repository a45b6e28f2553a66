"""reports: an index on the canonical body's hash

Triage asks of every report whether an earlier live report has the same canonical body
(`triage/facts.duplicates_of`). Without an index that question read the whole report table
once per report: the one cost of triage that grew with the database (issue #12, the drain).

Revision ID: reports_0004
Revises: reports_0003
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "reports_0004"
down_revision: str | Sequence[str] | None = "reports_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # (hash, id): the duplicate check wants the earliest report with the hash.
    op.create_index("ix_report_body_sha256_id", "report", ["body_sha256", "id"])


def downgrade() -> None:
    op.drop_index("ix_report_body_sha256_id", table_name="report")
