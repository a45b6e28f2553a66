"""Finding things on the queue: priority, status, agency, incident type, a case-insensitive
search of ids, identifiers and text, previous/next pages with a total."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.workspace.factories import log_in, store_report, triage

from perisai.audit.service import SYSTEM
from perisai.cases import service as cases
from perisai.identity.models import Role
from perisai.reports.models import Report
from perisai.runtime import Runtime
from perisai.sharing.redaction import Viewer, ViewerKind
from perisai.triage.service import QueueFilter
from perisai.workspace.queue import queue_page

DESK = Viewer(kind=ViewerKind.USER, agency="SECRETARIAT", role=Role.ANALYST, user_id=1)


def _ids(page: str) -> list[str]:
    return re.findall(r'<tr data-report="([^"]+)"', page)


def _report(runtime: Runtime, db: Session, *, kind: str, phone: str | None = None) -> Report:
    body: dict[str, object] = {"incident": {"type": kind}, "additional_info": f"laporan {kind}"}
    if phone:
        body["reported_accounts"] = [{"platform": "ExampleChat", "phones": [phone]}]
    return store_report(runtime, db, body)


def test_filters_narrow_the_queue_and_search_ignores_case(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    enticement = _report(runtime, db, kind="online_enticement", phone="+60 12-345 6789")
    molestation = _report(runtime, db, kind="child_sexual_molestation")
    tip = _report(runtime, db, kind="misleading_domain_name")
    referred = _report(runtime, db, kind="child_sex_trafficking")
    triage(db, enticement, priority=1)
    triage(db, molestation, priority=2, review_in=timedelta(minutes=-5))  # overdue
    triage(db, tip, priority=4, reviewed_after=timedelta(minutes=1))
    triage(db, referred, priority=3)
    case = cases.create_case(db, title="t", report_ids=[referred.id], actor=SYSTEM)
    cases.refer(db, case_id=case.id, agency="JKM", reason="support", actor=SYSTEM)  # actioned
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")

    def shown(query: str) -> set[str]:
        response = client.get(f"/workspace/queue?lang=en&{query}")
        assert response.status_code == 200, response.text
        return set(_ids(response.text))

    every = {enticement.public_id, molestation.public_id, tip.public_id, referred.public_id}
    assert shown("status=all") == every
    assert shown("") == {enticement.public_id, molestation.public_id}  # the open queue
    assert shown("priority=P1") == {enticement.public_id}
    assert shown("priority=2") == {molestation.public_id}
    assert shown("incident=child_sexual_molestation") == {molestation.public_id}
    assert shown("status=overdue") == {molestation.public_id}
    assert shown("status=reviewed") == {tip.public_id, referred.public_id}
    assert shown("status=all&agency=JKM") == {referred.public_id}
    assert shown("status=all&agency=none") == every - {referred.public_id}
    assert shown(f"status=all&q={enticement.public_id.lower()}") == {enticement.public_id}
    assert shown(f"status=all&q={case.public_id.lower()}") == {referred.public_id}
    assert shown("status=all&q=345 6789") == {enticement.public_id}  # as typed
    assert shown("status=all&q=0123456789") == {enticement.public_id}  # however typed
    assert shown("status=all&q=LAPORAN MISLEADING") == {tip.public_id}  # text, any case
    assert shown("status=all&q=100%25") == set()  # a literal %, not a wildcard
    # Unknown values are ignored, not errors; an over-long search is a page, not a crash.
    assert shown("priority=P9&status=<script>&agency=CIA&incident=nope") == {
        enticement.public_id,
        molestation.public_id,
    }
    too_long = client.get("/workspace/queue?lang=en&q=" + "x" * 201)
    assert too_long.status_code == 422 and "Information not valid" in too_long.text
    # The form shows what was chosen; the live refresh keeps the filters.
    page = client.get("/workspace/queue?lang=en&priority=P2&q=abc").text
    assert '<option value="P2" selected>' in page and 'value="abc"' in page
    refresh = re.search(r'hx-get="([^"]+)"', page)
    assert refresh and "priority=P2" in unescape(refresh.group(1)) and "q=abc" in refresh.group(1)
    rows = client.get(unescape(refresh.group(1)))
    assert rows.status_code == 200 and _ids(rows.text) == []  # "abc" matches nothing
    assert "The queue is empty." in rows.text


def test_previous_and_next_pages_with_a_total(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    stored = [store_report(runtime, db) for _ in range(5)]
    for index, report in enumerate(stored):
        triage(db, report, priority=2, review_in=timedelta(minutes=index))
    ids = [r.public_id for r in stored]
    first = queue_page(db, viewer=DESK, limit=2, count=True)
    assert [r.public_id for r in first.rows] == ids[:2]
    assert (first.total, first.offset, first.prev_cursor) == (5, 0, None)
    second = queue_page(db, viewer=DESK, limit=2, cursor=first.next_cursor, count=True)
    assert [r.public_id for r in second.rows] == ids[2:4] and second.offset == 2
    third = queue_page(db, viewer=DESK, limit=2, cursor=second.next_cursor, count=True)
    assert [r.public_id for r in third.rows] == ids[4:] and third.next_cursor is None
    back = queue_page(db, viewer=DESK, limit=2, before=third.prev_cursor, count=True)
    assert [r.public_id for r in back.rows] == ids[2:4] and back.offset == 2
    assert back.next_cursor is not None
    start = queue_page(db, viewer=DESK, limit=2, before=back.prev_cursor, count=True)
    assert [r.public_id for r in start.rows] == ids[:2] and start.prev_cursor is None
    filtered = queue_page(
        db, viewer=DESK, limit=2, filters=QueueFilter(search=ids[3].lower()), count=True
    )
    assert [r.public_id for r in filtered.rows] == [ids[3]] and filtered.total == 1
    # In the page: "Reports 3–4 of 5", and both links.
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    page = client.get("/workspace/queue?lang=en").text
    assert "Reports 1–5 of 5" in page and 'id="queue-prev"' not in page
    for garbage in ("garbage", "=" * 10, "fHx8"):
        assert client.get(f"/workspace/queue?before={garbage}").status_code == 200


def test_counting_stops_at_the_cap(
    client: TestClient, runtime: Runtime, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from perisai.triage import service as triage_service
    from perisai.workspace import views

    monkeypatch.setattr(triage_service, "COUNT_CAP", 3)
    monkeypatch.setattr(views, "COUNT_CAP", 3)
    for index in range(5):
        triage(db, store_report(runtime, db), priority=2, review_in=timedelta(minutes=index))
    page = queue_page(db, viewer=DESK, limit=2, count=True)
    assert page.total == 4  # the cap and one more: "more than 3"
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    assert "Reports 1–5 of more than 3" in client.get("/workspace/queue?lang=en").text
