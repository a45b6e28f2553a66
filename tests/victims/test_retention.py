"""The retention schedule: what falls due, legal hold, and shredding unlinked report victims."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session
from tests.cases.factories import ANALYST
from tests.victims.factories import make_victim_report, make_world

from perisai.reports.victimseal import open_victim
from perisai.runtime import Runtime
from perisai.victims import service as victims
from perisai.victims.retention import retain_until_for

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
YEAR = timedelta(days=365)


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
    done = victims.apply_retention(db, actor=ANALYST, now=NOW)
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
    victims.apply_retention(db, actor=ANALYST, now=NOW)
    assert old.victims[0].sealed is None and old.victims[0].key_sealed is None
    assert recent.victims[0].sealed is not None
