"""A person logs in through the real login page in Debian's chromium."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any
from urllib.parse import urlsplit

import pyotp
import pytest
from tests.e2e.axe import axe_violations
from tests.e2e.conftest import LiveServer

from perisai.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

STAFF_PASSWORD = "a long staff password 2026"


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


def _new_staff_user(live_server: LiveServer, email: str) -> str:
    """A real (not demo) account made with the CLI, as an administrator would; its TOTP secret."""
    env = {
        **os.environ,
        "PERISAI_DATABASE_URL": live_server.database_url,
        "PERISAI_DATA_DIR": str(live_server.data_dir),
    }
    made = subprocess.run(
        [
            *(sys.executable, "-m", "perisai.cli", "identity", "user", "create"),
            *("--agency", "PDRM", "--role", "analyst", "--email", email),
            *("--password", STAFF_PASSWORD, "--json"),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    secret: str = json.loads(made.stdout)["totp_secret"]
    return secret


def test_a_staff_account_enrols_and_logs_in_with_its_code_in_malay(
    live_server: LiveServer, browser: Any
) -> None:
    email = "pegawai.totp@pdrm.test.my"
    secret = _new_staff_user(live_server, email)
    page = browser.new_page(locale="ms-MY")
    page.goto(f"{live_server.url}/login")
    page.fill("#email", email)
    page.fill("#password", STAFF_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url.endswith("/login/totp")  # a real account is never let in on a password
    assert page.locator("#totp-title").inner_text() == "Kod pengesahan"
    assert page.locator("code.secret").inner_text().replace(" ", "") == secret  # enrolment
    assert page.locator("img.qr").get_attribute("alt") == "Kod QR untuk aplikasi pengesah"
    assert axe_violations(page) == []
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 1) % 1_000_000:06d}"
    page.fill("#code", wrong)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.locator("#totp-error").inner_text() == "Kod tidak sah."
    page.fill("#code", pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert urlsplit(page.url).path == "/app"
    assert "pegawai.totp (Penganalisis)" in page.locator("#whoami").inner_text()
    page.close()
