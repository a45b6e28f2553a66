"""TMK is bankable: a ~17 KB signature is kept whole beside a digest key, indexed from the
registry, matched at its threshold, listed and exported as it came in."""

from __future__ import annotations

import hashlib
import random

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from tests.banks.factories import make_bank, make_entry

from perisai.audit.service import SYSTEM
from perisai.banks import service
from perisai.banks.indexes import BankIndexes
from perisai.banks.matching import match
from perisai.banks.models import SIGNAL_KEY_LENGTH, bankable_signal_types
from perisai.media.banks import BankEntry
from perisai.media.signals import get_signal_type, signal_types
from perisai.media.tmk import TmkHash

RNG = random.Random(12)
TMK = get_signal_type("tmk")


def test_every_implemented_registry_type_is_bankable() -> None:
    assert bankable_signal_types() == [s.name for s in signal_types(implemented_only=True)]
    assert "tmk" in bankable_signal_types()
    assert "photodna" not in bankable_signal_types()  # reserved: never computed or matched


def test_a_tmk_entry_keeps_its_signature_whole_under_a_digest_key(db: Session) -> None:
    bank = make_bank(db)
    signature = TMK.sample(RNG)
    assert len(signature) > 16_000  # far beyond a btree key
    entry = make_entry(db, bank, signature, signal_type="tmk")
    db.expire(entry)
    assert len(entry.signal_key) == SIGNAL_KEY_LENGTH
    assert entry.signal_key == hashlib.sha256(entry.signal_body.encode()).hexdigest()  # type: ignore[union-attr]
    assert entry.signal_body == TMK.normalize(signature)
    assert entry.frames is None
    assert service.signal_of(entry) == TMK.normalize(signature)
    # Short signals stay their own key, with no body.
    pdq = make_entry(db, bank, "ab" * 32)
    assert (pdq.signal_key, pdq.signal_body) == ("ab" * 32, None)


def test_the_same_signature_twice_is_a_duplicate(db: Session) -> None:
    bank = make_bank(db)
    signature = TMK.sample(RNG)
    make_entry(db, bank, signature, signal_type="tmk")
    with pytest.raises(service.Conflict):
        make_entry(db, bank, signature, signal_type="tmk")
    summary = service.import_entries(
        db,
        actor=SYSTEM,
        bank=bank,
        entries=[BankEntry("tmk", signature, "again"), BankEntry("tmk", TMK.sample(RNG), "new")],
    )
    assert (summary.added, summary.duplicates) == (1, 1)


def test_export_gives_the_signature_back(db: Session) -> None:
    bank = make_bank(db)
    signature = TMK.sample(RNG)
    make_entry(db, bank, signature, signal_type="tmk", label="clip")
    exported = list(service.export_entries(db, bank=bank))
    assert [(e.signal_type, e.signal, e.label) for e in exported] == [
        ("tmk", TMK.normalize(signature), "clip")
    ]


def test_malformed_or_unknown_signals_name_their_field(db: Session) -> None:
    bank = make_bank(db)
    with pytest.raises(service.BankProblem) as bad_signal:
        make_entry(db, bank, "tmk1:not-base64!", signal_type="tmk")
    assert bad_signal.value.field == "signal"
    with pytest.raises(service.BankProblem) as reserved:
        make_entry(db, bank, "abc", signal_type="photodna")
    assert reserved.value.field == "signal_type"
    assert "tmk" in str(reserved.value)


def test_the_database_refuses_a_body_that_is_not_its_key(db: Session) -> None:
    bank = make_bank(db)
    entry = make_entry(db, bank, TMK.sample(RNG), signal_type="tmk")
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(
            text("UPDATE bank_entry SET signal_key = :key WHERE id = :id"),
            {"key": "0" * 64, "id": entry.id},
        )


def test_tmk_entries_are_indexed_and_matched_at_their_threshold(db: Session) -> None:
    bank = make_bank(db)
    signature = TMK.sample(RNG)
    entry = make_entry(db, bank, signature, signal_type="tmk", label="known clip")
    other = make_entry(db, bank, TMK.sample(RNG), signal_type="tmk")
    indexes = BankIndexes()
    indexes.sync(db)
    assert len(indexes.indexes["tmk"]) == 2
    copy = TMK.variant(signature, RNG)  # a re-encoded copy: close, not equal
    assert copy != TMK.normalize(signature)
    hits = indexes.query("tmk", copy)
    assert [h.entry_id for h in hits] == [entry.id]
    assert 0 <= hits[0].distance <= TMK.default_threshold
    assert other.id not in {h.entry_id for h in indexes.query("tmk", copy)}
    outcome = match(db, indexes, [("tmk", copy)])
    assert outcome.matched
    assert [(m.signal_type, m.entry.label) for m in outcome.matches] == [("tmk", "known clip")]


def test_an_unrelated_video_does_not_match(db: Session) -> None:
    bank = make_bank(db)
    make_entry(db, bank, TMK.sample(RNG), signal_type="tmk")
    indexes = BankIndexes()
    indexes.sync(db)
    # A signature pointing the other way: level-1 cosine -1, far below the 0.7 needed.
    stranger = TmkHash.from_signal(db.scalar(text("SELECT signal_body FROM bank_entry")))
    opposite = TmkHash(-stranger.level1, -stranger.level2).to_signal()
    assert indexes.query("tmk", opposite) == []
    assert not match(db, indexes, [("tmk", opposite)]).matched


def test_tmk_changes_replay_through_the_feed(db: Session) -> None:
    bank = make_bank(db)
    indexes = BankIndexes()
    indexes.sync(db)
    signature = TMK.sample(RNG)
    entry = make_entry(db, bank, signature, signal_type="tmk")
    assert indexes.query("tmk", signature) == []  # not replayed yet
    indexes.sync(db)
    assert [h.entry_id for h in indexes.query("tmk", signature)] == [entry.id]
    service.set_entry_enabled(db, actor=SYSTEM, bank=bank, entry=entry, enabled=False)
    indexes.sync(db)
    assert indexes.query("tmk", signature) == []
