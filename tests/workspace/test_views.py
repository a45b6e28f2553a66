from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from tests.workspace.factories import csrf_of, log_in, store_report, triage
from tests.workspace.querycount import count_queries

from perisai.audit.models import AuditEntry
from perisai.enrichment import grooming as grooming_adapter
from perisai.enrichment.results import ReportGrooming
from perisai.identity.models import Role
from perisai.reports.models import ReportFile
from perisai.runtime import Runtime
from perisai.sharing.redaction import Viewer, ViewerKind
from perisai.workspace.queue import queue_page


def _analyst(client: TestClient, runtime: Runtime, db: Session) -> None:
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")


def _queue_ids(html: str) -> list[str]:
    return re.findall(r'<tr data-report="([^"]+)"', html)


def test_queue_sorts_by_priority_then_review_due(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    p3 = store_report(runtime, db)
    p1_late = store_report(runtime, db)
    p2 = store_report(runtime, db)
    p1_soon = store_report(runtime, db)
    triage(db, p3, priority=3, review_in=timedelta(minutes=1))
    triage(db, p1_late, priority=1, review_in=timedelta(minutes=14))
    triage(db, p2, priority=2, review_in=timedelta(minutes=2))
    triage(db, p1_soon, priority=1, review_in=timedelta(minutes=-3))
    _analyst(client, runtime, db)
    page = client.get("/workspace/queue?lang=en")
    assert page.status_code == 200
    expected = [p1_soon.public_id, p1_late.public_id, p2.public_id, p3.public_id]
    assert _queue_ids(page.text) == expected
    assert "overdue" in page.text  # p1_soon's review clock has run out
    assert 'aria-live="polite"' in page.text and "<caption>" in page.text
    rows = client.get("/workspace/queue/rows")
    assert _queue_ids(rows.text) == expected
    assert "<html" not in rows.text


def test_queue_pages_with_a_keyset_cursor(runtime: Runtime, db: Session) -> None:
    stored = [store_report(runtime, db) for _ in range(5)]
    for index, report in enumerate(stored):
        triage(db, report, priority=2, review_in=timedelta(minutes=index))
    desk = Viewer(kind=ViewerKind.USER, agency="SECRETARIAT", role=Role.ANALYST, user_id=1)
    first = queue_page(db, viewer=desk, limit=2)
    second = queue_page(db, viewer=desk, limit=2, cursor=first.next_cursor)
    third = queue_page(db, viewer=desk, limit=2, cursor=second.next_cursor)
    assert third.next_cursor is None
    seen = [row.public_id for row in [*first.rows, *second.rows, *third.rows]]
    assert seen == [r.public_id for r in stored]
    for garbage in ("garbage_x_y", "", "fHx8", "=" * 10):
        page = queue_page(db, viewer=desk, limit=2, cursor=garbage)
        assert [r.public_id for r in page.rows] == seen[:2]


def test_queue_query_count_does_not_grow_with_rows(
    client: TestClient, runtime: Runtime, db: Session, engine: Engine
) -> None:
    _analyst(client, runtime, db)
    triage(db, store_report(runtime, db), priority=1)
    with count_queries(engine) as few:
        assert client.get("/workspace/queue").status_code == 200
    for _ in range(20):
        triage(db, store_report(runtime, db), priority=2)
    with count_queries(engine) as many:
        assert client.get("/workspace/queue").status_code == 200
    assert few.count == many.count
    # session, plan setting, the queue itself, and two counts (the total and the page's offset)
    assert many.count <= 5, many.statements


def test_reports_in_no_case_are_the_secretariat_desk_only(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    report = store_report(runtime, db)
    triage(db, report, priority=1)
    log_in(client, runtime, db, role="analyst", agency="PDRM")
    page = client.get("/workspace/queue")
    assert page.status_code == 200
    assert report.public_id not in page.text
    client.cookies.clear()
    log_in(client, runtime, db, role="caseworker", agency="NGO")
    assert client.get("/workspace/queue").status_code == 403


def test_report_page_shows_reasons_and_highlights_without_victim_identity(
    client: TestClient, runtime: Runtime, db: Session, engine: Engine
) -> None:
    report = store_report(runtime, db)
    triage(db, report, priority=1, reasons=["P1: meeting request at message 3"])
    _analyst(client, runtime, db)
    with count_queries(engine) as counted:
        page = client.get(f"/workspace/reports/{report.public_id}?lang=en")
    assert page.status_code == 200
    assert "P1: meeting request at message 3" in page.text
    marks = re.findall(r'<mark class="signal"[^>]*>([^<]+)<', page.text)
    assert marks, "no grooming signal highlighted"
    assert 'id="c1-m3"' in page.text
    assert "Nur Contoh" not in page.text  # the victim's name is sealed and never on this page
    assert "Victims named: 1" in page.text
    assert counted.count <= 12, counted.statements


def test_report_page_shows_the_stored_assessment_without_scoring_again(
    client: TestClient, runtime: Runtime, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = store_report(runtime, db)
    text = str(report.conversations[0]["messages"][0]["text"])
    db.add(
        ReportGrooming(
            report_id=report.id,
            conversation_index=0,
            risk=0.42,
            flag=False,
            stage="rapport",
            signals=[{"message": 0, "kind": "stored_kind", "stage": "rapport", "span": [0, 3]}],
            model_version="test",
            scored_at=datetime.now(UTC),
        )
    )
    db.flush()

    def no_scoring() -> None:
        raise AssertionError("the page scored the conversation again")

    monkeypatch.setattr(grooming_adapter, "default_scorer", no_scoring)
    _analyst(client, runtime, db)
    page = client.get(f"/workspace/reports/{report.public_id}?lang=en")
    assert page.status_code == 200, page.text
    marks = re.findall(r'<mark class="signal"[^>]*>([^<]+)<', page.text)
    assert marks[0] == html.escape(text[:3], quote=False)
    assert "stored_kind" in page.text


def test_report_page_hides_unassigned_reports_from_other_agencies(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    report = store_report(runtime, db)
    log_in(client, runtime, db, role="analyst", agency="PDRM")
    assert client.get(f"/workspace/reports/{report.public_id}").status_code == 404
    assert client.get("/workspace/reports/R-2026-NOPE").status_code == 404


def test_reveal_needs_csrf_and_an_assigned_investigator_and_is_audited(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    report = store_report(runtime, db)
    stored_file = ReportFile(report_id=report.id, name="a.png", blob_path="missing.bin")
    db.add(stored_file)
    db.flush()
    log_in(client, runtime, db, role="investigator", agency="SECRETARIAT")
    page = client.get(f"/workspace/reports/{report.public_id}")
    url = f"/workspace/reports/{report.public_id}/files/{stored_file.id}/reveal"
    assert client.post(url, data={"csrf_token": "forged"}).status_code == 403
    denied = client.post(url, data={"csrf_token": csrf_of(page.text)})
    assert denied.status_code == 403  # in no case: nobody is assigned, nobody may reveal
    actions = db.scalars(
        select(AuditEntry.action).where(AuditEntry.object_id == str(stored_file.id))
    ).all()
    assert "evidence.reveal_denied" in actions
    assert "Reveal" not in page.text and "Dedahkan" not in page.text


def test_dashboard_draws_percentiles_as_svg(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    triage(db, store_report(runtime, db), priority=1, reviewed_after=timedelta(minutes=10))
    triage(db, store_report(runtime, db), priority=1, reviewed_after=timedelta(minutes=30))
    triage(db, store_report(runtime, db), priority=3, review_in=timedelta(hours=1))
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    page = client.get("/workspace/dashboard?lang=en")
    assert page.status_code == 200
    assert page.text.count("<svg") == 4
    assert "p50: 10.0 min" in page.text or "p50: 10 min" in page.text
    assert "p90: 30 min" in page.text
    assert 'style="' not in page.text
    client.cookies.clear()
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    assert client.get("/workspace/dashboard").status_code == 403


def test_dashboard_shows_referral_times_per_agency(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    from perisai.audit.service import SYSTEM
    from perisai.cases import service as cases

    report = store_report(runtime, db)
    triage(db, report, priority=1)
    case = cases.create_case(db, title="t", report_ids=[report.id], actor=SYSTEM)
    cases.refer(db, case_id=case.id, agency="JKM", reason="support", actor=SYSTEM)
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    page = client.get("/workspace/dashboard?lang=en")
    assert page.status_code == 200
    assert page.text.count("<svg") == 4
    row = re.search(r'<th scope="row">JKM</th><td>(\d+)</td>', page.text)
    assert row and row.group(1) == "1"


def test_ip_intelligence_reads_as_words_not_as_the_stored_answer(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    from perisai.enrichment.models import ReportIpIntel

    report = store_report(runtime, db)
    at = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    answer: dict[str, object] = {
        "ip": "203.0.113.7",
        "at": at.isoformat(),
        "asn": 64500,
        "as_org": "Example Transit Sdn Bhd",
        "country": "MY",
        "city": "Kuala Lumpur",
        "flags": {"public_proxy": {"source": "proxies.csv", "date": "2026-11-30T00:00:00+00:00"}},
        "notes": ["seen in 3 earlier reports"],
    }
    failed: dict[str, object] = {"ip": "198.51.100.9", "error": "source unreadable"}
    for index, stored in enumerate((answer, failed)):
        db.add(
            ReportIpIntel(
                report_id=report.id,
                account_index=9,
                event_index=index,
                ip=str(stored["ip"]),
                event="login",
                at=at,
                at_is_event_time=True,
                answer=stored,
                looked_up_at=at,
            )
        )
    db.flush()
    _analyst(client, runtime, db)
    pages = {
        lang: html.unescape(client.get(f"/workspace/reports/{report.public_id}?lang={lang}").text)
        for lang in ("ms", "en")
    }
    for lang, flag, failure, event in (
        ("ms", "Proksi awam", "Carian gagal", "Log masuk"),
        ("en", "Public proxy", "Lookup failed", "Login"),
    ):
        page = pages[lang].split('id="intel-h"', 1)[1]
        assert f"<td>{event}</td>" in page
        assert "Kuala Lumpur, MY" in page and "AS64500 Example Transit Sdn Bhd" in page
        assert flag in page and "proxies.csv, 2026-11-30" in page  # the flag's source on hover
        assert "seen in 3 earlier reports" in page
        assert f"{failure}: source unreadable" in page
        assert "public_proxy" not in page and "'source'" not in page  # no raw answer


def test_linked_reports_say_why_in_the_readers_language(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    """Links are stored with an English reason (the API's); the page words them itself."""
    from tests.reports.factories import example_body

    from perisai.audit.service import SYSTEM
    from perisai.triage.service import triage_report

    first = store_report(runtime, db, example_body())
    triage_report(db, report_id=first.id, actor=SYSTEM)
    second = store_report(runtime, db, example_body())
    triage_report(db, report_id=second.id, actor=SYSTEM)
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    url = f"/workspace/reports/{second.public_id}"
    malay = html.unescape(client.get(f"{url}?lang=ms").text)
    english = html.unescape(client.get(f"{url}?lang=en").text)
    links = malay.split('id="links"', 1)[1].split("</ul>", 1)[0]
    assert f"yang sama seperti laporan {first.public_id}" in links
    assert "as report" not in links
    assert f"as report {first.public_id}" in english.split('id="links"', 1)[1]
