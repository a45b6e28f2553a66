"""viral clusters of report media, merges, alerts, proposals

Revision ID: viral_0001
Revises:
Create Date: 2026-12-05 21:08:39.101729
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "viral_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("viral",)
depends_on: str | Sequence[str] | None = ["reports_0003", "enrichment_0004"]


def upgrade() -> None:
    op.execute(sa.schema.CreateSequence(sa.Sequence("viral_media_seq")))
    op.create_table(
        "viral_cluster",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("public_id", sa.String(length=24), nullable=False),
        sa.Column("parent_id", sa.BigInteger(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("media_count", sa.Integer(), nullable=False),
        sa.Column("alerted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["viral_cluster.id"],
            name=op.f("fk_viral_cluster_parent_id_viral_cluster"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_viral_cluster")),
        sa.UniqueConstraint("public_id", name=op.f("uq_viral_cluster_public_id")),
    )
    op.create_index(
        op.f("ix_viral_cluster_alerted_at"), "viral_cluster", ["alerted_at"], unique=False
    )
    op.create_index(
        op.f("ix_viral_cluster_parent_id"), "viral_cluster", ["parent_id"], unique=False
    )
    op.create_table(
        "viral_alert",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("public_id", sa.String(length=24), nullable=False),
        sa.Column("cluster_id", sa.BigInteger(), nullable=False),
        sa.Column("rule", sa.String(length=16), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("platforms", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("accounts", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.Column("crossing_report_id", sa.BigInteger(), nullable=True),
        sa.Column("thresholds", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "rule IN ('platforms', 'accounts', 'both')", name=op.f("ck_viral_alert_rule")
        ),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["viral_cluster.id"],
            name=op.f("fk_viral_alert_cluster_id_viral_cluster"),
        ),
        sa.ForeignKeyConstraint(
            ["crossing_report_id"],
            ["report.id"],
            name=op.f("fk_viral_alert_crossing_report_id_report"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_viral_alert")),
        sa.UniqueConstraint("public_id", name=op.f("uq_viral_alert_public_id")),
    )
    op.create_index(op.f("ix_viral_alert_cluster_id"), "viral_alert", ["cluster_id"], unique=False)
    op.create_index(op.f("ix_viral_alert_raised_at"), "viral_alert", ["raised_at"], unique=False)
    op.create_table(
        "viral_media",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column(
            "seq",
            sa.BigInteger(),
            server_default=sa.text("nextval('viral_media_seq')"),
            nullable=False,
        ),
        sa.Column("report_file_id", sa.BigInteger(), nullable=False),
        sa.Column("report_id", sa.BigInteger(), nullable=False),
        sa.Column("cluster_id", sa.BigInteger(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("platform", sa.String(length=100), nullable=False),
        sa.Column("accounts", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("md5", sa.String(length=32), nullable=True),
        sa.Column("sha1", sa.String(length=40), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("pdq", sa.String(length=64), nullable=True),
        sa.Column("pdq_raw", sa.String(length=64), nullable=True),
        sa.Column("vpdq", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("joined_by", sa.String(length=16), nullable=False),
        sa.Column("joined_media_id", sa.BigInteger(), nullable=True),
        sa.Column("distance", sa.Integer(), nullable=True),
        sa.Column("clustered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["viral_cluster.id"],
            name=op.f("fk_viral_media_cluster_id_viral_cluster"),
        ),
        sa.ForeignKeyConstraint(
            ["report_file_id"],
            ["report_file.id"],
            name=op.f("fk_viral_media_report_file_id_report_file"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_viral_media_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_viral_media")),
        sa.UniqueConstraint("report_file_id", name=op.f("uq_viral_media_report_file_id")),
        sa.UniqueConstraint("seq", name=op.f("uq_viral_media_seq")),
    )
    op.create_index(
        "ix_viral_media_cluster_seen", "viral_media", ["cluster_id", "seen_at"], unique=False
    )
    op.create_index(op.f("ix_viral_media_report_id"), "viral_media", ["report_id"], unique=False)
    op.create_table(
        "viral_merge",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("into_id", sa.BigInteger(), nullable=False),
        sa.Column("from_id", sa.BigInteger(), nullable=False),
        sa.Column("report_file_id", sa.BigInteger(), nullable=False),
        sa.Column("other_media_id", sa.BigInteger(), nullable=False),
        sa.Column("signal_type", sa.String(length=16), nullable=False),
        sa.Column("distance", sa.Integer(), nullable=False),
        sa.Column("moved_media", sa.Integer(), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_id"], ["viral_cluster.id"], name=op.f("fk_viral_merge_from_id_viral_cluster")
        ),
        sa.ForeignKeyConstraint(
            ["into_id"], ["viral_cluster.id"], name=op.f("fk_viral_merge_into_id_viral_cluster")
        ),
        sa.ForeignKeyConstraint(
            ["report_file_id"],
            ["report_file.id"],
            name=op.f("fk_viral_merge_report_file_id_report_file"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_viral_merge")),
    )
    op.create_index(op.f("ix_viral_merge_from_id"), "viral_merge", ["from_id"], unique=False)
    op.create_index(op.f("ix_viral_merge_into_id"), "viral_merge", ["into_id"], unique=False)
    op.create_table(
        "viral_proposal",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("cluster_id", sa.BigInteger(), nullable=False),
        sa.Column("alert_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("platform", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("result", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("kind IN ('bank_add', 'takedown')", name=op.f("ck_viral_proposal_kind")),
        sa.CheckConstraint(
            "state IN ('proposed', 'confirmed', 'dismissed')", name=op.f("ck_viral_proposal_state")
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["viral_alert.id"], name=op.f("fk_viral_proposal_alert_id_viral_alert")
        ),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["viral_cluster.id"],
            name=op.f("fk_viral_proposal_cluster_id_viral_cluster"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_viral_proposal")),
        sa.UniqueConstraint("cluster_id", "kind", "platform", name="uq_viral_proposal_action"),
    )
    op.create_index(
        op.f("ix_viral_proposal_cluster_id"), "viral_proposal", ["cluster_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_viral_proposal_cluster_id"), table_name="viral_proposal")
    op.drop_table("viral_proposal")
    op.drop_index(op.f("ix_viral_merge_into_id"), table_name="viral_merge")
    op.drop_index(op.f("ix_viral_merge_from_id"), table_name="viral_merge")
    op.drop_table("viral_merge")
    op.drop_index(op.f("ix_viral_media_report_id"), table_name="viral_media")
    op.drop_index("ix_viral_media_cluster_seen", table_name="viral_media")
    op.drop_table("viral_media")
    op.drop_index(op.f("ix_viral_alert_raised_at"), table_name="viral_alert")
    op.drop_index(op.f("ix_viral_alert_cluster_id"), table_name="viral_alert")
    op.drop_table("viral_alert")
    op.drop_index(op.f("ix_viral_cluster_parent_id"), table_name="viral_cluster")
    op.drop_index(op.f("ix_viral_cluster_alerted_at"), table_name="viral_cluster")
    op.drop_table("viral_cluster")
    op.execute(sa.schema.DropSequence(sa.Sequence("viral_media_seq")))
