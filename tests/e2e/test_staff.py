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


@pytest.fixture(scope="module")
def p1_case(live_server: LiveServer, browser: Any, p1: str) -> str:
    """The P1 report referred to JKM from its page (in Malay): the case's address."""
    page = _log_in(browser, live_server, "analyst@demo.perisai.my")
    page.goto(f"{live_server.url}/workspace/reports/{p1}")
    page.select_option("#refer-agency", "JKM")
    page.fill("#refer-reason", "Sokongan mangsa segera")
    page.click("#refer-form button[type=submit]")
    page.wait_for_url("**/workspace/cases/*?done=referred")
    assert page.locator("#done").inner_text() == "Rujukan dihantar."
    _clean(page)
    case_url: str = page.url.split("?")[0]
    page.context.close()
    return case_url


def test_main_pages_in_malay_have_no_code_key_or_english_and_show_malaysia_time(
    live_server: LiveServer, browser: Any, p1: str, p1_case: str
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
    page.goto(f"{live_server.url}/workspace/reports/{p1}")
    assert page.locator("#c1-m4 mark.signal").count() > 0  # "message 4" is the one numbered 4
    assert page.locator("#c1-verdict").inner_text().startswith(("Ditanda", "Tidak ditanda"))
    assert TIME.search(report) and TIME.search(visited["/workspace/queue"])
    # The case the report is in, once referred (from the report page, in Malay).
    page.goto(p1_case)
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
    page.wait_for_url(f"**/workspace/reports/{p1}?done=overridden")
    assert page.locator("#done").is_visible()
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


def test_queue_search_filters_and_pages(live_server: LiveServer, browser: Any, p1: str) -> None:
    for locale, count in (("ms-MY", "Laporan 1–1 daripada 1"), ("en-GB", "Reports 1–1 of 1")):
        page = _log_in(browser, live_server, "analyst@demo.perisai.my", locale=locale)
        page.goto(f"{live_server.url}/workspace/queue")
        page.fill("#f-q", p1.lower())  # any case
        page.select_option("#f-status", "all")
        page.click("#queue-filter button[type=submit]")
        page.wait_for_url("**/workspace/queue?*q=*")
        assert page.locator("tr[data-report]").count() == 1
        assert page.locator(f'tr[data-report="{p1}"]').count() == 1
        assert page.locator("#queue-count").inner_text() == count
        assert page.locator("#f-q").input_value() == p1.lower()  # the form keeps the search
        _clean(page)
        page.select_option("#f-priority", "P4")
        page.click("#queue-filter button[type=submit]")
        page.wait_for_url("**/workspace/queue?*priority=P4*")
        assert page.locator(f'tr[data-report="{p1}"]').count() == 0
        page.context.close()


def test_case_page_actions_are_confirmed_and_follow_the_case_policy(
    live_server: LiveServer, browser: Any, p1_case: str
) -> None:
    page = _log_in(browser, live_server, "supervisor@demo.perisai.my")
    page.goto(p1_case)
    page.fill("#note-body", "Ibu bapa telah dihubungi.")
    page.click("#note-form button[type=submit]")
    page.wait_for_url("**?done=note")
    assert page.locator("#done").inner_text() == "Catatan ditambah."
    notes = page.locator("#notes").inner_text()
    assert "Mei Ling (supervisor)" in notes and "Ibu bapa telah dihubungi." in notes
    assert TIME.search(notes)
    page.fill("#task-title", "Hubungi sekolah")
    page.fill("#task-due", "2026-12-31")  # the date picker
    page.click("#task-form button[type=submit]")
    page.wait_for_url("**?done=task")
    assert "2026-12-31" in page.locator("#tasks").inner_text()
    page.select_option("#assign-user", label="Insp. Rahman (investigator) (Penyiasat)")
    page.click("#assign-person-form button[type=submit]")
    page.wait_for_url("**?done=assigned")
    assert "Insp. Rahman (investigator)" in page.locator("#assignments").inner_text()
    _clean(page)
    page.click("#print-link")
    page.wait_for_url("**/print")
    assert page.locator("form[method=post][action*='/workspace/cases/']").count() == 0
    _clean(page)
    page.goto(p1_case)
    # Referred to the NGO too: it may answer, nothing else, until it accepts.
    page.select_option("#refer-agency", "NGO")
    page.fill("#refer-reason", "Kaunseling susulan")
    page.click("#case-refer-form button[type=submit]")
    page.wait_for_url("**?done=referred")
    ngo = _log_in(browser, live_server, "ngo@demo.perisai.my", locale="en-GB")
    ngo.goto(f"{p1_case}?lang=en")
    assert ngo.locator("text=Accept referral").count() == 1
    for form in ("#note-form", "#task-form", "#takedown-form", "#case-refer-form", "#close-form"):
        assert ngo.locator(form).count() == 0, form
    _clean(ngo)
    ngo.context.close()
    page.goto(p1_case)
    page.select_option("#close-outcome", "victim_supported")
    page.click("#close-form button[type=submit]")
    page.wait_for_url("**?done=closed")
    assert page.locator("#case-status").inner_text() == "Ditutup"
    assert page.locator("#case-outcome").inner_text() == "Mangsa dibantu"
    _clean(page)
    page.context.close()


def test_dashboard_window_backlog_targets_and_the_auditors_log(
    live_server: LiveServer, browser: Any, p1: str
) -> None:
    page = _log_in(browser, live_server, "supervisor@demo.perisai.my")
    page.goto(f"{live_server.url}/workspace/dashboard")
    page.select_option("#window", "7")
    page.click("#window-form button[type=submit]")
    page.wait_for_url("**/workspace/dashboard?window=7*")
    assert "7 hari lepas" in page.locator("#window option[selected]").inner_text()
    assert page.locator("#backlog").is_visible() and page.locator("#targets").is_visible()
    values = page.locator("svg text").evaluate_all("els => els.map(e => e.textContent)")
    assert not [v for v in values if re.search(r"-\d", v or "")], values  # no negative time
    assert untranslated(page.content()) == []
    _clean(page)
    page.context.close()
    for locale, intact in (("ms-MY", "Rantaian utuh"), ("en-GB", "The chain is intact")):
        auditor = _log_in(browser, live_server, "auditor@demo.perisai.my", locale=locale)
        auditor.goto(f"{live_server.url}/workspace/audit")
        auditor.click("#verify-form button[type=submit]")
        auditor.wait_for_url("**/workspace/audit?verified=1")
        assert intact in auditor.locator("#chain-status").inner_text()
        auditor.fill("#a-action", "case.")
        auditor.click("#audit-search button[type=submit]")
        auditor.wait_for_url("**/workspace/audit?*action=case.*")
        actions = auditor.locator("#audit-log tbody code").all_inner_texts()
        assert actions and all(a.startswith("case.") for a in actions)
        _clean(auditor)
        auditor.context.close()


def test_admin_manages_accounts_and_a_person_resets_with_the_code(
    live_server: LiveServer, browser: Any
) -> None:
    admin = _log_in(browser, live_server, "admin@demo.perisai.my")
    admin.goto(f"{live_server.url}/workspace/users")
    _clean(admin)
    admin.fill("#u-q", "teacher@demo")
    admin.click("#users-search button[type=submit]")
    admin.wait_for_url("**/workspace/users?*q=teacher*")
    admin.click("#users tbody a")
    admin.wait_for_url("**/workspace/users/*")
    _clean(admin)
    admin.click("#active-form button[type=submit]")
    admin.wait_for_url("**?done=disabled")
    assert "Dinyahaktifkan" in admin.locator("#user-state").inner_text()
    admin.click("#active-form button[type=submit]")
    admin.wait_for_url("**?done=enabled")
    admin.click("#password-form button[type=submit]")
    admin.wait_for_selector("#reset-code")
    code = admin.locator("#reset-code").inner_text()
    _clean(admin)
    admin.context.close()
    for locale in ("en-GB",):
        person = browser.new_context(locale=locale).new_page()
        person.goto(f"{live_server.url}/login")
        person.click("#reset-link")
        person.wait_for_url("**/login/reset")
        _clean(person)
        person.fill("#reset-email", "teacher@demo.perisai.my")
        person.fill("#reset-code", code)
        person.fill("#reset-password", "a brand new password")
        person.fill("#reset-password-again", "a brand new password")
        person.click("#reset-form button[type=submit]")
        person.wait_for_url("**/login?reset=1")
        assert person.locator("#login-reset-done").is_visible()
        person.fill("#email", "teacher@demo.perisai.my")
        person.fill("#password", "a brand new password")
        person.click("button[type=submit]")
        person.wait_for_url(f"{live_server.url}/app")
        person.context.close()


def test_the_links_page_in_both_languages_passes_axe(
    live_server: LiveServer, browser: Any, p1: str
) -> None:
    """The links tool, the one staff page no other browser test opened: its answer and its form
    error (worded for a person, not as CLI options) in Malay and English, axe clean."""
    words = {
        "ms": ("Pautan pengecam", "pilih Jenis"),
        "en": ("Identifier links", "choose its Kind"),
    }
    for locale, lang in (("ms-MY", "ms"), ("en-GB", "en")):
        title, kind_error = words[lang]
        page = _log_in(browser, live_server, "analyst@demo.perisai.my", locale=locale)
        page.goto(
            f"{live_server.url}/app/links?identifier=abang_e2e&kind=username"
            f"&platform=ExampleChat&lang={lang}"
        )
        assert page.locator("h1").inner_text() == title
        assert p1 in visible_text(page.content())  # the P1 report names that account
        if lang == "ms":  # no key, raw code or English sentence on the Malay page
            assert untranslated(page.content()) == []
        _clean(page)
        page.goto(f"{live_server.url}/app/links?identifier=abang&lang={lang}")
        error = page.locator("#links-error").inner_text()
        assert kind_error in error and "--kind" not in error
        assert page.locator("#identifier").input_value() == "abang"  # what was typed stays
        _clean(page)
        page.context.close()
