"""Trend rollups: report counts per series and Malaysia-time hour, kept up to date by a job.

* ``monitoring_count`` — the rollup: one row per (series, MYT day, MYT hour) with a count above
  zero. Pages, the CSV export and the spike job read only this (``perisai.monitoring.rollups``).
* ``monitoring_tally`` — what each report contributes (its bucket and ``{series: n}``), so that a
  report re-enriched, re-triaged or retracted moves the rollup by the difference, never twice.
  No foreign key: a report erased later leaves the statistics as they were.
* ``monitoring_pending`` — reports whose contribution may have changed. Filled by triggers (see
  migration ``monitoring_0001``) in the transaction that changed them — triage stored, a match
  added or removed (retro-hunt), a report's status changed — and emptied by the rollup job.
* ``monitoring_watermark`` — how far the catch-up sweep has seen every report tallied.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    Index,
    Integer,
    SmallInteger,
    String,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from perisai.db.base import Base

SERIES_KEY_LENGTH = 200


class MonitoringCount(Base):
    __tablename__ = "monitoring_count"
    __table_args__ = (
        CheckConstraint("hour BETWEEN 0 AND 23", name="hour"),
        CheckConstraint("count >= 0", name="count"),
        # Range reads over every series (the page, the spike job) go by day.
        Index("ix_monitoring_count_day_hour", "day", "hour"),
    )

    series_key: Mapped[str] = mapped_column(String(SERIES_KEY_LENGTH), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # Malaysia time
    hour: Mapped[int] = mapped_column(SmallInteger, primary_key=True)  # 0-23, Malaysia time
    count: Mapped[int] = mapped_column(Integer)


class MonitoringTally(Base):
    __tablename__ = "monitoring_tally"
    __table_args__ = (CheckConstraint("hour BETWEEN 0 AND 23", name="hour"),)

    report_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date)
    hour: Mapped[int] = mapped_column(SmallInteger)
    # {"source:hotline": 1, "filetype:image": 3, ...}; empty for a retracted report.
    series: Mapped[dict[str, Any]] = mapped_column(JSONB)
    tallied_at: Mapped[datetime] = mapped_column(server_default=func.now())


class MonitoringPending(Base):
    __tablename__ = "monitoring_pending"

    report_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    marked_at: Mapped[datetime] = mapped_column(server_default=func.now())


class MonitoringWatermark(Base):
    __tablename__ = "monitoring_watermark"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    report_id: Mapped[int] = mapped_column(BigInteger)
