"""The dashboard (issue 15 item 9): never a negative time, a time window, the backlog as it
stands, and the SLA targets with the share met."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.workspace.factories import log_in, store_report, triage

from perisai.runtime import Runtime
from perisai.workspace.dashboard import backlog, priority_figures, targets


def _cell(page: str, table: str, priority: int) -> list[str]:
    body = re.search(rf'<table id="{table}">(.*?)</table>', page, re.S)
    assert body, table
    row = re.search(rf'<th scope="row">P{priority}</th>(.*?)</tr>', body.group(1), re.S)
    assert row, (table, priority)
    return [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row.group(1), re.S)
    ]


def test_a_review_stamped_before_receipt_counts_as_no_time_not_a_negative_one(
    runtime: Runtime, db: Session
) -> None:
    triage(db, store_report(runtime, db), priority=1, reviewed_after=timedelta(minutes=-30))
    triage(db, store_report(runtime, db), priority=1, reviewed_after=timedelta(minutes=20))
    (p1,) = priority_figures(db)
    assert p1.review_p50 == 0.0 and p1.review_p90 == 20.0


def test_the_window_narrows_figures_and_the_backlog_is_the_present(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    old = triage(db, store_report(runtime, db), priority=2, review_in=timedelta(minutes=-1))
    old.received_at = datetime.now(UTC) - timedelta(days=40)
    recent = triage(db, store_report(runtime, db), priority=2, reviewed_after=timedelta(minutes=5))
    db.flush()
    now = datetime.now(UTC)
    assert [f.total for f in priority_figures(db, now - timedelta(days=30))] == [1]
    assert [f.total for f in priority_figures(db)] == [2]
    (waiting,) = backlog(db, now)
    assert (waiting.priority, waiting.unreviewed, waiting.review_overdue) == (2, 1, 1)
    assert (
        waiting.oldest_waiting_minutes is not None
        and waiting.oldest_waiting_minutes > 40 * 1440 - 5
    )
    p2 = next(t for t in targets(db, now - timedelta(days=30)) if t.priority == 2)
    assert (p2.review_met, p2.review_done, p2.review_minutes) == (1, 1, 240)
    assert recent.reviewed_at is not None
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    page = client.get("/workspace/dashboard?lang=en&window=30").text
    assert '<option value="30" selected>' in page and "Reports received since" in page
    assert _cell(page, "backlog", 2)[:2] == ["1", "1"]
    assert _cell(page, "targets", 2)[:2] == ["240", "100% (1/1)"]
    assert _cell(page, "targets", 4)[2] == "no target"
    everything = client.get("/workspace/dashboard?lang=ms&window=all").text
    assert '<option value="all" selected>' in everything and "Semua masa" in everything
    assert client.get("/workspace/dashboard?window=<x>").status_code == 200  # the default
    assert "-" not in "".join(re.findall(r"p50: (-?[\d.]+) min", page))
