"""BankIndexes against the test transaction: load, replay, thresholds, enabled flags."""

from __future__ import annotations

import random

from sqlalchemy.orm import Session
from tests.banks.factories import flip_bits, make_bank, make_entry, random_pdq

from perisai.audit.service import SYSTEM
from perisai.banks import service
from perisai.banks.indexes import BankIndexes
from perisai.media.pdq import FrameHash

RNG = random.Random(11)


def _ids(indexes: BankIndexes, signal_type: str, signal: str) -> list[int]:
    return [m.entry_id for m in indexes.query(signal_type, signal)]


def test_load_then_sync_sees_every_signal_type(db: Session) -> None:
    bank = make_bank(db)
    pdq = make_entry(db, bank, random_pdq(RNG))
    indexes = BankIndexes()
    indexes.sync(db)  # loads first
    assert _ids(indexes, "pdq", pdq.signal_key) == [pdq.id]
    md5 = make_entry(db, bank, "ab" * 16, signal_type="md5")
    sha1 = make_entry(db, bank, "cd" * 20, signal_type="sha1")
    sha256 = make_entry(db, bank, "ef" * 32, signal_type="sha256")
    assert _ids(indexes, "md5", "ab" * 16) == []  # not yet replayed
    assert indexes.sync(db) == 3
    assert _ids(indexes, "md5", "AB" * 16) == [md5.id]
    assert _ids(indexes, "sha1", "cd" * 20) == [sha1.id]
    assert _ids(indexes, "sha256", "ef" * 32) == [sha256.id]
    assert indexes.sync(db) == 0


def test_per_bank_threshold_and_distance(db: Session) -> None:
    strict, loose = make_bank(db, threshold=10), make_bank(db, threshold=40)
    base = random_pdq(RNG)
    in_strict = make_entry(db, strict, base)
    in_loose = make_entry(db, loose, base)
    indexes = BankIndexes()
    indexes.sync(db)
    hits = indexes.query("pdq", flip_bits(base, 20))
    assert [(h.entry_id, h.distance) for h in hits] == [(in_loose.id, 20)]
    assert {h.entry_id for h in indexes.query("pdq", flip_bits(base, 10))} == {
        in_strict.id,
        in_loose.id,
    }
    service.update_bank(
        db, actor=SYSTEM, bank=strict, settings=service.BankSettings(pdq_threshold=25)
    )
    indexes.sync(db)
    assert len(indexes.query("pdq", flip_bits(base, 20))) == 2


def test_disabled_entries_and_banks_do_not_match(db: Session) -> None:
    bank = make_bank(db)
    entry = make_entry(db, bank, random_pdq(RNG))
    indexes = BankIndexes()
    indexes.sync(db)
    service.set_entry_enabled(db, actor=SYSTEM, bank=bank, entry=entry, enabled=False)
    indexes.sync(db)
    assert _ids(indexes, "pdq", entry.signal_key) == []
    service.set_entry_enabled(db, actor=SYSTEM, bank=bank, entry=entry, enabled=True)
    service.update_bank(db, actor=SYSTEM, bank=bank, settings=service.BankSettings(enabled=False))
    indexes.sync(db)
    assert _ids(indexes, "pdq", entry.signal_key) == []
    service.update_bank(db, actor=SYSTEM, bank=bank, settings=service.BankSettings(enabled=True))
    indexes.sync(db)
    assert _ids(indexes, "pdq", entry.signal_key) == [entry.id]
    service.delete_entry(db, actor=SYSTEM, bank=bank, entry=entry)
    indexes.sync(db)
    assert _ids(indexes, "pdq", entry.signal_key) == []
    assert len(indexes) == 0


def test_a_deleted_bank_takes_its_entries_out(db: Session) -> None:
    bank = make_bank(db)
    entries = [make_entry(db, bank, random_pdq(RNG)) for _ in range(3)]
    indexes = BankIndexes()
    indexes.sync(db)
    assert len(indexes) == 3
    service.delete_bank(db, actor=SYSTEM, bank=bank)
    indexes.sync(db)
    assert len(indexes) == 0
    assert _ids(indexes, "pdq", entries[0].signal_key) == []


def test_video_entries_match_with_percentages(db: Session) -> None:
    bank = make_bank(db)
    frames = [FrameHash(float(t), random_pdq(RNG), 100) for t in range(5)]
    signal = "[" + ",".join(f'"{f.pdq},{f.quality},{f.t:.3f}"' for f in frames) + "]"
    entry = make_entry(db, bank, signal, signal_type="vpdq")
    indexes = BankIndexes()
    indexes.sync(db)
    (hit,) = indexes.query("vpdq", frames[:4])
    assert (hit.entry_id, hit.query_match_pct, hit.bank_match_pct) == (entry.id, 100.0, 80.0)


def test_initial_load_works_in_batches(db: Session) -> None:
    bank = make_bank(db)
    made = {make_entry(db, bank, random_pdq(RNG)).id for _ in range(7)}
    indexes = BankIndexes()
    assert indexes.load(db, batch=3, packed=False) == 7  # rows, three at a time
    assert indexes.load(db, batch=3) == 0  # once only
    assert {e for e, _, _ in indexes.pdq.entries()} == made


def test_the_indexes_are_the_media_registrys_signal_types() -> None:
    """One index per implemented type of the registry (TMK too), none hard-coded here."""
    from perisai.media.signals import get_signal_type, signal_types

    indexes = BankIndexes()
    names = {s.name for s in signal_types(implemented_only=True)}
    assert set(indexes.indexes) == names and "tmk" in names
    assert "photodna" not in indexes.indexes  # a reserved slot has no index
    for name, index in indexes.indexes.items():
        assert type(index) is type(get_signal_type(name).new_index())
