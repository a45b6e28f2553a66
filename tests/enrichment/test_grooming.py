"""The one grooming adapter: what enrichment stores is what triage would compute, and a report's
conversation reaches the engine in one shape (an author "unknown" where none was given)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session
from tests.workspace.factories import GROOMING_CHAT, store_report

from perisai.enrichment import grooming
from perisai.grooming import GroomingInputError
from perisai.runtime import Runtime


def test_stored_assessments_are_the_fresh_ones(runtime: Runtime, db: Session) -> None:
    report = store_report(runtime, db)
    assert grooming.stored_assessments(db, report.id) is None, "nothing stored before enrichment"
    fresh = grooming.assessments(report)
    (row,) = grooming.score_conversations(db, report)
    db.flush()
    stored = grooming.stored_assessments(db, report.id)
    assert stored is not None
    assert [s["risk"] for s in stored] == [f["risk"] for f in fresh] == [row.risk]
    assert [s["flag"] for s in stored] == [f["flag"] for f in fresh]
    assert [s["stage"] for s in stored] == [f["stage"] for f in fresh]
    assert row.signals, "the grooming chat of the workspace factories has signals"
    assert [len(s["signals"]) for s in stored] == [len(f["signals"]) for f in fresh]


def test_a_conversation_reaches_the_engine_in_one_shape() -> None:
    raw = {"messages": [{"text": "hai"}, {"author": "adik", "text": "hi"}, *GROOMING_CHAT]}
    conversation = grooming.conversation_of("R-2026-ABCDEFGHJK", 3, raw)
    assert conversation.id == "R-2026-ABCDEFGHJK#3"
    assert [m.author for m in conversation.messages[:2]] == ["unknown", "adik"]
    with pytest.raises(GroomingInputError):
        grooming.conversation_of("R-1", 0, {"messages": ["not a message"]})
    assert grooming.assess("R-1", 0, {"messages": ["not a message"]}) is None
