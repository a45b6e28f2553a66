"""Reasons name other reports and cases only to viewers who may open them (issue #11 item 12).

Before, a JKM analyst reading its own report saw "same phone … as report R-…" naming a report
in a PDRM-only case, in every outlet: triage API, case API, queue, report page and events.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.cases.test_api import login
from tests.linkage.factories import account, body, make_report

from perisai.audit.service import SYSTEM
from perisai.cases import mentions
from perisai.cases import service as cases
from perisai.reports.models import Report
from perisai.runtime import Runtime
from perisai.sharing.models import OutboxEvent
from perisai.sharing.redaction import Viewer
from perisai.triage.models import TriageRecord
from perisai.triage.service import triage_report


def _linked(db: Session, runtime: Runtime) -> tuple[str, str, str, str]:
    """(hidden report, hidden case, JKM's report, JKM's case): same phone, different cases."""
    phone = "012-888 1234"
    first = make_report(db, runtime.keyring, body(account(user_id="mention-1", phones=[phone])))
    triage_report(db, report_id=first.id, actor=SYSTEM)
    held = cases.create_case(db, title="PDRM only", report_ids=[first.id], actor=SYSTEM)
    cases.assign(db, case_id=held.id, agency="PDRM", actor=SYSTEM)
    second = make_report(db, runtime.keyring, body(account(user_id="mention-2", phones=[phone])))
    mine = cases.create_case(db, title="JKM", report_ids=[second.id], actor=SYSTEM)
    cases.assign(db, case_id=mine.id, agency="JKM", actor=SYSTEM)
    triage_report(db, report_id=second.id, actor=SYSTEM)
    db.flush()
    record = db.get(TriageRecord, second.id)
    assert record is not None
    assert any(first.public_id in r["text"] for r in record.reasons), "precondition: a link"
    return first.public_id, held.public_id, second.public_id, mine.public_id


def test_every_outlet_names_only_openable_reports(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    hidden, hidden_case, report, case = _linked(db, runtime)
    login(client, db, runtime, "analyst", "JKM")
    answers = {
        "triage api": client.get(f"/api/v1/triage/reports/{report}"),
        "case api": client.get(f"/api/v1/cases/{case}"),
        "queue api": client.get("/api/v1/triage/queue"),
        "report page": client.get(f"/workspace/reports/{report}"),
        "queue page": client.get("/workspace/queue"),
    }
    for outlet, answer in answers.items():
        assert answer.status_code == 200, (outlet, answer.status_code)
        assert report in answer.text, outlet
        assert hidden not in answer.text, outlet
        assert hidden_case not in answer.text, outlet
    assert mentions.HIDDEN_REPORT in answers["triage api"].text
    assert answers["triage api"].json()["links"] == []
    event = db.scalars(
        select(OutboxEvent)
        .where(OutboxEvent.type == "report.triaged", OutboxEvent.subject_id == report)
        .order_by(OutboxEvent.id.desc())
    ).first()
    assert event is not None and hidden not in str(event.payload)

    # The Secretariat may open both: it sees the link named.
    login(client, db, runtime, "analyst", "SECRETARIAT")
    assert hidden in client.get(f"/api/v1/triage/reports/{report}").text
    assert hidden in client.get(f"/api/v1/cases/{case}").text


def test_mask_keeps_allowed_ids_and_marks_the_rest() -> None:
    text = "same phone 0128881234 as report R-2026-ABCDEFGHJK in open P1 case C-261205-ABC123"
    assert mentions.refs_in([{"x": [text]}]) == {"R-2026-ABCDEFGHJK", "C-261205-ABC123"}
    masked = mentions.mask({"text": text, "params": {"other": "R-2026-ABCDEFGHJK"}}, set())
    assert masked == {
        "text": "same phone 0128881234 as report R-… in open P1 case C-…",
        "params": {"other": "R-…"},
    }
    assert mentions.mask(text, {"R-2026-ABCDEFGHJK", "C-261205-ABC123"}) == text
    assert mentions.openable(None, Viewer.system(), {"R-x"}) == {"R-x"}  # type: ignore[arg-type]


def _attach_loose(db: Session, runtime: Runtime, case_id: int, reason: str) -> Report:
    """A report in no case, attached to this one with a reason that names another."""
    from tests.triage.factories import make_report as loose_report

    loose = loose_report(db, runtime.keyring)
    cases.attach_report(db, case_id=case_id, report_id=loose.id, reason=reason, actor=SYSTEM)
    db.flush()
    return loose


def test_the_case_view_names_no_case_its_reader_cannot_open(db: Session, runtime: Runtime) -> None:
    """The one case view (the API's and the page's): split from a case JKM no longer works, and
    a report attached "as in case C-…" naming it; JKM reads neither id, the desk reads both."""
    from tests.cases.factories import make_case
    from tests.identity.factories import make_user

    from perisai.cases.views import case_view, load_case
    from perisai.workspace.casepage import case_page_model

    first = make_case(db, runtime.keyring, reports=2)
    cases.assign(db, case_id=first.id, agency="JKM", actor=SYSTEM)
    second = cases.split_case(
        db, case_id=first.id, report_ids=[first.reports[1].report_id], title="b", actor=SYSTEM
    )
    (jkm_on_first,) = [a for a in first.assignments if a.ended_at is None]
    cases.unassign(db, assignment_id=jkm_on_first.id, actor=SYSTEM)
    loose = _attach_loose(db, runtime, second.id, f"same account as in case {first.public_id}")
    reader, _ = make_user(db, runtime.keyring, role="caseworker", agency="JKM")
    loaded = load_case(db, second.public_id)
    assert loaded is not None
    for shown in (
        case_view(db, loaded, Viewer.for_user(reader), timeline=True),
        case_page_model(db, runtime.keyring, loaded, Viewer.for_user(reader)),
    ):
        assert loose.public_id in str(shown)
        assert first.public_id not in str(shown)
        assert mentions.HIDDEN_CASE in str(shown)  # "same account as in case C-…"
    desk = case_view(db, loaded, Viewer.system(), timeline=True)
    assert first.public_id in str(desk)


def test_the_timeline_api_names_no_report_its_reader_cannot_open(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    from tests.cases.factories import make_case

    hidden = make_case(db, runtime.keyring)
    cases.assign(db, case_id=hidden.id, agency="PDRM", actor=SYSTEM)
    hidden_report = db.scalar(
        select(Report.public_id).where(Report.id == hidden.reports[0].report_id)
    )
    assert hidden_report is not None
    mine = make_case(db, runtime.keyring)
    cases.assign(db, case_id=mine.id, agency="JKM", actor=SYSTEM)
    loose = _attach_loose(db, runtime, mine.id, f"same phone 0128881234 as report {hidden_report}")
    login(client, db, runtime, "caseworker", "JKM")
    answer = client.get(f"/api/v1/cases/{mine.public_id}/timeline")
    assert answer.status_code == 200
    assert "case.report_attached" in answer.text and loose.public_id in answer.text
    assert hidden_report not in answer.text
    login(client, db, runtime, "analyst", "SECRETARIAT")
    assert hidden_report in client.get(f"/api/v1/cases/{mine.public_id}/timeline").text
