"""Issue 6 in a real browser: a live P1 in the queue, its reasons and signals, a referral to JKM,
and need-to-know on the case page (JKM sees the victim's identity, an NGO does not)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
import uuid
from typing import Any

import pytest
from tests.e2e.axe import axe_violations
from tests.e2e.conftest import LiveServer

from perisai.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

VICTIM_NAME = "Aina Contoh (e2e)"
P1_BODY = {
    "incident": {
        "type": "online_enticement",
        "escalation_reason": "child in imminent danger: meeting arranged for tomorrow",
    },
    "reported_accounts": [{"platform": "ExampleChat", "screen_name": "abang_e2e"}],
    "victims": [{"age": 11, "name": VICTIM_NAME}],
    "conversations": [
        {
            "platform": "ExampleChat",
            "messages": [
                {"author": "abang_e2e", "text": "adik umur berapa? sekolah mana?"},
                {"author": "adik_e2e", "text": "11 tahun"},
                {"author": "abang_e2e", "text": "jangan bagitahu mak ayah, rahsia kita ok"},
                {"author": "abang_e2e", "text": "jom jumpa esok lepas sekolah kat taman"},
            ],
        }
    ],
}


def _api_key(server: LiveServer) -> str:
    env = {
        **os.environ,
        "PERISAI_DATABASE_URL": server.database_url,
        "PERISAI_DATA_DIR": str(server.data_dir),
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "perisai.cli",
            "identity",
            "apikey",
            "create",
            "--name",
            "e2e platform",
            "--scopes",
            "reports:submit",
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    key: str = json.loads(done.stdout.strip().splitlines()[-1])["key"]
    return key


def _post(url: str, key: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 - loopback test server
        url,
        data=json.dumps(body or {}).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            "Idempotency-Key": str(uuid.uuid4()),
        },
    )
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
        answer: dict[str, Any] = json.loads(response.read() or b"{}")
        return answer


def _log_in(browser: Any, server: LiveServer, email: str) -> Any:
    page = browser.new_context(locale="en-GB").new_page()
    page.goto(f"{server.url}/login?lang=en")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/app")
    return page


def _answer_referral(page: Any, case_url: str) -> None:
    page.goto(f"{case_url}?lang=en")
    page.click("text=Accept referral")
    page.wait_for_url(f"{case_url}?done=answered")


def test_live_p1_reasons_signals_referral_and_need_to_know(
    live_server: LiveServer, browser: Any
) -> None:
    key = _api_key(live_server)
    analyst = _log_in(browser, live_server, "analyst@demo.perisai.my")
    analyst.goto(f"{live_server.url}/workspace/queue?lang=en")
    analyst.evaluate("window.__notReloaded = true")
    receipt = _post(f"{live_server.url}/api/v1/reports", key, P1_BODY)
    report_id = receipt["report_id"]
    _post(f"{live_server.url}/api/v1/reports/{report_id}/finish", key)

    row = analyst.locator(f'tr[data-report="{report_id}"]')
    row.wait_for()  # enrichment, triage and SSE: the browser default, 120 s (conftest)
    assert analyst.evaluate("window.__notReloaded === true")  # it arrived without a reload
    assert row.locator(".prio").inner_text() == "P1"
    assert report_id in analyst.locator("#queue-status").inner_text()  # announced politely

    row.locator("a").click()
    analyst.wait_for_url(f"**/workspace/reports/{report_id}*")
    reasons = analyst.locator("#reasons li").all_inner_texts()
    assert any(reason.startswith("P1") for reason in reasons), reasons
    assert analyst.locator("mark.signal").count() > 0
    assert VICTIM_NAME not in analyst.content()

    analyst.select_option("#refer-agency", "JKM")
    analyst.fill("#refer-reason", "Victim support: child in imminent danger")
    analyst.click("#refer-form button[type=submit]")
    analyst.wait_for_url("**/workspace/cases/*")
    case_url = analyst.url.split("?")[0]
    assert "JKM" in analyst.locator("#referrals").inner_text()
    # The NGO is referred too, so that it sees the case (but never the victim's identity).
    analyst.select_option("#refer-agency", "NGO")
    analyst.fill("#refer-reason", "Counselling follow-up")
    analyst.click("#case-refer-form button[type=submit]")
    analyst.wait_for_url(f"{case_url}?done=referred")

    jkm = _log_in(browser, live_server, "caseworker@demo.perisai.my")
    jkm.goto(f"{live_server.url}/workspace/cases?lang=en")
    assert case_url.rsplit("/", 1)[1] in jkm.content()
    _answer_referral(jkm, case_url)
    # Masked until a purpose is chosen; the read is audited with it.
    assert VICTIM_NAME not in jkm.content()
    jkm.select_option("#victims-purpose", "support_contact")
    jkm.click("#victims-purpose-form button[type=submit]")
    jkm.wait_for_url("**purpose=support_contact*")
    assert VICTIM_NAME in jkm.locator("#victims").inner_text()

    ngo = _log_in(browser, live_server, "ngo@demo.perisai.my")
    _answer_referral(ngo, case_url)
    assert ngo.locator("#victims-hidden").is_visible()
    assert VICTIM_NAME not in ngo.content()
    for page in (analyst, jkm, ngo):
        page.context.close()


PARAPHRASE_BODY = {
    "incident": {"type": "online_enticement"},
    "reported_accounts": [{"platform": "ExampleChat", "screen_name": "kak_long_e2e"}],
    "victims": [{"age": 13}],
    "conversations": [
        {
            "platform": "ExampleChat",
            "messages": [
                {"author": "kak_long_e2e", "text": "hi dik, how old are u"},
                {"author": "adik_e2e", "text": "13"},
                {"author": "kak_long_e2e", "text": "can u show me ur room"},
                {"author": "adik_e2e", "text": "why"},
                {"author": "kak_long_e2e", "text": "jangan bagi sesiapa baca chat kita"},
            ],
        }
    ],
}


def test_learned_layer_hits_on_the_report_page(live_server: LiveServer, browser: Any) -> None:
    """Enriched by the server's own jobs; the hits are worded, edged and pass axe-core."""
    key = _api_key(live_server)
    report_id = _post(f"{live_server.url}/api/v1/reports", key, PARAPHRASE_BODY)["report_id"]
    _post(f"{live_server.url}/api/v1/reports/{report_id}/finish", key)
    analyst = _log_in(browser, live_server, "analyst@demo.perisai.my")
    url = f"{live_server.url}/workspace/reports/{report_id}?lang=en"
    analyst.goto(url)
    for _ in range(60):  # the page scores live until enrichment has stored its assessment
        if analyst.locator("#reasons li").count():
            break
        analyst.wait_for_timeout(1000)
        analyst.goto(url)
    hits = analyst.locator("li.learned-hit")
    assert hits.count() >= 2
    third = analyst.locator("#c1-m3")
    assert "learned-hit" in (third.get_attribute("class") or "")
    note = analyst.locator("#c1-m3-learned").inner_text()
    assert "reads like a warning sign the word list does not know" in note
    assert third.locator("mark").count() == 0  # a whole message, not a highlighted span
    assert analyst.locator("mark.signal").count() > 0  # the word list's own spans still are
    assert "The learned layer counted" in analyst.locator("#c1-verdict").inner_text()
    assert axe_violations(analyst) == []
    analyst.goto(url.replace("lang=en", "lang=ms"))
    assert "tiada dalam senarai kata" in analyst.locator("#c1-m3-learned").inner_text()
    assert axe_violations(analyst) == []
    analyst.context.close()
