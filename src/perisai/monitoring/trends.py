"""Trend series for the supervisor page and its CSV: observed counts with an expected range.

The expectation is the spike detector's (``perisai.monitoring.detect``): the mean of the same
period of the previous 4–8 weeks (the same weekday for days; the same hour of the same weekday
for hours), overdispersion by moments over that window, and the negative binomial's central 95%
predictive range around it. A point without 4 weeks of history has no expectation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final, Literal

from scipy import stats

from perisai.monitoring.detect import pooled_alpha, predictive_params
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
    mean, variance = predictive_params(mu, pooled_alpha([window]), len(window))
    tail = (1 - BAND) / 2
    if variance <= mean * (1 + 1e-9):
        low, high = stats.poisson.ppf([tail, 1 - tail], mean)
    else:
        size = mean * mean / (variance - mean)
        low, high = stats.nbinom.ppf([tail, 1 - tail], size, size / (size + mean))
    return Expectation(mean, int(low), int(high))


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
) -> Trend:
    """The series over ``since <= day < until`` with expectations; `counts` by bucket start
    (Malaysia time) from :func:`history_start` on; missing buckets are zero."""
    starts = bucket_starts(history_start(since), until, granularity)
    history = [counts.get(start, 0) for start in starts]
    shown_from = len(starts) - len(bucket_starts(since, until, granularity))
    period = PERIOD[granularity]
    points = [
        Point(
            start=starts[i],
            observed=history[i],
            expectation=expectation(history, i, period),
            alert=(alerts or {}).get(starts[i]),
        )
        for i in range(shown_from, len(starts))
    ]
    return Trend(series_key, points)
