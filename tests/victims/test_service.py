"""Victim records: made from a report, identity sealed per victim, reads audited with a purpose,
consent given and withdrawn, erasure by crypto-shredding."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from tests.cases.factories import ANALYST
from tests.victims.factories import CHILD_NAME, SCHOOL, make_victim_report, make_world

from perisai.audit.models import AuditEntry
from perisai.audit.service import flush_pending
from perisai.crypto import DecryptionError
from perisai.reports.models import ReportVictim
from perisai.reports.victimseal import open_victim
from perisai.runtime import Runtime
from perisai.sharing.redaction import VictimGroup, Viewer
from perisai.victims import service as victims
from perisai.victims.models import VictimIdentity


def _audits(db: Session, action: str) -> list[AuditEntry]:
    flush_pending(db)
    return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_intake_seals_each_victim_under_a_key_of_its_own(db: Session, runtime: Runtime) -> None:
    report = make_victim_report(db, runtime.keyring)
    row = report.victims[0]
    # The key is in the subject key store, not in the database (no backup holds it).
    assert row.key_sealed is None and row.key_segment is not None and row.sealed is not None
    assert row.age == 12 and row.identified is True
    assert CHILD_NAME.encode() not in row.sealed
    opened = open_victim(runtime.keyring, report.public_id, row)
    assert opened is not None and opened["name"] == CHILD_NAME
    # Bound to its report and position: the same bytes on another row do not open.
    other = make_victim_report(db, runtime.keyring)
    moved = ReportVictim(position=0, sealed=row.sealed, key_segment=row.key_segment)
    with pytest.raises(DecryptionError):
        open_victim(runtime.keyring, other.public_id, moved)


def test_record_from_report_splits_identity_into_sealed_groups(
    db: Session, runtime: Runtime
) -> None:
    world = make_world(db, runtime.keyring)
    groups = {row.group for row in world.victim.identity}
    assert groups == {"name", "school", "contact", "online"}
    for row in db.scalars(
        select(VictimIdentity).where(VictimIdentity.victim_id == world.victim.id)
    ):
        assert CHILD_NAME.encode() not in row.sealed and SCHOOL.encode() not in row.sealed
    assert world.victim.age == 12
    assert victims.victims_of_case(db, world.case.id) == [world.victim]
    assert victims.victims_of_report(db, world.report.id) == [world.victim]


def test_reads_are_authorised_and_audited_with_their_purpose(db: Session, runtime: Runtime) -> None:
    world = make_world(db, runtime.keyring)
    jkm = Viewer.for_user(world.jkm)
    seen = victims.read_identity(db, runtime.keyring, jkm, world.victim, purpose="support_contact")
    assert seen["name"]["name"] == CHILD_NAME and seen["school"]["school_name"] == SCHOOL
    nothing = victims.read_identity(
        db, runtime.keyring, Viewer.for_user(world.outsider), world.victim, purpose="investigation"
    )
    assert nothing == {}
    reads = _audits(db, "victim.read")
    assert reads[-1].details["purpose"] == "support_contact"
    assert set(reads[-1].details["groups"]) >= {"name", "school"}
    assert CHILD_NAME not in str(reads[-1].details)
    denied = _audits(db, "victim.read_denied")
    assert denied and denied[-1].details["purpose"] == "investigation"
    with pytest.raises(victims.VictimInputError, match="purpose"):
        victims.read_identity(db, runtime.keyring, jkm, world.victim, purpose="curiosity")


def test_consent_opens_a_group_to_an_agency_and_withdrawal_closes_it_at_once(
    db: Session, runtime: Runtime
) -> None:
    world = make_world(db, runtime.keyring)
    ngo, moe = Viewer.for_user(world.ngo), Viewer.for_user(world.moe)
    assert not victims.may_see(db, ngo, world.victim, VictimGroup.SCHOOL)
    victims.record_consent(
        db,
        world.victim,
        group="school",
        agency="NGO",
        given_by="both",
        method="in_person",
        actor=ANALYST,
    )
    assert victims.may_see(db, ngo, world.victim, VictimGroup.SCHOOL)
    assert not victims.may_see(db, ngo, world.victim, VictimGroup.NAME)
    assert not victims.may_see(db, moe, world.victim, VictimGroup.SCHOOL)  # school knows nothing
    seen = victims.read_identity(db, runtime.keyring, ngo, world.victim, purpose="support_contact")
    assert seen == {"school": {"school_name": SCHOOL}}
    with pytest.raises(victims.VictimConflict, match="already has consent"):
        victims.record_consent(
            db,
            world.victim,
            group="school",
            agency="NGO",
            given_by="child",
            method="phone",
            actor=ANALYST,
        )
    victims.withdraw_consent(
        db, world.victim, group="school", agency="NGO", method="phone", actor=ANALYST
    )
    assert not victims.may_see(db, ngo, world.victim, VictimGroup.SCHOOL)
    assert (
        victims.read_identity(db, runtime.keyring, ngo, world.victim, purpose="support_contact")
        == {}
    )
    with pytest.raises(victims.VictimInputError, match="given_by"):
        victims.record_consent(
            db,
            world.victim,
            group="school",
            agency="NGO",
            given_by="neighbour",
            method="phone",
            actor=ANALYST,
        )
    with pytest.raises(victims.VictimInputError, match="cannot be shared"):
        victims.record_consent(
            db,
            world.victim,
            group="counselling",
            agency="PDRM",
            given_by="child",
            method="phone",
            actor=ANALYST,
        )


def test_erasure_shreds_every_copy_and_keeps_the_fact(db: Session, runtime: Runtime) -> None:
    world = make_world(db, runtime.keyring)
    second = make_victim_report(db, runtime.keyring)
    victims.link_report_victim(
        db,
        runtime.keyring,
        world.victim,
        report_public_id=second.public_id,
        position=0,
        actor=ANALYST,
    )
    victims.erase_victim(db, runtime.keyring, world.victim, basis="request", actor=ANALYST)
    db.flush()
    assert world.victim.key_sealed is None and world.victim.identity == []
    for report in (world.report, second):
        db.refresh(report)
        row = report.victims[0]
        assert row.sealed is None and row.key_sealed is None and row.shredded_at is not None
        assert open_victim(runtime.keyring, report.public_id, row) is None
    assert (
        victims.read_identity(
            db, runtime.keyring, Viewer.for_user(world.jkm), world.victim, purpose="support_contact"
        )
        == {}
    )
    # No row anywhere holds the name in the clear.
    found = db.execute(
        text("SELECT count(*) FROM audit_entry WHERE details::text LIKE :name"),
        {"name": f"%{CHILD_NAME}%"},
    ).scalar_one()
    assert found == 0
    erased = _audits(db, "victim.erased")
    assert erased[-1].object_id == world.victim.public_id
    with pytest.raises(victims.VictimConflict, match="already erased"):
        victims.erase_victim(db, runtime.keyring, world.victim, basis="request", actor=ANALYST)


def test_other_domains_seal_under_the_child_s_key_and_lose_it_on_erasure(
    db: Session, runtime: Runtime
) -> None:
    world = make_world(db, runtime.keyring)
    note = victims.seal_for_victim(runtime.keyring, world.victim, b"note text", "note:1")
    assert victims.open_for_victim(runtime.keyring, world.victim, note, "note:1") == b"note text"
    with pytest.raises(DecryptionError):
        victims.open_for_victim(runtime.keyring, world.victim, note, "note:2")
    victims.erase_victim(db, runtime.keyring, world.victim, basis="request", actor=ANALYST)
    with pytest.raises(victims.VictimConflict, match="erased"):
        victims.open_for_victim(runtime.keyring, world.victim, note, "note:1")
    with pytest.raises(victims.VictimConflict, match="erased"):
        victims.seal_for_victim(runtime.keyring, world.victim, b"x", "note:3")
