"""The transactional outbox: every shared change becomes a row, in the change's transaction."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ARRAY, BigInteger, Enum, Identity, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from perisai.db.base import Base


class Tlp(enum.StrEnum):
    """Traffic Light Protocol 2.0 markings; redaction respects them."""

    RED = "RED"
    AMBER = "AMBER"
    GREEN = "GREEN"
    CLEAR = "CLEAR"


class OutboxEvent(Base):
    __tablename__ = "outbox_event"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    type: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(64))
    # Agencies (short names) that may see the event; the secretariat always may.
    audience: Mapped[list[str]] = mapped_column(ARRAY(String(32)), default=list)
    case_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    tlp: Mapped[Tlp] = mapped_column(
        Enum(Tlp, name="tlp", values_callable=lambda e: [m.value for m in e]), default=Tlp.AMBER
    )
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)
