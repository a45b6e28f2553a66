"""Retro-hunt: a hash added to a bank after a report arrived finds the report, stores the match
as found by the retro-hunt, re-triages the report and says how many it found.

The banked hash is the PDQ of ThreatExchange's `bridge-mods/aaa-orig.jpg`; the reports carry
`shrink-a-lot.jpg`, a resized, re-encoded copy a few bits away (see test_matches.py).
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from tests.banks.factories import flip_bits, make_bank, make_entry, random_pdq
from tests.enrichment.factories import COPY, banked_hash, media_reasons, report_with_copy

from perisai.audit.service import SYSTEM
from perisai.banks import service as banks
from perisai.config import Settings
from perisai.enrichment.pipeline import enrich_report
from perisai.enrichment.results import ReportFileMatch
from perisai.enrichment.retrohunt import DIRECT_SCAN_LIMIT, near_any, retrohunt
from perisai.media.banks import BankEntry
from perisai.reports.models import Report
from perisai.runtime import Runtime
from perisai.sharing.models import OutboxEvent
from perisai.triage.policy import Priority


def _enriched_report(
    client: TestClient, db: Session, runtime: Runtime, *, upload: bool = True
) -> Report:
    report = report_with_copy(client, db, upload=upload)
    enrich_report(db, runtime, report.id)
    return report


def _queued_hunt(db: Session) -> dict[str, Any]:
    """The arguments of the retro-hunt the last bank change queued."""
    args = db.scalar(
        text(
            "SELECT args FROM procrastinate_jobs WHERE task_name = 'bank.retrohunt' "
            "ORDER BY id DESC LIMIT 1"
        )
    )
    assert isinstance(args, dict), "the bank change queued no retro-hunt"
    return args


def _triage_queued(db: Session, report: Report) -> bool:
    return bool(
        db.scalar(
            text(
                "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'triage.report' "
                "AND status = 'todo' AND (args->>'report_id')::bigint = :id"
            ),
            {"id": report.id},
        )
    )


def _stored(db: Session, report: Report) -> list[ReportFileMatch]:
    return list(db.scalars(select(ReportFileMatch).where(ReportFileMatch.report_id == report.id)))


def _events(db: Session) -> list[OutboxEvent]:
    return list(
        db.scalars(
            select(OutboxEvent).where(OutboxEvent.type == "bank.retrohunt").order_by(OutboxEvent.id)
        )
    )


def test_an_entry_added_after_the_report_finds_it_and_the_report_is_retriaged(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    report = _enriched_report(client, db, runtime)
    assert media_reasons(db, report)["media.new"][0] == Priority.P2
    db.execute(text("DELETE FROM procrastinate_jobs WHERE task_name = 'triage.report'"))

    bank = make_bank(db)
    entry = make_entry(db, bank, banked_hash(), label="series B")
    args = _queued_hunt(db)
    assert args == {"bank_id": bank.id, "first_entry_id": entry.id, "last_entry_id": entry.id}
    result = retrohunt(db, runtime, **args)

    assert result is not None and result.reports == [report.id] and result.files == 1
    [stored] = _stored(db, report)
    assert (stored.status, stored.found_by, stored.bank_name) == (
        "positive",
        "retrohunt",
        bank.name,
    )
    assert _triage_queued(db, report)
    reasons = media_reasons(db, report)
    assert "media.new" not in reasons
    assert reasons["media.known"] == (
        Priority.P3,
        f"P3: known material only (1 file(s) in bank {bank.name})",
    )
    [event] = _events(db)
    assert (event.subject_id, event.audience) == (str(bank.id), ["SECRETARIAT"])
    assert event.payload["bank_name"] == bank.name
    assert (event.payload["retrohunt_reports"], event.payload["retrohunt_files"]) == (1, 1)
    assert event.payload["retrohunt_entries"] == 1 and event.payload["retrohunt_days"] == 90

    # Enrichment running again later keeps saying who found the match.
    enrich_report(db, runtime, report.id)
    assert [m.found_by for m in _stored(db, report)] == ["retrohunt"]


def test_a_report_older_than_the_window_is_not_hunted(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    report = _enriched_report(client, db, runtime)
    report.received_at = datetime.now(UTC) - timedelta(days=100)
    db.flush()
    bank = make_bank(db)
    make_entry(db, bank, banked_hash())
    args = _queued_hunt(db)

    result = retrohunt(db, runtime, **args)
    assert result is not None and result.reports == [] and _stored(db, report) == []
    assert _events(db)[-1].payload["retrohunt_reports"] == 0

    # The window is a setting: a 120-day hunt reaches it.
    wider = Runtime(
        settings=Settings(**{**runtime.settings.model_dump(), "retrohunt_days": 120}), db=runtime.db
    )
    result = retrohunt(db, wider, **args)
    assert result is not None and result.reports == [report.id]


def test_a_disabled_bank_finds_nothing_until_it_is_enabled_again(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    report = _enriched_report(client, db, runtime)
    bank = make_bank(db)
    banks.update_bank(db, actor=SYSTEM, bank=bank, settings=banks.BankSettings(enabled=False))
    make_entry(db, bank, banked_hash())

    result = retrohunt(db, runtime, **_queued_hunt(db))
    assert result is not None and result.reports == [] and result.entries == 0
    assert _stored(db, report) == []

    banks.update_bank(db, actor=SYSTEM, bank=bank, settings=banks.BankSettings(enabled=True))
    result = retrohunt(db, runtime, **_queued_hunt(db))
    assert result is not None and result.reports == [report.id]


def test_a_re_enabled_entry_is_hunted(client: TestClient, db: Session, runtime: Runtime) -> None:
    bank = make_bank(db)
    entry = make_entry(db, bank, banked_hash())
    banks.set_entry_enabled(db, actor=SYSTEM, bank=bank, entry=entry, enabled=False, reason="x")
    report = _enriched_report(client, db, runtime)
    assert _stored(db, report) == []
    banks.set_entry_enabled(db, actor=SYSTEM, bank=bank, entry=entry, enabled=True)
    result = retrohunt(db, runtime, **_queued_hunt(db))
    assert result is not None and result.reports == [report.id]


def test_an_import_is_hunted_once_and_finds_exact_hashes_of_files_never_uploaded(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    report = _enriched_report(client, db, runtime, upload=False)
    md5 = hashlib.md5(COPY.read_bytes()).hexdigest()  # noqa: S324 - a bank signal, not security
    rng = random.Random(12)
    entries = [BankEntry("pdq", random_pdq(rng), f"noise {i}") for i in range(1500)]
    entries.insert(700, BankEntry("md5", md5, "the one"))
    bank = make_bank(db)
    banks.import_entries(db, actor=SYSTEM, bank=bank, entries=entries)
    queued = db.scalar(
        text("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'bank.retrohunt'")
    )
    assert queued == 1  # one job for the whole import, however many batches

    result = retrohunt(db, runtime, **_queued_hunt(db))
    assert result is not None and result.entries == 1501 and result.reports == [report.id]
    [stored] = _stored(db, report)
    assert (stored.signal_type, stored.found_by, stored.entry_label) == (
        "md5",
        "retrohunt",
        "the one",
    )


def test_a_negative_entry_added_later_voids_the_positive_match(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    positive, benign = make_bank(db), make_bank(db, kind="negative")
    make_entry(db, positive, banked_hash())
    report = _enriched_report(client, db, runtime)
    assert media_reasons(db, report)["media.known"][0] == Priority.P3

    make_entry(db, benign, banked_hash(), label="public landmark photo")
    result = retrohunt(db, runtime, **_queued_hunt(db))
    assert result is not None and result.reports == [report.id]
    assert result.positive_reports == 0
    statuses = {(m.status, m.bank_name, m.found_by) for m in _stored(db, report)}
    assert statuses == {
        ("negative", benign.name, "retrohunt"),
        ("suppressed", positive.name, "enrichment"),
    }
    assert "media.known" not in media_reasons(db, report)


def _brute(stored: np.ndarray[Any, Any], new: np.ndarray[Any, Any], threshold: int) -> list[bool]:
    ints = [int.from_bytes(bytes(row)) for row in new]
    return [
        any((int.from_bytes(bytes(row)) ^ n).bit_count() <= threshold for n in ints)
        for row in stored
    ]


def test_near_any_agrees_with_comparing_every_pair_on_both_paths() -> None:
    rng = random.Random(7)
    new_hexes = [random_pdq(rng) for _ in range(DIRECT_SCAN_LIMIT + 40)]
    stored_hexes = [random_pdq(rng) for _ in range(3000)]
    # Some stored hashes near new ones, on both sides of the threshold.
    for i, bits in enumerate([0, 5, 31, 32, 40, 12, 30, 33]):
        stored_hexes[i * 100] = flip_bits(new_hexes[i * 7], bits)
    stored = np.frombuffer(bytes.fromhex("".join(stored_hexes)), dtype=np.uint8).reshape(-1, 32)
    for count in (1, DIRECT_SCAN_LIMIT, DIRECT_SCAN_LIMIT + 40):  # direct scan, then index
        new = np.frombuffer(bytes.fromhex("".join(new_hexes[:count])), dtype=np.uint8)
        new = new.reshape(-1, 32)
        found = near_any(stored, new, 31)
        assert found.tolist() == _brute(stored, new, 31)
    assert near_any(stored, np.zeros((0, 32), dtype=np.uint8), 31).sum() == 0


def test_a_process_that_hunted_before_sees_reports_stored_since(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    # The first hunt reads the window's signals into memory; the next reads only what is new.
    early = _enriched_report(client, db, runtime)
    bank = make_bank(db)
    make_entry(db, bank, flip_bits(banked_hash(), 128))  # near nothing
    first = retrohunt(db, runtime, **_queued_hunt(db))
    assert first is not None and first.reports == []
    later = _enriched_report(client, db, runtime)
    make_entry(db, bank, banked_hash())
    second = retrohunt(db, runtime, **_queued_hunt(db))
    assert second is not None and second.reports == sorted([early.id, later.id])


def test_a_tmk_entry_added_later_finds_the_edited_video(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    from tests.datasets import VIDEO

    from perisai.media.video import tmk_of_video

    report = report_with_copy(client, db, source=VIDEO / "chair-19-sd-bar.mp4")
    other = report_with_copy(client, db, source=VIDEO / "doorknob-hd-no-bar.mp4")
    enrich_report(db, runtime, report.id)
    enrich_report(db, runtime, other.id)
    assert _stored(db, report) == []
    bank = make_bank(db)
    signature = tmk_of_video(VIDEO / "chair-orig-22-sd-bar.mp4").to_signal()
    entry = make_entry(db, bank, signature, signal_type="tmk", label="chair series")
    result = retrohunt(db, runtime, **_queued_hunt(db))
    assert result is not None and result.reports == [report.id]
    [stored] = _stored(db, report)
    assert (stored.signal_type, stored.entry_id, stored.found_by) == ("tmk", entry.id, "retrohunt")
    assert _stored(db, other) == []
    assert _triage_queued(db, report)
