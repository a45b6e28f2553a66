"""Issue #18 in a real browser: a victim record made from the case page, identity masked until a
purpose is chosen, consent recorded, erasure with the id typed again; Malay and English, axe."""

from __future__ import annotations

from typing import Any

import pytest
from tests.e2e.axe import axe_violations
from tests.e2e.conftest import LiveServer
from tests.e2e.test_workspace import _answer_referral, _api_key, _log_in, _post

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

CHILD = "Wirda Sintetik Kasturi (e2e)"
SCHOOL = "SK Contoh Maya (e2e)"
BODY = {
    "incident": {"type": "online_enticement", "escalation_reason": "meeting planned"},
    "reported_accounts": [{"platform": "ExampleChat", "screen_name": "abang_vic_e2e"}],
    "victims": [{"age": 12, "name": CHILD, "school_name": SCHOOL}],
    "conversations": [{"messages": [{"author": "abang_vic_e2e", "text": "umur berapa?"}]}],
}


def _case_from_report(analyst: Any, server: LiveServer, report_id: str) -> str:
    made = analyst.request.post(
        f"{server.url}/api/v1/cases", data={"title": "e2e victim case", "report_ids": [report_id]}
    )
    assert made.status == 201, made.text()
    case_url = f"{server.url}/workspace/cases/{made.json()['public_id']}"
    analyst.goto(f"{case_url}?lang=en")
    analyst.select_option("#case-refer-form #refer-agency", "JKM")
    analyst.fill("#case-refer-form #refer-reason", "victim support")
    analyst.click("#case-refer-form button[type=submit]")
    analyst.wait_for_url(f"{case_url}?done=referred")
    return case_url


def test_victim_record_masked_consent_and_erasure(live_server: LiveServer, browser: Any) -> None:
    key = _api_key(live_server)
    report_id = _post(f"{live_server.url}/api/v1/reports", key, BODY)["report_id"]
    analyst = _log_in(browser, live_server, "analyst@demo.perisai.my")
    case_url = _case_from_report(analyst, live_server, report_id)
    # The triage desk makes the record from the report's victim, without seeing who it is.
    analyst.click(f"form.create-victim:has(input[value='{report_id}']) button")
    analyst.wait_for_url("**/workspace/victims/VIC-*?done=created")
    record_url = analyst.url.split("?")[0]
    assert CHILD not in analyst.content()

    jkm = _log_in(browser, live_server, "caseworker@demo.perisai.my")
    _answer_referral(jkm, case_url)
    jkm.goto(f"{record_url}?lang=en")
    assert jkm.locator("#identity-masked").is_visible() and CHILD not in jkm.content()
    assert axe_violations(jkm) == []
    jkm.select_option("#purpose", "support_contact")
    jkm.click("#purpose-form button[type=submit]")
    jkm.wait_for_url("**purpose=support_contact*")
    assert CHILD in jkm.locator("#identity").inner_text()
    jkm.select_option("#c-group", "school")
    jkm.select_option("#c-agency", "NGO")
    jkm.select_option("#c-giver", "both")
    jkm.select_option("#c-method", "in_person")
    jkm.click("#consent-form button[type=submit]")
    jkm.wait_for_url("**?done=consent")
    assert "NGO" in jkm.locator("#consents").inner_text()
    jkm.goto(f"{record_url}?lang=ms")
    assert "Persetujuan" in jkm.content() and "Tunjukkan identiti" in jkm.content()
    assert axe_violations(jkm) == []

    supervisor = _log_in(browser, live_server, "supervisor@demo.perisai.my")
    supervisor.goto(f"{record_url}?lang=en")
    record_id = record_url.rsplit("/", 1)[1]
    supervisor.fill("#e-confirm", "VIC-WRONG")
    supervisor.click("#erase-form button[type=submit]")
    assert supervisor.locator("#form-error").is_visible()
    supervisor.fill("#e-confirm", record_id)
    supervisor.click("#erase-form button[type=submit]")
    supervisor.wait_for_url("**?done=erased")
    jkm.goto(f"{record_url}?lang=en&purpose=court")
    assert jkm.locator("#erased-note").is_visible() and CHILD not in jkm.content()
    jkm.goto(f"{case_url}?lang=en&purpose=court")
    assert CHILD not in jkm.content() and SCHOOL not in jkm.content()
    for page in (analyst, jkm, supervisor):
        page.context.close()
