"""Issue 15 item 11 in a real browser: `/api/v1/docs` shows the API under our strict CSP."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from tests.e2e.axe import axe_violations
from tests.e2e.conftest import LiveServer

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


@pytest.mark.parametrize(("locale", "title"), [("ms-MY", "Dokumentasi API"), ("en-GB", "API doc")])
def test_api_docs_show_every_endpoint_within_the_csp(
    live_server: LiveServer, browser: Any, locale: str, title: str
) -> None:
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    hosts: set[str] = set()
    failed: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc))
    page.goto(f"{live_server.url}/api/v1/docs")
    assert title in page.locator(".apidocs-intro h1").inner_text()
    # Swagger UI has read openapi.json and drawn the operations (the page was blank before).
    page.wait_for_selector(".opblock", timeout=60_000)
    assert page.locator(".opblock").count() >= 10
    assert page.locator(".opblock-summary-path", has_text="/api/v1/reports").count() >= 1
    page.locator(".opblock-summary", has_text="/api/v1/reports").first.click()
    page.wait_for_selector(".opblock-body")
    assert errors == []  # a CSP refusal or a script error shows here
    assert [url for url in failed if not url.endswith("/favicon.ico")] == []
    assert hosts == {urlsplit(live_server.url).netloc}  # nothing from a CDN
    found = axe_violations(page)
    assert found == []
    context.close()
