"""Self-reports: the hashes a person submitted of their own picture or video, never the file.

`self_report` is one submission (a case code, the SHA-256 of its secret, its state);
`self_report_hash` is one fingerprint of it and the bank entry that carries it to platforms;
`self_report_sighting` is one platform match of it ("seen and blocked N times");
`self_report_salt` is the key of one day's source keys (HMAC of the client address), dropped
after two days so that a stored source key cannot be tied to an address afterwards.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Identity,
    Index,
    LargeBinary,
    SmallInteger,
    String,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from perisai.db.base import Base, CreatedAt


class ReportState(enum.StrEnum):
    ACTIVE = "active"
    #: Matched a known-benign bank, or came in bulk from one source: not matchable until a
    #: reviewer releases its bank entries.
    HELD = "held"
    WITHDRAWN = "withdrawn"


class HoldReason(enum.StrEnum):
    NONE = ""
    NEGATIVE_BANK = "negative_bank"
    BULK = "bulk"


class SelfReport(CreatedAt, Base):
    __tablename__ = "self_report"
    __table_args__ = (
        CheckConstraint("state IN ('active', 'held', 'withdrawn')", name="state"),
        CheckConstraint("hold_reason IN ('', 'negative_bank', 'bulk')", name="hold_reason"),
        CheckConstraint("under_18", name="under_18"),
        CheckConstraint("lang IN ('ms', 'en')", name="lang"),
        Index("ix_self_report_source_key_created_at", "source_key", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default=ReportState.ACTIVE.value)
    hold_reason: Mapped[str] = mapped_column(String(16), default="")
    under_18: Mapped[bool] = mapped_column(Boolean)
    #: Optional way to reach the person, sealed with the keyring (None: anonymous).
    contact_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: HMAC of the client address under the day's salt (bulk detection without addresses).
    source_key: Mapped[str] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(2))
    withdrawn_at: Mapped[datetime | None] = mapped_column()


class SelfReportHash(Base):
    __tablename__ = "self_report_hash"
    __table_args__ = (
        CheckConstraint("signal_type IN ('md5', 'sha256', 'pdq', 'vpdq')", name="signal_type"),
        Index("ix_self_report_hash_bank_entry_id", "bank_entry_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("self_report.id", ondelete="CASCADE"), index=True
    )
    #: Which chosen file of the submission (0-based): its hashes share it.
    file_index: Mapped[int] = mapped_column(SmallInteger)
    signal_type: Mapped[str] = mapped_column(String(16))
    #: Hash hex; for vPDQ the key the bank gave its frame list.
    signal_key: Mapped[str] = mapped_column(String(64))
    quality: Mapped[int | None] = mapped_column(SmallInteger)
    frames: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB(none_as_null=True))
    #: The bank entry that carries it (no foreign key: entries are the banks' to delete).
    bank_entry_id: Mapped[int | None] = mapped_column(BigInteger)


class SelfReportSighting(Base):
    """One platform match request that matched a report's hashes (one row per request)."""

    __tablename__ = "self_report_sighting"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("self_report.id", ondelete="CASCADE"), index=True
    )
    #: Who matched (an API client's actor label); never shown to the child.
    matched_by: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column()


class SelfReportSalt(Base):
    __tablename__ = "self_report_salt"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    salt: Mapped[bytes] = mapped_column(LargeBinary)
