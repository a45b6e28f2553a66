"""Presentation requests (single-use nonces, stored hashed) and each platform's age policy.

No presentation, claim or answer is ever stored: a request row says only who asked, for which
feature and age, until when, and whether it has been used.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Identity,
    Index,
    SmallInteger,
    String,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from perisai.db.base import Base, CreatedAt


class AgeRequest(CreatedAt, Base):
    __tablename__ = "age_request"
    __table_args__ = (
        CheckConstraint("over BETWEEN 1 AND 150", name="over"),
        Index("ix_age_request_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_key.id", ondelete="CASCADE"))
    nonce_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    feature: Mapped[str] = mapped_column(String(40))
    over: Mapped[int] = mapped_column(SmallInteger)
    audience: Mapped[str] = mapped_column(String(255))
    response_uri: Mapped[str | None] = mapped_column(String(500))
    origin: Mapped[str | None] = mapped_column(String(255))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class AgePolicy(Base):
    """A platform's minimum age for one feature, and what to do when the answer is unknown."""

    __tablename__ = "age_policy"
    __table_args__ = (
        CheckConstraint("min_age BETWEEN 13 AND 25", name="min_age"),
        CheckConstraint("on_unknown IN ('deny', 'fallback')", name="on_unknown"),
    )

    api_key_id: Mapped[int] = mapped_column(
        ForeignKey("api_key.id", ondelete="CASCADE"), primary_key=True
    )
    feature: Mapped[str] = mapped_column(String(40), primary_key=True)
    min_age: Mapped[int] = mapped_column(SmallInteger)
    on_unknown: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
