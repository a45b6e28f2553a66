"""cases: indexes of an agency's live assignments and referrals (need-to-know from the agency)

The triage queue of an agency's analyst now starts from the agency's cases (an assignment not
ended, a referral not declined) and looks their reports up by key (issue 6: a PDRM analyst's
queue page with its total took 265 ms at 100,000 reports). These partial indexes match that
predicate exactly, so finding the agency's cases stays an index range scan as cases grow.

Revision ID: cases_0003
Revises: cases_0002
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cases_0003"
down_revision: str | Sequence[str] | None = "cases_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_case_assignment_agency_live",
        "case_assignment",
        ["agency_id", "case_id"],
        postgresql_where=sa.text("ended_at IS NULL"),
    )
    op.create_index(
        "ix_case_referral_agency_live",
        "case_referral",
        ["agency_id", "case_id"],
        postgresql_where=sa.text("status <> 'declined'"),
    )


def downgrade() -> None:
    op.drop_index("ix_case_referral_agency_live", table_name="case_referral")
    op.drop_index("ix_case_assignment_agency_live", table_name="case_assignment")
