"""monitoring: trend rollups per series and Malaysia-time hour, tallies, pending marks, triggers

Revision ID: monitoring_0001
Revises:
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "monitoring_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("monitoring",)
depends_on: str | Sequence[str] | None = ("reports_0003", "enrichment_0004", "triage_0001")

# The changes that can move a report's counts mark it for the rollup job, in the changing
# transaction (so no path — intake, enrichment, triage, retro-hunt, retraction — is missed).
# ON CONFLICT DO UPDATE (not DO NOTHING) locks an existing mark until this transaction ends,
# so the job cannot take the mark and count the report before this change is visible.
MARK_FUNCTIONS = """
CREATE FUNCTION monitoring_mark_report() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO monitoring_pending (report_id) VALUES (NEW.id)
    ON CONFLICT (report_id) DO UPDATE SET marked_at = now();
  RETURN NULL;
END $$;

CREATE FUNCTION monitoring_mark_report_of_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO monitoring_pending (report_id) VALUES (NEW.report_id)
    ON CONFLICT (report_id) DO UPDATE SET marked_at = now();
  RETURN NULL;
END $$;

CREATE FUNCTION monitoring_mark_reports_of_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO monitoring_pending (report_id)
    SELECT DISTINCT report_id FROM changed_rows ORDER BY report_id
    ON CONFLICT (report_id) DO UPDATE SET marked_at = now();
  RETURN NULL;
END $$;
"""
TRIGGERS = """
CREATE TRIGGER monitoring_mark_triaged AFTER INSERT OR UPDATE OF triaged_at ON triage_record
  FOR EACH ROW EXECUTE FUNCTION monitoring_mark_report_of_row();
CREATE TRIGGER monitoring_mark_status AFTER UPDATE OF status ON report
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION monitoring_mark_report();
CREATE TRIGGER monitoring_mark_matches_added AFTER INSERT ON report_file_match
  REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION monitoring_mark_reports_of_rows();
CREATE TRIGGER monitoring_mark_matches_removed AFTER DELETE ON report_file_match
  REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION monitoring_mark_reports_of_rows();
"""


def upgrade() -> None:
    op.create_table(
        "monitoring_count",
        sa.Column("series_key", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("hour", sa.SmallInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint("count >= 0", name=op.f("ck_monitoring_count_count")),
        sa.CheckConstraint("hour BETWEEN 0 AND 23", name=op.f("ck_monitoring_count_hour")),
        sa.PrimaryKeyConstraint("series_key", "day", "hour", name=op.f("pk_monitoring_count")),
    )
    op.create_index("ix_monitoring_count_day_hour", "monitoring_count", ["day", "hour"])
    op.create_table(
        "monitoring_tally",
        sa.Column("report_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("hour", sa.SmallInteger(), nullable=False),
        sa.Column("series", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "tallied_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("hour BETWEEN 0 AND 23", name=op.f("ck_monitoring_tally_hour")),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_monitoring_tally")),
    )
    op.create_table(
        "monitoring_pending",
        sa.Column("report_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column(
            "marked_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_monitoring_pending")),
    )
    op.create_table(
        "monitoring_watermark",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("report_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_monitoring_watermark")),
    )
    op.execute(MARK_FUNCTIONS)
    op.execute(TRIGGERS)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS monitoring_mark_matches_removed ON report_file_match")
    op.execute("DROP TRIGGER IF EXISTS monitoring_mark_matches_added ON report_file_match")
    op.execute("DROP TRIGGER IF EXISTS monitoring_mark_status ON report")
    op.execute("DROP TRIGGER IF EXISTS monitoring_mark_triaged ON triage_record")
    op.execute("DROP FUNCTION IF EXISTS monitoring_mark_reports_of_rows()")
    op.execute("DROP FUNCTION IF EXISTS monitoring_mark_report_of_row()")
    op.execute("DROP FUNCTION IF EXISTS monitoring_mark_report()")
    op.drop_table("monitoring_watermark")
    op.drop_table("monitoring_pending")
    op.drop_table("monitoring_tally")
    op.drop_index("ix_monitoring_count_day_hour", table_name="monitoring_count")
    op.drop_table("monitoring_count")
