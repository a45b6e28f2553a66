"""JSON API of victim support under /api/v1/support (staff sessions only: agency systems never
receive support data). A plan the caller may not see answers 404, as if absent; every read of a
plan, of the interview register and of counselling notes is audited by the services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from sqlalchemy.orm import Session

from perisai.http.problems import Problem
from perisai.identity.deps import DbDep, Principal, RuntimeDep, require
from perisai.identity.permissions import Permission
from perisai.sharing.viewers import viewer_of
from perisai.support import childview, interviews, measures, service, victimlink
from perisai.support import text as _text  # noqa: F401 - registers the strings
from perisai.support.models import ForensicInterview, SupportPlan
from perisai.support.schemas import (
    ChildCodeIn,
    ChildCodeOut,
    ContactIn,
    DecisionIn,
    HeldIn,
    InterviewIn,
    InterviewOut,
    MeasureRowOut,
    MeasuresOut,
    NeedIn,
    NeedOut,
    NoteIn,
    NoteOut,
    PlanIn,
    PlanOut,
    PlanSummaryOut,
    SafetyIn,
    ServiceChangeIn,
    ServiceIn,
    ServiceOut,
)
from perisai.web.i18n import translate

router = APIRouter(prefix="/api/v1/support", tags=["support"])
READ = require(Permission.CASES_READ)
WRITE = require(Permission.CASES_WRITE)
PlanId = Annotated[str, Path(max_length=16)]
ServiceId = Annotated[int, Path(ge=1, le=2**62)]
Number = Annotated[int, Path(ge=1, le=1000)]
CHILD_PATHS = {"ms": "/sokongan", "en": "/support"}


@contextmanager
def _answered() -> Iterator[None]:
    """The services' refusals as problem documents (English; pages use the person's language)."""
    try:
        yield
    except service.SupportProblem as problem:
        raise Problem(problem.status, translate(problem.key, "en")) from None
    except victimlink.VictimNotFound:
        raise Problem(404, translate("support.err.victim", "en")) from None


def interview_out(interview: ForensicInterview) -> InterviewOut:
    return InterviewOut(
        number=interview.number,
        repeat=interview.repeat,
        status=interview.status,
        scheduled_for=interview.scheduled_for,
        held_at=interview.held_at,
        agency=interview.agency.short_name,
        interviewer=interview.interviewer,
        recording_location=interview.recording_location,
        reason=interview.reason,
        decided_by=interview.decided_by,
        decided_at=interview.decided_at,
    )


def plan_out(db: Session, view: service.PlanView) -> PlanOut:
    plan = view.plan
    register = interviews.interviews_of(db, plan) if view.may_see_interviews else None
    return PlanOut(
        id=plan.public_id,
        victim_id=victimlink.public_id_of(db, plan.victim_id),
        lead_agency=plan.lead_agency.short_name,
        caseworker_id=plan.caseworker_id,
        created_at=plan.created_at,
        closed_at=plan.closed_at,
        offender_known_to_family=plan.offender_known_to_family,
        safety_check=plan.safety_check,
        safety_check_due_at=plan.safety_check_due_at,
        safety_check_done_at=plan.safety_check_done_at,
        child_code_issued=plan.child_code is not None,
        needs=[NeedOut(area=n.area, level=n.level, assessed_at=n.assessed_at) for n in plan.needs],
        services=[
            ServiceOut(
                id=s.id,
                kind=s.kind,
                provider=s.provider,
                provider_agency=s.provider_agency.short_name if s.provider_agency else None,
                status=s.status,
                owner_id=s.owner_id,
                referred_at=s.referred_at,
                first_contact_at=s.first_contact_at,
                last_follow_up_at=s.last_follow_up_at,
                follow_up_due_at=s.follow_up_due_at,
                appointment_at=s.appointment_at,
                may_work=may_work,
                may_read_notes=may_read,
            )
            for s, may_work, may_read in view.services
        ],
        interviews=[interview_out(i) for i in register] if register is not None else None,
        repeat_interviews=sum(1 for i in register if i.repeat and i.status == "held")
        if register is not None
        else None,
        may_steer=view.may_steer,
    )


def _plan(db: Session, principal: Principal, public_id: str) -> PlanOut:
    with _answered():
        return plan_out(db, service.read_plan(db, viewer=viewer_of(principal), public_id=public_id))


@router.get("/plans", response_model=list[PlanSummaryOut])
def list_plans(db: DbDep, principal: Principal = READ) -> list[PlanSummaryOut]:
    """Open support plans the caller may see (codes and counts only), newest first."""
    plans: list[SupportPlan] = service.visible_plans(db, viewer_of(principal))
    return [
        PlanSummaryOut(
            id=p.public_id,
            lead_agency=p.lead_agency.short_name,
            created_at=p.created_at,
            services=len(p.services),
            safety_check=p.safety_check,
        )
        for p in plans
    ]


@router.post("/plans", status_code=201, response_model=PlanOut)
def start_plan(body: PlanIn, db: DbDep, principal: Principal = WRITE) -> PlanOut:
    """Start the child's support plan (or answer the one there is)."""
    viewer = viewer_of(principal)
    with _answered():
        victim = victimlink.victim_by_public_id(db, body.victim_id)
        plan = service.start_plan(
            db,
            viewer=viewer,
            victim_id=victim.id,
            lead_agency=body.lead_agency,
            caseworker_id=body.caseworker_id,
        )
    return _plan(db, principal, plan.public_id)


@router.get("/plans/{plan_id}", response_model=PlanOut)
def get_plan(plan_id: PlanId, db: DbDep, principal: Principal = READ) -> PlanOut:
    return _plan(db, principal, plan_id)


@router.put("/plans/{plan_id}/needs/{area}", response_model=PlanOut)
def assess_need(
    plan_id: PlanId,
    area: Annotated[str, Path(max_length=16)],
    body: NeedIn,
    db: DbDep,
    principal: Principal = WRITE,
) -> PlanOut:
    with _answered():
        service.assess_need(
            db, viewer=viewer_of(principal), public_id=plan_id, area=area, level=body.level.value
        )
    return _plan(db, principal, plan_id)


@router.put("/plans/{plan_id}/safety", response_model=PlanOut)
def offender_known(
    plan_id: PlanId, body: SafetyIn, db: DbDep, principal: Principal = WRITE
) -> PlanOut:
    """Whether the offender is known to the family: yes starts a safety check due in 24 hours."""
    with _answered():
        service.set_offender_known(
            db, viewer=viewer_of(principal), public_id=plan_id, known=body.offender_known_to_family
        )
    return _plan(db, principal, plan_id)


@router.post("/plans/{plan_id}/safety/check", response_model=PlanOut)
def safety_checked(plan_id: PlanId, db: DbDep, principal: Principal = WRITE) -> PlanOut:
    with _answered():
        service.record_safety_check(db, viewer=viewer_of(principal), public_id=plan_id)
    return _plan(db, principal, plan_id)


@router.post("/plans/{plan_id}/services", status_code=201, response_model=PlanOut)
def add_service(
    plan_id: PlanId, body: ServiceIn, db: DbDep, principal: Principal = WRITE
) -> PlanOut:
    with _answered():
        service.add_service(
            db,
            viewer=viewer_of(principal),
            public_id=plan_id,
            kind=body.kind.value,
            provider=body.provider,
            owner_id=body.owner_id,
            follow_up_due_at=body.follow_up_due_at,
        )
    return _plan(db, principal, plan_id)


@router.patch("/plans/{plan_id}/services/{service_id}", response_model=PlanOut)
def change_service(
    plan_id: PlanId,
    service_id: ServiceId,
    body: ServiceChangeIn,
    db: DbDep,
    principal: Principal = WRITE,
) -> PlanOut:
    change = service.ServiceChange(
        status=body.status.value if body.status else None,
        owner_id=body.owner_id,
        follow_up_due_at=body.follow_up_due_at,
        appointment_at=body.appointment_at,
        clear_appointment=body.clear_appointment,
    )
    with _answered():
        service.change_service(
            db, viewer=viewer_of(principal), public_id=plan_id, service_id=service_id, change=change
        )
    return _plan(db, principal, plan_id)


@router.post(
    "/plans/{plan_id}/services/{service_id}/contacts", status_code=201, response_model=PlanOut
)
def record_contact(
    plan_id: PlanId,
    service_id: ServiceId,
    body: ContactIn,
    db: DbDep,
    principal: Principal = WRITE,
) -> PlanOut:
    """A contact with the child or a follow-up; `next_due` schedules the next one's reminders."""
    with _answered():
        service.record_contact(
            db,
            viewer=viewer_of(principal),
            public_id=plan_id,
            service_id=service_id,
            kind=body.kind,
            at=body.at,
            next_due=body.next_due,
        )
    return _plan(db, principal, plan_id)


@router.get("/plans/{plan_id}/services/{service_id}/notes", response_model=list[NoteOut])
def read_notes(
    plan_id: PlanId,
    service_id: ServiceId,
    db: DbDep,
    runtime: RuntimeDep,
    principal: Principal = READ,
) -> list[NoteOut]:
    """Counselling notes: the counselling agency's caseworkers only (403 for anyone else)."""
    with _answered():
        notes = service.read_notes(
            db,
            viewer=viewer_of(principal),
            keyring=runtime.keyring,
            public_id=plan_id,
            service_id=service_id,
        )
    return [NoteOut(id=n.id, author=n.author, at=n.at, body=n.body) for n in notes]


@router.post(
    "/plans/{plan_id}/services/{service_id}/notes", status_code=201, response_model=NoteOut
)
def add_note(
    plan_id: PlanId,
    service_id: ServiceId,
    body: NoteIn,
    db: DbDep,
    runtime: RuntimeDep,
    principal: Principal = WRITE,
) -> NoteOut:
    with _answered():
        note = service.add_note(
            db,
            viewer=viewer_of(principal),
            keyring=runtime.keyring,
            public_id=plan_id,
            service_id=service_id,
            body=body.body,
        )
    return NoteOut(id=note.id, author=note.author, at=note.created_at, body=body.body.strip())


@router.get("/plans/{plan_id}/interviews", response_model=list[InterviewOut])
def interview_register(
    plan_id: PlanId, db: DbDep, principal: Principal = READ
) -> list[InterviewOut]:
    with _answered():
        found = interviews.register(db, viewer=viewer_of(principal), public_id=plan_id)
    return [interview_out(i) for i in found]


@router.post("/plans/{plan_id}/interviews", status_code=201, response_model=InterviewOut)
def schedule_interview(
    plan_id: PlanId, body: InterviewIn, db: DbDep, principal: Principal = WRITE
) -> InterviewOut:
    """The first interview is scheduled; a later one waits for a supervisor, with its reason."""
    with _answered():
        found = interviews.schedule(
            db,
            viewer=viewer_of(principal),
            public_id=plan_id,
            scheduled_for=body.scheduled_for,
            agency=body.agency,
            interviewer=body.interviewer,
            recording_location=body.recording_location,
            reason=body.reason,
        )
    return interview_out(found)


@router.post("/plans/{plan_id}/interviews/{number}/decision", response_model=InterviewOut)
def decide_interview(
    plan_id: PlanId, number: Number, body: DecisionIn, db: DbDep, principal: Principal = WRITE
) -> InterviewOut:
    with _answered():
        found = interviews.decide(
            db,
            viewer=viewer_of(principal),
            public_id=plan_id,
            number=number,
            approve=body.approve,
            note=body.note,
        )
    return interview_out(found)


@router.post("/plans/{plan_id}/interviews/{number}/held", response_model=InterviewOut)
def interview_held(
    plan_id: PlanId, number: Number, body: HeldIn, db: DbDep, principal: Principal = WRITE
) -> InterviewOut:
    with _answered():
        found = interviews.mark_held(
            db,
            viewer=viewer_of(principal),
            public_id=plan_id,
            number=number,
            held_at=body.held_at,
            recording_location=body.recording_location,
        )
    return interview_out(found)


@router.post("/plans/{plan_id}/interviews/{number}/cancel", response_model=InterviewOut)
def cancel_interview(
    plan_id: PlanId, number: Number, db: DbDep, principal: Principal = WRITE
) -> InterviewOut:
    with _answered():
        found = interviews.cancel(db, viewer=viewer_of(principal), public_id=plan_id, number=number)
    return interview_out(found)


@router.post("/plans/{plan_id}/child-code", status_code=201, response_model=ChildCodeOut)
def issue_child_code(
    plan_id: PlanId, body: ChildCodeIn, db: DbDep, principal: Principal = WRITE
) -> ChildCodeOut:
    """A code and secret for the child's own view (the secret is shown this once)."""
    with _answered():
        issued = childview.issue(
            db,
            viewer=viewer_of(principal),
            public_id=plan_id,
            helpers=body.helpers,
            appointment=body.appointment,
            contact=body.contact,
            contact_text=body.contact_text,
            lang=body.lang,
        )
    return ChildCodeOut(code=issued.code, secret=issued.secret, url=CHILD_PATHS[body.lang])


@router.delete("/plans/{plan_id}/child-code", status_code=204)
def revoke_child_code(plan_id: PlanId, db: DbDep, principal: Principal = WRITE) -> Response:
    with _answered():
        childview.revoke(db, viewer=viewer_of(principal), public_id=plan_id)
    return Response(status_code=204)


@router.post("/plans/{plan_id}/close", response_model=PlanOut)
def close_plan(plan_id: PlanId, db: DbDep, principal: Principal = WRITE) -> PlanOut:
    with _answered():
        service.close_plan(db, viewer=viewer_of(principal), public_id=plan_id)
    return _plan(db, principal, plan_id)


def row_out(row: measures.Row) -> MeasureRowOut:
    return MeasureRowOut(
        label=row.label,
        children=row.children,
        days_to_contact_median=row.days_to_contact_median,
        contacted=row.contacted,
        interviews_per_child=row.interviews_per_child,
        repeat_interviews=row.repeat_interviews,
        agencies_per_child=row.agencies_per_child,
        followed_within_30=row.followed_within_30,
        follow_up_due=row.follow_up_due,
        follow_up_share=row.follow_up_share,
    )


@router.get("/measures", response_model=MeasuresOut)
def get_measures(
    db: DbDep,
    window: Annotated[str, Query(max_length=8)] = "all",
    principal: Principal = require(Permission.DASHBOARD_VIEW),
) -> MeasuresOut:
    """The Barnahus measures (aggregates only, no child named), per agency and per month."""
    if window not in measures.WINDOWS:
        raise Problem(422, f"window must be one of {', '.join(measures.WINDOWS)}")
    now = datetime.now(UTC)
    since = measures.window_start(window, now)
    found = measures.measures(db, now=now, since=since)
    return MeasuresOut(
        since=since,
        overall=row_out(found.overall),
        by_agency=[row_out(r) for r in found.by_agency],
        by_month=[row_out(r) for r in found.by_month],
    )
