"""The report page shows the grooming engine's learned-layer hits as explained evidence: which
message, in Malay and English, apart from the word list's highlighted spans, from the same
assessment as the risk figure; assessments stored before the hits were recorded still show."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.workspace.factories import log_in, store_report

from perisai.enrichment import grooming as grooming_adapter
from perisai.enrichment.grooming import score_conversations
from perisai.enrichment.results import ReportGrooming
from perisai.grooming import Conversation, Message, default_scorer
from perisai.reports.models import Report
from perisai.runtime import Runtime

# The first and third of kak_long's messages are wordings the word list does not know; the
# learned layer reads them as indicators once the age question gives it something to corroborate.
PARAPHRASE_CHAT = [
    {"author": "kak_long", "text": "hi dik, how old are u"},
    {"author": "adik", "text": "13"},
    {"author": "kak_long", "text": "can u show me ur room"},
    {"author": "adik", "text": "why"},
    {"author": "kak_long", "text": "jangan bagi sesiapa baca chat kita"},
]
UNLISTED = {
    "en": "reads like a warning sign the word list does not know",
    "ms": "berbunyi seperti tanda amaran yang tiada dalam senarai kata",
}
ALSO = {"en": "also reads like a warning sign", "ms": "turut berbunyi seperti tanda amaran"}


def _store(runtime: Runtime, db: Session) -> Report:
    return store_report(
        runtime,
        db,
        {
            "incident": {"type": "online_enticement"},
            "conversations": [{"platform": "ExampleChat", "messages": PARAPHRASE_CHAT}],
            "victims": [{"age": 13, "name": "Nur Contoh"}],
        },
    )


def _message(page: str, number: int) -> str:
    found = re.search(rf'<li id="c1-m{number}"[^>]*>(.*?)</li>', page, re.S)
    assert found, number
    return found.group(0)


def _verdict(page: str) -> str:
    found = re.search(r'<p class="conv-verdict" id="c1-verdict">(.*?)</p>', page, re.S)
    assert found
    return html.unescape(found.group(1))


def _page(client: TestClient, report: Report, lang: str) -> str:
    response = client.get(f"/workspace/reports/{report.public_id}?lang={lang}")
    assert response.status_code == 200, response.text
    return response.text


@pytest.mark.parametrize("lang", ["ms", "en"])
def test_stored_learned_hits_are_shown_on_their_messages_apart_from_the_spans(
    client: TestClient, runtime: Runtime, db: Session, lang: str
) -> None:
    report = _store(runtime, db)
    (scored,) = score_conversations(db, report)
    assert scored.learned, "the engine should count the paraphrases"
    hit_messages = {hit["message"] for hit in scored.learned}
    signal_messages = {signal["message"] for signal in scored.signals}
    assert hit_messages - signal_messages, "no hit on a wording the word list does not know"
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    page = _page(client, report, lang)

    for index in range(len(PARAPHRASE_CHAT)):
        shown = _message(page, index + 1)
        if index not in hit_messages:
            assert "learned-hit" not in shown and "learned-note" not in shown
            continue
        assert 'class="learned-hit"' in shown
        hit = next(h for h in scored.learned if h["message"] == index)
        assert f"{hit['probability']:.2f}" in shown
        if index in signal_messages:
            assert ALSO[lang] in shown and '<mark class="signal"' in shown
        else:
            # a learned hit is never a highlighted span: the whole message is the evidence
            assert UNLISTED[lang] in shown and "<mark" not in shown

    # one assessment: the heading counts the word list's signals, the verdict the hits
    counted = sum(1 for s in scored.signals if s["author"] == scored.suspect)
    assert re.search(rf"\b{counted} (isyarat suspek|signals of the suspect)", page)
    worded = "mesej kak_long" if lang == "ms" else "of kak_long's messages"
    assert f"{len(scored.learned)} {worded}" in _verdict(page)


def test_an_assessment_stored_before_hits_were_recorded_says_so_without_rescoring(
    client: TestClient, runtime: Runtime, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = _store(runtime, db)
    (scored,) = score_conversations(db, report)
    scored.learned = None  # as rows written before enrichment_0006 are
    db.flush()

    def no_scoring() -> None:
        raise AssertionError("the page scored the conversation again")

    monkeypatch.setattr(grooming_adapter, "default_scorer", no_scoring)
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    english = _page(client, report, "en")
    assert "learned-hit" not in english and "learned-note" not in english
    assert "stored before the learned layer's hits were recorded" in _verdict(english)
    assert '<mark class="signal"' in english  # the word list's signals are still shown
    malay = _page(client, report, "ms")
    assert "disimpan sebelum hasil lapisan terlatih direkodkan" in _verdict(malay)


def test_malformed_or_out_of_range_stored_hits_are_skipped(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    report = _store(runtime, db)
    db.add(
        ReportGrooming(
            report_id=report.id,
            conversation_index=0,
            risk=0.6,
            flag=True,
            stage="access_rapport",
            suspect="kak_long",
            signals=[
                {
                    "message": 0,
                    "kind": "age_probe",
                    "stage": "access_rapport",
                    "span": [9, 21],
                    "author": "kak_long",
                }
            ],
            learned=[
                {"message": 2, "probability": 0.75},
                {"message": "4", "probability": 0.9},
                {"message": 4},
                {"message": 99, "probability": 0.9},
                {"message": 4, "probability": "high"},
            ],
            model_version="test",
            scored_at=datetime.now(UTC),
        )
    )
    db.flush()
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    page = _page(client, report, "en")
    assert page.count('class="learned-hit"') == 1
    assert UNLISTED["en"] in _message(page, 3) and "0.75" in _message(page, 3)
    assert "The learned layer counted 1 of kak_long's messages" in _verdict(page)


def test_a_conversation_scored_on_the_page_shows_the_hits_of_that_assessment(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    report = _store(runtime, db)  # never enriched: the page scores it once
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    page = _page(client, report, "en")
    expected = default_scorer().score(
        Conversation(id="c0", messages=[Message(m["author"], m["text"]) for m in PARAPHRASE_CHAT])
    )
    assert expected.learned
    shown = {int(n) - 1 for n in re.findall(r'<li id="c1-m(\d+)" class="learned-hit"', page)}
    assert shown == {hit.message for hit in expected.learned}
    assert f"counted {len(expected.learned)} of kak_long's messages" in _verdict(page)


@pytest.mark.parametrize("lang", ["ms", "en"])
def test_late_night_and_bursts_of_the_suspect_are_context_not_risk(
    client: TestClient, runtime: Runtime, db: Session, lang: str
) -> None:
    night = datetime(2026, 3, 1, 23, 10, tzinfo=timezone(timedelta(hours=8)))
    timed = [
        {**message, "sent_at": (night + timedelta(seconds=20 * i)).isoformat()}
        for i, message in enumerate(PARAPHRASE_CHAT)
    ]
    timed[1] = {**timed[1], "sent_at": "2026-03-01T15:00:00+00:00"}  # the child, 23:00 MYT
    report = store_report(
        runtime,
        db,
        {
            "incident": {"type": "online_enticement"},
            "conversations": [{"platform": "ExampleChat", "messages": timed}],
        },
    )
    untimed = _store(runtime, db)
    (scored,) = score_conversations(db, report)
    (plain,) = score_conversations(db, untimed)
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    page = html.unescape(_page(client, report, lang))
    found = re.search(r'<p class="conv-timing" id="c1-timing">(.*?)</p>', page, re.S)
    assert found, "no timing line"
    line = found.group(1)
    if lang == "en":
        assert "3 of kak_long's 3 timed messages were sent late at night" in line
        assert "messages 1, 3, 5." in line  # the child's late reply is not the suspect's
        assert "Bursts of 4 or more messages within 2 minutes" not in line  # 3 messages only
        assert "not counted in the risk figure" in line
    else:
        assert "3 daripada 3 mesej kak_long" in line and "mesej 1, 3, 5." in line
        assert "tidak dikira dalam angka risiko" in line
    assert "conv-timing" not in _page(client, untimed, lang)  # no sent_at: nothing to say
    # display-only here; the engine's own late-night feature is its business (docs/grooming.md)
    assert scored.signals == plain.signals
