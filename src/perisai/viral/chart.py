"""Counts over time as a server-rendered SVG column chart (geometry here, drawn by a template).

One column per hour from the cluster's first report to its last (days instead, when that span
is longer than a week), empty hours included so that the gaps show. The page puts the same
figures in a table beside the chart (WCAG 1.1.1).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from perisai.web.timefmt import to_malaysia

WIDTH: Final = 640
HEIGHT: Final = 180
LEFT: Final = 36  # room for the axis figures
BOTTOM: Final = 24
TOP: Final = 12
MAX_HOURS: Final = 7 * 24


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    start: datetime
    count: int


@dataclass(frozen=True)
class TimeChart:
    width: int
    height: int
    columns: list[Column]
    peak: int
    step: str  # "hour" or "day"
    baseline: float
    ticks: list[tuple[float, datetime]]


def _buckets(hourly: Sequence[tuple[datetime, int]]) -> tuple[list[tuple[datetime, int]], str]:
    if not hourly:
        return [], "hour"
    first, last = hourly[0][0], hourly[-1][0]
    if last - first <= timedelta(hours=MAX_HOURS):
        counts = dict(hourly)
        hours = int((last - first).total_seconds() // 3600) + 1
        slots = [first + timedelta(hours=h) for h in range(hours)]
        return [(slot, counts.get(slot, 0)) for slot in slots], "hour"
    days: Counter[datetime] = Counter()
    for hour, count in hourly:
        local = to_malaysia(hour)
        days[local.replace(hour=0, minute=0, second=0)] += count
    start, end = min(days), max(days)
    slots = [start + timedelta(days=d) for d in range((end - start).days + 1)]
    return [(slot, days.get(slot, 0)) for slot in slots], "day"


def time_chart(hourly: Sequence[tuple[datetime, int]]) -> TimeChart:
    """Columns for reports per hour (or per Malaysian day for long spans)."""
    buckets, step = _buckets(hourly)
    peak = max((count for _, count in buckets), default=0)
    plot_w, plot_h = WIDTH - LEFT - 4, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(buckets))
    columns = []
    for i, (start, count) in enumerate(buckets):
        height = 0.0 if peak == 0 else plot_h * count / peak
        columns.append(
            Column(
                x=round(LEFT + i * slot + slot * 0.1, 1),
                y=round(TOP + plot_h - height, 1),
                width=round(max(1.0, slot * 0.8), 1),
                height=round(height, 1),
                start=start,
                count=count,
            )
        )
    every = max(1, len(buckets) // 6)
    ticks = [(c.x, c.start) for i, c in enumerate(columns) if i % every == 0]
    return TimeChart(WIDTH, HEIGHT, columns, peak, step, TOP + plot_h, ticks)
