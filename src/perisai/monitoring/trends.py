"""Trend series for the supervisor page and its CSV: observed counts with an expected range.

Daily: the spike detector's own model of each day as the hourly spike job stored it
(:mod:`perisai.monitoring.expectations`): its expected count and the central 95% range of its
predictive law, so the band and the alerts agree; a day the detector has not tested (too little
history, or before the job first ran) has no expectation. Hourly (the detector is daily): the
mean of the same hour of the same weekday of the previous 4–8 weeks, overdispersion by moments
over that window, and the negative binomial's central 95% predictive range around it
(:func:`expectation`); without 4 weeks of history, none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final, Literal

from perisai.monitoring.detect import pooled_alpha, predictive_band
from perisai.monitoring.rollups import MALAYSIA

Granularity = Literal["day", "hour"]
GRANULARITIES: Final = ("day", "hour")
MIN_WEEKS: Final = 4
MAX_WEEKS: Final = 8
BAND: Final = 0.95
PERIOD: Final[dict[str, int]] = {"day": 7, "hour": 7 * 24}  # buckets in a week


@dataclass(frozen=True)
class Expectation:
    expected: float
    low: int
    high: int


@dataclass(frozen=True)
class Point:
    start: datetime  # the bucket's start, aware, Malaysia time
    observed: int
    expectation: Expectation | None
    alert: str | None = None  # what the alert says, when one is recorded for this bucket

    @property
    def above(self) -> bool:
        return self.expectation is not None and self.observed > self.expectation.high


@dataclass(frozen=True)
class Trend:
    series_key: str
    points: list[Point]

    @property
    def total(self) -> int:
        return sum(p.observed for p in self.points)

    @property
    def peak(self) -> Point | None:
        return max(self.points, key=lambda p: p.observed, default=None)

    @property
    def alerts(self) -> int:
        return sum(1 for p in self.points if p.alert)


def expectation(history: Sequence[int], index: int, period: int) -> Expectation | None:
    """The expected count at `history[index]` from the same period of earlier weeks."""
    window = [
        history[index - period * w] for w in range(1, MAX_WEEKS + 1) if index - period * w >= 0
    ]
    if len(window) < MIN_WEEKS:
        return None
    mu = sum(window) / len(window)
    if mu <= 0:
        return Expectation(0.0, 0, 0)
    low, high = predictive_band(mu, pooled_alpha([window]), len(window), BAND)
    return Expectation(mu, low, high)


def bucket_starts(since: date, until: date, granularity: Granularity) -> list[datetime]:
    """Every bucket start from `since` (inclusive) to `until` (exclusive), Malaysia time."""
    first = datetime(since.year, since.month, since.day, tzinfo=MALAYSIA)
    step = timedelta(days=1) if granularity == "day" else timedelta(hours=1)
    count = (until - since).days * (1 if granularity == "day" else 24)
    return [first + step * i for i in range(count)]


def history_start(since: date) -> date:
    """How far back the counts must be read for the expectation of `since`."""
    return since - timedelta(weeks=MAX_WEEKS)


def build_trend(
    series_key: str,
    counts: Mapping[datetime, int],
    *,
    since: date,
    until: date,
    granularity: Granularity,
    alerts: Mapping[datetime, str] | None = None,
    models: Mapping[datetime, Expectation] | None = None,
) -> Trend:
    """The series over ``since <= day < until`` with expectations; `counts` by bucket start
    (Malaysia time) from :func:`history_start` on; missing buckets are zero. With ``models``
    (the spike detector's stored model per day, :mod:`perisai.monitoring.expectations`) the
    expectation is the detector's, and a bucket it has none for has none; without, the plain
    same-period model (:func:`expectation`: hourly charts)."""
    starts = bucket_starts(history_start(since), until, granularity)
    history = [counts.get(start, 0) for start in starts]
    shown_from = len(starts) - len(bucket_starts(since, until, granularity))
    period = PERIOD[granularity]
    points = [
        Point(
            start=starts[i],
            observed=history[i],
            expectation=(
                expectation(history, i, period) if models is None else models.get(starts[i])
            ),
            alert=(alerts or {}).get(starts[i]),
        )
        for i in range(shown_from, len(starts))
    ]
    return Trend(series_key, points)
