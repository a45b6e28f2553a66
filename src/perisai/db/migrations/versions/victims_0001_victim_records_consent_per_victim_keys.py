"""victims: victim records, identity groups, report links, consent; per-victim keys

Report victims sealed from now on carry their own data key (``key_sealed``), the stated age and
whether the child is identifiable (what triage reads without opening them). Rows sealed before
keep ``key_sealed`` NULL: they are moved under a key of their own when linked to a victim record.

Revision ID: victims_0001
Revises:
Create Date: 2026-12-05 21:09:14.078696
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "victims_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("victims",)
depends_on: str | Sequence[str] | None = "reports_0003"


def upgrade() -> None:
    op.create_table(
        "victim",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("key_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("retain_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("legal_hold", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("erased_by", sa.String(length=128), nullable=True),
        sa.Column("erasure_basis", sa.String(length=16), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(status = 'active' AND key_sealed IS NOT NULL AND erased_at IS NULL)"
            " OR (status = 'erased' AND key_sealed IS NULL AND erased_at IS NOT NULL"
            " AND erasure_basis IS NOT NULL)",
            name=op.f("ck_victim_erased_has_no_key"),
        ),
        sa.CheckConstraint(
            "erasure_basis IS NULL OR erasure_basis IN ('request', 'retention', 'court_order')",
            name=op.f("ck_victim_erasure_basis"),
        ),
        sa.CheckConstraint("status IN ('active', 'erased')", name=op.f("ck_victim_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_victim")),
        sa.UniqueConstraint("public_id", name=op.f("uq_victim_public_id")),
    )
    op.create_table(
        "victim_consent",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("victim_id", sa.BigInteger(), nullable=False),
        sa.Column("field_group", sa.String(length=16), nullable=False),
        sa.Column("agency", sa.String(length=32), nullable=False),
        sa.Column("given_by", sa.String(length=16), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by", sa.String(length=128), nullable=True),
        sa.Column("withdrawal_method", sa.String(length=16), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "field_group IN ('name', 'birth', 'school', 'contact', 'guardian', 'online',"
            " 'support', 'interviews', 'counselling')",
            name=op.f("ck_victim_consent_field_group"),
        ),
        sa.CheckConstraint(
            "given_by IN ('child', 'guardian', 'both')", name=op.f("ck_victim_consent_given_by")
        ),
        sa.CheckConstraint(
            "method IN ('in_person', 'phone', 'written', 'video')",
            name=op.f("ck_victim_consent_method"),
        ),
        sa.ForeignKeyConstraint(
            ["agency"], ["agency.short_name"], name=op.f("fk_victim_consent_agency_agency")
        ),
        sa.ForeignKeyConstraint(
            ["victim_id"],
            ["victim.id"],
            name=op.f("fk_victim_consent_victim_id_victim"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_victim_consent")),
    )
    op.create_index(
        op.f("ix_victim_consent_victim_id"), "victim_consent", ["victim_id"], unique=False
    )
    op.create_index(
        "uq_victim_consent_in_force",
        "victim_consent",
        ["victim_id", "field_group", "agency"],
        unique=True,
        postgresql_where=sa.text("withdrawn_at IS NULL"),
    )
    op.create_table(
        "victim_identity",
        sa.Column("victim_id", sa.BigInteger(), nullable=False),
        sa.Column("field_group", sa.String(length=16), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint(
            "field_group IN ('name', 'birth', 'school', 'contact', 'guardian', 'online')",
            name=op.f("ck_victim_identity_field_group"),
        ),
        sa.ForeignKeyConstraint(
            ["victim_id"],
            ["victim.id"],
            name=op.f("fk_victim_identity_victim_id_victim"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("victim_id", "field_group", name=op.f("pk_victim_identity")),
    )
    op.create_table(
        "victim_report",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("victim_id", sa.BigInteger(), nullable=False),
        sa.Column("report_id", sa.BigInteger(), nullable=False),
        sa.Column("report_victim_id", sa.BigInteger(), nullable=False),
        sa.Column("linked_by", sa.String(length=128), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_victim_report_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_victim_id"],
            ["report_victim.id"],
            name=op.f("fk_victim_report_report_victim_id_report_victim"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["victim_id"],
            ["victim.id"],
            name=op.f("fk_victim_report_victim_id_victim"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_victim_report")),
        sa.UniqueConstraint("report_victim_id", name=op.f("uq_victim_report_report_victim_id")),
    )
    op.create_index(
        op.f("ix_victim_report_report_id"), "victim_report", ["report_id"], unique=False
    )
    op.create_index(
        op.f("ix_victim_report_victim_id"), "victim_report", ["victim_id"], unique=False
    )
    op.add_column("report_victim", sa.Column("key_sealed", sa.LargeBinary(), nullable=True))
    op.add_column("report_victim", sa.Column("age", sa.Integer(), nullable=True))
    op.add_column("report_victim", sa.Column("identified", sa.Boolean(), nullable=True))
    op.add_column(
        "report_victim", sa.Column("shredded_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.alter_column("report_victim", "sealed", existing_type=postgresql.BYTEA(), nullable=True)


def downgrade() -> None:
    op.alter_column("report_victim", "sealed", existing_type=postgresql.BYTEA(), nullable=False)
    op.drop_column("report_victim", "shredded_at")
    op.drop_column("report_victim", "identified")
    op.drop_column("report_victim", "age")
    op.drop_column("report_victim", "key_sealed")
    op.drop_index(op.f("ix_victim_report_victim_id"), table_name="victim_report")
    op.drop_index(op.f("ix_victim_report_report_id"), table_name="victim_report")
    op.drop_table("victim_report")
    op.drop_table("victim_identity")
    op.drop_index(
        "uq_victim_consent_in_force",
        table_name="victim_consent",
        postgresql_where=sa.text("withdrawn_at IS NULL"),
    )
    op.drop_index(op.f("ix_victim_consent_victim_id"), table_name="victim_consent")
    op.drop_table("victim_consent")
    op.drop_table("victim")
