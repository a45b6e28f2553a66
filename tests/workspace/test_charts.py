from __future__ import annotations

import math

from perisai.workspace.charts import LABEL_WIDTH, WIDTH, Series, bar_chart, format_number


def test_bars_scale_to_the_largest_value() -> None:
    chart = bar_chart(["P1", "P2"], [Series("p50", [10.0, 40.0]), Series("p90", [20.0, None])])
    widths = [bar.width for bar in chart.bars]
    assert len(chart.bars) == 4
    assert widths[2] > widths[0] > 0  # P2 p50 (40) is the longest
    assert widths[3] == 0  # no value, no bar
    assert "—" in chart.bars[3].label
    assert all(bar.x + bar.width <= WIDTH for bar in chart.bars)
    assert all(bar.x == LABEL_WIDTH for bar in chart.bars)
    assert [label.text for label in chart.labels] == ["P1", "P2"]


def test_empty_chart_has_a_height_and_no_bars() -> None:
    chart = bar_chart([], [Series("p50", [])])
    assert chart.bars == []
    assert chart.height >= 40


def test_numbers_are_rounded_for_reading() -> None:
    assert format_number(123.456) == "123"
    assert format_number(1.234) == "1.2"
    assert format_number(math.nan) == "—"
