"""reports: index the file hash columns that triage links by

Revision ID: reports_0002
Revises: reports_0001
Create Date: 2026-11-25 20:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "reports_0002"
down_revision: str | Sequence[str] | None = "reports_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = {
    "ix_report_file_declared_md5": "declared_md5",
    "ix_report_file_declared_sha256": "declared_sha256",
    "ix_report_file_md5": "md5",
}


def upgrade() -> None:
    for name, column in _INDEXES.items():
        op.create_index(name, "report_file", [column], unique=False)


def downgrade() -> None:
    for name in _INDEXES:
        op.drop_index(name, table_name="report_file")
