"""Public statistics (`/statistik`, `/statistics`): monthly figures with small cells suppressed.

Like NCMEC's and INHOPE's yearly figures, but monthly and from the rollups (no scan of reports):
reports by source and by incident type per Malaysia-time month, takedown notices sent per month,
and per platform the notices sent, the share removed and the median time to removal.

Disclosure control: a count from 1 to 9 is shown as "<10" (primary suppression). A table row
with a total would let one suppressed cell be recomputed (total minus the others), so wherever a
row holds exactly one suppressed cell the smallest other cell is suppressed too (secondary
suppression); a row whose total is itself under 10 shows every non-zero cell as "<10". A median
resting on fewer than 10 removals is not shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from perisai.cases.models import TakedownNotice
from perisai.monitoring.models import MonitoringCount
from perisai.monitoring.rollups import MALAYSIA, daily_counts
from perisai.monitoring.series import TOTAL, value_of

THRESHOLD: Final = 10
SUPPRESSED: Final = "<10"
MONTHS_SHOWN: Final = 12
MAX_COLUMNS: Final = 8  # further sources or types are summed into "other"
OTHER: Final = "other"


@dataclass(frozen=True)
class Cell:
    value: int
    shown: str  # the figure as published: a number or "<10"

    @property
    def suppressed(self) -> bool:
        return self.shown == SUPPRESSED


@dataclass(frozen=True)
class Row:
    label: str  # the month, "2026-11"
    cells: list[Cell]
    total: Cell


@dataclass(frozen=True)
class Table:
    columns: list[str]  # series values (e.g. "hotline", "platform:ExampleChat", "other")
    rows: list[Row]


@dataclass(frozen=True)
class PlatformRemoval:
    platform: str
    notices: Cell
    removed: Cell
    removed_share: float | None  # None when suppressed
    median_hours: float | None  # None when fewer than THRESHOLD removals


def _shown(value: int) -> str:
    return SUPPRESSED if 0 < value < THRESHOLD else str(value)


def protect_row(values: Sequence[int], total: int) -> tuple[list[Cell], Cell]:
    """Primary and secondary suppression of one row of counts that sum to `total`."""
    suppressed = [0 < v < THRESHOLD for v in values]
    total_hidden = 0 < total < THRESHOLD
    if not total_hidden and sum(suppressed) == 1:
        # One hidden cell next to a published total: hide the smallest other cell as well.
        others = [i for i, hidden in enumerate(suppressed) if not hidden]
        if others:
            suppressed[min(others, key=lambda i: (values[i], i))] = True
        else:
            total_hidden = True
    cells = [
        Cell(v, SUPPRESSED if hidden else str(v))
        for v, hidden in zip(values, suppressed, strict=True)
    ]
    return cells, Cell(total, SUPPRESSED if total_hidden else str(total))


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_back(today: date, count: int = MONTHS_SHOWN) -> list[str]:
    """The last `count` months up to and including `today`'s, oldest first."""
    year, month = today.year, today.month
    out: list[str] = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def _first_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def _after(month: str) -> date:
    first = _first_day(month)
    return date(first.year + (first.month == 12), first.month % 12 + 1, 1)


def monthly_table(session: Session, *, dimension: str, months: list[str]) -> Table:
    """Reports per month and value of `dimension` (its largest values; the rest as "other")."""
    rows = daily_counts(
        session, since=_first_day(months[0]), until=_after(months[-1]), dimension=dimension
    )
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        value = value_of(row.series_key)
        per[month_of(row.day)][value] += row.count
        totals[value] += row.count
    ranked = sorted(totals, key=lambda v: (-totals[v], v))
    columns = ranked[:MAX_COLUMNS]
    folded = ranked[MAX_COLUMNS:]
    if folded:
        columns.append(OTHER)
    out: list[Row] = []
    for month in months:
        counts = per.get(month, {})
        values = [counts.get(c, 0) for c in columns if c != OTHER]
        if folded:
            values.append(sum(counts.get(v, 0) for v in folded))
        cells, total = protect_row(values, sum(values))
        out.append(Row(month, cells, total))
    return Table(columns, out)


def _period(months: list[str]) -> tuple[datetime, datetime]:
    start = datetime.combine(_first_day(months[0]), datetime.min.time(), MALAYSIA)
    return start, datetime.combine(_after(months[-1]), datetime.min.time(), MALAYSIA)


def notices_per_month(session: Session, *, months: list[str]) -> list[tuple[str, Cell]]:
    """Takedown notices first sent per month. Protected as a row: their sum is also the sum of
    the per-platform table's notices, so one suppressed month could otherwise be recomputed."""
    start, end = _period(months)
    month = func.to_char(
        func.timezone("Asia/Kuala_Lumpur", TakedownNotice.first_sent_at), "YYYY-MM"
    )
    found: dict[str, int] = {
        str(m): int(n)
        for m, n in session.execute(
            select(month, func.count())
            .where(TakedownNotice.first_sent_at >= start, TakedownNotice.first_sent_at < end)
            .group_by(month)
        )
    }
    values = [found.get(m, 0) for m in months]
    cells, _ = protect_row(values, sum(values))
    return list(zip(months, cells, strict=True))


def removals_per_platform(session: Session, *, months: list[str]) -> list[PlatformRemoval]:
    """Per platform over the months shown: notices sent, share removed, median hours to removal
    (from the first notice). Platforms with fewer than 10 notices are grouped as "other"; each
    column is protected as a row (its sum is published by the monthly notices)."""
    start, end = _period(months)
    hours = extract("epoch", TakedownNotice.removed_at - TakedownNotice.first_sent_at) / 3600.0
    rows = session.execute(
        select(TakedownNotice.platform, hours)
        .where(TakedownNotice.first_sent_at >= start, TakedownNotice.first_sent_at < end)
        .order_by(TakedownNotice.platform)
    ).all()
    per: dict[str, list[float | None]] = defaultdict(list)
    for platform, taken in rows:
        per[str(platform)].append(None if taken is None else float(taken))
    small = [p for p, v in per.items() if len(v) < THRESHOLD]
    if small:
        # Small platforms together: one of them alone could name the few notices it got.
        per[OTHER] = [h for p in small for h in per.pop(p)]
    platforms = sorted(per, key=lambda p: (p == OTHER, p.lower()))
    sent = [len(per[p]) for p in platforms]
    done = [sorted(h for h in per[p] if h is not None) for p in platforms]
    sent_cells, _ = protect_row(sent, sum(sent))
    done_cells, _ = protect_row([len(d) for d in done], sum(len(d) for d in done))
    out: list[PlatformRemoval] = []
    for platform, notices, removed, hours_done in zip(
        platforms, sent_cells, done_cells, done, strict=True
    ):
        visible = not notices.suppressed and not removed.suppressed and notices.value > 0
        out.append(
            PlatformRemoval(
                platform=platform,
                notices=notices,
                removed=removed,
                removed_share=removed.value / notices.value if visible else None,
                median_hours=_median(hours_done) if len(hours_done) >= THRESHOLD else None,
            )
        )
    return out


def _median(values: list[float]) -> float:
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return (values[middle - 1] + values[middle]) / 2


@dataclass(frozen=True)
class PublicStatistics:
    months: list[str]
    by_source: Table
    by_type: Table
    notices: list[tuple[str, Cell]]
    removals: list[PlatformRemoval]


def _since_data(session: Session, months: list[str]) -> list[str]:
    """The months from the first with a report or a notice (earlier ones would read as zero
    activity when nothing was recorded yet); at least the last month."""
    first_report = session.scalar(
        select(func.min(MonitoringCount.day)).where(MonitoringCount.series_key == TOTAL)
    )
    first_notice = session.scalar(select(func.min(TakedownNotice.first_sent_at)))
    starts = [month_of(first_report)] if first_report else []
    if first_notice is not None:
        starts.append(month_of(first_notice.astimezone(MALAYSIA).date()))
    if not starts:
        return months[-1:]
    kept = [m for m in months if m >= min(starts)]
    return kept or months[-1:]


def public_statistics(session: Session, *, today: date) -> PublicStatistics:
    months = _since_data(session, months_back(today))
    return PublicStatistics(
        months=months,
        by_source=monthly_table(session, dimension="source", months=months),
        by_type=monthly_table(session, dimension="type", months=months),
        notices=notices_per_month(session, months=months),
        removals=removals_per_platform(session, months=months),
    )
