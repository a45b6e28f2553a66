"""Issue 15 item 7: the message numbers in the reasons are the numbers the conversation shows,
and the risk figure, the signal count and the highlights come from one assessment and say the
same thing (flagged or not; other participants' signals highlighted but not counted)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.workspace.factories import GROOMING_CHAT, log_in, store_report

from perisai.audit.service import SYSTEM
from perisai.enrichment.grooming import score_conversations
from perisai.enrichment.results import ReportGrooming
from perisai.runtime import Runtime
from perisai.triage.service import triage_report
from perisai.web.codes import code_label


def _message(page: str, conversation: int, number: int) -> str:
    found = re.search(rf'<li id="c{conversation}-m{number}"[^>]*>(.*?)</li>', page, re.S)
    assert found, (conversation, number)
    return found.group(1)


def test_every_message_number_in_the_reasons_points_at_its_signal(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    report = store_report(runtime, db)
    (scored,) = score_conversations(db, report)
    reasons = [r.to_dict() for r in triage_report(db, report_id=report.id, actor=SYSTEM).reasons]
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    for lang in ("ms", "en"):
        page = client.get(f"/workspace/reports/{report.public_id}?lang={lang}").text
        numbered = [r for r in reasons if "message" in (r.get("params") or {})]
        assert numbered, reasons
        for reason in numbered:
            number = reason["params"]["message"]
            worded = "mesej" if lang == "ms" else "message"
            assert f"{worded} {number}" in page
            shown = _message(page, 1, number)
            kinds = [s["kind"] for s in scored.signals if s["message"] == number - 1]
            assert '<mark class="signal' in shown and kinds
            assert any(code_label("signal", k, lang) in shown for k in kinds)
        assert f'<span class="msg-no" aria-hidden="true">{len(GROOMING_CHAT)}</span>' in page


def test_risk_count_and_highlights_agree(client: TestClient, runtime: Runtime, db: Session) -> None:
    report = store_report(runtime, db)
    texts = [str(m["text"]) for m in report.conversations[0]["messages"]]
    db.add(
        ReportGrooming(
            report_id=report.id,
            conversation_index=0,
            risk=0.0,
            flag=False,
            stage="exclusivity_isolation",
            suspect="abang_baik",
            signals=[
                {
                    "message": 2,
                    "kind": "secrecy",
                    "stage": "exclusivity_isolation",
                    "span": [0, 8],
                    "author": "abang_baik",
                },
                {
                    "message": 1,
                    "kind": "age_probe",
                    "stage": "access_rapport",
                    "span": [0, len(texts[1])],
                    "author": "adik",
                },
            ],
            model_version="test",
            scored_at=datetime.now(UTC),
        )
    )
    db.flush()
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    page = client.get(f"/workspace/reports/{report.public_id}?lang=en").text
    assert "risk 0.00, stage exclusivity and isolation, 1 signals of the suspect" in page
    verdict = re.search(r'<p class="conv-verdict" id="c1-verdict">(.*?)</p>', page, re.S)
    assert verdict and verdict.group(1).startswith("Not flagged: signals were found in abang_baik")
    assert "1 other signal(s)" in verdict.group(1)
    assert '<mark class="signal signal-other"' in _message(page, 1, 2)  # the child's words
    assert '<mark class="signal"' in _message(page, 1, 3)  # the suspect's: counted
