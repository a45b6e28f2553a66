"""Bank service against the real database: the feed, the audit, the constraints."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.banks.factories import make_bank, make_entry, random_pdq

from perisai.audit.models import AuditEntry
from perisai.audit.service import SYSTEM, flush_pending
from perisai.banks import service
from perisai.banks.models import BankChange
from perisai.media.banks import BankEntry

RNG = random.Random(7)


def _actions(db: Session) -> list[str]:
    flush_pending(db)
    return list(db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_adding_an_entry_appends_to_the_feed_and_audits(db: Session) -> None:
    bank = make_bank(db)
    entry = make_entry(db, bank, random_pdq(RNG))
    changes = db.scalars(select(BankChange).order_by(BankChange.id)).all()
    assert [(c.op, c.entry_id) for c in changes[-2:]] == [("bank", None), ("entry", entry.id)]
    assert _actions(db)[-2:] == ["bank.create", "bank.entry.add"]
    assert entry.added_by == "system:perisai"


def test_a_bank_name_is_unique(db: Session) -> None:
    bank = make_bank(db)
    with pytest.raises(service.Conflict, match="exists already"):
        service.create_bank(db, actor=SYSTEM, name=bank.name)


def test_the_same_signal_twice_in_a_bank_is_a_conflict_but_fine_in_another(db: Session) -> None:
    first, second = make_bank(db), make_bank(db)
    pdq = random_pdq(RNG)
    make_entry(db, first, pdq)
    with pytest.raises(service.Conflict, match="already"):
        make_entry(db, first, pdq.upper())  # the same hash in another spelling
    assert make_entry(db, second, pdq).signal_key == pdq


@pytest.mark.parametrize(
    ("signal_type", "signal", "field", "message"),
    [
        ("pdq", "zz" * 32, "signal", "PDQ"),
        ("md5", "abc", "signal", "md5"),
        ("photodna", "x", "signal_type", "cannot be banked"),
        ("nonsense", "x", "signal_type", "cannot be banked"),
        ("vpdq", "[not json", "signal", "vPDQ"),
    ],
)
def test_bad_entries_name_the_field(
    db: Session, signal_type: str, signal: str, field: str, message: str
) -> None:
    bank = make_bank(db)
    with pytest.raises(service.BankProblem, match=message) as caught:
        make_entry(db, bank, signal, signal_type=signal_type)
    assert caught.value.field == field


def test_vpdq_frames_are_stored_as_json_and_exported_back(db: Session) -> None:
    bank = make_bank(db)
    frames = [f"{random_pdq(RNG)},{q},{t}.000" for t, q in ((0, 100), (1, 90))]
    signal = "[" + ",".join(f'"{f}"' for f in frames) + "]"
    row = make_entry(db, bank, signal, signal_type="vpdq")
    assert row.frames is not None and [f["quality"] for f in row.frames] == [100, 90]
    assert len(row.signal_key) == 64
    (exported,) = list(service.export_entries(db, bank=bank))
    assert exported.signal == BankEntry("vpdq", signal).normalized().signal


def test_disable_enable_and_delete_each_feed_and_audit(db: Session) -> None:
    bank = make_bank(db)
    entry = make_entry(db, bank, random_pdq(RNG))
    service.set_entry_enabled(
        db, actor=SYSTEM, bank=bank, entry=entry, enabled=False, reason="noisy: matches stock photo"
    )
    assert entry.disabled_reason == "noisy: matches stock photo"
    service.set_entry_enabled(db, actor=SYSTEM, bank=bank, entry=entry, enabled=True)
    service.delete_entry(db, actor=SYSTEM, bank=bank, entry=entry)
    feed = db.scalars(select(BankChange.entry_id).order_by(BankChange.id.desc()).limit(3)).all()
    assert feed == [entry.id] * 3
    assert _actions(db)[-3:] == ["bank.entry.disable", "bank.entry.enable", "bank.entry.delete"]


def test_entries_page_through_with_a_cursor(db: Session) -> None:
    bank = make_bank(db)
    made = [make_entry(db, bank, random_pdq(RNG)).id for _ in range(5)]
    seen, after = [], 0
    while True:
        rows, cursor = service.entries_page(db, bank=bank, after=after, limit=2)
        seen += [r.id for r in rows]
        if cursor is None:
            break
        after = cursor
    assert seen == made


def test_import_counts_added_duplicates_and_errors_with_lines(db: Session, tmp_path: Path) -> None:
    bank = make_bank(db)
    pdq = random_pdq(RNG)
    csv = tmp_path / "bank.csv"
    csv.write_text(
        "signal_type,signal,label,category,source,note\n"
        f"pdq,{pdq},one,A1,test,\n"
        f"pdq,{pdq},again,A1,test,\n"
        "md5,not-a-hash,bad,A1,test,\n"
        f"md5,{'a' * 32},two,B,test,\n"
    )
    summary = service.import_file(
        db, actor=SYSTEM, bank=bank, path=csv, fmt="csv", max_bytes=1 << 20
    )
    assert (summary.added, summary.duplicates) == (2, 1)
    assert [e["line"] for e in summary.errors] == [4]
    assert "md5" in summary.errors[0]["message"]
    assert _actions(db)[-1] == "bank.import"


def test_import_of_garbage_names_the_problem(db: Session, tmp_path: Path) -> None:
    bank = make_bank(db)
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\xff" * 100)
    with pytest.raises(service.BankProblem):
        service.import_file(db, actor=SYSTEM, bank=bank, path=junk, fmt=None, max_bytes=1 << 20)
    big = tmp_path / "big.csv"
    big.write_text("signal_type,signal\n" + "md5," + "a" * 32 + "\n" * 2000)
    with pytest.raises(service.BankProblem):
        service.import_file(db, actor=SYSTEM, bank=bank, path=big, fmt="csv", max_bytes=1024)


def test_list_banks_counts_entries_and_delete_bank_feeds_each_entry(db: Session) -> None:
    bank = make_bank(db)
    ids = [make_entry(db, bank, random_pdq(RNG)).id for _ in range(3)]
    assert {b.name: n for b, n in service.list_banks(db)}[bank.name] == 3
    assert service.delete_bank(db, actor=SYSTEM, bank=bank) == 3
    tail = db.scalars(select(BankChange).order_by(BankChange.id.desc()).limit(4)).all()
    assert sorted(c.entry_id or 0 for c in tail if c.op == "entry") == ids
    with pytest.raises(service.NotFound):
        service.get_bank(db, name=bank.name)
