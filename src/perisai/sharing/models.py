"""The transactional outbox: every shared change becomes a row, in the change's transaction."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    CheckConstraint,
    Enum,
    ForeignKey,
    Identity,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perisai.db.base import Base, CreatedAt

# The writing transaction's id, so that readers take an event only once every transaction that
# could still commit a smaller id has finished (identity values are handed out before commit).
CURRENT_XACT_ID = text("(pg_current_xact_id()::text::bigint)")


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
    xact_id: Mapped[int] = mapped_column(BigInteger, server_default=CURRENT_XACT_ID)


class WebhookSubscription(CreatedAt, Base):
    """An agency system that receives the events its agency may see, signed, at least once."""

    __tablename__ = "webhook_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency: Mapped[str] = mapped_column(ForeignKey("agency.short_name"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    # Event types it wants (exact names or "prefix.*"); empty means every type.
    event_types: Mapped[list[str]] = mapped_column(ARRAY(String(64)), default=list)
    # The HMAC secret, sealed with the master key and bound to ``webhook:<id>``.
    secret_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    active: Mapped[bool] = mapped_column(default=True)
    # Events with a smaller id existed before the subscription and are not delivered (but can
    # be replayed).
    starts_after_event_id: Mapped[int] = mapped_column(BigInteger, default=0)


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"  # gave up after the last attempt: the dead-letter view
    WITHHELD = "withheld"  # need-to-know changed before sending: nothing was sent


class WebhookDelivery(CreatedAt, Base):
    """One event to one subscription; attempts are counted, the last failure kept."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_id", name="uq_webhook_delivery_event"),
        CheckConstraint("status IN ('pending', 'delivered', 'dead', 'withheld')", name="status"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_subscription.id", ondelete="CASCADE")
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("outbox_event.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None]

    subscription: Mapped[WebhookSubscription] = relationship(lazy="joined", innerjoin=True)


class DispatchCursor(Base):
    """How far the dispatcher has turned outbox events into deliveries."""

    __tablename__ = "sharing_dispatch_cursor"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_event_id: Mapped[int] = mapped_column(BigInteger, default=0)
