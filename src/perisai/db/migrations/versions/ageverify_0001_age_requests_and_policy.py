"""ageverify: single-use presentation requests (nonces hashed) and platforms' age policies

Revision ID: ageverify_0001
Revises:
Create Date: 2026-12-05 16:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ageverify_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("ageverify",)
depends_on: str | Sequence[str] | None = "core_0001"


def upgrade() -> None:
    op.create_table(
        "age_request",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column("nonce_sha256", sa.String(length=64), nullable=False),
        sa.Column("feature", sa.String(length=40), nullable=False),
        sa.Column("over", sa.SmallInteger(), nullable=False),
        sa.Column("audience", sa.String(length=255), nullable=False),
        sa.Column("response_uri", sa.String(length=500), nullable=True),
        sa.Column("origin", sa.String(length=255), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("over BETWEEN 1 AND 150", name=op.f("ck_age_request_over")),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_key.id"],
            name=op.f("fk_age_request_api_key_id_api_key"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_age_request")),
        sa.UniqueConstraint("nonce_sha256", name=op.f("uq_age_request_nonce_sha256")),
        sa.UniqueConstraint("public_id", name=op.f("uq_age_request_public_id")),
    )
    op.create_index("ix_age_request_expires_at", "age_request", ["expires_at"], unique=False)
    op.create_table(
        "age_policy",
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column("feature", sa.String(length=40), nullable=False),
        sa.Column("min_age", sa.SmallInteger(), nullable=False),
        sa.Column("on_unknown", sa.String(length=16), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("min_age BETWEEN 13 AND 25", name=op.f("ck_age_policy_min_age")),
        sa.CheckConstraint(
            "on_unknown IN ('deny', 'fallback')", name=op.f("ck_age_policy_on_unknown")
        ),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_key.id"],
            name=op.f("fk_age_policy_api_key_id_api_key"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("api_key_id", "feature", name=op.f("pk_age_policy")),
    )


def downgrade() -> None:
    op.drop_table("age_policy")
    op.drop_index("ix_age_request_expires_at", table_name="age_request")
    op.drop_table("age_request")
