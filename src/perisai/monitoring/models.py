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
* ``monitoring_expectation`` — the spike detector's expected count and 95% range per series and
  day, written by the hourly spike job; the daily charts draw their band from it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Float,
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


class MonitoringExpectation(Base):
    """What the spike detector expected of a series on a day (its model, written by the hourly
    spike job): the daily trend charts draw their expected count and band from it, so a chart
    and the alerts rest on one model. Written once for a day, then rewritten while the day is
    today or yesterday (its own runs); older days keep the model of the run that tested them."""

    __tablename__ = "monitoring_expectation"
    __table_args__ = (
        CheckConstraint("low <= high", name="band"),
        Index("ix_monitoring_expectation_day", "day"),
    )

    series_key: Mapped[str] = mapped_column(String(SERIES_KEY_LENGTH), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # Malaysia time
    expected: Mapped[float] = mapped_column(Float)
    low: Mapped[int] = mapped_column(Integer)  # the central 95% range
    high: Mapped[int] = mapped_column(Integer)
    alpha: Mapped[float] = mapped_column(Float)  # the overdispersion the tests used
    baseline_days: Mapped[float] = mapped_column(Float)  # the baseline's worth in days
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
