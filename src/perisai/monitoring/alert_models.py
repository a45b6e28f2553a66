"""Stored spike alerts (issue 16, item 2): one row per series and Malaysia-time day that the
hourly spike job found, with its evidence and its lifecycle.

Lifecycle: ``new`` → ``acknowledged`` (someone is looking) → ``confirmed`` (a real rise) or
``dismissed`` (with a reason); ``confirmed`` and ``dismissed`` are final. Who and when is kept
on the row for each step, and every step is also in the audit log.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    Identity,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from perisai.db.base import Base, CreatedAt
from perisai.monitoring.models import SERIES_KEY_LENGTH

MAX_REASON = 1000
ACTOR_LENGTH = 120


class AlertStatus(enum.StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class SpikeAlert(CreatedAt, Base):
    __tablename__ = "monitoring_alert"
    __table_args__ = (
        # The detector gives at most one alert per series and day; the job relies on it.
        UniqueConstraint("series_key", "day", name="uq_monitoring_alert_series_day"),
        CheckConstraint(
            "status IN ('new', 'acknowledged', 'confirmed', 'dismissed')", name="status"
        ),
        CheckConstraint("method IN ('negbin', 'cusum', 'new_series')", name="method"),
        CheckConstraint("status <> 'dismissed' OR dismiss_reason IS NOT NULL", name="reason"),
        CheckConstraint("observed >= 0 AND window_days >= 1", name="evidence"),
        Index("ix_monitoring_alert_day", "day"),
        Index("ix_monitoring_alert_status_raised", "status", "raised_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    series_key: Mapped[str] = mapped_column(String(SERIES_KEY_LENGTH))
    day: Mapped[date] = mapped_column(Date)  # Malaysia time: the (last) day of the evidence
    # Evidence, as the detector gave it (perisai.monitoring.detect.Alert).
    method: Mapped[str] = mapped_column(String(16))
    observed: Mapped[int] = mapped_column(Integer)
    expected: Mapped[float] = mapped_column(Float)
    p_value: Mapped[float | None] = mapped_column(Float)
    q_value: Mapped[float | None] = mapped_column(Float)
    window_days: Mapped[int] = mapped_column(Integer)
    baseline_weeks: Mapped[int] = mapped_column(Integer)
    fdr: Mapped[float] = mapped_column(Float)
    min_count: Mapped[int] = mapped_column(Integer)
    series_tested: Mapped[int] = mapped_column(Integer)  # series in the run (BH's family)
    # The day was still running when it alerted: its count so far already beat the whole
    # day's expectation (a conservative test, see docs/monitoring.md).
    partial_day: Mapped[bool] = mapped_column(Boolean)
    raised_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default=AlertStatus.NEW.value)
    acknowledged_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))
    acknowledged_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))  # confirmed/dismissed
    decided_at: Mapped[datetime | None]
    dismiss_reason: Mapped[str | None] = mapped_column(Text)
