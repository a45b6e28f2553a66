"""Self-reports through the service on real PostgreSQL: banked as self-report entries, held
when benign or bulk, status counts, withdrawal, review."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.banks.factories import make_bank, make_entry
from tests.spread.factories import image_hashes, submit, video_hashes

from perisai.audit.models import AuditEntry
from perisai.audit.service import SYSTEM, flush_pending
from perisai.banks import matching
from perisai.banks import service as banks
from perisai.banks.indexes import BankIndexes
from perisai.banks.models import BankEntry as EntryRow
from perisai.crypto import Keyring, load_or_create_key
from perisai.runtime import Runtime
from perisai.spread import demo, service
from perisai.spread.models import HoldReason, SelfReport, SelfReportHash

RNG = random.Random(17)


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return Keyring(load_or_create_key(tmp_path / "master.key"))


def _entries(db: Session, report: SelfReport) -> list[EntryRow]:
    ids = db.scalars(
        select(SelfReportHash.bank_entry_id).where(SelfReportHash.report_id == report.id)
    )
    return [db.get_one(EntryRow, i) for i in ids if i is not None]


def _matched(db: Session, kind: str, signal: str) -> list[str]:
    indexes = BankIndexes()
    indexes.sync(db)
    outcome = matching.match(db, indexes, [(kind, signal)])
    return [m.entry.source for m in outcome.matches]


def test_a_picture_is_banked_as_self_report_and_matchable_at_once(
    db: Session, keyring: Keyring
) -> None:
    picture = image_hashes(RNG)
    done = submit(db, keyring, [picture])
    assert done.report.state == "active"
    assert done.report.code.startswith("HS-") and len(done.report.code) == 11
    assert len(done.secret) >= 20
    assert done.report.secret_sha256 != done.secret  # only its digest is stored
    entries = _entries(db, done.report)
    assert {e.signal_type for e in entries} == {"md5", "sha256", "pdq"}
    assert all(e.source == "self-report" and e.enabled for e in entries)
    bank = service.self_report_bank(db)
    assert (bank.kind, bank.source) == ("positive", "self-report")
    # The task force's bank, shared: every platform may read it and match against it.
    assert (bank.owner, bank.shared) == (banks.TASK_FORCE_OWNER, True)
    assert _matched(db, "pdq", picture["pdq"]) == ["self-report"]
    assert _matched(db, "md5", picture["md5"]) == ["self-report"]


def test_a_video_is_banked_as_vpdq_and_a_featureless_pdq_is_not_banked(
    db: Session, keyring: Keyring
) -> None:
    done = submit(db, keyring, [video_hashes(RNG), image_hashes(RNG, quality=20)])
    kinds = sorted(e.signal_type for e in _entries(db, done.report))
    assert kinds == ["md5", "md5", "sha256", "sha256", "vpdq"]


def test_a_hash_in_a_negative_bank_holds_the_report_with_its_entries_disabled(
    db: Session, keyring: Keyring
) -> None:
    picture = image_hashes(RNG)
    benign = make_bank(db, kind="negative")
    make_entry(db, benign, picture["pdq"])
    done = submit(db, keyring, [picture])
    assert (done.report.state, done.report.hold_reason) == ("held", "negative_bank")
    entries = _entries(db, done.report)
    assert entries and not any(e.enabled for e in entries)
    assert all("held for review" in e.disabled_reason for e in entries)
    assert _matched(db, "md5", picture["md5"]) == []
    assert [r.code for r in service.held_reports(db)] == [done.report.code]
    service.release(db, actor=SYSTEM, report=done.report)
    assert done.report.state == "active"
    assert _matched(db, "md5", picture["md5"]) == ["self-report"]
    with pytest.raises(service.SpreadProblem):
        service.release(db, actor=SYSTEM, report=done.report)


def test_bulk_from_one_source_is_held_and_another_source_is_not(
    db: Session, keyring: Keyring
) -> None:
    source = "b" * 64
    for _ in range(service.BULK_FILES_PER_DAY // 10):
        first = submit(db, keyring, [image_hashes(RNG) for _ in range(10)], source=source)
        assert first.report.state == "active"
    bulk = submit(db, keyring, [image_hashes(RNG)], source=source)
    assert (bulk.report.state, bulk.report.hold_reason) == ("held", "bulk")
    other = submit(db, keyring, [image_hashes(RNG)], source="c" * 64)
    assert other.report.state == "active"


def test_status_needs_the_right_secret_and_counts_sightings_per_match_request(
    db: Session, keyring: Keyring
) -> None:
    done = submit(db, keyring, [image_hashes(RNG)])
    with pytest.raises(service.SpreadProblem) as wrong:
        service.find(db, code=done.report.code, secret=done.secret + "x")
    assert wrong.value.key == "spread.err.not_found"
    with pytest.raises(service.SpreadProblem):
        service.find(db, code="HS-NOPE", secret=done.secret)
    typed = done.report.code.lower().replace("-", " ")  # as a person might type it
    report = service.find(db, code=typed, secret=f" {done.secret} ")
    assert service.status(db, report=report).seen_and_blocked == 0
    ids = [e.id for e in _entries(db, report)]
    # One platform request matching all three hashes of the picture is one sighting.
    assert service.record_sightings(db, matched_by="api_client:1", entry_ids=ids) == 1
    service.record_sightings(db, matched_by="api_client:2", entry_ids=ids[:1])
    found = service.status(db, report=report)
    assert (found.files, found.seen_and_blocked) == (1, 2)
    assert service.record_sightings(db, matched_by="x", entry_ids=[]) == 0


def test_withdrawal_removes_the_entries_but_keeps_those_another_report_shares(
    db: Session, keyring: Keyring
) -> None:
    shared, own = image_hashes(RNG), image_hashes(RNG)
    first = submit(db, keyring, [shared, own], contact="mum@example.org")
    second = submit(db, keyring, [shared])
    assert _entries(db, first.report)[0].id == _entries(db, second.report)[0].id
    service.withdraw(db, report=first.report)
    assert first.report.state == "withdrawn" and first.report.contact_sealed is None
    assert first.report.withdrawn_at is not None
    assert _matched(db, "pdq", own["pdq"]) == []
    assert _matched(db, "pdq", shared["pdq"]) == ["self-report"]
    # Sightings of a withdrawn report are no longer counted, the earlier count stays.
    assert (
        service.record_sightings(
            db, matched_by="p", entry_ids=[e.id for e in _entries(db, second.report)]
        )
        == 1
    )
    assert service.withdraw(db, report=first.report).state == "withdrawn"  # idempotent


def test_contact_is_sealed_and_reading_it_is_audited(db: Session, keyring: Keyring) -> None:
    done = submit(db, keyring, [image_hashes(RNG)], contact="012-345 6789")
    assert done.report.contact_sealed is not None
    assert b"012-345" not in done.report.contact_sealed
    assert service.contact_of(db, actor=SYSTEM, keyring=keyring, report=done.report) == (
        "012-345 6789"
    )
    flush_pending(db)
    actions = set(
        db.scalars(select(AuditEntry.action).where(AuditEntry.object_id == done.report.code))
    )
    assert {"spread.submit", "spread.contact.read"} <= actions


def test_source_keys_are_salted_hmacs_not_addresses(db: Session) -> None:
    key = service.source_key(db, "203.0.113.9")
    assert key == service.source_key(db, "203.0.113.9")
    assert key != service.source_key(db, "203.0.113.10")
    assert "203.0.113.9" not in key and len(key) == 64


def test_the_demo_has_a_seen_report_and_a_held_one(db: Session, runtime: Runtime) -> None:
    demo.seed(runtime, db)
    seen = service.find(db, code=demo.DEMO_CODE, secret=demo.DEMO_SECRET)
    assert service.status(db, report=seen).seen_and_blocked == 2
    held = service.find(db, code=demo.DEMO_HELD_CODE, secret=demo.DEMO_SECRET)
    assert (held.state, held.hold_reason) == ("held", "bulk")
    assert not any(db.get_one(EntryRow, i).enabled for i in service.entry_ids(db, report=held))
    with pytest.raises(service.SpreadProblem):
        service.hold(db, report=held, reason=HoldReason.BULK)
