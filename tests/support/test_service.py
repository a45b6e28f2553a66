"""The support plan against real PostgreSQL: need-to-know, counselling notes sealed and kept to
the counselling agency, follow-up reminders through the job queue, the safety check."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from tests.support.factories import PlanWorld, days, make_plan_world

from perisai.audit.models import AuditEntry
from perisai.runtime import Runtime
from perisai.sharing.models import OutboxEvent
from perisai.sharing.redaction import Viewer, redact_event
from perisai.support import service
from perisai.support.models import CounsellingNote, SupportFollowUp
from perisai.victims import service as victims

NOTE = "Child spoke about the sleepover; synthetic-note-7Q4"


@pytest.fixture
def pw(db: Session, runtime: Runtime) -> PlanWorld:
    return make_plan_world(db, runtime.keyring)


def _audits(db: Session, action: str) -> list[AuditEntry]:
    db.flush()
    pending = db.info.get("perisai.audit.pending", [])
    return [entry for entry in pending if entry.action == action]


def _jobs(db: Session, task: str) -> list[dict[str, object]]:
    rows = db.execute(
        text("SELECT args, scheduled_at FROM procrastinate_jobs WHERE task_name = :t"), {"t": task}
    ).all()
    return [{**row.args, "scheduled_at": row.scheduled_at} for row in rows]


def _counselling(db: Session, pw: PlanWorld) -> int:
    found = service.add_service(
        db, viewer=pw.jkm, public_id=pw.id, kind="counselling", follow_up_due_at=days(14)
    )
    return found.id


# --- who sees the plan --------------------------------------------------------------------------


def test_the_lead_caseworker_starts_one_plan_per_child(db: Session, pw: PlanWorld) -> None:
    again = service.start_plan(db, viewer=pw.jkm, victim_id=pw.world.victim.id)
    assert again.id == pw.plan.id
    assert pw.plan.lead_agency.short_name == "JKM"
    assert _audits(db, "support.plan.start")


def test_need_to_know_of_the_plan(db: Session, pw: PlanWorld) -> None:
    for allowed in (pw.jkm, pw.ngo, pw.pdrm):
        assert service.read_plan(db, viewer=allowed, public_id=pw.id).plan.id == pw.plan.id
    # The school: nothing without consent; the Secretariat's analysts read no victim data.
    for refused in (pw.moe, pw.analyst):
        with pytest.raises(service.SupportProblem) as caught:
            service.read_plan(db, viewer=refused, public_id=pw.id)
        assert caught.value.status == 404
    assert len(_audits(db, "support.plan.read")) == 3
    assert len(_audits(db, "support.plan.read_denied")) == 2


def test_the_school_sees_the_plan_once_consented_but_never_the_register(
    db: Session, pw: PlanWorld
) -> None:
    victims.record_consent(
        db,
        pw.world.victim,
        group="support",
        agency="MOE",
        given_by="both",
        method="in_person",
        actor=pw.jkm.as_actor(),
    )
    view = service.read_plan(db, viewer=pw.moe, public_id=pw.id)
    assert not view.may_see_interviews and not view.may_steer


def test_only_the_lead_agency_steers(db: Session, pw: PlanWorld) -> None:
    service.assess_need(db, viewer=pw.jkm, public_id=pw.id, area="medical", level="high")
    with pytest.raises(service.SupportProblem) as caught:
        service.assess_need(db, viewer=pw.pdrm, public_id=pw.id, area="medical", level="low")
    assert caught.value.status == 403
    assert {n.area: n.level for n in pw.plan.needs} == {"medical": "high"}
    assert _audits(db, "support.need_denied")


def test_garbage_is_refused_with_the_field_named(db: Session, pw: PlanWorld) -> None:
    bad = [
        {"area": "astrology", "level": "high"},
        {"area": "medical", "level": "enormous"},
    ]
    keys = set()
    for case in bad:
        with pytest.raises(service.SupportProblem) as caught:
            service.assess_need(db, viewer=pw.jkm, public_id=pw.id, **case)
        keys.add(caught.value.key)
    assert keys == {"support.err.area", "support.err.level"}
    with pytest.raises(service.SupportProblem) as caught:
        service.add_service(db, viewer=pw.jkm, public_id=pw.id, kind="oscc", provider="")
    assert caught.value.key == "support.err.provider"
    with pytest.raises(service.SupportProblem) as caught:
        service.add_service(db, viewer=pw.jkm, public_id=pw.id, kind="oscc", provider="x" * 201)
    assert caught.value.key == "support.err.provider"
    with pytest.raises(service.SupportProblem) as caught:
        service.read_plan(db, viewer=pw.jkm, public_id="SP-NOSUCH")
    assert caught.value.status == 404


# --- counselling notes --------------------------------------------------------------------------


def test_counselling_notes_are_sealed_and_for_the_counselling_agency_only(
    db: Session, runtime: Runtime, pw: PlanWorld
) -> None:
    service_id = _counselling(db, pw)
    service.add_note(
        db,
        viewer=pw.ngo,
        keyring=runtime.keyring,
        public_id=pw.id,
        service_id=service_id,
        body=NOTE,
    )
    stored = db.scalars(select(CounsellingNote.body_sealed)).one()
    assert NOTE.encode() not in stored and b"synthetic-note" not in stored
    read = service.read_notes(
        db, viewer=pw.ngo, keyring=runtime.keyring, public_id=pw.id, service_id=service_id
    )
    assert [n.body for n in read] == [NOTE]
    assert _audits(db, "support.notes.read")
    # The police see the plan but not the notes; JKM runs the plan but does not read them.
    for refused in (pw.pdrm, pw.jkm, pw.outsider):
        with pytest.raises(service.SupportProblem) as caught:
            service.read_notes(
                db, viewer=refused, keyring=runtime.keyring, public_id=pw.id, service_id=service_id
            )
        assert caught.value.status == 403
    view = service.read_plan(db, viewer=pw.pdrm, public_id=pw.id)
    assert [may_read for _s, _w, may_read in view.services] == [False]


def test_erasing_the_child_shreds_the_counselling_notes(
    db: Session, runtime: Runtime, pw: PlanWorld
) -> None:
    service_id = _counselling(db, pw)
    service.add_note(
        db,
        viewer=pw.ngo,
        keyring=runtime.keyring,
        public_id=pw.id,
        service_id=service_id,
        body=NOTE,
    )
    victims.erase_victim(
        db, runtime.keyring, pw.world.victim, basis="request", actor=pw.jkm.as_actor()
    )
    db.expire_all()
    # After erasure the matrix itself may hide the notes; either way no text comes back.
    try:
        read = service.read_notes(
            db, viewer=pw.ngo, keyring=runtime.keyring, public_id=pw.id, service_id=service_id
        )
    except service.SupportProblem:
        read = []
    assert read == []


# --- services, follow-ups and their reminders ---------------------------------------------------


def test_a_referral_schedules_the_reminder_and_the_overdue_check(
    db: Session, pw: PlanWorld
) -> None:
    due = days(14)
    found = service.add_service(
        db, viewer=pw.jkm, public_id=pw.id, kind="counselling", follow_up_due_at=due
    )
    jobs = _jobs(db, service.FOLLOW_UP_TASK)
    assert {(j["level"], j["scheduled_at"]) for j in jobs} == {
        ("reminder", due - service.REMIND_BEFORE),
        ("overdue", due),
    }
    assert all(j["service_id"] == found.id for j in jobs)
    assert found.status == "referred" and found.provider_agency is not None


def test_a_reminder_is_sent_once_and_a_stale_one_does_nothing(db: Session, pw: PlanWorld) -> None:
    due = days(14)
    found = service.add_service(
        db, viewer=pw.jkm, public_id=pw.id, kind="counselling", follow_up_due_at=due
    )
    early = due - timedelta(days=2)
    assert not service.follow_up_due(
        db, service_id=found.id, due_at=due, level="reminder", now=early
    )
    at = due - timedelta(hours=12)
    assert service.follow_up_due(db, service_id=found.id, due_at=due, level="reminder", now=at)
    assert not service.follow_up_due(db, service_id=found.id, due_at=due, level="reminder", now=at)
    events = db.scalars(
        select(OutboxEvent).where(OutboxEvent.type == "support.follow_up.due")
    ).all()
    assert len(events) == 1
    assert events[0].payload == {"due_at": due.isoformat(), "agency": "NGO"}
    assert {"NGO", "JKM", "SECRETARIAT"} <= set(events[0].audience)
    # Done and moved on: the old overdue job is stale.
    service.record_contact(
        db, viewer=pw.ngo, public_id=pw.id, service_id=found.id, kind="contact", next_due=days(30)
    )
    assert not service.follow_up_due(
        db, service_id=found.id, due_at=due, level="overdue", now=due + timedelta(hours=1)
    )
    assert found.status == "in_progress" and found.first_contact_at is not None


def test_a_contact_before_the_referral_is_refused(db: Session, pw: PlanWorld) -> None:
    found = service.add_service(db, viewer=pw.jkm, public_id=pw.id, kind="jkm")
    with pytest.raises(service.SupportProblem) as caught:
        service.record_contact(
            db, viewer=pw.jkm, public_id=pw.id, service_id=found.id, at=days(-30)
        )
    assert caught.value.key == "support.err.before_referral"
    assert db.scalars(select(SupportFollowUp)).all() == []


def test_a_provider_works_its_own_service_only(db: Session, pw: PlanWorld) -> None:
    counselling = service.add_service(db, viewer=pw.jkm, public_id=pw.id, kind="counselling")
    legal = service.add_service(
        db, viewer=pw.jkm, public_id=pw.id, kind="legal_aid", provider="Biro Bantuan Guaman"
    )
    service.record_contact(db, viewer=pw.ngo, public_id=pw.id, service_id=counselling.id)
    with pytest.raises(service.SupportProblem) as caught:
        service.record_contact(db, viewer=pw.ngo, public_id=pw.id, service_id=legal.id)
    assert caught.value.status == 403


# --- the safety check ---------------------------------------------------------------------------


def test_an_offender_known_to_the_family_starts_a_safety_check(db: Session, pw: PlanWorld) -> None:
    plan = service.set_offender_known(db, viewer=pw.jkm, public_id=pw.id, known=True)
    assert plan.safety_check == "due" and plan.safety_check_due_at is not None
    assert {n.area: n.level for n in plan.needs}["safety"] == "high"
    (job,) = _jobs(db, service.SAFETY_CHECK_TASK)
    assert job["scheduled_at"] == plan.safety_check_due_at
    due = plan.safety_check_due_at
    assert service.safety_check_due(db, plan_id=plan.id, due_at=due, now=due)
    assert not service.safety_check_due(db, plan_id=plan.id, due_at=due, now=due)
    event = db.scalars(
        select(OutboxEvent).where(OutboxEvent.type == "support.safety_check.overdue")
    ).one()
    assert set(event.payload) == {"due_at", "agency"}
    done = service.record_safety_check(db, viewer=pw.jkm, public_id=pw.id)
    assert done.safety_check == "done"
    with pytest.raises(service.SupportProblem):
        service.record_safety_check(db, viewer=pw.jkm, public_id=pw.id)


def test_a_closed_plan_takes_no_more_changes(db: Session, pw: PlanWorld) -> None:
    service.close_plan(db, viewer=pw.jkm, public_id=pw.id)
    with pytest.raises(service.SupportProblem) as caught:
        service.add_service(db, viewer=pw.jkm, public_id=pw.id, kind="jkm")
    assert caught.value.status == 409
    assert service.visible_plans(db, pw.jkm) == []
    assert service.visible_plans(db, Viewer.system()) == []


def test_reminders_reach_the_sides_through_the_redaction_layer_and_say_nothing_of_the_child(
    db: Session, pw: PlanWorld
) -> None:
    due = days(14)
    found = service.add_service(
        db, viewer=pw.jkm, public_id=pw.id, kind="counselling", follow_up_due_at=due
    )
    assert service.follow_up_due(db, service_id=found.id, due_at=due, level="overdue", now=due)
    event = db.scalars(
        select(OutboxEvent).where(OutboxEvent.type == "support.follow_up.overdue")
    ).one()
    for reader in (pw.ngo, pw.jkm):
        shown = redact_event(reader, event)
        assert shown is not None and shown["data"] == {"due_at": due.isoformat(), "agency": "NGO"}
    assert redact_event(pw.moe, event) is None
    assert pw.world.victim.public_id not in str(event.payload) + event.subject_id
