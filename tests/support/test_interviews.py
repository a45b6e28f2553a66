"""One forensic interview per child: the register, repeat interviews needing a written reason
and another supervisor's approval, and who sees the register."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session
from tests.support.factories import PlanWorld, days, make_plan_world, viewer

from perisai.runtime import Runtime
from perisai.support import interviews, service
from perisai.support.models import ForensicInterview

REASON = "The first recording failed; the court asked for a new one (synthetic)."


@pytest.fixture
def pw(db: Session, runtime: Runtime) -> PlanWorld:
    return make_plan_world(db, runtime.keyring)


def _first(db: Session, pw: PlanWorld) -> ForensicInterview:
    return interviews.schedule(
        db,
        viewer=pw.pdrm,
        public_id=pw.id,
        scheduled_for=days(2),
        agency="PDRM",
        interviewer="Insp. Contoh (synthetic)",
    )


def test_the_first_interview_is_scheduled_at_once(db: Session, pw: PlanWorld) -> None:
    first = _first(db, pw)
    assert (first.number, first.repeat, first.status) == (1, False, "scheduled")
    held = interviews.mark_held(
        db,
        viewer=pw.pdrm,
        public_id=pw.id,
        number=1,
        held_at=days(0),
        recording_location="PDRM D11 evidence store, exhibit 42/2026",
    )
    assert held.status == "held" and held.recording_location.startswith("PDRM D11")


def test_a_second_interview_needs_a_reason_and_another_supervisors_approval(
    db: Session, pw: PlanWorld
) -> None:
    _first(db, pw)
    with pytest.raises(service.SupportProblem) as caught:
        interviews.schedule(
            db,
            viewer=pw.pdrm,
            public_id=pw.id,
            scheduled_for=days(5),
            agency="PDRM",
            interviewer="Insp. Contoh",
            reason="again",
        )
    assert caught.value.key == "support.err.reason"
    second = interviews.schedule(
        db,
        viewer=viewer(pw.other_supervisor),
        public_id=pw.id,
        scheduled_for=days(5),
        agency="PDRM",
        interviewer="Insp. Contoh",
        reason=REASON,
    )
    assert (second.number, second.repeat, second.status) == (2, True, "awaiting_approval")
    # Not held until approved; the one who asked cannot approve; an investigator cannot either.
    for refused in (viewer(pw.other_supervisor), pw.pdrm):
        with pytest.raises(service.SupportProblem) as caught:
            interviews.decide(db, viewer=refused, public_id=pw.id, number=2, approve=True)
        assert caught.value.status == 403
    with pytest.raises(service.SupportProblem):
        interviews.mark_held(
            db, viewer=pw.pdrm, public_id=pw.id, number=2, held_at=days(0), recording_location="x"
        )
    approved = interviews.decide(
        db, viewer=viewer(pw.supervisor), public_id=pw.id, number=2, approve=True, note="ok"
    )
    assert approved.status == "scheduled" and approved.decided_by is not None


def test_a_refused_repeat_stays_counted_as_asked_but_not_held(db: Session, pw: PlanWorld) -> None:
    _first(db, pw)
    interviews.schedule(
        db,
        viewer=pw.pdrm,
        public_id=pw.id,
        scheduled_for=days(5),
        agency="PDRM",
        interviewer="Insp. Contoh",
        reason=REASON,
    )
    refused = interviews.decide(
        db, viewer=viewer(pw.supervisor), public_id=pw.id, number=2, approve=False
    )
    assert refused.status == "refused"
    with pytest.raises(service.SupportProblem) as caught:
        interviews.decide(db, viewer=viewer(pw.supervisor), public_id=pw.id, number=2, approve=True)
    assert caught.value.status == 409
    numbers = [(i.number, i.status) for i in interviews.interviews_of(db, pw.plan)]
    assert numbers == [(1, "scheduled"), (2, "refused")]


def test_after_a_cancelled_first_the_next_is_not_a_repeat(db: Session, pw: PlanWorld) -> None:
    _first(db, pw)
    interviews.cancel(db, viewer=pw.pdrm, public_id=pw.id, number=1)
    again = _first(db, pw)
    assert (again.number, again.repeat, again.status) == (2, False, "scheduled")


def test_who_sees_the_register(db: Session, pw: PlanWorld) -> None:
    _first(db, pw)
    assert len(interviews.register(db, viewer=pw.pdrm, public_id=pw.id)) == 1
    assert len(interviews.register(db, viewer=pw.jkm, public_id=pw.id)) == 1
    assert len(interviews.register(db, viewer=viewer(pw.supervisor), public_id=pw.id)) == 1
    # The NGO sees the plan, not the register; the school and the Secretariat see neither.
    with pytest.raises(service.SupportProblem) as caught:
        interviews.register(db, viewer=pw.ngo, public_id=pw.id)
    assert caught.value.status == 403
    for nobody in (pw.moe, pw.analyst):
        with pytest.raises(service.SupportProblem) as caught:
            interviews.register(db, viewer=nobody, public_id=pw.id)
        assert caught.value.status == 404


def test_garbage_in_the_register_is_refused(db: Session, pw: PlanWorld) -> None:
    cases = [
        ({"agency": "MOE"}, "support.err.agency"),
        ({"interviewer": "  "}, "support.err.interviewer"),
        ({"interviewer": "x" * 301}, "support.err.interviewer"),
        ({"recording_location": "y" * 301}, "support.err.recording"),
        ({"reason": "z" * 4001}, "support.err.reason"),
    ]
    for change, key in cases:
        fields = {"agency": "PDRM", "interviewer": "Insp. Contoh", **change}
        with pytest.raises(service.SupportProblem) as caught:
            interviews.schedule(
                db, viewer=pw.pdrm, public_id=pw.id, scheduled_for=days(1), **fields
            )
        assert caught.value.key == key
    with pytest.raises(service.SupportProblem) as caught:
        interviews.mark_held(
            db, viewer=pw.pdrm, public_id=pw.id, number=1, held_at=days(0), recording_location=""
        )
    assert caught.value.key == "support.err.recording"
