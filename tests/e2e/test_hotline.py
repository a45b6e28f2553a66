"""Issue 15 items 1 and 2 in a real browser: the public hotline, in Malay and English, on a
desktop and a phone-sized screen. A reporter sends a report (a link typed without https://, no
category chosen at first, contact details kept through the error), keeps the receipt code,
and follows the report's public stages as staff act on it. axe-core finds no violation on any
state of these pages.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from tests.e2e.axe import axe_violations
from tests.e2e.conftest import LiveServer

from perisai.audit.service import Actor
from perisai.cases import service as cases
from perisai.config import Settings
from perisai.reports.hotline import receipt_code_sha256
from perisai.reports.models import Report
from perisai.runtime import Runtime
from perisai.triage.models import TriageRecord
from perisai.triage.service import mark_reviewed

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
ANALYST = Actor(kind="user", id="1", agency="SECRETARIAT", role="analyst")
WORDS = {
    "ms": {
        "form": "/lapor",
        "status": "/lapor/status",
        "kind_error": "Pilih apa yang anda lihat.",
        "thanks": "Terima kasih. Laporan diterima.",
        "received": "Status: Diterima",
        "referred": "Status: Diserahkan kepada agensi berkaitan",
        "unknown": "Kod tidak dikenali.",
        "bad_url": "bukan alamat laman web",
        "kasih": "Talian Kasih (24 jam):",
    },
    "en": {
        "form": "/report",
        "status": "/report/status",
        "kind_error": "Choose what you saw.",
        "thanks": "Thank you. Report received.",
        "received": "Status: Received",
        "referred": "Status: Passed to the agency responsible",
        "unknown": "Unknown code.",
        "bad_url": "is not a web address",
        "kasih": "Talian Kasih helpline (24 hours):",
    },
}


class Visit:
    """A browser page that runs axe on each state and notes CSP or script errors."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.violations: dict[str, list[str]] = {}
        self.console: list[str] = []
        page.on("console", self._note)

    def _note(self, message: Any) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console.append(message.text)

    def check(self, name: str) -> None:
        found = axe_violations(self.page)
        if found:
            self.violations[name] = found
        sideways = self.page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        if sideways:
            self.violations[name] = [*self.violations.get(name, []), "scrolls sideways"]


@pytest.fixture(params=["desktop", "phone"])
def screen(request: pytest.FixtureRequest) -> dict[str, Any]:
    return PHONE if request.param == "phone" else DESKTOP


def _open(browser: Any, lang: str, screen: dict[str, Any]) -> Iterator[Visit]:
    context = browser.new_context(locale="ms-MY" if lang == "ms" else "en-GB", **screen)
    yield Visit(context.new_page())
    context.close()


def _click(page: Any, selector: str, screen: dict[str, Any]) -> None:
    """Send the form with a tap on a phone, a click elsewhere, and wait for the answer page."""
    with page.expect_navigation():
        if screen.get("has_touch"):
            page.tap(selector)
        else:
            page.click(selector)


def _radios_laid_out_beside_their_words(page: Any) -> None:
    for choice in page.locator(".choices .choice").all():
        radio = choice.locator("input[type=radio]").bounding_box()
        words = choice.locator("span").bounding_box()
        assert radio is not None and words is not None
        assert radio["width"] < 40, "a radio button is drawn as a full-width input"
        assert words["x"] > radio["x"] + radio["width"] - 1, "the words are not beside the radio"
        assert words["y"] < radio["y"] + radio["height"], "the words are not on the radio's line"


def _emergency_numbers_shown(page: Any, lang: str) -> None:
    strip = page.locator("aside.emergency")
    assert strip.is_visible()
    text = strip.inner_text()
    assert "999" in text and "15999" in text and WORDS[lang]["kasih"] in text
    assert page.locator("aside.emergency a[href='tel:999']").count() == 1
    assert page.locator("aside.emergency a[href='tel:15999']").count() == 1


def _wait_for_triage(runtime: Runtime, report_id: int) -> None:
    deadline = time.monotonic() + 180  # the in-process worker triages it; generous under load
    while time.monotonic() < deadline:
        with runtime.db.transaction() as session:
            if session.get(TriageRecord, report_id) is not None:
                return
        time.sleep(0.5)
    raise AssertionError("the report was not triaged within 180 s")


def _staff_act_on(server: LiveServer, code: str) -> None:
    """What staff do (review, open a case, refer it), through the services the pages use."""
    settings = Settings(database_url=server.database_url, data_dir=server.data_dir)
    runtime = Runtime.start(settings)
    try:
        with runtime.db.transaction() as session:
            report = session.scalars(
                select(Report).where(Report.receipt_code_sha256 == receipt_code_sha256(code))
            ).one()
            report_id = report.id
        _wait_for_triage(runtime, report_id)
        with runtime.db.transaction() as session:
            mark_reviewed(session, report_id=report_id, actor=ANALYST)
            case = cases.create_case(
                session, title="Synthetic e2e case", report_ids=[report_id], actor=ANALYST
            )
            cases.refer(session, case_id=case.id, agency="JKM", reason="e2e", actor=ANALYST)
    finally:
        runtime.db.dispose()


@pytest.mark.parametrize("lang", ["ms", "en"])
def test_hotline_round_trip(
    live_server: LiveServer, browser: Any, lang: str, screen: dict[str, Any]
) -> None:
    words = WORDS[lang]
    for visit in _open(browser, lang, screen):
        page = visit.page
        page.goto(f"{live_server.url}{words['form']}")
        assert page.locator("html").get_attribute("lang") == lang
        _emergency_numbers_shown(page, lang)
        assert page.locator("input[name=kind]:checked").count() == 0  # nothing pre-selected
        _radios_laid_out_beside_their_words(page)
        visit.check(f"{words['form']} ({lang})")

        # A link typed as people do, a contact, and no category chosen: refused, nothing lost.
        page.fill("#urls", "contoh.example.com/halaman/1")
        page.fill("#description", "Synthetic e2e test: an adult messaging a pupil.")
        page.locator("details summary").click()
        page.fill("#contact_name", "Saksi Contoh")
        page.fill("#contact_email", "saksi@example.my")
        page.fill("#contact_phone", "012-000 0000")
        _click(page, "button[type=submit]", screen)
        assert page.locator("[role=alert]").inner_text() == words["kind_error"]
        assert page.input_value("#urls") == "contoh.example.com/halaman/1"
        assert page.locator("#contact_email").is_visible()  # the details stay open
        assert page.input_value("#contact_name") == "Saksi Contoh"
        assert page.input_value("#contact_email") == "saksi@example.my"
        assert page.input_value("#contact_phone") == "012-000 0000"
        _radios_laid_out_beside_their_words(page)
        visit.check(f"{words['form']} without a category ({lang})")

        # A line that is not a link is named in the error; the rest stays.
        page.fill("#urls", "contoh.example.com/halaman/1\njavascript:alert(1)")
        page.check("input[name=kind][value=enticement]")
        _click(page, "button[type=submit]", screen)
        assert words["bad_url"] in page.locator("[role=alert]").inner_text()
        assert page.is_checked("input[name=kind][value=enticement]")
        assert page.input_value("#contact_phone") == "012-000 0000"

        page.fill("#urls", "contoh.example.com/halaman/1")
        _click(page, "button[type=submit]", screen)
        assert page.locator("h1").inner_text() == words["thanks"], page.locator("main").inner_text()
        code = page.locator(".receipt-code code").inner_text()
        assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
        _emergency_numbers_shown(page, lang)
        visit.check(f"receipt ({lang})")

        # The status check, from the receipt's link, as typed by a person.
        page.click(f"a[href='{words['status']}']")
        page.wait_for_url(f"{live_server.url}{words['status']}")
        _emergency_numbers_shown(page, lang)
        visit.check(f"{words['status']} ({lang})")
        page.fill("#code", "ZZZZ-ZZZZ-ZZZZ")
        _click(page, "button[type=submit]", screen)
        assert page.locator("[role=alert]").inner_text().startswith(words["unknown"])
        assert page.input_value("#code") == "ZZZZ-ZZZZ-ZZZZ"
        visit.check(f"{words['status']} unknown code ({lang})")
        page.fill("#code", code.lower().replace("-", " "))
        _click(page, "button[type=submit]", screen)
        assert page.url == f"{live_server.url}{words['status']}"
        assert page.locator("#status-now").inner_text() == words["received"]
        visit.check(f"{words['status']} received ({lang})")

        _staff_act_on(live_server, code)
        page.fill("#code", code)
        _click(page, "button[type=submit]", screen)
        assert page.locator("#status-now").inner_text() == words["referred"]
        stages = page.locator("ol.stages li")
        assert stages.count() == 4
        assert page.locator("ol.stages li[aria-current=step]").count() == 1
        # What a person reads: random tokens and nonces (which may spell "P4") are not shown.
        content = re.sub(r'(value|nonce)="[^"]*"', r'\1=""', page.content())
        for internal in ("JKM", "Synthetic e2e case", "P1", "P2", "P3", "P4"):
            assert internal not in content
        visit.check(f"{words['status']} referred ({lang})")

        assert visit.violations == {}
        assert visit.console == []


def test_the_language_link_keeps_the_hotline_page(live_server: LiveServer, browser: Any) -> None:
    for visit in _open(browser, "ms", DESKTOP):
        page = visit.page
        page.goto(f"{live_server.url}/lapor/status")
        page.click("a[hreflang=en]")
        page.wait_for_url(f"{live_server.url}/report/status")
        assert page.locator("h1").inner_text() == "Check a report's status"
