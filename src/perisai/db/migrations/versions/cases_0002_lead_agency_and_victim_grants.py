"""cases: the lead agency of a case, and explicit victim-access grants per agency and person

Until now "the assigned caseworker/investigator" (the latest assignment of that role) saw the
victims' identity, so any later assignment silently moved it (issue #11, item 2). Access is now a
row per person (``case_victim_grant``), ended only explicitly. Existing holders are granted what
they had; each case's lead agency is its earliest active assignment not made by accepting a
referral. Row-level security covers the new table, and TLP RED cases are also visible to their
grantees.

Revision ID: cases_0002
Revises: cases_0001
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cases_0002"
down_revision: str | Sequence[str] | None = "cases_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "sharing_0003"

READER = "perisai_reader"

MAY_SEE_CASE = """
CREATE OR REPLACE FUNCTION perisai_may_see_case(p_case_id bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT CASE
    WHEN coalesce(current_setting('perisai.agency', true), '') = '' THEN false
    WHEN c.tlp = 'RED' THEN EXISTS (
      SELECT 1 FROM case_assignment a JOIN agency g ON g.id = a.agency_id
      WHERE a.case_id = c.id AND a.ended_at IS NULL
        AND a.user_role IN ('caseworker', 'investigator')
        AND a.user_id::text = current_setting('perisai.user_id', true)
        AND g.short_name = current_setting('perisai.agency', true))
    OR EXISTS (
      SELECT 1 FROM case_victim_grant v JOIN agency g ON g.id = v.agency_id
      WHERE v.case_id = c.id AND v.revoked_at IS NULL
        AND v.user_id::text = current_setting('perisai.user_id', true)
        AND g.short_name = current_setting('perisai.agency', true))
    WHEN current_setting('perisai.agency', true) = 'SECRETARIAT' THEN true
    ELSE EXISTS (
      SELECT 1 FROM case_assignment a JOIN agency g ON g.id = a.agency_id
      WHERE a.case_id = c.id AND a.ended_at IS NULL
        AND g.short_name = current_setting('perisai.agency', true))
    OR EXISTS (
      SELECT 1 FROM case_referral r JOIN agency g ON g.id = r.agency_id
      WHERE r.case_id = c.id AND r.status <> 'declined'
        AND g.short_name = current_setting('perisai.agency', true))
  END
  FROM case_file c WHERE c.id = p_case_id
$$
"""

# The previous function (sharing_0003), restored on downgrade.
MAY_SEE_CASE_BEFORE = MAY_SEE_CASE.replace(
    """    OR EXISTS (
      SELECT 1 FROM case_victim_grant v JOIN agency g ON g.id = v.agency_id
      WHERE v.case_id = c.id AND v.revoked_at IS NULL
        AND v.user_id::text = current_setting('perisai.user_id', true)
        AND g.short_name = current_setting('perisai.agency', true))
""",
    "",
)

# Who saw the victims before: per case, the latest active assignment of a JKM caseworker and of a
# PDRM investigator.
BACKFILL_GRANTS = """
INSERT INTO case_victim_grant (case_id, agency_id, user_id, reason, granted_by)
SELECT DISTINCT ON (a.case_id, a.user_role) a.case_id, a.agency_id, a.user_id,
       'held by assignment before explicit grants (migration cases_0002)', 'system:-'
FROM case_assignment a JOIN agency g ON g.id = a.agency_id
WHERE a.ended_at IS NULL AND a.user_id IS NOT NULL
  AND ((a.user_role = 'caseworker' AND g.short_name = 'JKM')
    OR (a.user_role = 'investigator' AND g.short_name = 'PDRM'))
ORDER BY a.case_id, a.user_role, a.id DESC
"""

BACKFILL_LEAD = """
UPDATE case_file c SET lead_agency_id = first.agency_id
FROM (
  SELECT DISTINCT ON (a.case_id) a.case_id, a.agency_id
  FROM case_assignment a
  WHERE a.ended_at IS NULL AND NOT EXISTS (
    SELECT 1 FROM case_referral r
    WHERE r.case_id = a.case_id AND r.agency_id = a.agency_id AND r.status = 'accepted')
  ORDER BY a.case_id, a.id
) AS first
WHERE first.case_id = c.id
"""


def upgrade() -> None:
    op.add_column("case_file", sa.Column("lead_agency_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        op.f("fk_case_file_lead_agency_id_agency"),
        "case_file",
        "agency",
        ["lead_agency_id"],
        ["id"],
    )
    op.create_table(
        "case_victim_grant",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("granted_by", sa.String(length=128), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=128), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_case_victim_grant_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_file.id"],
            name=op.f("fk_case_victim_grant_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_case_victim_grant_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_victim_grant")),
    )
    op.create_index(
        op.f("ix_case_victim_grant_case_id"), "case_victim_grant", ["case_id"], unique=False
    )
    op.create_index(
        op.f("ix_case_victim_grant_user_id"), "case_victim_grant", ["user_id"], unique=False
    )
    op.execute(BACKFILL_GRANTS)
    op.execute(BACKFILL_LEAD)
    op.execute(f"GRANT SELECT ON case_victim_grant TO {READER}")
    op.execute("ALTER TABLE case_victim_grant ENABLE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY need_to_know ON case_victim_grant FOR SELECT TO {READER} "
        "USING (coalesce(perisai_may_see_case(case_id), false))"
    )
    op.execute(MAY_SEE_CASE)


def downgrade() -> None:
    op.execute(MAY_SEE_CASE_BEFORE)
    op.execute("DROP POLICY IF EXISTS need_to_know ON case_victim_grant")
    op.drop_index(op.f("ix_case_victim_grant_user_id"), table_name="case_victim_grant")
    op.drop_index(op.f("ix_case_victim_grant_case_id"), table_name="case_victim_grant")
    op.drop_table("case_victim_grant")
    op.drop_constraint(op.f("fk_case_file_lead_agency_id_agency"), "case_file", type_="foreignkey")
    op.drop_column("case_file", "lead_agency_id")
