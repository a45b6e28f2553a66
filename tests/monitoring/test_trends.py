"""The expected range on the charts, against scipy computed by hand, and the chart geometry."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from scipy import stats

from perisai.monitoring.charts import line_chart, nice_ceiling
from perisai.monitoring.rollups import MALAYSIA
from perisai.monitoring.trends import build_trend, expectation


def test_expectation_is_the_same_weekday_mean_with_a_negative_binomial_range() -> None:
    history = [0] * 56 + [0]
    same_day = [4, 9, 6, 12, 5, 8, 10, 7]  # 8 weeks back, oldest first
    for w, value in enumerate(reversed(same_day), start=1):
        history[56 - 7 * w] = value
    found = expectation(history, 56, 7)
    assert found is not None
    mean = sum(same_day) / 8
    var = sum((v - mean) ** 2 for v in same_day) / 7
    alpha = (var - mean) / mean**2
    variance = (mean + alpha * mean * mean) * (1 + 1 / 8)
    size = mean * mean / (variance - mean)
    low, high = stats.nbinom.ppf([0.025, 0.975], size, size / (size + mean))
    assert found.expected == pytest.approx(mean)
    assert (found.low, found.high) == (int(low), int(high))


def test_a_steady_series_gets_a_poisson_range_and_short_history_none() -> None:
    steady = [5] * 57
    found = expectation(steady, 56, 7)
    assert found is not None
    low, high = stats.poisson.ppf([0.025, 0.975], 5 * 1.0)
    assert (found.low, found.high) == (int(low), int(high))
    assert expectation(steady, 27, 7) is None  # three weeks back only
    assert expectation([0] * 57, 56, 7) == expectation([0] * 57, 56, 7)


def test_a_trend_covers_the_asked_days_in_malaysia_time_with_alerts() -> None:
    since, until = date(2026, 11, 1), date(2026, 11, 8)
    start = datetime(2026, 11, 3, tzinfo=MALAYSIA)
    counts = {start: 9, start - timedelta(weeks=9): 100}  # the second is before the history
    trend = build_trend(
        "total", counts, since=since, until=until, granularity="day", alerts={start: "Alert"}
    )
    assert [p.start.date() for p in trend.points] == [since + timedelta(days=i) for i in range(7)]
    assert trend.total == 9 and trend.alerts == 1
    assert all(p.start.utcoffset() == timedelta(hours=8) for p in trend.points)
    hourly = build_trend(
        "total", {}, since=since, until=since + timedelta(days=1), granularity="hour"
    )
    assert len(hourly.points) == 24


def test_chart_geometry_stays_inside_the_picture() -> None:
    since = date(2026, 9, 1)
    counts = {
        datetime(2026, 7, 1, tzinfo=MALAYSIA) + timedelta(days=i): (i * 7) % 13 for i in range(120)
    }
    trend = build_trend(
        "total", counts, since=since, until=since + timedelta(days=30), granularity="day"
    )
    chart = line_chart(trend)
    numbers = [float(v) for pair in chart.observed.split() for v in pair.split(",")]
    assert all(0 <= v <= chart.width for v in numbers)
    assert chart.band and chart.expected, "two months of history give an expected range"
    assert nice_ceiling(0) == 1 and nice_ceiling(7) == 10 and nice_ceiling(13) == 20
    assert nice_ceiling(120) == 200 and nice_ceiling(50) == 50
