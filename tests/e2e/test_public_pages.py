"""Every public page, in Malay and English, on a phone and a desktop: the emergency numbers
(999, Talian Kasih 15999) are shown as links, nothing scrolls sideways, and axe-core finds no
violation (issue 15 item 2)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.e2e.axe import axe_violations
from tests.e2e.conftest import LiveServer

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

PUBLIC = {
    "ms": [
        "/login?lang=ms",
        "/lapor",
        "/lapor/status",
        "/semak-chat",
        "/belajar",
        "/umur",
        "/kelas",
    ],
    "en": [
        "/login?lang=en",
        "/report",
        "/report/status",
        "/check-a-chat",
        "/learn",
        "/age-checks",
        "/class",
    ],
}
SCREENS: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}


@pytest.mark.parametrize("screen", ["phone", "desktop"])
@pytest.mark.parametrize("lang", ["ms", "en"])
def test_public_pages_show_the_emergency_numbers(
    live_server: LiveServer, browser: Any, lang: str, screen: str
) -> None:
    context = browser.new_context(locale="ms-MY" if lang == "ms" else "en-GB", **SCREENS[screen])
    page = context.new_page()
    problems: dict[str, list[str]] = {}
    for path in PUBLIC[lang]:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        assert page.locator("html").get_attribute("lang") == lang, path
        strip = page.locator("aside.emergency")
        assert strip.is_visible(), path
        assert strip.locator("a[href='tel:999']").is_visible(), path
        assert strip.locator("a[href='tel:15999']").is_visible(), path
        found = axe_violations(page)
        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
            found.append("scrolls sideways")
        if found:
            problems[path] = found
    assert problems == {}
    context.close()
