"""The spike detector's model per series and day, stored for the daily trend charts.

The hourly spike job (:func:`perisai.monitoring.alerts.run_spikes`) replays the detector and
stores, besides its alerts, what it expected of every series on every day it tested
(:class:`perisai.monitoring.detect.DayModel`): the expected count and the central 95% range of
its predictive law (the overdispersion its tests used, the baseline's error). The daily charts
read them here, so a chart's band and the alerts rest on one model; replaying the detector per
page view would cost seconds.

A day's row is written the first time a run tests it, and rewritten while the day is today or
yesterday (the runs that decide its alerts); older rows keep the model that decided them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from perisai.monitoring.detect import DayModel
from perisai.monitoring.models import MonitoringExpectation

BAND: Final = 0.95
_CHUNK: Final = 2000


def store(session: Session, models: Sequence[DayModel], *, recent_from: date, now: datetime) -> int:
    """Store the models of days from ``recent_from`` on (replacing), and of older days not
    stored yet. Returns the rows written."""
    if not models:
        return 0
    older = [m for m in models if m.day < recent_from]
    known: set[tuple[str, date]] = set()
    if older:
        first = min(m.day for m in older)
        known = {
            (key, day)
            for key, day in session.execute(
                select(MonitoringExpectation.series_key, MonitoringExpectation.day).where(
                    MonitoringExpectation.day >= first, MonitoringExpectation.day < recent_from
                )
            )
        }
    rows = [_row(m, now) for m in models if m.day >= recent_from or (m.series, m.day) not in known]
    for i in range(0, len(rows), _CHUNK):
        statement = insert(MonitoringExpectation).values(rows[i : i + _CHUNK])
        session.execute(
            statement.on_conflict_do_update(
                index_elements=[MonitoringExpectation.series_key, MonitoringExpectation.day],
                set_={
                    name: statement.excluded[name]
                    for name in ("expected", "low", "high", "alpha", "baseline_days", "computed_at")
                },
            )
        )
    return len(rows)


def _row(model: DayModel, now: datetime) -> dict[str, Any]:
    low, high = model.band(BAND)
    return {
        "series_key": model.series,
        "day": model.day,
        "expected": float(model.expected),
        "low": low,
        "high": high,
        "alpha": float(model.alpha),
        "baseline_days": float(model.baseline_days),
        "computed_at": now,
    }


def between(
    session: Session, *, since: date, until: date, series: Sequence[str]
) -> dict[str, dict[date, MonitoringExpectation]]:
    """Stored models by series and day, ``since <= day < until``, for the given series."""
    found: dict[str, dict[date, MonitoringExpectation]] = {}
    if not series:
        return found
    rows = session.scalars(
        select(MonitoringExpectation).where(
            MonitoringExpectation.day >= since,
            MonitoringExpectation.day < until,
            MonitoringExpectation.series_key.in_(list(series)),
        )
    )
    for row in rows:
        found.setdefault(row.series_key, {})[row.day] = row
    return found
