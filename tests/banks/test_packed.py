"""The packed loading path (one binary COPY per signal type, parsed with numpy) yields the same
indexes as reading rows, and refuses a stream it does not understand."""

from __future__ import annotations

import random
import struct
from typing import Any

import numpy as np
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session
from tests.banks.factories import flip_bits, make_bank, make_entry, random_pdq

from perisai.audit.service import SYSTEM
from perisai.banks import indexes as indexes_module
from perisai.banks import packed, service
from perisai.banks.indexes import BankIndexes
from perisai.banks.models import BankEntry as EntryRow
from perisai.media.signals import get_signal_type

RNG = random.Random(44)


def _contents(indexes: BankIndexes) -> dict[str, set[tuple[object, ...]]]:
    """Every index's entries (id, signal where the index keeps it, bank)."""
    out: dict[str, set[tuple[object, ...]]] = {}
    for name, index in indexes.indexes.items():
        holder: Any = getattr(index, "videos", index)  # vPDQ's index keeps its videos inside
        out[name] = {tuple(entry) for entry in holder.entries()}
    return out


def _fill(db: Session) -> dict[str, int]:
    strict, loose, off = make_bank(db, threshold=8), make_bank(db), make_bank(db)
    made: dict[str, int] = {}
    for bank in (strict, loose, off):
        for _ in range(5):
            make_entry(db, bank, random_pdq(RNG))
        made[f"md5-{bank.id}"] = make_entry(
            db, bank, f"{RNG.getrandbits(128):032x}", signal_type="md5"
        ).id
    make_entry(db, loose, f"{RNG.getrandbits(160):040x}", signal_type="sha1")
    make_entry(db, loose, f"{RNG.getrandbits(256):064x}", signal_type="sha256")
    make_entry(db, loose, get_signal_type("vpdq").sample(RNG), signal_type="vpdq")
    made["tmk"] = make_entry(db, loose, get_signal_type("tmk").sample(RNG), signal_type="tmk").id
    quiet = make_entry(db, strict, random_pdq(RNG))
    service.set_entry_enabled(db, actor=SYSTEM, bank=strict, entry=quiet, enabled=False)
    made["disabled"] = quiet.id
    service.update_bank(db, actor=SYSTEM, bank=off, settings=service.BankSettings(enabled=False))
    made["strict"] = strict.id
    return made


def test_the_packed_load_yields_the_same_indexes_as_rows(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _fill(db)
    copied: list[str] = []

    def counted(driver: Any, signal_type: str, code_bytes: int, **options: Any) -> packed.Packed:
        copied.append(signal_type)
        assert options.get("helper") is None  # this transaction wrote: one connection only
        return packed.read_packed(driver, signal_type, code_bytes, **options)

    monkeypatch.setattr(indexes_module, "read_packed", counted)
    fast, rows = BankIndexes(), BankIndexes()
    # 15 PDQ (the disabled one stays out), 3 MD5, SHA-1, SHA-256, vPDQ and TMK.
    assert fast.load(db) == rows.load(db, packed=False) == 15 + 3 + 4
    assert sorted(copied) == ["md5", "pdq", "sha1", "sha256"]  # the fixed-size types
    assert _contents(fast) == _contents(rows)
    assert made["disabled"] not in fast.pdq
    pdq_ids = [e for e, _, _ in fast.pdq.entries()]
    assert len(pdq_ids) == 15
    # Same answers, thresholds per bank included.
    for entry_id, signal, bank in rows.pdq.entries():
        for bits in (0, 6, 12, 30):
            query = flip_bits(signal, bits)
            assert fast.query("pdq", query) == rows.query("pdq", query), (entry_id, bits)
        if bank == str(made["strict"]):
            assert entry_id not in {h.entry_id for h in fast.query("pdq", flip_bits(signal, 12))}
    assert [
        h.entry_id for h in fast.query("tmk", db.get_one(EntryRow, made["tmk"]).signal_body or "")
    ] == [made["tmk"]]


def test_an_empty_bank_table_loads_nothing(db: Session) -> None:
    indexes = BankIndexes()
    indexes.load(db)
    assert len(indexes) == 0 and indexes.loaded


def test_the_batches_page_through_the_table_in_id_order(db: Session) -> None:
    bank, other = make_bank(db), make_bank(db)
    made = [make_entry(db, b, random_pdq(RNG)) for b in (bank, other) * 5]
    make_entry(db, bank, get_signal_type("tmk").sample(RNG), signal_type="tmk")  # not packed
    driver = db.connection().connection.driver_connection
    found = packed.read_packed(driver, "pdq", 32, batch=3)  # ranges of 3 ids, some empty
    assert sorted(found.ids.tolist()) == sorted(e.id for e in made)
    by_id = {e.id: e for e in made}
    assert found.banks.tolist() == [by_id[i].bank_id for i in found.ids.tolist()]
    assert [c.tobytes().hex() for c in found.codes] == [
        by_id[i].signal_key for i in found.ids.tolist()
    ]
    assert len(packed.read_packed(driver, "sha1", 20)) == 0  # no bank holds one


def _columns(rows: list[tuple[int, int, bytes]]) -> tuple[bytes, bytes, bytes]:
    return (
        b"".join(struct.pack(">q", entry) for entry, _, _ in rows),
        b"".join(struct.pack(">i", bank) for _, bank, _ in rows),
        b"".join(code for _, _, code in rows),
    )


def test_columns_parse_into_arrays() -> None:
    rows = [(i * 7 + 1, i % 3, bytes(RNG.getrandbits(8) for _ in range(32))) for i in range(9)]
    found = packed.parse_columns(9, *_columns(rows), 32)
    assert found.ids.tolist() == [r[0] for r in rows]
    assert found.banks.tolist() == [r[1] for r in rows]
    assert [bytes(c) for c in found.codes] == [r[2] for r in rows]
    assert found.codes.dtype == np.uint8 and found.codes.shape == (9, 32)


@pytest.mark.parametrize(
    ("columns", "count"),
    [
        ((b"", b"", b""), 1),
        (_columns([(1, 1, b"\x00" * 31)]), 1),  # a signal of the wrong size
        (_columns([(1, 1, b"\x00" * 32)]), 2),  # fewer entries than counted
        ((*_columns([(1, 1, b"\x00" * 32)])[:2], b"\x00" * 31), 1),  # a cut signal
        ((b"\x00" * 7, *_columns([(1, 1, b"\x00" * 32)])[1:]), 1),  # a cut id
    ],
)
def test_columns_that_do_not_fit_are_refused(
    columns: tuple[bytes, bytes, bytes], count: int
) -> None:
    with pytest.raises(packed.PackedFormatError):
        packed.parse_columns(count, *columns, 32)


_COMMITTED_BANK = """
INSERT INTO bank (name, description, kind, enabled, pdq_threshold, source, created_by, owner,
    shared)
VALUES (:name, 'packed reads', 'positive', true, 31, 'test', 'system', 'agency:SECRETARIAT', true)
RETURNING id
"""
_COMMITTED_ENTRIES = """
INSERT INTO bank_entry (bank_id, signal_type, signal_key, label, category, source, note,
    metadata, added_by, enabled, disabled_reason)
SELECT :bank_id, 'pdq', md5(g::text) || md5((-g)::text), 'packed ' || g, '', 'test', '',
    '{}'::jsonb, 'system', g % 7 <> 0, ''
FROM generate_series(1, 500) AS g
"""


def test_two_connections_read_what_one_reads(engine: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Committed entries (a process starting): the ranges are shared with a second connection,
    and the result is the one connection's, which equals the row load's."""
    with engine.begin() as setup:
        bank_id = setup.execute(text(_COMMITTED_BANK), {"name": "packed-two-readers"}).scalar_one()
        setup.execute(text(_COMMITTED_ENTRIES), {"bank_id": bank_id})
    helpers: list[object] = []

    def recorded(driver: Any, signal_type: str, code_bytes: int, **options: Any) -> packed.Packed:
        helpers.append(options.get("helper"))
        return packed.read_packed(driver, signal_type, code_bytes, **options)

    try:
        with engine.connect() as reader, engine.connect() as second:
            driver = reader.connection.driver_connection
            helper = second.connection.driver_connection
            alone = packed.read_packed(driver, "pdq", 32, batch=37)
            shared = packed.read_packed(driver, "pdq", 32, batch=37, helper=helper)
            assert len(alone) == 500 - 500 // 7  # the disabled ones stay out
            assert shared.ids.tolist() == alone.ids.tolist() == sorted(alone.ids.tolist())
            assert shared.banks.tolist() == alone.banks.tolist()
            assert np.array_equal(shared.codes, alone.codes)
            reader.rollback()
            monkeypatch.setattr(indexes_module, "read_packed", recorded)
            fast, rows = BankIndexes(), BankIndexes()
            assert fast.load(reader) == rows.load(reader, packed=False)
            assert helpers and all(h is not None for h in helpers)  # nothing written: two readers
            assert _contents(fast) == _contents(rows)
    finally:
        with engine.begin() as cleanup:
            cleanup.execute(text("DELETE FROM bank_entry WHERE bank_id = :b"), {"b": bank_id})
            cleanup.execute(text("DELETE FROM bank_change WHERE bank_id = :b"), {"b": bank_id})
            cleanup.execute(text("DELETE FROM bank WHERE id = :b"), {"b": bank_id})
