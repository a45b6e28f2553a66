"""Out-of-range dates at every edge that takes one (#11): refused with the field named, or dropped.

Report bodies (JSON API, hotline, CyberTipline XML) are covered in tests/reports
(test_validation, test_cybertip); here the other edges: case tasks and takedowns (API and page),
the queue's paging cursor, and times of a chat pasted into the hotline.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.cases.factories import make_case
from tests.cases.test_api import CASES, login
from tests.workspace.factories import csrf_of, log_in, store_report
from tests.workspace.test_cases import _refer

from perisai.reports.hotline_chat import conversation_from_chat
from perisai.runtime import Runtime
from perisai.timebounds import check_due, check_instant, within_window
from perisai.triage.service import TriageError, decode_cursor

FAR = ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-14:00", "1969-12-31T23:59:59Z"]


def test_the_windows() -> None:
    now = datetime(2026, 12, 5, tzinfo=UTC)
    assert check_instant(now, now) == now
    assert check_due(now + timedelta(days=365), now)
    for bad in (datetime(1, 1, 2, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC)):
        with pytest.raises(ValueError, match="between 1970-01-01"):
            check_due(bad, now)
        assert not within_window(bad, now)
    with pytest.raises(ValueError, match="between"):
        check_instant(now + timedelta(days=2), now)  # a past instant may not lie ahead


@pytest.mark.parametrize("value", [*FAR, "2099-01-01T00:00:00+08:00"])
def test_case_task_due_dates_out_of_range_are_422(
    client: TestClient, db: Session, runtime: Runtime, value: str
) -> None:
    case = make_case(db, runtime.keyring)
    login(client, db, runtime, "analyst", "SECRETARIAT")
    response = client.post(
        f"{CASES}/{case.public_id}/tasks", json={"title": "Preserve", "due_at": value}
    )
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["due_at"]


@pytest.mark.parametrize("value", [*FAR, "2099-01-01T00:00:00+08:00"])
def test_takedown_removed_times_out_of_range_are_422(
    client: TestClient, db: Session, runtime: Runtime, value: str
) -> None:
    case = make_case(db, runtime.keyring)
    login(client, db, runtime, "analyst", "SECRETARIAT")
    base = f"{CASES}/{case.public_id}"
    notice = client.post(
        f"{base}/takedowns", json={"url": "https://example.com/p/9", "platform": "ExampleChat"}
    )
    takedown_id = notice.json()["takedowns"][0]["id"]
    response = client.post(f"{base}/takedowns/{takedown_id}/removed", json={"removed_at": value})
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["removed_at"]


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "0001-01-01T00:00:00+08:00"])
def test_case_page_task_due_out_of_range_is_422(
    client: TestClient, runtime: Runtime, db: Session, value: str
) -> None:
    report = store_report(runtime, db)
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    case_url = _refer(client, report.public_id, "PDRM")
    token = csrf_of(client.get(case_url).text)
    bad = client.post(f"{case_url}/tasks", data={"title": "x", "due": value, "csrf_token": token})
    assert bad.status_code == 422


@pytest.mark.parametrize("due", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-14:00"])
def test_a_forged_queue_cursor_with_a_far_time_is_refused(due: str) -> None:
    cursor = base64.urlsafe_b64encode(f"1|{due}|5".encode()).decode().rstrip("=")
    with pytest.raises(TriageError):
        decode_cursor(cursor)


def test_far_times_in_a_pasted_chat_are_dropped_and_the_messages_kept() -> None:
    chat = (
        "[01/01/1901, 10:00:00] Abang: hi adik\n"
        "[31/12/9999, 23:59:59] Abang: jumpa esok?\n"
        "[20/11/2026, 10:00:00] Adik: ok\n"
    )
    messages = conversation_from_chat(chat)["messages"]
    assert [m["text"] for m in messages] == ["hi adik", "jumpa esok?", "ok"]
    assert [m["sent_at"] is None for m in messages] == [True, True, False]
