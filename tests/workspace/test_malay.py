"""The Malay interface is Malay: no translation key, no raw code and no English sentence of the
tables on the main staff pages (a report with real triage reasons and grooming signals, a case
with a referral, a task, a note and a takedown, the queue, the dashboard, the links page)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.workspace.factories import log_in, store_report

from perisai.audit.service import SYSTEM
from perisai.cases import service as cases
from perisai.cases.takedowns import create_takedown
from perisai.enrichment.grooming import score_conversations
from perisai.runtime import Runtime
from perisai.triage.service import override_priority, triage_report
from perisai.web import codes, i18n
from perisai.workspace.reasons import reason_text

KEY = re.compile(r"\b(?:ws|code|reason|error|field|links|home|nav|login|app|totp)\.[a-z0-9_.]+\b")


class _Visible(HTMLParser):
    """The text a person reads: text nodes, and the attributes read aloud or shown on hover."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "alt", "aria-label", "placeholder") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(page: str) -> str:
    parser = _Visible()
    parser.feed(page)
    return "\n".join(parser.parts)


def _raw_codes() -> set[str]:
    """Codes that are never Malay or English words as they are (`online_enticement`, …)."""
    found = set()
    for group in ("incident", "annotation", "signal", "stage", "event", "outcome"):
        found |= {code for code in codes.known_codes(group) if "_" in code or "." in code}
    return found


def _english_sentences() -> set[str]:
    """Registered English texts of three words or more that differ from their Malay."""
    found = set()
    for texts in i18n._MESSAGES.values():
        english = texts["en"]
        if "{" in english or english == texts["ms"] or len(english.split()) < 3:
            continue
        found.add(english)
    return found


def untranslated(page: str) -> list[str]:
    text = visible_text(page)
    problems = [f"key {k}" for k in KEY.findall(text)]
    problems += [
        f"code {c}" for c in sorted(_raw_codes()) if re.search(rf"\b{re.escape(c)}\b", text)
    ]
    problems += [f"English {e!r}" for e in sorted(_english_sentences()) if e in text]
    return problems


def test_main_staff_pages_in_malay_have_no_key_code_or_english(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    report = store_report(runtime, db)
    score_conversations(db, report)
    triage_report(db, report_id=report.id, actor=SYSTEM)
    other = store_report(runtime, db)
    score_conversations(db, other)
    triage_report(db, report_id=other.id, actor=SYSTEM)
    override_priority(
        db, report_id=other.id, priority="P2", reason="disemak: bukan P1", actor=SYSTEM
    )
    case = cases.create_case(db, title="Kes ujian", report_ids=[report.id], actor=SYSTEM)
    cases.refer(db, case_id=case.id, agency="JKM", reason="sokongan mangsa", actor=SYSTEM)
    cases.add_task(db, case_id=case.id, title="hubungi sekolah", due_at=None, actor=SYSTEM)
    cases.add_note(db, case_id=case.id, body="ibu bapa dihubungi", actor=SYSTEM)
    create_takedown(
        db, case_id=case.id, url="https://example.com/p/1", platform="ExampleChat", actor=SYSTEM
    )
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    pages = {
        "queue": "/workspace/queue?lang=ms",
        "report": f"/workspace/reports/{report.public_id}?lang=ms",
        "overridden": f"/workspace/reports/{other.public_id}?lang=ms",
        "case": f"/workspace/cases/{case.public_id}?lang=ms",
        "cases": "/workspace/cases?lang=ms",
        "dashboard": "/workspace/dashboard?lang=ms",
        "links": "/app/links?identifier=abang_baik&kind=username&platform=ExampleChat&lang=ms",
        "links error": "/app/links?identifier=abang&lang=ms",
        "home": "/app?lang=ms",
        "not found": "/workspace/reports/R-NOPE?lang=ms",
    }
    found = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code in (200, 404, 422), (name, response.status_code)
        problems = untranslated(response.text)
        if problems:
            found[name] = problems
    assert found == {}
    # The report's own reasons were worded in Malay, not shown as stored.
    report_page = visible_text(client.get(pages["report"]).text)
    assert "mesej 4" in report_page  # the meeting request, numbered as the conversation shows
    assert "Pujukan dalam talian" in report_page


def test_the_check_itself_catches_keys_codes_and_english() -> None:
    assert untranslated("<p>ws.queue.title</p>") == ["key ws.queue.title"]
    assert untranslated('<p title="online_enticement">x</p>') == ["code online_enticement"]
    assert untranslated("<p>The queue updates live.</p>") == ["English 'The queue updates live.'"]
    assert untranslated("<p>Baris gilir dikemas kini secara langsung.</p>") == []


def test_every_rule_of_triage_is_worded_in_both_languages() -> None:
    from perisai.triage.policy import (
        AiFile,
        Facts,
        GroomingFacts,
        GroomingSignal,
        LinkFact,
        Priority,
        evaluate,
    )

    facts = Facts(
        public_id="R-1",
        incident_type="online_enticement",
        escalation_reason="meeting tomorrow",
        annotations=frozenset({"sextortion", "csam_solicitation", "spam"}),
        victim_ages=(11,),
        has_victim_details=True,
        texts=("saya nak mati",),
        grooming=(
            GroomingFacts(
                0,
                True,
                "approach",
                0.9,
                (
                    GroomingSignal(0, 3, "meeting_request", "approach"),
                    GroomingSignal(0, 2, "threat", "approach"),
                ),
            ),
            GroomingFacts(1, True, "trust", 0.4, (GroomingSignal(1, 0, "flattery", "trust"),)),
        ),
        files=3,
        files_known=1,
        file_annotations=frozenset({"live_streaming"}),
        links=(
            LinkFact("R-2", "phone", "+60123456789", "C-1", Priority.P1),
            LinkFact("R-3", "email", "a@example.com"),
        ),
        duplicate_of="R-4",
        jurisdiction="SG",
        ai_files=(
            AiFile("a.jpg", "signed", "Example signer"),
            AiFile("b.png", "claimed"),
            AiFile("c.jpg", "annotated"),
        ),
    )
    _, reasons = evaluate(facts)
    assert len({r.rule for r in reasons}) >= 12
    for reason in reasons:
        stored = reason.to_dict()
        english, malay = reason_text(stored, "en"), reason_text(stored, "ms")
        assert english == reason.text, (english, reason.text)  # the same words as the API
        assert malay != english or reason.rule == "incident.active", malay
        assert not KEY.search(malay), malay
    ai = next(r for r in reasons if r.rule == "media.ai")
    assert reason_text(ai.to_dict(), "ms").startswith(
        "P1: bahan dijana AI (a.jpg ditandatangani oleh Example signer, mengisytiharkan media "
        "algoritma terlatih; 1 fail didakwa oleh metadata sahaja; 1 fail ditandakan AI generatif "
        "oleh platform): pengenalpastian mangsa"
    )
    meeting = next(r for r in reasons if r.rule == "grooming.meeting")
    assert (
        reason_text(meeting.to_dict(), "ms") == "P1: ajakan berjumpa pada mesej 4 dalam perbualan 1"
    )
