"""triage: warning times of the SLA clocks and the sweep's partial indexes

SLA warnings and breaches were procrastinate jobs scheduled per report (four per triage run);
in the pipeline benchmark 66,000 such timers waited in `procrastinate_jobs`, and each job fetch
walked and filtered the waiting ones (7.5 ms per fetch at 18,500 timers, issue #12). A periodic
sweep now reads the due checks from `triage_record`: the warning times (75 % of each clock) are
stored beside the due times, and one partial index per check holds only the clocks still running
whose alert has not been raised. Existing records get their warning times here; the timers
already queued still run and do what the sweep would (nothing twice).

Revision ID: triage_0002
Revises: triage_0001
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "triage_0002"
down_revision: str | Sequence[str] | None = "triage_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (clock, level, the time it is due, the column that stops the clock, the flag once raised),
# as in triage/models.py when this migration was written.
_CHECKS = (
    ("review", "warning", "review_warning_due_at", "reviewed_at", "review_warned_at"),
    ("review", "breached", "review_due_at", "reviewed_at", "review_breached_at"),
    ("action", "warning", "action_warning_due_at", "actioned_at", "action_warned_at"),
    ("action", "breached", "action_due_at", "actioned_at", "action_breached_at"),
)


def upgrade() -> None:
    op.add_column(
        "triage_record",
        sa.Column("review_warning_due_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.add_column(
        "triage_record",
        sa.Column("action_warning_due_at", sa.DateTime(timezone=True), nullable=True),
    )
    # 0.75: policy.WARNING_FRACTION when this migration was written.
    op.execute(
        "UPDATE triage_record SET "
        "review_warning_due_at = received_at + (review_due_at - received_at) * 0.75, "
        "action_warning_due_at = received_at + (action_due_at - received_at) * 0.75"
    )
    for clock, level, column, stop, flag in _CHECKS:
        op.create_index(
            f"ix_triage_record_sla_{clock}_{level}",
            "triage_record",
            [column],
            postgresql_where=sa.text(f"{stop} IS NULL AND {flag} IS NULL AND {column} IS NOT NULL"),
        )


def downgrade() -> None:
    for clock, level, *_ in reversed(_CHECKS):
        op.drop_index(f"ix_triage_record_sla_{clock}_{level}", table_name="triage_record")
    op.drop_column("triage_record", "action_warning_due_at")
    op.drop_column("triage_record", "review_warning_due_at")
