"""triage: drop report_link's index on report_id alone

The unique constraint on (report_id, other_report_id, key) begins with report_id, so its index
serves every lookup by report_id; the separate index only cost a third index insertion per link
row, and a triage writes two rows per link (a report sharing an account with 30 earlier ones
writes 60; issue #12, the pipeline's drain).

Revision ID: triage_0003
Revises: triage_0002
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "triage_0003"
down_revision: str | Sequence[str] | None = "triage_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_report_link_report_id", table_name="report_link")
    for column in ("report_id", "other_report_id"):
        op.drop_constraint(f"fk_report_link_{column}_report", "report_link", type_="foreignkey")


def downgrade() -> None:
    for column in ("report_id", "other_report_id"):
        op.create_foreign_key(
            f"fk_report_link_{column}_report",
            "report_link",
            "report",
            [column],
            ["id"],
            ondelete="CASCADE",
        )
    op.create_index("ix_report_link_report_id", "report_link", ["report_id"], unique=False)
