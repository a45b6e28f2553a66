"""Issue 15, staff screens, in a real browser (Debian's chromium), in Malay and English:
errors as pages that keep what was typed, the Malay interface without codes or English, Malaysia
time, deep links after login; axe-core finds no violation on any page visited."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.e2e.axe import axe_violations
from tests.e2e.conftest import LiveServer
from tests.e2e.test_workspace import P1_BODY, _api_key, _post
from tests.workspace.test_malay import untranslated, visible_text

from perisai.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

TIME = re.compile(r"\b20\d\d-\d\d-\d\d \d\d:\d\d MYT\b")
RAW_TIME = re.compile(r"\d\d:\d\d:\d\d\.\d+|\+00:00|\bUTC\b")


def _log_in(browser: Any, server: LiveServer, email: str, locale: str = "ms-MY") -> Any:
    page = browser.new_context(locale=locale).new_page()
    page.goto(f"{server.url}/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/app")
    return page


def _clean(page: Any) -> None:
    violations = axe_violations(page)
    assert violations == [], violations


def _p1_report(server: LiveServer) -> str:
    key = _api_key(server)
    receipt = _post(f"{server.url}/api/v1/reports", key, P1_BODY)
    report_id: str = receipt["report_id"]
    _post(f"{server.url}/api/v1/reports/{report_id}/finish", key)
    return report_id


@pytest.fixture(scope="module")
def p1(live_server: LiveServer, browser: Any) -> str:
    """A P1 report, triaged by the server's own jobs (waited for on the queue page)."""
    report_id = _p1_report(live_server)
    page = _log_in(browser, live_server, "analyst@demo.perisai.my")
    page.goto(f"{live_server.url}/workspace/queue")
    for _ in range(60):
        if page.locator(f'tr[data-report="{report_id}"]').count():
            break
        page.wait_for_timeout(1000)
        page.reload()
    assert page.locator(f'tr[data-report="{report_id}"]').count() == 1
    page.context.close()
    return report_id


def test_main_pages_in_malay_have_no_code_key_or_english_and_show_malaysia_time(
    live_server: LiveServer, browser: Any, p1: str
) -> None:
    page = _log_in(browser, live_server, "supervisor@demo.perisai.my")
    visited = {}
    for path in (
        "/app",
        "/workspace/queue",
        f"/workspace/reports/{p1}",
        "/workspace/cases",
        "/workspace/dashboard",
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("html").get_attribute("lang") == "ms"
        html = page.content()
        assert untranslated(html) == [], (path, untranslated(html))
        assert not RAW_TIME.search(visible_text(html)), path
        _clean(page)
        visited[path] = visible_text(html)
    report = visited[f"/workspace/reports/{p1}"]
    assert "Pujukan dalam talian" in report and "ajakan berjumpa pada mesej 4" in report
    assert TIME.search(report) and TIME.search(visited["/workspace/queue"])
    # The case the report is in, once referred (from the report page, in Malay).
    page.goto(f"{live_server.url}/workspace/reports/{p1}")
    page.select_option("#refer-agency", "JKM")
    page.fill("#refer-reason", "Sokongan mangsa segera")
    page.click("#refer-form button[type=submit]")
    page.wait_for_url("**/workspace/cases/*")
    case_text = visible_text(page.content())
    assert untranslated(page.content()) == []
    assert "Dirujuk" in case_text and "Menunggu jawapan" in case_text
    assert TIME.search(case_text)
    _clean(page)
    # The same pages in English say the same in English.
    page.goto(f"{live_server.url}/workspace/reports/{p1}?lang=en")
    english = visible_text(page.content())
    assert "Online enticement" in english and "meeting request at message 4" in english
    _clean(page)
    page.context.close()


def test_errors_are_pages_in_the_users_language_that_keep_what_was_typed(
    live_server: LiveServer, browser: Any, p1: str
) -> None:
    page = _log_in(browser, live_server, "analyst@demo.perisai.my")
    page.goto(f"{live_server.url}/workspace/reports/R-2026-NOPE")
    assert page.title() == "Tidak dijumpai · Perisai"
    _clean(page)
    page.goto(f"{live_server.url}/workspace/reports/R-2026-NOPE?lang=en")
    assert page.title() == "Not found · Perisai"
    # A reason over the limit (the browser's own limit taken off, as an old browser would).
    page.goto(f"{live_server.url}/workspace/reports/{p1}?lang=ms")
    page.evaluate("document.getElementById('override-reason').removeAttribute('maxlength')")
    typed = "Bukan P1: penyemak sudah menghubungi sekolah. " * 100
    page.fill("#override-reason", typed)
    page.click("#override-form button[type=submit]")
    page.wait_for_selector("#error-title")
    assert page.title() == "Maklumat tidak sah · Perisai"
    assert "terlalu panjang" in page.locator("#error-problems").inner_text()
    kept = page.locator("#error-typed textarea[name=reason]")
    assert kept.input_value() == typed  # nothing they wrote is lost
    _clean(page)
    kept.fill("Bukan P1: penyemak sudah menghubungi sekolah.")
    page.click("#error-typed button[type=submit]")
    page.wait_for_url(f"**/workspace/reports/{p1}")
    assert "penyemak sudah menghubungi sekolah" in page.locator("#reasons").inner_text()
    page.context.close()
    # A JKM caseworker may not open the queue: a page, in Malay, with no link they cannot use.
    jkm = _log_in(browser, live_server, "caseworker@demo.perisai.my")
    jkm.goto(f"{live_server.url}/workspace/queue")
    assert jkm.title() == "Tidak dibenarkan · Perisai"
    _clean(jkm)
    jkm.goto(f"{live_server.url}/workspace/cases")
    assert jkm.locator('a[href="/workspace/queue"]').count() == 0
    jkm.context.close()


def test_a_deep_link_opens_after_login(live_server: LiveServer, browser: Any, p1: str) -> None:
    page = browser.new_context(locale="en-GB").new_page()
    page.goto(f"{live_server.url}/workspace/reports/{p1}?lang=en")
    page.wait_for_url("**/login")
    page.fill("#email", "analyst@demo.perisai.my")
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/workspace/reports/{p1}?lang=en")
    assert p1 in page.locator("h1").inner_text()
    page.context.close()
