"""Server-rendered SVG line charts of a trend: geometry here, drawn by the template (no script).

The observed counts are a line (with dots when there are few points), the expected range a shaded
band with the expected count dashed through it, alerts a marked triangle. Every chart is followed
by its figures as a table (WCAG 1.1.1), and its caption says the total, the peak and the alerts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from perisai.monitoring.trends import Point, Trend

WIDTH: Final = 720
HEIGHT: Final = 200
LEFT: Final = 44  # room for the y-axis labels
RIGHT: Final = 12
TOP: Final = 14
BOTTOM: Final = 26  # room for the x-axis labels
MAX_DOTS: Final = 62
X_LABELS: Final = 6


@dataclass(frozen=True)
class Tick:
    at: float
    text: str


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    observed: str  # polyline points
    dots: list[Marker]
    band: list[str]  # polygon points, one per run of points with an expectation
    expected: list[str]  # polyline points, same runs
    alerts: list[Marker]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    baseline_y: float
    left: int


def nice_ceiling(value: float) -> int:
    """The smallest 1, 2 or 5 × 10^k at or above `value` (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return int(step * power)
    return int(10 * power)


def _runs(points: list[Point]) -> list[list[int]]:
    """Indices of consecutive points that have an expectation."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, point in enumerate(points):
        if point.expectation is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(i)
    if current:
        runs.append(current)
    return runs


def _fmt(x: float, y: float) -> str:
    return f"{x:.1f},{y:.1f}"


def line_chart(trend: Trend, *, x_label_format: str = "%d/%m") -> LineChart:
    points = trend.points
    top_value = max(
        [p.observed for p in points]
        + [p.expectation.high for p in points if p.expectation is not None]
        + [1]
    )
    y_max = nice_ceiling(top_value)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    n = len(points)

    def x_of(i: int) -> float:
        return LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y_of(v: float) -> float:
        return TOP + plot_h * (1 - v / y_max)

    observed = " ".join(_fmt(x_of(i), y_of(p.observed)) for i, p in enumerate(points))
    dots = (
        [
            Marker(x_of(i), y_of(p.observed), f"{p.start:%Y-%m-%d %H:%M}: {p.observed}")
            for i, p in enumerate(points)
        ]
        if n <= MAX_DOTS
        else []
    )
    band: list[str] = []
    expected: list[str] = []
    for run in _runs(points):
        upper = [_fmt(x_of(i), y_of(_high(points[i]))) for i in run]
        lower = [_fmt(x_of(i), y_of(_low(points[i]))) for i in reversed(run)]
        band.append(" ".join(upper + lower))
        expected.append(" ".join(_fmt(x_of(i), y_of(_mean(points[i]))) for i in run))
    alerts = [
        Marker(x_of(i), y_of(p.observed), p.alert or "") for i, p in enumerate(points) if p.alert
    ]
    y_ticks = [Tick(y_of(v), str(v)) for v in (0, y_max // 2, y_max) if v or y_max]
    step = max(1, math.ceil(n / X_LABELS))
    x_ticks = [Tick(x_of(i), points[i].start.strftime(x_label_format)) for i in range(0, n, step)]
    return LineChart(
        width=WIDTH,
        height=HEIGHT,
        observed=observed,
        dots=dots,
        band=band,
        expected=expected,
        alerts=alerts,
        y_ticks=sorted(set(y_ticks), key=lambda t: -t.at),
        x_ticks=x_ticks,
        baseline_y=y_of(0),
        left=LEFT,
    )


def _high(point: Point) -> float:
    return point.expectation.high if point.expectation else 0.0


def _low(point: Point) -> float:
    return point.expectation.low if point.expectation else 0.0


def _mean(point: Point) -> float:
    return point.expectation.expected if point.expectation else 0.0
