"""Class quiz sessions and their anonymous answers (no names, no accounts, no addresses).

A response has no time, no client data and no link to anything but its session; its answers
are one row per question (whether it was right), which is all the aggregates need.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Identity, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from perisai.db.base import Base, CreatedAt


class ClassSession(CreatedAt, Base):
    __tablename__ = "class_session"
    __table_args__ = (
        CheckConstraint("audience IN ('children', 'teens')", name="audience"),
        CheckConstraint("max_responses BETWEEN 1 AND 500", name="max_responses"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    audience: Mapped[str] = mapped_column(String(16))  # children | teens
    label: Mapped[str] = mapped_column(String(60), default="")  # e.g. "5 Bestari", teacher only
    state: Mapped[str] = mapped_column(String(64))
    district: Mapped[str] = mapped_column(String(64), index=True)
    expires_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    max_responses: Mapped[int] = mapped_column(Integer)


class ClassResponse(Base):
    """One pupil's submitted quiz, anonymous."""

    __tablename__ = "class_response"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("class_session.id", ondelete="CASCADE"), index=True
    )


class ClassAnswer(Base):
    """Whether one response got one question right (and the warning sign it tests)."""

    __tablename__ = "class_answer"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("class_response.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int] = mapped_column(
        ForeignKey("class_session.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(8))
    sign: Mapped[str] = mapped_column(String(40))
    correct: Mapped[bool] = mapped_column(Boolean)
