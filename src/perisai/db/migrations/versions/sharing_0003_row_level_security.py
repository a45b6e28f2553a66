"""sharing: row-level security on case-scoped tables for the perisai_reader role

Defence in depth under the redaction layer: a transaction that switches to ``perisai_reader``
(``SET LOCAL ROLE``) sees only the cases of the agency named by ``perisai.agency`` (all of them
for the secretariat; only its assigned users for a TLP RED case, by ``perisai.user_id``), and
nothing at all without the setting. The owner role the app normally uses is not affected
(RLS is enabled, not forced), so writes and jobs work as before.

Revision ID: sharing_0003
Revises: sharing_0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "sharing_0003"
down_revision: str | Sequence[str] | None = "sharing_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "cases_0001"

READER = "perisai_reader"
# Table → the column holding the case id.
CASE_TABLES = {
    "case_file": "id",
    "case_report": "case_id",
    "case_assignment": "case_id",
    "case_referral": "case_id",
    "case_task": "case_id",
    "case_note": "case_id",
    "takedown_notice": "case_id",
}
# Read by the outlets' queries alongside the case tables (no case scope of their own).
PLAIN_READ = ["agency", "app_user"]

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

OUTBOX_POLICY = """
CREATE POLICY need_to_know ON outbox_event FOR SELECT TO perisai_reader USING (
  CASE WHEN case_id IS NOT NULL THEN coalesce(perisai_may_see_case(case_id), false)
  ELSE coalesce(current_setting('perisai.agency', true), '') <> '' AND (
    current_setting('perisai.agency', true) = 'SECRETARIAT'
    OR current_setting('perisai.agency', true) = ANY(audience)
    OR tlp IN ('GREEN', 'CLEAR'))
  END)
"""


def upgrade() -> None:
    # Roles are cluster-wide: create it once; other databases on the server share it.
    op.execute(
        f"""
        DO $$ BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{READER}') THEN
            CREATE ROLE {READER} NOLOGIN;
          END IF;
        END $$
        """
    )
    op.execute(f"GRANT {READER} TO CURRENT_USER")
    op.execute(f"GRANT USAGE ON SCHEMA public TO {READER}")
    op.execute(MAY_SEE_CASE)
    op.execute(f"GRANT EXECUTE ON FUNCTION perisai_may_see_case(bigint) TO {READER}")
    for table, column in CASE_TABLES.items():
        op.execute(f"GRANT SELECT ON {table} TO {READER}")
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY need_to_know ON {table} FOR SELECT TO {READER} "
            f"USING (coalesce(perisai_may_see_case({column}), false))"
        )
    op.execute(f"GRANT SELECT ON outbox_event TO {READER}")
    op.execute("ALTER TABLE outbox_event ENABLE ROW LEVEL SECURITY")
    op.execute(OUTBOX_POLICY)
    for table in PLAIN_READ:
        op.execute(f"GRANT SELECT ON {table} TO {READER}")


def downgrade() -> None:
    for table in [*CASE_TABLES, "outbox_event"]:
        op.execute(f"DROP POLICY IF EXISTS need_to_know ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        op.execute(f"REVOKE SELECT ON {table} FROM {READER}")  # noqa: S608 - our constants
    for table in PLAIN_READ:
        op.execute(f"REVOKE SELECT ON {table} FROM {READER}")  # noqa: S608 - our constants
    op.execute("DROP FUNCTION IF EXISTS perisai_may_see_case(bigint)")
