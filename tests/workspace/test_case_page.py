"""The case page (issue 15 item 8): forms as the case policy allows, assignment of people,
status and closing with an outcome, reopening, merge and split, a print view, due-date pickers,
notes with author and time, and a confirmation after every action. The report page puts the
facts before the actions."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.identity.factories import make_user
from tests.workspace.factories import csrf_of, log_in, store_report, triage

from perisai.audit.models import AuditEntry
from perisai.audit.service import SYSTEM
from perisai.cases import service as cases
from perisai.cases.models import Case
from perisai.cases.names import CASE_PRINTED
from perisai.runtime import Runtime

WRITE_FORMS = ("note-form", "task-form", "takedown-form", "case-refer-form", "close-form")


def _client(app: FastAPI) -> TestClient:
    return TestClient(app, base_url="https://testserver")


def _post(client: TestClient, url: str, page: str, **data: object) -> str:
    done = client.post(url, data={**data, "csrf_token": csrf_of(page)}, follow_redirects=False)
    assert done.status_code == 303, done.text
    location: str = done.headers["location"]
    return location


def _case(runtime: Runtime, db: Session, reports: int = 1) -> Case:
    stored = [store_report(runtime, db) for _ in range(reports)]
    for report in stored:
        triage(db, report, priority=2)
    return cases.create_case(db, title="t", report_ids=[r.id for r in stored], actor=SYSTEM)


def test_an_ngo_with_a_pending_referral_sees_no_write_form_until_it_accepts(
    app: FastAPI, runtime: Runtime, db: Session
) -> None:
    case = _case(runtime, db)
    cases.refer(db, case_id=case.id, agency="NGO", reason="counselling", actor=SYSTEM)
    url = f"/workspace/cases/{case.public_id}?lang=en"
    with _client(app) as ngo:
        log_in(ngo, runtime, db, role="caseworker", agency="NGO")
        page = ngo.get(url).text
        assert "Accept referral" in page
        for form in (*WRITE_FORMS, "assign-person-form", "merge-form", "status-form"):
            assert f'id="{form}"' not in page, form
        action = re.search(r'action="(/workspace/cases/[^"]+/referrals/\d+)"', page)
        assert action
        location = _post(ngo, action.group(1), page, choice="accept")
        assert location.endswith("?done=answered")
        accepted = ngo.get(location + "&lang=en").text
        assert "Referral answered." in accepted and 'role="status"' in accepted
        assert 'id="note-form"' in accepted and 'id="task-form"' in accepted
        assert 'id="close-form"' not in accepted  # a referred agency never closes the case
        assert 'type="date"' in accepted  # the due date is a date picker


def test_secretariat_assigns_a_person_closes_with_an_outcome_and_reopens(
    app: FastAPI, runtime: Runtime, db: Session
) -> None:
    case = _case(runtime, db)
    investigator, _ = make_user(db, runtime.keyring, role="investigator", agency="PDRM")
    url = f"/workspace/cases/{case.public_id}"
    with _client(app) as desk, _client(app) as boss:
        log_in(desk, runtime, db, role="analyst", agency="SECRETARIAT")
        page = desk.get(f"{url}?lang=en").text
        assert f'<option value="{investigator.id}">' in page  # the person picker
        location = _post(desk, f"{url}/assign", page, user_id=investigator.id)
        assert location.endswith("?done=assigned")
        assigned = desk.get(f"{location}&lang=en").text
        assert "Assignment saved." in assigned
        assert f"PDRM: {investigator.display_name} (Investigator)" in assigned
        location = _post(desk, f"{url}/close", assigned, outcome="arrest")
        closed = desk.get(f"{location}&lang=ms").text
        assert "Kes ditutup." in closed and "Ditutup" in closed and "Tangkapan" in closed
        assert 'id="reopen-form"' not in closed  # an analyst does not reopen
        garbage = desk.post(
            f"{url}/close", data={"outcome": "merged", "csrf_token": csrf_of(closed)}
        )
        assert garbage.status_code == 409 and "text/html" in garbage.headers["content-type"]
        log_in(boss, runtime, db, role="supervisor", agency="SECRETARIAT")
        page = boss.get(f"{url}?lang=en").text
        assert 'id="reopen-form"' in page
        location = _post(boss, f"{url}/reopen", page, reason="new evidence arrived")
        assert "Case reopened." in boss.get(f"{location}&lang=en").text


def test_merge_and_split_from_the_case_page(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    target = _case(runtime, db, reports=2)
    source = _case(runtime, db)
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    url = f"/workspace/cases/{target.public_id}"
    page = client.get(f"{url}?lang=en").text
    location = _post(client, f"{url}/merge", page, sources=source.public_id.lower())
    merged = client.get(f"{location}&lang=en").text
    assert "Cases merged into this one." in merged
    assert merged.count('href="/workspace/reports/R-') == 3
    db.refresh(source)
    assert source.outcome == "merged"
    unseen = client.post(f"{url}/merge", data={"sources": "C-NOPE", "csrf_token": csrf_of(page)})
    assert unseen.status_code == 404
    moved = re.findall(r'name="reports" value="([^"]+)"', merged)[0]
    location = _post(client, f"{url}/split", merged, reports=moved, title="split off")
    assert location.endswith("?done=split") and target.public_id not in location
    new_case = client.get(f"{location}&lang=en").text
    assert moved in new_case and "This new case was split from the original." in new_case
    assert moved not in re.sub(r"<select.*?</select>", "", client.get(url).text, flags=re.S)


def test_notes_show_author_and_time_and_the_print_view_is_audited(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    case = _case(runtime, db)
    user = log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    url = f"/workspace/cases/{case.public_id}"
    page = client.get(url).text
    _post(client, f"{url}/notes", page, body="parents called")
    after = client.get(f"{url}?lang=en").text
    note = re.search(r'<ul id="notes"[^>]*>(.*?)</ul>', after, re.S)
    assert note and user.display_name in note.group(1) and "(SECRETARIAT)" in note.group(1)
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d MYT", note.group(1))
    printed = client.get(f"{url}/print?lang=en")
    assert printed.status_code == 200 and "parents called" in printed.text
    assert '<form method="post" action="/workspace/cases' not in printed.text
    assert printed.headers["cache-control"] == "no-store"
    audited = db.scalars(
        select(AuditEntry.action).where(AuditEntry.object_id == case.public_id)
    ).all()
    assert CASE_PRINTED in audited


def test_report_page_facts_come_before_actions_and_actions_are_confirmed(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    report = store_report(runtime, db)
    triage(db, report, priority=1)
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    url = f"/workspace/reports/{report.public_id}"
    page = client.get(f"{url}?lang=en").text
    assert page.index('id="summary-h"') < page.index('id="actions-h"')
    assert page.index('id="conv-h"') < page.index('id="actions-h"')
    location = _post(client, f"{url}/priority", page, priority="P3", reason="checked: no risk")
    assert location.endswith("?done=overridden")
    after = client.get(f"{location}&lang=en").text
    assert "Priority overridden; your reason heads the list." in after
    first = re.search(r'<ul id="reasons">\s*<li>([^<]+)</li>', after)
    assert first and first.group(1) == "P3: overridden by an analyst: checked: no risk"
    queue = client.get("/workspace/queue?lang=en").text
    assert "P3: overridden by an analyst: checked: no risk" in queue  # the row's new reason
