"""Issue 18, item 6 in a real browser (Debian's chromium): the child opens their own view with the
demo code and secret on a 360-pixel phone, in Malay and English; every state passes axe-core
(WCAG 2.1 A/AA) with zero violations; the page shows what was agreed and nothing that would hurt
if someone else saw the phone; nothing is left on the device."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from tests.e2e.axe import axe_violations
from tests.e2e.conftest import LiveServer

from perisai.demo import DEMO_PASSWORD
from perisai.support.demo import DEMO_CHILD_CODE, DEMO_CHILD_SECRET

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

PHONE = {"viewport": {"width": 360, "height": 740}}
#: Words that must never be on the child's screen (the demo case's chat, its people, the work).
NEVER = (
    "Adam Contoh",
    "kawan_gamer",
    "GameChat",
    "offender",
    "pelaku",
    "police",
    "polis",
    "PDRM",
    "interview",
    "temu duga",
    "Perisai",
    "report",
    "laporan",
)
STORAGE = """async () => ({
  local: localStorage.length, session: sessionStorage.length, cookie: document.cookie,
})"""


@pytest.fixture
def phone(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    context = browser.new_context(locale="ms-MY", **PHONE)
    page = context.new_page()
    yield page
    context.close()


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _open(page: Any, url: str, code: str, secret: str) -> None:
    page.goto(url)
    page.fill("#code", code)
    page.fill("#secret", secret)
    page.click("button[type=submit]")
    page.wait_for_load_state("domcontentloaded")


def test_the_child_opens_their_view_in_malay(phone: Any, live_server: LiveServer) -> None:
    phone.goto(f"{live_server.url}/sokongan")
    assert phone.title() == "Sokongan saya"
    assert axe_violations(phone) == []
    assert _fits(phone)
    _open(phone, f"{live_server.url}/sokongan", DEMO_CHILD_CODE, DEMO_CHILD_SECRET)
    text = phone.inner_text("main")
    assert "Siapa yang membantu anda" in text
    assert "Seseorang untuk anda berbual (kaunselor)" in text
    assert "Temu janji seterusnya" in text and re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d MYT", text)
    assert "Puan Contoh (demo)" in text
    assert "999" in text and "15999" in text
    for word in NEVER:
        assert word.lower() not in phone.inner_text("body").lower(), word
    assert axe_violations(phone) == []
    assert _fits(phone)
    left = phone.evaluate(STORAGE)
    assert left == {"local": 0, "session": 0, "cookie": ""}


def test_the_view_in_english_and_a_wrong_secret(phone: Any, live_server: LiveServer) -> None:
    _open(phone, f"{live_server.url}/support", DEMO_CHILD_CODE.lower(), DEMO_CHILD_SECRET.lower())
    assert "Someone to talk to (a counsellor)" in phone.inner_text("main")
    assert axe_violations(phone) == []
    _open(phone, f"{live_server.url}/support", DEMO_CHILD_CODE, "WRONG-WRONG-WRONG")
    alert = phone.inner_text("[role=alert]")
    assert "The code or secret is not right" in alert
    assert phone.get_attribute("#code", "aria-invalid") == "true"
    assert axe_violations(phone) == []
    assert _fits(phone)


def test_the_language_link_keeps_the_child_on_the_form(phone: Any, live_server: LiveServer) -> None:
    phone.goto(f"{live_server.url}/support")
    assert phone.get_attribute("a[hreflang=ms]", "href") == "/sokongan"
    phone.goto(f"{live_server.url}/support?lang=ms")
    assert phone.url.endswith("/sokongan")
    assert phone.title() == "Sokongan saya"


def _staff(browser: Any, server: LiveServer, email: str, locale: str) -> Any:
    page = browser.new_context(locale=locale).new_page()
    page.goto(f"{server.url}/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/app")
    return page


@pytest.mark.parametrize(
    ("locale", "words"), [("ms-MY", "Pelan sokongan"), ("en-GB", "Support plan")]
)
def test_the_caseworkers_plan_page_passes_axe(
    browser: Any, live_server: LiveServer, locale: str, words: str
) -> None:
    page = _staff(browser, live_server, "caseworker@demo.perisai.my", locale)
    page.goto(f"{live_server.url}/workspace/support")
    assert axe_violations(page) == []
    page.click("#plans a")
    assert words in page.inner_text("h1")
    assert page.locator("#child-code-form").count() == 1
    assert "DEMO-2026-KITA" not in page.content()  # only a hash is kept, nothing to show
    assert axe_violations(page) == []
    page.context.close()


def test_the_counsellor_sees_notes_and_the_dashboard_shows_the_measures(
    browser: Any, live_server: LiveServer
) -> None:
    page = _staff(browser, live_server, "ngo@demo.perisai.my", "en-GB")
    page.goto(f"{live_server.url}/workspace/support")
    page.click("#plans a")
    assert page.locator("section.notes").count() == 1
    assert page.locator("#interviews").count() == 0  # NGOs never see the register
    assert axe_violations(page) == []
    page.context.close()
    boss = _staff(browser, live_server, "supervisor@demo.perisai.my", "en-GB")
    boss.goto(f"{live_server.url}/workspace/dashboard?window=all")
    measures = boss.inner_text("#support-measures")
    assert "Interviews per child" in measures and "1.00" in measures
    assert axe_violations(boss) == []
    boss.context.close()
