"""Public statistics: small cells suppressed, also against recomputing them from totals."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session
from tests.triage.factories import make_report

from perisai.audit.service import SYSTEM
from perisai.cases import service as cases
from perisai.cases.takedowns import confirm_removal, create_takedown
from perisai.monitoring import rollups
from perisai.monitoring.rollups import MALAYSIA
from perisai.monitoring.statistics import (
    SUPPRESSED,
    THRESHOLD,
    month_of,
    months_back,
    protect_row,
    public_statistics,
)
from perisai.reports.models import Report
from perisai.runtime import Runtime


@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=10))
def test_no_small_cell_is_shown_nor_recomputable_from_the_total(values: list[int]) -> None:
    cells, total = protect_row(values, sum(values))
    for cell in [*cells, total]:
        if cell.shown != SUPPRESSED:
            assert not 0 < int(cell.shown) < THRESHOLD
            assert int(cell.shown) == cell.value
    hidden = [c for c in cells if c.suppressed]
    if total.shown != SUPPRESSED:
        # With the total published, one hidden cell alone could be recomputed.
        assert len(hidden) != 1


def test_months_back_ends_with_the_current_month() -> None:
    assert months_back(date(2026, 2, 14), 3) == ["2025-12", "2026-01", "2026-02"]


def _seed_counts(db: Session, day: date, per_source: dict[str, int]) -> None:
    from collections import Counter

    counts: Counter[tuple[str, date, int]] = Counter()
    for source, n in per_source.items():
        counts[(f"source:{source}", day, 10)] += n
        counts[("type:online_enticement", day, 10)] += n
        counts[("total", day, 10)] += n
    rollups.apply_counts(db, counts)


def test_a_row_with_one_small_source_hides_a_second_cell(db: Session) -> None:
    today = datetime.now(UTC).astimezone(MALAYSIA).date()
    _seed_counts(db, today, {"hotline": 3, "ncmec": 25, "platform:ExampleChat": 40})
    figures = public_statistics(db, today=today)
    assert figures.months == [month_of(today)], "no month before the first report is shown"
    row = figures.by_source.rows[-1]
    shown = dict(zip(figures.by_source.columns, (c.shown for c in row.cells), strict=True))
    assert shown["hotline"] == SUPPRESSED
    assert shown["ncmec"] == SUPPRESSED, "the next smallest cell hides the small one's value"
    assert shown["platform:ExampleChat"] == "40"
    assert row.total.shown == "68"


def _numbers_in_tables(page: str) -> list[int]:
    cells = re.findall(r"<td>([^<]*)</td>", page)
    return [int(c) for c in cells if c.strip().isdigit()]


def test_the_public_page_never_shows_a_cell_below_10(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    today = datetime.now(UTC).astimezone(MALAYSIA).date()
    _seed_counts(db, today, {"hotline": 1, "ncmec": 9, "platform:GameChat": 10})
    _seed_counts(db, today - timedelta(days=40), {"hotline": 4, "import:x": 2})
    report = make_report(db, runtime.keyring)
    case = cases.create_case(db, title="stats test", report_ids=[report.id], actor=SYSTEM)
    now = datetime.now(UTC)
    for i in range(12):
        notice = create_takedown(
            db,
            case_id=case.id,
            url=f"https://a.example/{i}",
            platform="AppA",
            actor=SYSTEM,
            now=now - timedelta(days=3),
        )
        if i < 11:
            confirm_removal(
                db, takedown_id=notice.id, actor=SYSTEM, removed_at=now - timedelta(days=2)
            )
    for i in range(3):
        create_takedown(
            db,
            case_id=case.id,
            url=f"https://b.example/{i}",
            platform="AppB",
            actor=SYSTEM,
            now=now - timedelta(days=3),
        )
    for path, words in (
        ("/statistik", "Laporan mengikut sumber"),
        ("/statistics", "Reports by source"),
    ):
        page = client.get(path)
        assert page.status_code == 200
        assert words in page.text
        numbers = _numbers_in_tables(page.text)
        assert numbers, "the tables hold figures"
        assert not [n for n in numbers if 0 < n < THRESHOLD], numbers
        assert "&lt;10" in page.text
    english = client.get("/statistics").text
    assert "AppB" not in english, "a platform with 3 notices is only in 'other platforms'"
    assert "24.0" in english, "the median hours to removal of AppA's 11 removals"
    assert db.get(Report, report.id) is not None


def test_public_pages_switch_language_and_cache_briefly(client: TestClient) -> None:
    english = client.get("/statistik?lang=en", follow_redirects=False)
    assert english.status_code == 303 and english.headers["location"] == "/statistics"
    page = client.get("/statistics")
    assert '<html lang="en">' in page.text
    assert page.headers["cache-control"] == "public, max-age=300"
    assert 'href="/statistik"' in page.text
