"""Issue 15 item 16 in a real browser: logging in over plain HTTP on a lab's host name.

Chromium refuses Secure cookies over http:// except on localhost, so the login form's cookie
never comes back and the login used to fail as "the form expired". The page now says that the
cookie needs HTTPS and which setting a lab can change. The lab name is mapped to the local
server by Chromium's host resolver.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from tests.e2e.axe import axe_violations
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, LiveServer

from perisai.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

LAB_HOST = "perisai-lab.example"


@pytest.fixture(scope="module")
def lab_browser(browser: Any) -> Iterator[Any]:
    mapped = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {LAB_HOST} 127.0.0.1"],
    )
    yield mapped
    mapped.close()


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en-GB", ["Secure (HTTPS only)", f"plain HTTP at {LAB_HOST}"]),
        ("ms-MY", ["Secure (HTTPS sahaja)", f"HTTP biasa di {LAB_HOST}"]),
    ],
)
def test_login_over_plain_http_on_a_lab_name_explains_https(
    live_server: LiveServer, lab_browser: Any, locale: str, words: list[str]
) -> None:
    port = urlsplit(live_server.url).port
    context = lab_browser.new_context(locale=locale)
    page = context.new_page()
    page.goto(f"http://{LAB_HOST}:{port}/login")
    page.fill("#email", "analyst@demo.perisai.my")
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    alert = page.locator("[role=alert]").inner_text()
    for expected in words:
        assert expected in alert
    assert "PERISAI_COOKIE_SECURE=false" in alert
    assert page.input_value("#email") == "analyst@demo.perisai.my"
    assert axe_violations(page) == []
    context.close()


def test_login_on_localhost_over_http_still_works(live_server: LiveServer, browser: Any) -> None:
    port = urlsplit(live_server.url).port
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"http://localhost:{port}/login")
    page.fill("#email", "analyst@demo.perisai.my")
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert urlsplit(page.url).path == "/app"
    context.close()


@pytest.mark.parametrize(
    ("path", "words"),
    [("/report", f"plain HTTP at {LAB_HOST}"), ("/lapor", f"HTTP biasa di {LAB_HOST}")],
)
def test_hotline_over_plain_http_on_a_lab_name_explains_https(
    live_server: LiveServer, lab_browser: Any, path: str, words: str
) -> None:
    port = urlsplit(live_server.url).port
    context = lab_browser.new_context()
    page = context.new_page()
    page.goto(f"http://{LAB_HOST}:{port}{path}")
    page.fill("#urls", "example.com/lab")
    page.check("input[name=kind][value=material]")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert words in page.locator("[role=alert]").inner_text()
    assert page.input_value("#urls") == "example.com/lab"  # nothing typed is lost
    assert axe_violations(page) == []
    context.close()
