from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from tests.workspace.factories import csrf_of, log_in, store_report, triage
from tests.workspace.querycount import count_queries

from perisai.audit.models import AuditEntry
from perisai.runtime import Runtime


def _client(app: FastAPI) -> TestClient:
    return TestClient(app, base_url="https://testserver")


def _refer(client: TestClient, public_id: str, agency: str) -> str:
    page = client.get(f"/workspace/reports/{public_id}")
    done = client.post(
        f"/workspace/reports/{public_id}/refer",
        data={"agency": agency, "reason": "victim support", "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    location: str = done.headers["location"]
    assert location.endswith("?done=referred")  # the case page confirms the referral
    return location.split("?", maxsplit=1)[0]


def _answer(client: TestClient, case_url: str, choice: str) -> None:
    page = client.get(case_url)
    match = re.search(r'action="(/workspace/cases/[^"]+/referrals/\d+)"', page.text)
    assert match, "no referral to answer on the page"
    done = client.post(
        match.group(1),
        data={"choice": choice, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text


def test_refer_to_jkm_then_only_the_accepting_caseworker_sees_the_victim(
    app: FastAPI, runtime: Runtime, db: Session, engine: Engine
) -> None:
    report = store_report(runtime, db)
    triage(db, report, priority=1)
    with _client(app) as analyst, _client(app) as jkm, _client(app) as ngo:
        log_in(analyst, runtime, db, role="analyst", agency="SECRETARIAT")
        log_in(jkm, runtime, db, role="caseworker", agency="JKM")
        log_in(ngo, runtime, db, role="caseworker", agency="NGO")
        case_url = _refer(analyst, report.public_id, "JKM")
        assert ngo.get(case_url).status_code == 404  # not referred: not visible at all
        listed = jkm.get("/workspace/cases")
        assert case_url.rsplit("/", 1)[1] in listed.text
        before = jkm.get(f"{case_url}?lang=en")
        assert "Nur Contoh" not in before.text  # referred, not yet accepted
        assert "Accept referral" in before.text
        _answer(jkm, case_url, "accept")
        masked = jkm.get(f"{case_url}?lang=en")
        assert "Nur Contoh" not in masked.text and 'id="victims-masked"' in masked.text
        with count_queries(engine) as counted:
            after = jkm.get(f"{case_url}?lang=en&purpose=support_contact")
        assert "Nur Contoh" in after.text
        assert counted.count <= 20, counted.statements
        # Issue #11 item 12: pages with victim identity are never cached.
        assert after.headers["cache-control"] == "no-store"
        assert jkm.get("/workspace/cases").headers["cache-control"] == "no-store"
        _refer(analyst, report.public_id, "NGO")
        _answer(ngo, case_url, "accept")
        ngo_page = ngo.get(f"{case_url}?lang=en")
        assert ngo_page.status_code == 200
        assert "Nur Contoh" not in ngo_page.text
        assert 'id="victims-hidden"' in ngo_page.text
        analyst_page = analyst.get(case_url)
        assert "Nur Contoh" not in analyst_page.text
    reads = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "victim.read").order_by(AuditEntry.id)
    ).all()
    assert reads  # JKM's read of the identity was audited, with its purpose
    assert reads[-1].details["purpose"] == "support_contact"


def test_refer_refuses_forged_csrf_and_unknown_agencies(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    report = store_report(runtime, db)
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    page = client.get(f"/workspace/reports/{report.public_id}")
    url = f"/workspace/reports/{report.public_id}/refer"
    forged = client.post(url, data={"agency": "JKM", "reason": "x", "csrf_token": "forged"})
    assert forged.status_code == 403
    token = csrf_of(page.text)
    unknown = client.post(url, data={"agency": "FBI", "reason": "x", "csrf_token": token})
    assert unknown.status_code == 422
    empty = client.post(url, data={"agency": "JKM", "reason": "", "csrf_token": token})
    assert empty.status_code == 422
    huge = client.post(url, data={"agency": "JKM", "reason": "x" * 5000, "csrf_token": token})
    assert huge.status_code == 422


def test_notes_and_tasks_on_the_case_page(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    report = store_report(runtime, db)
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    case_url = _refer(client, report.public_id, "PDRM")
    token = csrf_of(client.get(case_url).text)
    client.post(f"{case_url}/notes", data={"body": "called the platform", "csrf_token": token})
    client.post(
        f"{case_url}/tasks",
        data={"title": "request subscriber info", "due": "2026-12-01", "csrf_token": token},
    )
    bad = client.post(
        f"{case_url}/tasks?lang=ms",
        data={"title": "semak akaun x", "due": "tomorrow-ish", "csrf_token": token},
    )
    # The case page again, the error beside the form in Malay, and what was typed kept.
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("text/html")
    assert "Tarikh akhir mesti tarikh sebenar" in bad.text
    assert 'value="semak akaun x"' in bad.text and 'value="tomorrow-ish"' in bad.text
    page = client.get(f"{case_url}?lang=en")
    assert "called the platform" in page.text
    assert "request subscriber info" in page.text and "2026-12-01" in page.text
    assert "semak akaun x" not in page.text  # the refused task was not added
    assert "Referred" in page.text and "case.referred" not in page.text  # the timeline, in words


def test_task_done_and_takedown_sent_then_removed(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    report = store_report(runtime, db)
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    case_url = _refer(client, report.public_id, "MCMC")
    token = csrf_of(client.get(case_url).text)
    client.post(f"{case_url}/tasks", data={"title": "ask platform", "csrf_token": token})
    bad = client.post(
        f"{case_url}/takedowns",
        data={"url": "ftp://nope.example", "platform": "X", "csrf_token": token},
    )
    assert bad.status_code == 422
    sent = client.post(
        f"{case_url}/takedowns",
        data={"url": "https://example.com/p/1", "platform": "ExampleChat", "csrf_token": token},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    page = client.get(f"{case_url}?lang=en").text
    task_action = re.search(r'action="([^"]+/tasks/\d+/done)"', page)
    removed_action = re.search(r'action="([^"]+/takedowns/\d+/removed)"', page)
    assert task_action and removed_action
    assert client.post(task_action.group(1), data={"csrf_token": token}).status_code == 200
    assert client.post(removed_action.group(1), data={"csrf_token": token}).status_code == 200
    after = client.get(f"{case_url}?lang=en").text
    assert "ExampleChat): Removed" in after
    assert "/done" not in after and "/removed" not in after
    again = client.post(task_action.group(1), data={"csrf_token": token})
    assert again.status_code == 409
    # A task or notice id that is not this case's is not found, whatever exists elsewhere.
    for foreign in (f"{case_url}/tasks/999999999/done", f"{case_url}/takedowns/999999999/removed"):
        assert client.post(foreign, data={"csrf_token": token}).status_code == 404
