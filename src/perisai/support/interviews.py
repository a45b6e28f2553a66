"""One forensic interview per child (Barnahus standard 6): the interview register.

The first interview is scheduled at once. Asking for another while one is held, scheduled or
awaiting approval is a *repeat*: it needs a written reason and waits for a supervisor's approval
(a supervisor who can see the register and did not ask for it), and the measures count it.
Services flush, never commit; every change and every read of the register is audited.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from perisai.audit.service import record
from perisai.identity.agencies import SECRETARIAT
from perisai.sharing.events import emit
from perisai.sharing.redaction import Viewer
from perisai.support import policy
from perisai.support.models import ForensicInterview, InterviewStatus, SupportPlan
from perisai.support.service import (
    Seen,
    SupportProblem,
    actor_label,
    agency_named,
    refused,
    visible_plan,
)

#: A repeat interview's reason: long enough to be a reason, short enough for a register.
MIN_REASON: Final = 20
MAX_REASON: Final = 4000
MAX_TEXT: Final = 300
#: Interviews that count as "one already" when another is asked for.
STANDING: Final = frozenset(
    {
        InterviewStatus.HELD.value,
        InterviewStatus.SCHEDULED.value,
        InterviewStatus.AWAITING_APPROVAL.value,
    }
)


def _clean(text: str, limit: int, key: str, *, required: bool) -> str:
    text = " ".join(text.split())
    if (required and not text) or len(text) > limit:
        raise SupportProblem(key, 422)
    return text


def register(session: Session, *, viewer: Viewer, public_id: str) -> list[ForensicInterview]:
    """The plan's interview register for those who may see it (audited)."""
    seen = visible_plan(session, viewer, public_id)
    if not policy.can_see_interviews(viewer, seen.sides, seen.matrix):
        raise refused(session, viewer, "interviews.read", seen.plan)
    plan = seen.plan
    found = interviews_of(session, plan)
    record(
        session,
        actor=viewer.as_actor(),
        action="support.interviews.read",
        object_type="support_plan",
        object_id=plan.public_id,
        details={"interviews": len(found)},
    )
    return found


def interviews_of(session: Session, plan: SupportPlan) -> list[ForensicInterview]:
    return list(
        session.scalars(
            select(ForensicInterview)
            .where(ForensicInterview.plan_id == plan.id)
            .order_by(ForensicInterview.number)
        )
    )


def schedule(
    session: Session,
    *,
    viewer: Viewer,
    public_id: str,
    scheduled_for: datetime,
    agency: str,
    interviewer: str,
    recording_location: str = "",
    reason: str = "",
) -> ForensicInterview:
    """Put an interview in the register: scheduled if it is the child's first, else awaiting a
    supervisor's approval with the written reason."""
    if agency.upper() not in policy.INTERVIEWING_AGENCIES:
        raise SupportProblem("support.err.agency", 422)
    interviewer = _clean(interviewer, MAX_TEXT, "support.err.interviewer", required=True)
    recording_location = _clean(
        recording_location, MAX_TEXT, "support.err.recording", required=False
    )
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise SupportProblem("support.err.reason", 422)
    seen = visible_plan(session, viewer, public_id)
    plan = seen.plan
    if not policy.can_record_interview(viewer, seen.sides, seen.matrix):
        raise refused(session, viewer, "interview", plan)
    if plan.closed_at is not None:
        raise SupportProblem("support.err.closed", 409)
    # One at a time per plan: two people asking at once must not both get "first".
    session.execute(select(SupportPlan.id).where(SupportPlan.id == plan.id).with_for_update())
    earlier = interviews_of(session, plan)
    repeat = any(i.status in STANDING for i in earlier)
    if repeat and len(reason) < MIN_REASON:
        raise SupportProblem("support.err.reason", 422)
    number = 1 + (
        session.scalar(
            select(func.max(ForensicInterview.number)).where(ForensicInterview.plan_id == plan.id)
        )
        or 0
    )
    interview = ForensicInterview(
        plan_id=plan.id,
        number=number,
        repeat=repeat,
        status=(InterviewStatus.AWAITING_APPROVAL if repeat else InterviewStatus.SCHEDULED).value,
        scheduled_for=scheduled_for,
        agency_id=agency_named(session, agency).id,
        interviewer=interviewer,
        recording_location=recording_location,
        reason=reason if repeat else "",
        requested_by=actor_label(viewer.as_actor()),
        requested_by_user_id=viewer.user_id,
    )
    session.add(interview)
    session.flush()
    record(
        session,
        actor=viewer.as_actor(),
        action="support.interview.request" if repeat else "support.interview.schedule",
        object_type="support_plan",
        object_id=plan.public_id,
        details={"interview": number, "repeat": repeat, "agency": agency.upper()},
    )
    if repeat:
        emit(
            session,
            type="support.interview.approval_needed",
            subject_type="support_plan",
            subject_id=plan.public_id,
            payload={"agency": agency.upper()},
            audience=sorted({SECRETARIAT, plan.lead_agency.short_name}),
        )
    return interview


def _interview_of(
    session: Session, viewer: Viewer, public_id: str, number: int
) -> tuple[Seen, ForensicInterview]:
    seen = visible_plan(session, viewer, public_id)
    plan = seen.plan
    if not policy.can_see_interviews(viewer, seen.sides, seen.matrix):
        raise refused(session, viewer, "interviews.read", plan)
    interview = session.scalars(
        select(ForensicInterview)
        .where(ForensicInterview.plan_id == plan.id, ForensicInterview.number == number)
        .with_for_update(of=ForensicInterview)
    ).one_or_none()
    if interview is None:
        raise SupportProblem("support.err.not_found", 404)
    return seen, interview


def decide(
    session: Session,
    *,
    viewer: Viewer,
    public_id: str,
    number: int,
    approve: bool,
    note: str = "",
) -> ForensicInterview:
    """A supervisor approves or refuses a repeat interview (never their own request)."""
    note = note.strip()
    if len(note) > MAX_REASON:
        raise SupportProblem("support.err.reason", 422)
    seen, interview = _interview_of(session, viewer, public_id, number)
    plan = seen.plan
    if not policy.can_decide_interview(
        viewer, seen.sides, seen.matrix, interview.requested_by_user_id
    ):
        raise refused(session, viewer, "interview.decide", plan)
    if interview.status != InterviewStatus.AWAITING_APPROVAL.value:
        raise SupportProblem("support.err.not_awaiting", 409)
    interview.status = (InterviewStatus.SCHEDULED if approve else InterviewStatus.REFUSED).value
    interview.decided_by = actor_label(viewer.as_actor())
    interview.decided_at = datetime.now(UTC)
    interview.decision_note = note or None
    session.flush()
    record(
        session,
        actor=viewer.as_actor(),
        action="support.interview.approve" if approve else "support.interview.refuse",
        object_type="support_plan",
        object_id=plan.public_id,
        details={"interview": number},
    )
    return interview


def mark_held(
    session: Session,
    *,
    viewer: Viewer,
    public_id: str,
    number: int,
    held_at: datetime,
    recording_location: str,
) -> ForensicInterview:
    """The interview took place; where its recording is held is required from now on."""
    location = _clean(recording_location, MAX_TEXT, "support.err.recording", required=True)
    seen, interview = _interview_of(session, viewer, public_id, number)
    plan = seen.plan
    if not policy.can_record_interview(viewer, seen.sides, seen.matrix):
        raise refused(session, viewer, "interview", plan)
    if interview.status != InterviewStatus.SCHEDULED.value:
        raise SupportProblem("support.err.not_scheduled", 409)
    interview.status, interview.held_at = InterviewStatus.HELD.value, held_at
    interview.recording_location = location
    session.flush()
    record(
        session,
        actor=viewer.as_actor(),
        action="support.interview.held",
        object_type="support_plan",
        object_id=plan.public_id,
        details={"interview": number},
    )
    return interview


def cancel(session: Session, *, viewer: Viewer, public_id: str, number: int) -> ForensicInterview:
    seen, interview = _interview_of(session, viewer, public_id, number)
    plan = seen.plan
    if not policy.can_record_interview(viewer, seen.sides, seen.matrix):
        raise refused(session, viewer, "interview", plan)
    if interview.status not in (
        InterviewStatus.SCHEDULED.value,
        InterviewStatus.AWAITING_APPROVAL.value,
    ):
        raise SupportProblem("support.err.not_scheduled", 409)
    interview.status = InterviewStatus.CANCELLED.value
    session.flush()
    record(
        session,
        actor=viewer.as_actor(),
        action="support.interview.cancel",
        object_type="support_plan",
        object_id=plan.public_id,
        details={"interview": number},
    )
    return interview
