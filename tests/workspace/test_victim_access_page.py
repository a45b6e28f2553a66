"""Victim access on the case page (issue #11 item 2): who holds it is listed, the Secretariat or
the agency's own supervisor grants and revokes it with a reason, and nobody else gets the forms."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.workspace.factories import csrf_of, log_in, store_report, triage

from perisai.audit.models import AuditEntry
from perisai.audit.service import SYSTEM
from perisai.cases import service as cases
from perisai.runtime import Runtime


def _client(app: FastAPI) -> TestClient:
    return TestClient(app, base_url="https://testserver")


def test_grant_and_revoke_victim_access_on_the_case_page(
    app: FastAPI, runtime: Runtime, db: Session
) -> None:
    report = store_report(runtime, db)  # a victim named "Nur Contoh"
    triage(db, report, priority=1)
    case = cases.create_case(db, title="t", report_ids=[report.id], actor=SYSTEM)
    cases.assign(db, case_id=case.id, agency="JKM", actor=SYSTEM)
    cases.refer(db, case_id=case.id, agency="NGO", reason="counselling", actor=SYSTEM)
    url = f"/workspace/cases/{case.public_id}"
    with _client(app) as desk, _client(app) as jkm, _client(app) as ngo:
        caseworker = log_in(jkm, runtime, db, role="caseworker", agency="JKM")
        log_in(desk, runtime, db, role="analyst", agency="SECRETARIAT")
        log_in(ngo, runtime, db, role="supervisor", agency="NGO")
        assert "Nur Contoh" not in jkm.get(f"{url}?lang=en").text
        assert 'id="grant-form"' not in jkm.get(f"{url}?lang=en").text
        assert 'id="grant-form"' not in ngo.get(f"{url}?lang=en").text

        page = desk.get(f"{url}?lang=en").text
        assert "Who may see the victims&#39; identity" in page or "victims' identity" in page
        assert f'<option value="{caseworker.id}"' in page
        granted = desk.post(
            f"{url}/victim-access",
            data={
                "user_id": caseworker.id,
                "reason": "contact the family",
                "csrf_token": csrf_of(page),
            },
            follow_redirects=False,
        )
        assert granted.status_code == 303 and granted.headers["location"].endswith("?done=granted")
        masked = jkm.get(f"{url}?lang=ms").text
        assert "Nur Contoh" not in masked and 'id="victims-purpose-form"' in masked
        shown = jkm.get(f"{url}?lang=ms&purpose=support_contact").text
        assert "Nur Contoh" in shown
        assert "contact the family" in shown and "Akses mangsa diberi" in shown  # list, timeline

        # The NGO (not working the case) cannot grant or revoke, even by posting directly.
        page = desk.get(f"{url}?lang=en").text
        revoke = re.search(r'action="(/workspace/cases/[^"]+/victim-access/\d+/revoke)"', page)
        assert revoke
        ngo_page = ngo.get(url).text
        refused = ngo.post(
            revoke.group(1),
            data={"reason": "x", "csrf_token": csrf_of(ngo_page)},
            follow_redirects=False,
        )
        assert refused.status_code == 403
        revoked = desk.post(
            revoke.group(1),
            data={"reason": "moved district", "csrf_token": csrf_of(page)},
            follow_redirects=False,
        )
        assert revoked.status_code == 303
        assert "Nur Contoh" not in jkm.get(f"{url}?lang=en&purpose=support_contact").text
    actions = db.scalars(
        select(AuditEntry.action).where(AuditEntry.object_id == case.public_id)
    ).all()
    assert "case.victim_access_granted" in actions and "case.victim_access_revoked" in actions
