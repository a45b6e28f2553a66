"""Rollup rows for the spike job's tests: steady daily counts, then whatever a test adds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from perisai.monitoring.alert_models import SpikeAlert
from perisai.monitoring.alerts import new_public_id
from perisai.monitoring.models import MonitoringCount

# 15:00 MYT on a Monday: "today" for these tests.
NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
TODAY = date(2026, 11, 30)


def put_counts(session: Session, series: str, counts: dict[date, int]) -> None:
    """Set the series' count of each day (all in one hour of that day)."""
    for day, count in counts.items():
        session.execute(
            delete(MonitoringCount).where(
                MonitoringCount.series_key == series, MonitoringCount.day == day
            )
        )
        if count > 0:
            session.execute(
                insert(MonitoringCount).values(series_key=series, day=day, hour=10, count=count)
            )
    session.flush()


def steady(series: str, *, days: int, base: int = 10, until: date = TODAY) -> dict[date, int]:
    """``days`` days before ``until`` (excluded) of a gently varying count around ``base``."""
    pattern = (0, 2, -1, 1, -2, 1, 0, -1, 2, 0, 1, -1, 0)
    start = until - timedelta(days=days)
    return {
        start + timedelta(days=i): base + pattern[(i + len(series)) % len(pattern)]
        for i in range(days)
    }


def make_alert(
    session: Session, *, series: str = "source:hotline", day: date = TODAY, status: str = "new"
) -> SpikeAlert:
    """A stored alert as the job would leave it (no detection run: these tests are about the
    outlets)."""
    alert = SpikeAlert(
        public_id=new_public_id(),
        series_key=series,
        day=day,
        method="negbin",
        observed=45,
        expected=9.5,
        p_value=1.2e-9,
        q_value=3.6e-9,
        window_days=1,
        baseline_weeks=8,
        fdr=0.05,
        min_count=5,
        series_tested=3,
        partial_day=True,
        raised_at=NOW,
        status=status,
        dismiss_reason="a duplicate batch" if status == "dismissed" else None,
        decided_by="user:1@SECRETARIAT" if status in ("confirmed", "dismissed") else None,
        decided_at=NOW if status in ("confirmed", "dismissed") else None,
    )
    session.add(alert)
    session.flush()
    return alert
