"""A person logs in through the real login page in Debian's chromium."""

from __future__ import annotations

from typing import Any

import pytest
from tests.e2e.conftest import LiveServer

from perisai.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_demo_analyst_logs_in_and_out(live_server: LiveServer, browser: Any) -> None:
    page = browser.new_page(locale="en-GB")
    page.goto(f"{live_server.url}/app")
    assert page.url.endswith("/login")  # redirected when not logged in
    assert page.locator(".demo-banner").is_visible()
    page.fill("#email", "analyst@demo.perisai.my")
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/app")
    assert "analyst" in page.locator("#whoami").inner_text()
    page.click("text=Log out")
    page.wait_for_url(f"{live_server.url}/login")
    page.close()


def test_wrong_password_shows_an_error_in_malay(live_server: LiveServer, browser: Any) -> None:
    page = browser.new_page(locale="ms-MY")
    page.goto(f"{live_server.url}/login")
    page.fill("#email", "analyst@demo.perisai.my")
    page.fill("#password", "not the password at all")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").inner_text() == "E-mel atau kata laluan salah."
    page.close()
