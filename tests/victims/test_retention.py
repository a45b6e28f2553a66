"""The retention schedule: what falls due, legal hold, and shredding unlinked report victims."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.cases.factories import ANALYST
from tests.victims.factories import make_victim_report, make_world, report_body

from perisai.audit.service import SYSTEM
from perisai.crypto import DecryptionError
from perisai.keystore import KeyGone
from perisai.reports.imports import stored_report_in
from perisai.reports.models import Report, ReporterKind
from perisai.reports.schemas import ReportIn
from perisai.reports.service import HotlineExtras, canonical_sha256, submit
from perisai.reports.victimseal import open_contact, open_details, open_victim
from perisai.runtime import Runtime
from perisai.victims import service as victims
from perisai.victims.retention import retain_until_for

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
YEAR = timedelta(days=365)
_n = itertools.count(1)


def test_records_are_kept_until_25_and_at_least_seven_years() -> None:
    assert retain_until_for(NOW, 12) == NOW + 13 * YEAR
    assert retain_until_for(NOW, 24) == NOW + 7 * YEAR
    assert retain_until_for(NOW, None) == NOW + 7 * YEAR


def test_due_records_are_erased_unless_on_legal_hold(db: Session, runtime: Runtime) -> None:
    world = make_world(db, runtime.keyring)
    held = victims.create_victim(
        db, runtime.keyring, actor=ANALYST, identity={"name": {"name": "A"}}
    )
    later = victims.create_victim(db, runtime.keyring, actor=ANALYST)
    world.victim.retain_until = NOW - timedelta(days=1)
    held.retain_until = NOW - timedelta(days=1)
    victims.set_legal_hold(db, held, hold=True, actor=ANALYST)
    later.retain_until = NOW + timedelta(days=1)
    db.flush()
    assert victims.due_for_erasure(db, NOW) == [world.victim]
    done = victims.apply_retention(db, runtime.keyring, actor=ANALYST, now=NOW)
    assert done["victims_erased"] == 1
    assert world.victim.is_erased and world.victim.erasure_basis == "retention"
    assert not held.is_erased and not later.is_erased
    db.refresh(world.report)
    assert open_victim(runtime.keyring, world.report.public_id, world.report.victims[0]) is None


def test_unlinked_report_victims_are_shredded_after_seven_years(
    db: Session, runtime: Runtime
) -> None:
    old = make_victim_report(db, runtime.keyring)
    recent = make_victim_report(db, runtime.keyring)
    old.received_at = NOW - 8 * YEAR
    recent.received_at = NOW - 6 * YEAR
    db.flush()
    due = victims.unlinked_report_victims_due(db, NOW)
    assert old.victims[0] in due and recent.victims[0] not in due
    victims.apply_retention(db, runtime.keyring, actor=ANALYST, now=NOW)
    assert old.victims[0].sealed is None and old.victims[0].key_sealed is None
    assert recent.victims[0].sealed is not None


def _hotline_report(db: Session, runtime: Runtime, **extra: Any) -> Report:
    raw: dict[str, Any] = {**report_body(), **extra}
    submitted = submit(
        db, keyring=runtime.keyring, actor=SYSTEM, data=ReportIn.model_validate(raw),
        body_sha256=canonical_sha256({**raw, "_n": next(_n)}), client_id="hotline",
        idempotency_key=f"retention-{next(_n)}", reporter_kind=ReporterKind.HOTLINE,
        hotline=HotlineExtras(f"{next(_n):064x}", {"email": "pelapor@example.my"}),
    )  # fmt: skip
    db.flush()
    return db.scalars(select(Report).where(Report.public_id == submitted.receipt.report_id)).one()


def test_the_hotline_contact_is_kept_two_years_under_a_key_of_its_own(
    db: Session, runtime: Runtime
) -> None:
    old = _hotline_report(db, runtime)
    recent = _hotline_report(db, runtime)
    old.received_at = NOW - 3 * YEAR
    recent.received_at = NOW - 1 * YEAR
    db.flush()
    assert open_contact(runtime.keyring, old) == {"email": "pelapor@example.my"}
    assert old.key_segment is not None
    due = victims.report_extras_due(db, NOW)
    assert old in due and recent not in due
    done = victims.apply_retention(db, runtime.keyring, actor=ANALYST, now=NOW)
    assert done["report_extras_shredded"] == 1
    assert old.contact_sealed is None
    # The key is destroyed in the store (a backup of the database holds nothing that opens),
    # and the ledger names it, so a restored store is corrected too.
    with pytest.raises(KeyGone):
        runtime.keyring.subjects().get(old.key_segment, f"report:{old.public_id}:contact")
    erasures, _ = runtime.keyring.ledger().read()
    assert (old.key_segment, f"report:{old.public_id}:contact") in erasures[-1].subjects
    # The victim block of the old report is not due yet (seven years), the recent contact stays.
    assert open_victim(runtime.keyring, old.public_id, old.victims[0]) is not None
    assert open_contact(runtime.keyring, recent) == {"email": "pelapor@example.my"}


def test_erasing_the_child_destroys_the_reports_intended_recipients_and_contact(
    db: Session, runtime: Runtime
) -> None:
    report = _hotline_report(db, runtime, intended_recipients=[{"first_name": "Adik Sintetik"}])
    details = open_details(runtime.keyring, report)
    assert details is not None
    assert details["intended_recipients"][0]["first_name"] == "Adik Sintetik"
    # Under a key of its own, not the master key alone.
    with pytest.raises(DecryptionError):
        runtime.keyring.open_text(
            report.details_sealed or b"", f"report:{report.public_id}:details"
        )
    victim = victims.create_from_report(
        db, runtime.keyring, report_public_id=report.public_id, position=0, actor=ANALYST
    )
    segment = report.key_segment
    assert segment is not None
    victims.erase_victim(db, runtime.keyring, victim, basis="request", actor=ANALYST)
    assert report.details_sealed is None and report.contact_sealed is None
    for extra in ("details", "contact"):
        with pytest.raises(KeyGone):
            runtime.keyring.subjects().get(segment, f"report:{report.public_id}:{extra}")
    exported = stored_report_in(report, runtime.keyring)
    assert exported.intended_recipients == [] and exported.victims[0].name is None
