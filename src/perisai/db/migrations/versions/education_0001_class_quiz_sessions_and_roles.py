"""education: class quiz sessions, anonymous responses and answers; teacher and MOE officer roles

Revision ID: education_0001
Revises:
Create Date: 2026-12-05 15:31:17.001884
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "education_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("education",)
depends_on: str | Sequence[str] | None = "core_0001"

NEW_ROLES = ("teacher", "moe_officer")


def upgrade() -> None:
    for role in NEW_ROLES:
        op.execute(f"ALTER TYPE user_role ADD VALUE IF NOT EXISTS '{role}'")
    op.create_table(
        "class_session",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("state", sa.String(length=64), nullable=False),
        sa.Column("district", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("max_responses", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "audience IN ('children', 'teens')", name=op.f("ck_class_session_audience")
        ),
        sa.CheckConstraint(
            "max_responses BETWEEN 1 AND 500", name=op.f("ck_class_session_max_responses")
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"], ["app_user.id"], name=op.f("fk_class_session_teacher_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_session")),
        sa.UniqueConstraint("code", name=op.f("uq_class_session_code")),
    )
    op.create_index(op.f("ix_class_session_district"), "class_session", ["district"])
    op.create_index(op.f("ix_class_session_teacher_id"), "class_session", ["teacher_id"])
    op.create_table(
        "class_response",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("session_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["class_session.id"],
            name=op.f("fk_class_response_session_id_class_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_response")),
    )
    op.create_index(op.f("ix_class_response_session_id"), "class_response", ["session_id"])
    op.create_table(
        "class_answer",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("response_id", sa.BigInteger(), nullable=False),
        sa.Column("session_id", sa.BigInteger(), nullable=False),
        sa.Column("question_id", sa.String(length=8), nullable=False),
        sa.Column("sign", sa.String(length=40), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["class_response.id"],
            name=op.f("fk_class_answer_response_id_class_response"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["class_session.id"],
            name=op.f("fk_class_answer_session_id_class_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_answer")),
    )
    op.create_index(op.f("ix_class_answer_response_id"), "class_answer", ["response_id"])
    op.create_index(op.f("ix_class_answer_session_id"), "class_answer", ["session_id"])


def downgrade() -> None:
    op.drop_table("class_answer")
    op.drop_table("class_response")
    op.drop_table("class_session")
    # PostgreSQL cannot drop a value from an enum: the roles 'teacher' and 'moe_officer' stay.
