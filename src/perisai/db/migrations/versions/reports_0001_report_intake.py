"""reports: report intake, victims, identifiers, files, offence codes

Revision ID: reports_0001
Revises:
Create Date: 2026-11-25 17:57:17.933834
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "reports_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("reports",)
depends_on: str | Sequence[str] | None = "core_0001"

# Editable data: a deployment adds, retitles or deactivates codes without a release.
SEED_OFFENCE_CODES = [
    ("act792.s4", "4", "Child sexual abuse material", "Bahan penderaan seksual kanak-kanak"),
    (
        "act792.s11",
        "11",
        "Sexual communication with a child",
        "Komunikasi seksual dengan kanak-kanak",
    ),
    ("act792.s12", "12", "Child grooming", "Dandanan kanak-kanak"),
    (
        "act792.s13",
        "13",
        "Meeting following child grooming",
        "Pertemuan selepas dandanan kanak-kanak",
    ),
    (
        "act792.s14",
        "14",
        "Physical sexual assault on a child",
        "Serangan seksual fizikal ke atas kanak-kanak",
    ),
    (
        "act792.s15",
        "15",
        "Non-physical sexual assault on a child",
        "Serangan seksual bukan fizikal ke atas kanak-kanak",
    ),
]
ACT_792 = "Sexual Offences against Children Act 2017 (Act 792)"


def upgrade() -> None:
    op.create_table(
        "offence_code",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("act", sa.String(length=128), nullable=False),
        sa.Column("section", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("title_ms", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_offence_code")),
    )
    op.create_table(
        "report",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reporter_kind", sa.String(length=16), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=True),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("incident_type", sa.String(length=64), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalation_reason", sa.Text(), nullable=True),
        sa.Column("incident_annotations", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("reported_accounts", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("conversations", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("urls", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("additional_info", sa.Text(), nullable=True),
        sa.Column("jurisdiction", sa.String(length=8), nullable=True),
        sa.Column("offence_codes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("victim_count", sa.Integer(), nullable=False),
        sa.Column("receipt_code_sha256", sa.String(length=64), nullable=True),
        sa.Column("contact_sealed", sa.LargeBinary(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "reporter_kind IN ('apikey', 'hotline', 'import')", name=op.f("ck_report_reporter_kind")
        ),
        sa.CheckConstraint(
            "status IN ('received', 'finished', 'retracted')", name=op.f("ck_report_status")
        ),
        sa.ForeignKeyConstraint(
            ["api_key_id"], ["api_key.id"], name=op.f("fk_report_api_key_id_api_key")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
        sa.UniqueConstraint("client_id", "idempotency_key", name="uq_report_client_idempotency"),
        sa.UniqueConstraint("public_id", name=op.f("uq_report_public_id")),
        sa.UniqueConstraint("receipt_code_sha256", name=op.f("uq_report_receipt_code_sha256")),
    )
    op.create_index(op.f("ix_report_api_key_id"), "report", ["api_key_id"], unique=False)
    op.create_index(op.f("ix_report_incident_type"), "report", ["incident_type"], unique=False)
    op.create_index(op.f("ix_report_status"), "report", ["status"], unique=False)
    op.create_table(
        "report_file",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("report_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("declared_md5", sa.String(length=32), nullable=True),
        sa.Column("declared_sha1", sa.String(length=40), nullable=True),
        sa.Column("declared_sha256", sa.String(length=64), nullable=True),
        sa.Column("declared_size", sa.BigInteger(), nullable=True),
        sa.Column("content_type_declared", sa.String(length=255), nullable=True),
        sa.Column("annotations", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("industry_classification", sa.String(length=2), nullable=True),
        sa.Column("publicly_available", sa.Boolean(), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("md5", sa.String(length=32), nullable=True),
        sa.Column("sha1", sa.String(length=40), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("content_type_sniffed", sa.String(length=255), nullable=True),
        sa.Column("content_type_mismatch", sa.Boolean(), nullable=True),
        sa.Column("blob_path", sa.String(length=512), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_report_file_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_file")),
        sa.UniqueConstraint("report_id", "name", name="uq_report_file_name"),
    )
    op.create_index(op.f("ix_report_file_sha256"), "report_file", ["sha256"], unique=False)
    op.create_table(
        "report_identifier",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("report_id", sa.BigInteger(), nullable=False),
        sa.Column("account_index", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=600), nullable=False),
        sa.Column("original", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_report_identifier_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_identifier")),
    )
    op.create_index(op.f("ix_report_identifier_key"), "report_identifier", ["key"], unique=False)
    op.create_index(
        op.f("ix_report_identifier_report_id"), "report_identifier", ["report_id"], unique=False
    )
    op.create_table(
        "report_victim",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("report_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_report_victim_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_victim")),
        sa.UniqueConstraint("report_id", "position", name="uq_report_victim_position"),
    )
    offence_code = sa.table(
        "offence_code",
        sa.column("code", sa.String),
        sa.column("act", sa.String),
        sa.column("section", sa.String),
        sa.column("title", sa.String),
        sa.column("title_ms", sa.String),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(
        offence_code,
        [
            {
                "code": code,
                "act": ACT_792,
                "section": section,
                "title": title,
                "title_ms": title_ms,
                "active": True,
            }
            for code, section, title, title_ms in SEED_OFFENCE_CODES
        ],
    )


def downgrade() -> None:
    op.drop_table("report_victim")
    op.drop_index(op.f("ix_report_identifier_report_id"), table_name="report_identifier")
    op.drop_index(op.f("ix_report_identifier_key"), table_name="report_identifier")
    op.drop_table("report_identifier")
    op.drop_index(op.f("ix_report_file_sha256"), table_name="report_file")
    op.drop_table("report_file")
    op.drop_index(op.f("ix_report_status"), table_name="report")
    op.drop_index(op.f("ix_report_incident_type"), table_name="report")
    op.drop_index(op.f("ix_report_api_key_id"), table_name="report")
    op.drop_table("report")
    op.drop_table("offence_code")
