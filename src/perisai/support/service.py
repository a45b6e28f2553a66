"""The support plan: needs, services with owners and follow-up dates (and their reminders), the
safety check, counselling notes. Services flush, never commit; every read of a plan or of notes
is audited, every refusal too.

Need-to-know is :mod:`perisai.support.policy`; a plan the viewer may not see is "not found"
(its existence is secret), an action they may not take is "not permitted".
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.audit.service import Actor, record
from perisai.crypto import Keyring
from perisai.identity.agencies import SECRETARIAT
from perisai.identity.models import Agency, User
from perisai.identity.permissions import Permission
from perisai.jobs.queue import defer
from perisai.sharing.events import emit
from perisai.sharing.redaction import Viewer
from perisai.support import policy, victimlink
from perisai.support.models import (
    CounsellingNote,
    NeedArea,
    NeedLevel,
    SafetyCheck,
    ServiceKind,
    ServiceStatus,
    SupportFollowUp,
    SupportNeed,
    SupportPlan,
    SupportService,
)
from perisai.support.policy import Matrix, PlanSides, ServiceSides

FOLLOW_UP_TASK: Final = "support.follow_up_due"
SAFETY_CHECK_TASK: Final = "support.safety_check_due"
#: When the offender is known to the family, the child's safety is checked within a day.
SAFETY_CHECK_WITHIN: Final = timedelta(hours=24)
#: The owner is reminded this long before a follow-up falls due (and told when it is overdue).
REMIND_BEFORE: Final = timedelta(days=1)
PLAN_PREFIX: Final = "SP-"
CODE_ALPHABET: Final = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U
MAX_NOTE: Final = 8000
MAX_PROVIDER: Final = 200
#: A service that is over: no reminders, not a helper on the child's view.
ENDED: Final = frozenset(
    {ServiceStatus.COMPLETED.value, ServiceStatus.DECLINED.value, ServiceStatus.CANCELLED.value}
)
#: Who provides each kind of service when it is an agency here (None: an outside provider).
PROVIDER_AGENCY: Final[dict[str, str | None]] = {
    ServiceKind.JKM.value: "JKM",
    ServiceKind.COUNSELLING.value: "NGO",
    ServiceKind.OSCC.value: None,
    ServiceKind.LEGAL_AID.value: None,
    ServiceKind.SCHOOL_COUNSELLOR.value: "MOE",
}


class SupportProblem(Exception):
    """A request the service cannot honour; ``key`` is the message's translation key,
    ``status`` the HTTP status (404 not found or not visible, 403 not permitted, 409/422)."""

    def __init__(self, key: str, status: int = 422, detail: str = "") -> None:
        super().__init__(detail or key)
        self.key, self.status, self.detail = key, status, detail or key


def _now() -> datetime:
    return datetime.now(UTC)


def actor_label(actor: Actor) -> str:
    return f"{actor.kind}:{actor.id or '-'}"


def refused(session: Session, viewer: Viewer, action: str, plan: SupportPlan) -> SupportProblem:
    record(
        session,
        actor=viewer.as_actor(),
        action=f"support.{action}_denied",
        object_type="support_plan",
        object_id=plan.public_id,
    )
    return SupportProblem("support.err.not_permitted", 403)


# --- finding plans ------------------------------------------------------------------------------


def _new_public_id(session: Session) -> str:
    while True:
        code = PLAN_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if session.scalar(select(SupportPlan.id).where(SupportPlan.public_id == code)) is None:
            return code


def plan_by_public_id(session: Session, public_id: str, *, for_update: bool = False) -> SupportPlan:
    query = select(SupportPlan).where(SupportPlan.public_id == public_id.strip().upper()[:16])
    if for_update:
        query = query.with_for_update(of=SupportPlan)
    plan = session.scalars(query).one_or_none()
    if plan is None:
        raise SupportProblem("support.err.not_found", 404)
    return plan


def plan_of_victim(session: Session, victim_id: int) -> SupportPlan | None:
    return session.scalars(
        select(SupportPlan).where(SupportPlan.victim_id == victim_id)
    ).one_or_none()


def sides_of(session: Session, plan: SupportPlan) -> PlanSides:
    providers = {
        s.provider_agency.short_name
        for s in plan.services
        if s.provider_agency is not None and s.status not in ENDED
    }
    return PlanSides(
        lead_agency=plan.lead_agency.short_name,
        case_agencies=victimlink.case_agencies(session, plan.victim_id),
        provider_agencies=frozenset(providers),
    )


@dataclass(frozen=True)
class Seen:
    """A plan as one viewer reaches it: the plan, who is on it, and the record's answers."""

    plan: SupportPlan
    sides: PlanSides
    matrix: Matrix


def service_sides(service: SupportService) -> ServiceSides:
    agency = service.provider_agency.short_name if service.provider_agency else None
    return ServiceSides(kind=service.kind, provider_agency=agency)


def seen_by(session: Session, viewer: Viewer, plan: SupportPlan) -> Seen:
    return Seen(plan, sides_of(session, plan), victimlink.matrix(session, viewer, plan.victim_id))


def visible_plan(session: Session, viewer: Viewer, public_id: str) -> Seen:
    """The plan as this viewer reaches it, if they may see it; else "not found" (audited)."""
    plan = plan_by_public_id(session, public_id)
    seen = seen_by(session, viewer, plan)
    if not policy.can_see_plan(viewer, seen.sides, seen.matrix):
        record(
            session,
            actor=viewer.as_actor(),
            action="support.plan.read_denied",
            object_type="support_plan",
            object_id=plan.public_id,
        )
        raise SupportProblem("support.err.not_found", 404)
    return seen


def visible_plans(session: Session, viewer: Viewer, *, limit: int = 200) -> list[SupportPlan]:
    """Open plans this viewer may see, newest first (the list shows codes and counts only)."""
    plans = session.scalars(
        select(SupportPlan)
        .where(SupportPlan.closed_at.is_(None))
        .order_by(SupportPlan.id.desc())
        .limit(limit * 5)
    ).all()
    shown = []
    for plan in plans:
        seen = seen_by(session, viewer, plan)
        if policy.can_see_plan(viewer, seen.sides, seen.matrix):
            shown.append(plan)
    return shown[:limit]


# --- starting a plan ----------------------------------------------------------------------------


def agency_named(session: Session, short_name: str) -> Agency:
    agency = session.scalar(select(Agency).where(Agency.short_name == short_name.upper()))
    if agency is None:
        raise SupportProblem("support.err.agency", 422)
    return agency


def _user_of(session: Session, user_id: int | None, agency: str | None = None) -> User | None:
    if user_id is None:
        return None
    user = session.get(User, user_id)
    if user is None or not user.is_active or (agency and user.agency.short_name != agency):
        raise SupportProblem("support.err.user", 422)
    return user


def start_plan(
    session: Session,
    *,
    viewer: Viewer,
    victim_id: int,
    lead_agency: str = policy.WELFARE,
    caseworker_id: int | None = None,
    actor: Actor | None = None,
) -> SupportPlan:
    """The child's support plan (one per child): started now, or the one there is."""
    actor = actor or viewer.as_actor()
    existing = plan_of_victim(session, victim_id)
    if existing is not None:
        return existing
    if not policy.can_start_plan(viewer, victimlink.matrix(session, viewer, victim_id)):
        record(
            session,
            actor=actor,
            action="support.plan.start_denied",
            object_type="victim",
            object_id=victimlink.public_id_of(session, victim_id),
        )
        raise SupportProblem("support.err.not_permitted", 403)
    lead = agency_named(session, lead_agency)
    _user_of(session, caseworker_id, lead.short_name)
    plan = SupportPlan(
        public_id=_new_public_id(session),
        victim_id=victim_id,
        lead_agency_id=lead.id,
        caseworker_id=caseworker_id,
        created_by=actor_label(actor),
    )
    session.add(plan)
    session.flush()
    record(
        session,
        actor=actor,
        action="support.plan.start",
        object_type="support_plan",
        object_id=plan.public_id,
        details={"victim_id": victim_id, "lead_agency": lead.short_name},
    )
    return plan


def _steerable(session: Session, viewer: Viewer, public_id: str, action: str) -> SupportPlan:
    seen = visible_plan(session, viewer, public_id)
    plan = seen.plan
    if not policy.can_steer_plan(viewer, seen.sides, seen.matrix):
        raise refused(session, viewer, action, plan)
    if plan.closed_at is not None:
        raise SupportProblem("support.err.closed", 409)
    return plan


# --- needs --------------------------------------------------------------------------------------


def assess_need(
    session: Session, *, viewer: Viewer, public_id: str, area: str, level: str
) -> SupportNeed:
    if area not in {a.value for a in NeedArea}:
        raise SupportProblem("support.err.area", 422)
    if level not in {v.value for v in NeedLevel}:
        raise SupportProblem("support.err.level", 422)
    plan = _steerable(session, viewer, public_id, "need")
    return _set_need(session, plan, area, level, viewer.as_actor())


def _set_need(
    session: Session, plan: SupportPlan, area: str, level: str, actor: Actor
) -> SupportNeed:
    need = next((n for n in plan.needs if n.area == area), None)
    if need is None:
        need = SupportNeed(
            plan_id=plan.id, area=area, level=level, assessed_at=_now(), assessed_by=""
        )
        plan.needs.append(need)
    need.level, need.assessed_at, need.assessed_by = level, _now(), actor_label(actor)
    session.flush()
    record(
        session,
        actor=actor,
        action="support.need.assess",
        object_type="support_plan",
        object_id=plan.public_id,
        details={"area": area, "level": level},
    )
    return need


# --- the safety check ---------------------------------------------------------------------------


def set_offender_known(
    session: Session, *, viewer: Viewer, public_id: str, known: bool, now: datetime | None = None
) -> SupportPlan:
    """Record whether the offender is known to the family; if so, a safety check falls due
    within SAFETY_CHECK_WITHIN (with a reminder), and the safety need is at least high."""
    plan = _steerable(session, viewer, public_id, "safety")
    now = now or _now()
    plan.offender_known_to_family = known
    if plan.safety_check != SafetyCheck.DONE.value:
        if known:
            plan.safety_check = SafetyCheck.DUE.value
            plan.safety_check_due_at = now + SAFETY_CHECK_WITHIN
            plan.safety_check_reminded_at = None
            defer(
                session,
                task=SAFETY_CHECK_TASK,
                args={"plan_id": plan.id, "due_at": plan.safety_check_due_at.isoformat()},
                scheduled_at=plan.safety_check_due_at,
            )
        else:
            plan.safety_check, plan.safety_check_due_at = SafetyCheck.NOT_NEEDED.value, None
    if known and not any(
        n.area == NeedArea.SAFETY.value and n.level == NeedLevel.HIGH.value for n in plan.needs
    ):
        _set_need(session, plan, NeedArea.SAFETY.value, NeedLevel.HIGH.value, viewer.as_actor())
    session.flush()
    record(
        session,
        actor=viewer.as_actor(),
        action="support.safety.offender_known",
        object_type="support_plan",
        object_id=plan.public_id,
        details={"known": known},
    )
    return plan


def record_safety_check(
    session: Session, *, viewer: Viewer, public_id: str, now: datetime | None = None
) -> SupportPlan:
    plan = _steerable(session, viewer, public_id, "safety")
    if plan.safety_check != SafetyCheck.DUE.value:
        raise SupportProblem("support.err.no_safety_check", 409)
    plan.safety_check = SafetyCheck.DONE.value
    plan.safety_check_done_at = now or _now()
    plan.safety_check_done_by = actor_label(viewer.as_actor())
    session.flush()
    record(
        session,
        actor=viewer.as_actor(),
        action="support.safety.checked",
        object_type="support_plan",
        object_id=plan.public_id,
    )
    return plan


def safety_check_due(session: Session, *, plan_id: int, due_at: datetime, now: datetime) -> bool:
    """The job at the safety check's due time: tell the plan's sides once if it is not done."""
    plan = session.scalars(
        select(SupportPlan).where(SupportPlan.id == plan_id).with_for_update(of=SupportPlan)
    ).one_or_none()
    if (
        plan is None
        or plan.safety_check != SafetyCheck.DUE.value
        or plan.safety_check_due_at != due_at
        or plan.safety_check_reminded_at is not None
        or now < due_at
    ):
        return False
    plan.safety_check_reminded_at = now
    _announce(
        session,
        plan,
        type="support.safety_check.overdue",
        subject=("support_plan", plan.public_id),
        payload={"due_at": due_at.isoformat(), "agency": plan.lead_agency.short_name},
        audience=[plan.lead_agency.short_name],
        users=[plan.caseworker_id],
    )
    return True


# --- services -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceChange:
    """What a page or the API asks to change on a service (None: leave as it is)."""

    status: str | None = None
    owner_id: int | None = None
    follow_up_due_at: datetime | None = None
    appointment_at: datetime | None = None
    clear_appointment: bool = False


def add_service(
    session: Session,
    *,
    viewer: Viewer,
    public_id: str,
    kind: str,
    provider: str = "",
    owner_id: int | None = None,
    follow_up_due_at: datetime | None = None,
    now: datetime | None = None,
) -> SupportService:
    """Refer the child to a service (status `referred`), with an optional owner and follow-up."""
    if kind not in PROVIDER_AGENCY:
        raise SupportProblem("support.err.kind", 422)
    provider = " ".join(provider.split())
    if len(provider) > MAX_PROVIDER:
        raise SupportProblem("support.err.provider", 422)
    agency_name = PROVIDER_AGENCY[kind]
    if agency_name is None and not provider:
        raise SupportProblem("support.err.provider", 422)
    plan = _steerable(session, viewer, public_id, "service")
    agency = agency_named(session, agency_name) if agency_name else None
    owner_agency = agency.short_name if agency else plan.lead_agency.short_name
    _user_of(session, owner_id, owner_agency)
    now = now or _now()
    service = SupportService(
        plan_id=plan.id,
        kind=kind,
        provider_agency_id=agency.id if agency else None,
        provider=provider or (agency.name if agency else ""),
        status=ServiceStatus.REFERRED.value,
        owner_id=owner_id,
        created_by=actor_label(viewer.as_actor()),
        referred_at=now,
        status_changed_at=now,
        follow_up_due_at=follow_up_due_at,
    )
    plan.services.append(service)
    session.flush()
    _schedule_follow_up(session, service)
    record(
        session,
        actor=viewer.as_actor(),
        action="support.service.refer",
        object_type="support_plan",
        object_id=plan.public_id,
        details={"service_id": service.id, "kind": kind, "provider_agency": agency_name},
    )
    if agency is not None:
        _announce(
            session,
            plan,
            type="support.service.referred",
            subject=("support_plan", plan.public_id),
            payload={"agency": agency.short_name},
            audience=[agency.short_name],
            users=[owner_id],
        )
    return service


def _service_of(session: Session, plan: SupportPlan, service_id: int) -> SupportService:
    service = next((s for s in plan.services if s.id == service_id), None)
    if service is None:
        raise SupportProblem("support.err.not_found", 404)
    return service


def _workable(
    session: Session, viewer: Viewer, public_id: str, service_id: int, action: str
) -> tuple[SupportPlan, SupportService]:
    seen = visible_plan(session, viewer, public_id)
    plan = seen.plan
    service = _service_of(session, plan, service_id)
    if not policy.can_work_service(viewer, seen.sides, seen.matrix, service_sides(service)):
        raise refused(session, viewer, action, plan)
    if plan.closed_at is not None:
        raise SupportProblem("support.err.closed", 409)
    return plan, service


def change_service(
    session: Session,
    *,
    viewer: Viewer,
    public_id: str,
    service_id: int,
    change: ServiceChange,
    now: datetime | None = None,
) -> SupportService:
    plan, service = _workable(session, viewer, public_id, service_id, "service")
    now = now or _now()
    changed: dict[str, object] = {}
    if change.status is not None and change.status != service.status:
        if change.status not in {s.value for s in ServiceStatus}:
            raise SupportProblem("support.err.status", 422)
        service.status, service.status_changed_at = change.status, now
        changed["status"] = change.status
    if change.owner_id is not None and change.owner_id != service.owner_id:
        agency = service_sides(service).provider_agency or plan.lead_agency.short_name
        _user_of(session, change.owner_id, agency)
        service.owner_id = changed["owner_id"] = change.owner_id
    if change.appointment_at is not None or change.clear_appointment:
        service.appointment_at = None if change.clear_appointment else change.appointment_at
        changed["appointment_at"] = (
            service.appointment_at.isoformat() if service.appointment_at else None
        )
    if change.follow_up_due_at is not None and change.follow_up_due_at != service.follow_up_due_at:
        service.follow_up_due_at = change.follow_up_due_at
        service.follow_up_reminded_at = service.follow_up_overdue_at = None
        changed["follow_up_due_at"] = change.follow_up_due_at.isoformat()
        _schedule_follow_up(session, service)
    session.flush()
    record(
        session,
        actor=viewer.as_actor(),
        action="support.service.change",
        object_type="support_plan",
        object_id=plan.public_id,
        details={"service_id": service.id, **changed},
    )
    return service


def record_contact(
    session: Session,
    *,
    viewer: Viewer,
    public_id: str,
    service_id: int,
    kind: str = "follow_up",
    at: datetime | None = None,
    next_due: datetime | None = None,
) -> SupportFollowUp:
    """A contact with the child or a follow-up, done at ``at``; the next one falls due at
    ``next_due`` (its reminders are scheduled)."""
    if kind not in ("contact", "follow_up"):
        raise SupportProblem("support.err.kind", 422)
    plan, service = _workable(session, viewer, public_id, service_id, "follow_up")
    at = at or _now()
    if service.referred_at is not None and at < service.referred_at - timedelta(days=1):
        raise SupportProblem("support.err.before_referral", 422)
    if viewer.agency is None:
        raise SupportProblem("support.err.not_permitted", 403)
    done = SupportFollowUp(
        service_id=service.id,
        kind=kind,
        at=at,
        by=actor_label(viewer.as_actor()),
        agency_id=agency_named(session, viewer.agency).id,
    )
    session.add(done)
    if service.first_contact_at is None or at < service.first_contact_at:
        service.first_contact_at = at
    if service.last_follow_up_at is None or at > service.last_follow_up_at:
        service.last_follow_up_at = at
    if service.status in (ServiceStatus.REFERRED.value, ServiceStatus.ACCEPTED.value):
        service.status, service.status_changed_at = ServiceStatus.IN_PROGRESS.value, at
    service.follow_up_due_at = next_due
    service.follow_up_reminded_at = service.follow_up_overdue_at = None
    session.flush()
    _schedule_follow_up(session, service)
    record(
        session,
        actor=viewer.as_actor(),
        action=f"support.service.{kind}",
        object_type="support_plan",
        object_id=plan.public_id,
        details={"service_id": service.id, "at": at.isoformat()},
    )
    return done


def _schedule_follow_up(session: Session, service: SupportService) -> None:
    due = service.follow_up_due_at
    if due is None or service.status in ENDED:
        return
    for level, at in (("reminder", due - REMIND_BEFORE), ("overdue", due)):
        defer(
            session,
            task=FOLLOW_UP_TASK,
            args={"service_id": service.id, "due_at": due.isoformat(), "level": level},
            scheduled_at=at,
        )


def follow_up_due(
    session: Session, *, service_id: int, due_at: datetime, level: str, now: datetime
) -> bool:
    """The job of a follow-up's reminder or overdue time: tell the owner and the sides once,
    unless the follow-up was done or moved since (then the job is stale and does nothing)."""
    if level not in ("reminder", "overdue"):
        raise ValueError(f"unknown follow-up level {level!r}")
    service = session.scalars(
        select(SupportService)
        .where(SupportService.id == service_id)
        .with_for_update(of=SupportService)
    ).one_or_none()
    if service is None or service.status in ENDED or service.follow_up_due_at != due_at:
        return False
    column = "follow_up_reminded_at" if level == "reminder" else "follow_up_overdue_at"
    threshold = due_at - REMIND_BEFORE if level == "reminder" else due_at
    if getattr(service, column) is not None or now < threshold:
        return False
    setattr(service, column, now)
    plan = session.get(SupportPlan, service.plan_id)
    assert plan is not None
    agency = service_sides(service).provider_agency or plan.lead_agency.short_name
    _announce(
        session,
        plan,
        type=f"support.follow_up.{'due' if level == 'reminder' else 'overdue'}",
        subject=("support_service", str(service.id)),
        payload={"due_at": due_at.isoformat(), "agency": agency},
        audience=[agency, plan.lead_agency.short_name],
        users=[service.owner_id, plan.caseworker_id],
    )
    return True


def _announce(
    session: Session,
    plan: SupportPlan,
    *,
    type: str,
    subject: tuple[str, str],
    payload: dict[str, object],
    audience: list[str],
    users: list[int | None],
) -> None:
    """An event to the agencies concerned and the people named; it carries no word about the
    child (the redaction layer passes only due_at and agency to its readers)."""
    named = [f"user:{u}" for u in users if u is not None]
    emit(
        session,
        type=type,
        subject_type=subject[0],
        subject_id=subject[1],
        payload=payload,
        audience=sorted({SECRETARIAT, *audience, *named}),
    )
    record(
        session,
        actor=Actor.system(),
        action=type,
        object_type="support_plan",
        object_id=plan.public_id,
        details={k: v for k, v in payload.items() if isinstance(v, str)},
    )


# --- counselling notes --------------------------------------------------------------------------


def add_note(
    session: Session,
    *,
    viewer: Viewer,
    keyring: Keyring,
    public_id: str,
    service_id: int,
    body: str,
) -> CounsellingNote:
    body = body.strip()
    if not body or len(body) > MAX_NOTE:
        raise SupportProblem("support.err.note", 422)
    plan = visible_plan(session, viewer, public_id).plan
    service = _service_of(session, plan, service_id)
    if not may_read_notes(session, viewer, plan, service) or not viewer.has(Permission.CASES_WRITE):
        raise refused(session, viewer, "notes.write", plan)
    assert viewer.agency is not None  # may_read_notes: a user of the provider
    note = CounsellingNote(
        service_id=service.id,
        author=actor_label(viewer.as_actor()),
        author_agency_id=agency_named(session, viewer.agency).id,
        body_sealed=b"",
    )
    session.add(note)
    session.flush()
    note.body_sealed = victimlink.seal(
        session, keyring, plan.victim_id, body, f"counselling-note:{note.id}"
    )
    session.flush()
    record(
        session,
        actor=viewer.as_actor(),
        action="support.notes.write",
        object_type="support_plan",
        object_id=plan.public_id,
        details={"service_id": service.id, "note_id": note.id},
    )
    return note


def may_read_notes(
    session: Session, viewer: Viewer, plan: SupportPlan, service: SupportService
) -> bool:
    """Counselling notes: the counselling provider's caseworkers only (the record's matrix)."""
    sides = service_sides(service)
    if sides.kind != ServiceKind.COUNSELLING.value or sides.provider_agency is None:
        return False
    matrix = victimlink.may_read_counselling(session, viewer, plan.victim_id, sides.provider_agency)
    return policy.can_read_notes(viewer, sides, matrix_counselling=matrix)


@dataclass(frozen=True)
class NoteView:
    id: int
    author: str
    at: datetime
    body: str


def read_notes(
    session: Session, *, viewer: Viewer, keyring: Keyring, public_id: str, service_id: int
) -> list[NoteView]:
    """The counselling notes of a service, for its provider only; the read is audited."""
    plan = visible_plan(session, viewer, public_id).plan
    service = _service_of(session, plan, service_id)
    if not may_read_notes(session, viewer, plan, service):
        raise refused(session, viewer, "notes.read", plan)
    notes = session.scalars(
        select(CounsellingNote)
        .where(CounsellingNote.service_id == service.id)
        .order_by(CounsellingNote.id)
    ).all()
    record(
        session,
        actor=viewer.as_actor(),
        action="support.notes.read",
        object_type="support_plan",
        object_id=plan.public_id,
        details={"service_id": service.id, "notes": len(notes)},
    )
    shown = []
    for note in notes:
        try:
            body = victimlink.unseal(
                session, keyring, plan.victim_id, note.body_sealed, f"counselling-note:{note.id}"
            )
        except victimlink.VictimErased:
            continue
        shown.append(NoteView(id=note.id, author=note.author, at=note.created_at, body=body))
    return shown


# --- closing ------------------------------------------------------------------------------------


def close_plan(session: Session, *, viewer: Viewer, public_id: str) -> SupportPlan:
    plan = _steerable(session, viewer, public_id, "close")
    plan.closed_at = _now()
    # The child's code stops working with the plan.
    plan.child_code = plan.child_secret_hash = None
    session.flush()
    record(
        session,
        actor=viewer.as_actor(),
        action="support.plan.close",
        object_type="support_plan",
        object_id=plan.public_id,
    )
    return plan


@dataclass
class PlanView:
    """A plan as one viewer may see it (pages and the API render this, nothing else)."""

    plan: SupportPlan
    sides: PlanSides
    may_steer: bool
    may_see_interviews: bool
    may_record_interview: bool
    may_decide_interviews: bool
    services: list[tuple[SupportService, bool, bool]] = field(default_factory=list)
    # (service, may work it, may read its notes)


def read_plan(
    session: Session, *, viewer: Viewer, public_id: str, actor: Actor | None = None
) -> PlanView:
    """The plan for this viewer (audited as a read of support data, as ``actor`` if given)."""
    seen = visible_plan(session, viewer, public_id)
    plan, sides, matrix = seen.plan, seen.sides, seen.matrix
    is_open = plan.closed_at is None
    view = PlanView(
        plan=plan,
        sides=sides,
        may_steer=policy.can_steer_plan(viewer, sides, matrix) and is_open,
        may_see_interviews=policy.can_see_interviews(viewer, sides, matrix),
        may_record_interview=policy.can_record_interview(viewer, sides, matrix) and is_open,
        may_decide_interviews=viewer.role is not None
        and policy.can_decide_interview(viewer, sides, matrix, None),
        services=[
            (
                s,
                policy.can_work_service(viewer, sides, matrix, service_sides(s)) and is_open,
                may_read_notes(session, viewer, plan, s),
            )
            for s in plan.services
        ],
    )
    record(
        session,
        actor=actor or viewer.as_actor(),
        action="support.plan.read",
        object_type="support_plan",
        object_id=plan.public_id,
        details={"interviews": view.may_see_interviews},
    )
    return view


def due_items(session: Session, *, now: datetime, within: timedelta) -> list[dict[str, object]]:
    """Follow-ups overdue or due within ``within``, and safety checks due, oldest first
    (codes, agencies and times only: for operators and monitoring)."""
    rows: list[dict[str, object]] = []
    services = session.execute(
        select(SupportService, SupportPlan.public_id)
        .join(SupportPlan, SupportPlan.id == SupportService.plan_id)
        .where(
            SupportPlan.closed_at.is_(None),
            SupportService.follow_up_due_at.is_not(None),
            SupportService.follow_up_due_at <= now + within,
            SupportService.status.not_in(ENDED),
        )
    ).all()
    for found, public_id in services:
        agency = service_sides(found).provider_agency or found.provider
        assert found.follow_up_due_at is not None
        rows.append(
            {
                "plan": public_id,
                "what": f"follow-up of service {found.id} ({found.kind})",
                "agency": agency,
                "due_at": found.follow_up_due_at,
                "overdue": found.follow_up_due_at <= now,
            }
        )
    plans = session.scalars(
        select(SupportPlan).where(
            SupportPlan.closed_at.is_(None),
            SupportPlan.safety_check == SafetyCheck.DUE.value,
            SupportPlan.safety_check_due_at <= now + within,
        )
    ).all()
    for plan in plans:
        assert plan.safety_check_due_at is not None
        rows.append(
            {
                "plan": plan.public_id,
                "what": "safety check",
                "agency": plan.lead_agency.short_name,
                "due_at": plan.safety_check_due_at,
                "overdue": plan.safety_check_due_at <= now,
            }
        )
    return sorted(rows, key=lambda row: row["due_at"])  # type: ignore[arg-type,return-value]
