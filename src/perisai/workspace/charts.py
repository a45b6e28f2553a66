"""Server-rendered SVG bar charts: geometry computed here, drawn by a template (no script).

Each chart has a title and a text table next to it in the page, so the figures are available
without seeing the picture (WCAG 1.1.1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
BAR_HEIGHT = 18
GAP = 10
LABEL_WIDTH = 150
VALUE_ROOM = 90
# Two series (p50, p90) in colours that contrast with the white background by 4.5:1 or more.
SERIES_CLASSES = ("bar-a", "bar-b")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    label: str


@dataclass(frozen=True)
class RowLabel:
    y: float
    text: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    labels: list[RowLabel]
    legend: list[tuple[str, str]]


def _scale(series: Sequence[Series]) -> float:
    peak = max((v for s in series for v in s.values if v is not None), default=0.0)
    return peak if peak > 0 else 1.0


def bar_chart(
    categories: Sequence[str], series: Sequence[Series], *, unit: str = "min"
) -> BarChart:
    """Horizontal grouped bars: one group per category, one bar per series."""
    peak = _scale(series)
    plot = WIDTH - LABEL_WIDTH - VALUE_ROOM
    group = len(series) * BAR_HEIGHT + GAP
    bars: list[Bar] = []
    labels: list[RowLabel] = []
    for row, category in enumerate(categories):
        top = GAP + row * group
        labels.append(RowLabel(y=top + len(series) * BAR_HEIGHT / 2 + 5, text=category))
        for index, one in enumerate(series):
            value = one.values[row] if row < len(one.values) else None
            width = 0.0 if value is None else max(1.0, plot * value / peak)
            text = "—" if value is None else f"{format_number(value)} {unit}"
            bars.append(
                Bar(
                    x=LABEL_WIDTH,
                    y=top + index * BAR_HEIGHT,
                    width=round(width, 1),
                    height=BAR_HEIGHT - 2,
                    css=SERIES_CLASSES[index % len(SERIES_CLASSES)],
                    label=f"{one.name}: {text}",
                )
            )
    height = GAP + len(categories) * group
    legend = [(s.name, SERIES_CLASSES[i % len(SERIES_CLASSES)]) for i, s in enumerate(series)]
    return BarChart(width=WIDTH, height=max(height, 40), bars=bars, labels=labels, legend=legend)


def format_number(value: float) -> str:
    if math.isnan(value):
        return "—"
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"
