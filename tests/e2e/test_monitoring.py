"""Trend monitoring and public statistics in a real browser, Malay and English, axe-clean; a
hotline report with a state reaches the trend counts through the server's own rollup job."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.e2e.axe import axe_violations
from tests.e2e.conftest import LiveServer
from tests.e2e.test_staff import _log_in
from tests.workspace.test_malay import untranslated

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _clean(page: Any) -> None:
    violations = axe_violations(page)
    assert violations == [], violations


def _today_count(page: Any, server: LiveServer, series_heading: str) -> int:
    """Today's observed count in the table under the chart headed `series_heading` (0 if the
    series has no chart yet)."""
    page.goto(f"{server.url}/workspace/monitoring?lang=en&dimension=state")
    section = page.locator("section.trend", has=page.locator(f"h2:text-is('{series_heading}')"))
    if section.count() == 0:
        return 0
    last_row = section.locator("table.trend-table tbody tr").last
    return int(last_row.locator("td").first.text_content(timeout=5000) or "0")


def test_supervisor_sees_trends_in_both_languages_and_downloads_the_csv(
    live_server: LiveServer, browser: Any
) -> None:
    page = _log_in(browser, live_server, "supervisor@demo.perisai.my")
    page.goto(f"{live_server.url}/workspace/monitoring")
    assert page.locator("h1").inner_text() == "Pemantauan trend"
    assert page.locator("section.trend svg[role=img]").count() >= 3
    assert page.locator("section.trend polygon.band").count() >= 1
    assert untranslated(page.content()) == []
    _clean(page)
    page.locator("section.trend details summary").first.click()
    _clean(page)  # the chart's table, opened
    page.select_option("#dimension", "type")
    page.select_option("#granularity", "hour")
    page.fill("#from", "")
    page.click("#trend-filters button[type=submit]")
    assert "dimension=type" in page.url
    assert page.locator("section.trend").count() >= 1
    _clean(page)
    page.goto(f"{live_server.url}/workspace/monitoring?lang=en&from=not-a-date")
    assert page.locator("#from-error").inner_text() == "Write a date such as 2026-11-30."
    _clean(page)
    page.goto(f"{live_server.url}/workspace/monitoring?lang=en")
    assert page.locator("h1").inner_text() == "Trend monitoring"
    _clean(page)
    with page.expect_download() as download:
        page.click("#csv-link")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("series,label,start_myt,observed,expected,low,high,alert")
    assert "+08:00" in text
    page.context.close()


def test_a_hotline_report_with_a_state_is_counted_by_the_job(
    live_server: LiveServer, browser: Any
) -> None:
    staff = _log_in(browser, live_server, "supervisor@demo.perisai.my")
    before = _today_count(staff, live_server, "Sarawak")
    public = browser.new_context(locale="en-MY").new_page()
    public.goto(f"{live_server.url}/report")
    public.fill("#urls", "https://example.com/monitoring-e2e")
    public.check("input[name=kind][value=enticement]")
    public.select_option("#state", "MY-13")
    public.click("form button[type=submit]")
    assert public.locator("code").count() == 1
    public.context.close()
    # Enrichment, triage, then the minutely rollup job: generous bound, checked every 5 s.
    counted = before
    for _ in range(60):
        counted = _today_count(staff, live_server, "Sarawak")
        if counted > before:
            break
        staff.wait_for_timeout(5000)
    assert counted == before + 1
    staff.context.close()


@pytest.mark.parametrize(
    ("path", "title"), [("/statistik", "Statistik laporan"), ("/statistics", "Report statistics")]
)
def test_public_statistics_are_accessible_and_show_no_small_cell(
    live_server: LiveServer, browser: Any, path: str, title: str
) -> None:
    page = browser.new_context(locale="ms-MY").new_page()
    page.goto(f"{live_server.url}{path}")
    assert page.locator("h1").inner_text() == title
    cells = page.locator("table.stats td").all_inner_texts()
    assert cells, "the demo has figures"
    small = [c for c in cells if c.strip().isdigit() and 0 < int(c) < 10]
    assert small == []
    assert "<10" in cells
    if path == "/statistik":
        assert untranslated(page.content()) == []
    _clean(page)
    page.context.close()
