"""Banks of known media signals and their entries; `bank_change` is the change feed.

The tables are the source of truth. Every change to a bank or an entry appends a row to
`bank_change` in the same transaction (ids in commit order, see `service._lock_changes`), and
each server process's :class:`~perisai.banks.index_follower.IndexFollower` replays the feed
from the last id it applied.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Identity,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from perisai.db.base import Base, CreatedAt
from perisai.media.signals import signal_types

DEFAULT_PDQ_THRESHOLD = 31
#: Signals up to this long are their own key; a longer one (a ~17 KB TMK signature) is keyed
#: by its SHA-256 hex and kept whole in ``signal_body`` (a btree key must stay small).
SIGNAL_KEY_LENGTH = 64


def bankable_signal_types() -> list[str]:
    """Every implemented signal type of the media library's registry, in its order."""
    return [s.name for s in signal_types(implemented_only=True)]


def frame_list_signal_types() -> list[str]:
    """The bankable types whose signal is a frame list, stored as such in ``frames``."""
    return [s.name for s in signal_types(implemented_only=True) if s.frame_list]


def _sql_list(names: list[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)


#: The CHECK constraints' text, from the registry (banks_0004 wrote the same at its time).
SIGNAL_TYPE_CHECK = f"signal_type IN ({_sql_list(bankable_signal_types())})"
FRAMES_CHECK = f"(signal_type IN ({_sql_list(frame_list_signal_types())})) = (frames IS NOT NULL)"
SIGNAL_BODY_CHECK = (
    "signal_body IS NULL OR signal_key = encode(sha256(convert_to(signal_body, 'UTF8')), 'hex')"
)


class BankKind(enum.StrEnum):
    POSITIVE = "positive"
    #: Known-benign content: a match here suppresses the positive matches of the same query.
    NEGATIVE = "negative"


class Bank(CreatedAt, Base):
    __tablename__ = "bank"
    __table_args__ = (
        CheckConstraint("kind IN ('positive', 'negative')", name="kind"),
        CheckConstraint("pdq_threshold BETWEEN 0 AND 256", name="pdq_threshold"),
    )

    id: Mapped[int] = mapped_column(Integer, Identity(always=True), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16), default=BankKind.POSITIVE.value)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    pdq_threshold: Mapped[int] = mapped_column(SmallInteger, default=DEFAULT_PDQ_THRESHOLD)
    source: Mapped[str] = mapped_column(String(255), default="")
    created_by: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # Who may change it: `agency:<SHORT>` (every banks:write key and banks:manage user of that
    # agency) or `apikey:<id>` (a client without an agency). Nobody else changes, disables or
    # deletes it; others read and match against it only while it is shared.
    owner: Mapped[str] = mapped_column(String(64), index=True)
    shared: Mapped[bool] = mapped_column(Boolean, default=True)


class BankEntry(CreatedAt, Base):
    __tablename__ = "bank_entry"
    __table_args__ = (
        # One signal once per bank; an import that repeats it counts a duplicate.
        UniqueConstraint("bank_id", "signal_type", "signal_key", name="uq_bank_entry_signal"),
        # Exact lookups (md5/sha1/sha256 and "is this hash banked anywhere").
        Index("ix_bank_entry_signal_type_signal_key", "signal_type", "signal_key"),
        # Entry listings page through one bank in id order.
        Index("ix_bank_entry_bank_id_id", "bank_id", "id"),
        CheckConstraint(SIGNAL_TYPE_CHECK, name="signal_type"),
        CheckConstraint(FRAMES_CHECK, name="frames_for_vpdq"),
        CheckConstraint(SIGNAL_BODY_CHECK, name="signal_body_digest"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("bank.id", ondelete="CASCADE"))
    signal_type: Mapped[str] = mapped_column(String(16))
    # The canonical signal when it is at most SIGNAL_KEY_LENGTH characters (hash hex); else
    # the SHA-256 hex of the canonical signal (a btree key must stay small), with the signal
    # itself in `frames` (a frame list: vPDQ) or `signal_body` (any other: TMK).
    signal_key: Mapped[str] = mapped_column(String(SIGNAL_KEY_LENGTH))
    frames: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB(none_as_null=True))
    signal_body: Mapped[str | None] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(255), default="")
    category: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(String(255), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSONB, default=dict)
    added_by: Mapped[str] = mapped_column(String(128))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Why an entry was disabled (quarantine of a noisy entry), shown in listings.
    disabled_reason: Mapped[str] = mapped_column(String(255), default="")


class BankChange(Base):
    """One change to replay: an entry to reconcile (`entry_id`) or a bank's settings."""

    __tablename__ = "bank_change"
    __table_args__ = (CheckConstraint("op IN ('entry', 'bank')", name="op"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    op: Mapped[str] = mapped_column(String(8))
    # No foreign keys: the feed outlives deleted banks and entries (a delete is a change too).
    bank_id: Mapped[int] = mapped_column(Integer)
    entry_id: Mapped[int | None] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(server_default=func.now())


class BankIdempotency(CreatedAt, Base):
    """An `Idempotency-Key` of a creating POST and the answer it got, replayed on a retry."""

    __tablename__ = "bank_idempotency"
    __table_args__ = (UniqueConstraint("client_id", "key", name="uq_bank_idempotency_client_key"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(255))
    request_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(SmallInteger, default=0)  # 0 while the first runs
    response: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    location: Mapped[str] = mapped_column(String(512), default="")
