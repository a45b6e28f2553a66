"""Case work: create, merge, split, assign, refer (accept/decline), tasks, notes, status.

Services flush and never commit (the request or job owns the transaction). Every change emits a
domain event carrying the case id and queues an audit entry (`cases.events.changed`); the
case's timeline is read back from those events. Takedown notices live in `cases.takedowns`
and are re-exported here.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from perisai.audit.service import Actor
from perisai.cases import hooks
from perisai.cases.access import ACCESS_PARTS
from perisai.cases.errors import CaseConflict, CaseNotFound, NotPermitted
from perisai.cases.events import changed
from perisai.cases.models import (
    Case,
    CaseAssignment,
    CaseNote,
    CaseOutcome,
    CaseReferral,
    CaseReport,
    CaseStatus,
    CaseTask,
    CaseVictimGrant,
    ReferralStatus,
    TakedownNotice,
)
from perisai.cases.policy import Action, may_hold_victim_access, require
from perisai.cases.takedowns import confirm_removal, create_takedown, removal_stats
from perisai.identity.agencies import SECRETARIAT
from perisai.identity.models import Agency, User
from perisai.identity.service import agency_by_short_name
from perisai.reports.models import Report
from perisai.sharing.models import OutboxEvent, Tlp

__all__ = [
    "TimelineEntry",
    "add_note",
    "add_task",
    "assign",
    "attach_report",
    "case_events",
    "case_timeline",
    "change_status",
    "complete_task",
    "confirm_removal",
    "create_case",
    "create_takedown",
    "get_case",
    "grant_victim_access",
    "merge_cases",
    "refer",
    "removal_stats",
    "reopen",
    "respond_to_referral",
    "revoke_victim_access",
    "split_case",
]

_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
MAX_TITLE = 200
MAX_TEXT = 20_000

# Forward through the workflow; a declined referral sends a case back to investigating.
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.NEW: frozenset({CaseStatus.TRIAGE, CaseStatus.ASSIGNED, CaseStatus.CLOSED}),
    CaseStatus.TRIAGE: frozenset({CaseStatus.ASSIGNED, CaseStatus.CLOSED}),
    CaseStatus.ASSIGNED: frozenset(
        {CaseStatus.INVESTIGATING, CaseStatus.REFERRED, CaseStatus.CLOSED}
    ),
    CaseStatus.INVESTIGATING: frozenset({CaseStatus.REFERRED, CaseStatus.CLOSED}),
    CaseStatus.REFERRED: frozenset({CaseStatus.INVESTIGATING, CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
}


def _now() -> datetime:
    return datetime.now(UTC)


def new_case_public_id(now: datetime) -> str:
    suffix = "".join(secrets.choice(_ID_ALPHABET) for _ in range(6))
    return f"C-{now:%y%m%d}-{suffix}"


def _text(value: str, name: str, limit: int) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise CaseConflict(f"{name} must not be empty")
    if len(cleaned) > limit:
        raise CaseConflict(f"{name} is longer than {limit} characters")
    return cleaned


def get_case(session: Session, case_id: int, *, for_update: bool = False) -> Case:
    case = session.get(Case, case_id, with_for_update=for_update)
    if case is None:
        raise CaseNotFound(f"case {case_id}")
    return case


def case_by_public_id(session: Session, public_id: str) -> Case:
    case = session.scalar(select(Case).where(Case.public_id == public_id))
    if case is None:
        raise CaseNotFound(f"case {public_id[:40]}")
    return case


def _open(session: Session, case_id: int) -> Case:
    case = get_case(session, case_id, for_update=True)
    if not case.is_open:
        raise CaseConflict(f"case {case.public_id} is closed")
    return case


def _agency(session: Session, short_name: str) -> Agency:
    try:
        return agency_by_short_name(session, short_name)
    except Exception as exc:  # IdentityError names the known agencies
        raise CaseConflict(str(exc)) from None


def refresh_priority(session: Session, case: Case) -> None:
    """The case's priority: the most urgent of its reports' triage priorities (P4 if none)."""
    triaged = hooks.report_triage(session, report_ids_of(session, case.id))
    case.priority = min((found.priority for found in triaged.values()), default=4)


def report_ids_of(session: Session, case_id: int) -> list[int]:
    return list(
        session.scalars(
            select(CaseReport.report_id)
            .where(CaseReport.case_id == case_id)
            .order_by(CaseReport.id)
        )
    )


def case_of_report(session: Session, report_id: int) -> Case | None:
    """The case that holds the report, with what need-to-know reads of it loaded."""
    return session.scalars(
        select(Case)
        .join(CaseReport, CaseReport.case_id == Case.id)
        .where(CaseReport.report_id == report_id)
        .options(*ACCESS_PARTS)
    ).first()


def create_case(
    session: Session,
    *,
    title: str,
    report_ids: Collection[int],
    actor: Actor,
    tlp: Tlp = Tlp.AMBER,
    idempotency_key: str | None = None,
) -> Case:
    """A new case holding ``report_ids`` (each report may be in one case only).

    With ``idempotency_key``, a repeat by the same creator answers the case already made (the
    same title and reports), and a different body under the same key is a conflict.
    """
    title = _text(title, "title", MAX_TITLE)
    if idempotency_key is not None:
        earlier = case_by_idempotency_key(session, actor=actor, key=idempotency_key)
        if earlier is not None:
            same = earlier.title == title and {r.report_id for r in earlier.reports} == set(
                report_ids
            )
            if not same:
                raise CaseConflict("the Idempotency-Key was already used for another case")
            return earlier
    reports = list(session.scalars(select(Report).where(Report.id.in_(set(report_ids)))))
    if len(reports) != len(set(report_ids)):
        raise CaseNotFound("one or more reports do not exist")
    taken = session.scalars(
        select(Report.public_id)
        .join(CaseReport, CaseReport.report_id == Report.id)
        .where(CaseReport.report_id.in_(set(report_ids)))
    ).all()
    if taken:
        raise CaseConflict(f"already in a case: {', '.join(sorted(taken))}")
    now = _now()
    case = Case(
        public_id=new_case_public_id(now),
        title=title,
        status=CaseStatus.NEW.value,
        created_by=_who(actor),
        tlp=tlp,
        idempotency_key=idempotency_key,
    )
    session.add(case)
    session.flush()
    for report in sorted(reports, key=lambda r: r.id):
        case.reports.append(CaseReport(report_id=report.id, reason="created with the case"))
    session.flush()
    refresh_priority(session, case)
    changed(
        session,
        case,
        actor=actor,
        type="case.created",
        payload={"report_public_ids": sorted(r.public_id for r in reports), "title": title},
    )
    return case


def case_by_idempotency_key(session: Session, *, actor: Actor, key: str) -> Case | None:
    """The case this actor already created under ``key``, if any."""
    return session.scalar(
        select(Case).where(Case.created_by == _who(actor), Case.idempotency_key == key)
    )


def _who(actor: Actor) -> str:
    return f"{actor.kind}:{actor.id or '-'}"


def attach_report(
    session: Session,
    *,
    case_id: int,
    report_id: int,
    reason: str,
    actor: Actor,
    needs_review: bool = False,
) -> CaseReport | None:
    """Put a report into an open case; None when it is already in a case (this or another)."""
    case = _open(session, case_id)
    require(actor, Action.WORK, case)
    if session.scalar(select(CaseReport.id).where(CaseReport.report_id == report_id)):
        return None
    public_id = session.scalar(select(Report.public_id).where(Report.id == report_id))
    if public_id is None:
        raise CaseNotFound(f"report {report_id}")
    attached = CaseReport(report_id=report_id, reason=reason, needs_review=needs_review)
    case.reports.append(attached)
    session.flush()
    refresh_priority(session, case)
    changed(
        session,
        case,
        actor=actor,
        type="case.report_attached",
        payload={"report_public_id": public_id, "needs_review": needs_review, "reason": reason},
    )
    return attached


def confirm_attachment(session: Session, *, case_id: int, report_id: int, actor: Actor) -> None:
    """An analyst confirms a report that linkage attached for review belongs to the case."""
    case = _open(session, case_id)
    require(actor, Action.WORK, case)
    row = next((r for r in case.reports if r.report_id == report_id), None)
    if row is None:
        raise CaseNotFound(f"report {report_id} is not in case {case.public_id}")
    row.needs_review = False
    changed(session, case, actor=actor, type="case.report_confirmed", payload={})


def merge_cases(
    session: Session, *, target_id: int, source_ids: Collection[int], actor: Actor
) -> Case:
    """Move the source cases' reports and work into the target; close the sources as merged.

    Merging never widens who sees what: the target keeps its own assignments and victim-access
    grants; an agency that worked a source but not the target is *referred* to the target (it
    accepts or declines, like any referral), and the sources' grants end, on their timelines.
    The actor must be allowed to merge every case involved.
    """
    target = _open(session, target_id)
    sources = [_open(session, sid) for sid in sorted(set(source_ids)) if sid != target_id]
    if not sources:
        raise CaseConflict("name at least one other open case to merge")
    for case in (target, *sources):
        require(actor, Action.MERGE, case)
    now = _now()
    on_target = target.agencies
    newcomers: dict[int, str] = {}  # agency id → the source it came from
    for source in sources:
        for assignment in source.assignments:
            if assignment.ended_at is None and assignment.agency.short_name not in on_target:
                newcomers.setdefault(assignment.agency_id, source.public_id)
        for referral in source.referrals:
            pending = referral.status == ReferralStatus.PENDING.value
            if pending and referral.agency.short_name not in on_target:
                newcomers.setdefault(referral.agency_id, source.public_id)
        for grant in source.victim_grants:
            if grant.revoked_at is None:
                _end_grant(
                    session, source, grant, actor=actor, reason=f"merged into {target.public_id}"
                )
        for model in (CaseReport, CaseTask, CaseNote, TakedownNotice):
            session.execute(
                update(model).where(model.case_id == source.id).values(case_id=target.id)
            )
        source.status = CaseStatus.CLOSED.value
        source.outcome = CaseOutcome.MERGED.value
        source.closed_at = now
        source.merged_into_id = target.id
    for agency_id, source_public_id in newcomers.items():
        target.referrals.append(
            CaseReferral(
                agency_id=agency_id,
                reason=f"worked case {source_public_id}, merged into this case",
                referred_by=_who(actor),
            )
        )
    session.flush()
    session.expire(target)
    refresh_priority(session, target)
    merged = sorted(s.public_id for s in sources)
    for source in sources:
        session.expire(source)
        changed(
            session,
            source,
            actor=actor,
            type="case.merged",
            payload={"merged_into": target.public_id},
        )
    referred = sorted(r.agency.short_name for r in target.referrals if r.agency_id in newcomers)
    changed(
        session,
        target,
        actor=actor,
        type="case.merged",
        payload={"merged_from": merged, "referred": referred},
    )
    return target


def split_case(
    session: Session, *, case_id: int, report_ids: Collection[int], title: str, actor: Actor
) -> Case:
    """Move some reports into a new case with exactly the same access: the same lead, active
    assignments, pending referrals and victim-access grants (never wider)."""
    source = _open(session, case_id)
    require(actor, Action.SPLIT, source)
    moving = {r.report_id for r in source.reports} & set(report_ids)
    if not moving or moving != set(report_ids):
        raise CaseConflict("split names reports that are not in this case")
    if len(moving) == len(source.reports):
        raise CaseConflict("a split must leave at least one report in the case")
    title = _text(title, "title", MAX_TITLE)
    new = Case(
        public_id=new_case_public_id(_now()),
        title=title,
        status=source.status,
        created_by=_who(actor),
        tlp=source.tlp,
        lead_agency_id=source.lead_agency_id,
    )
    session.add(new)
    session.flush()
    session.execute(
        update(CaseReport)
        .where(CaseReport.case_id == source.id, CaseReport.report_id.in_(moving))
        .values(case_id=new.id, reason=f"split from case {source.public_id}")
    )
    for assignment in source.assignments:
        if assignment.ended_at is None:
            new.assignments.append(
                CaseAssignment(
                    agency_id=assignment.agency_id,
                    user_id=assignment.user_id,
                    user_role=assignment.user_role,
                    assigned_by=_who(actor),
                )
            )
    for referral in source.referrals:
        if referral.status == ReferralStatus.PENDING.value:
            new.referrals.append(
                CaseReferral(
                    agency_id=referral.agency_id,
                    reason=referral.reason,
                    referred_by=referral.referred_by,
                )
            )
    for grant in source.victim_grants:
        if grant.revoked_at is None:
            new.victim_grants.append(
                CaseVictimGrant(
                    agency_id=grant.agency_id,
                    user_id=grant.user_id,
                    reason=f"held on case {source.public_id} when it was split",
                    granted_by=_who(actor),
                )
            )
    session.flush()
    session.expire(source)
    session.expire(new)
    refresh_priority(session, source)
    refresh_priority(session, new)
    changed(session, source, actor=actor, type="case.split", payload={"split_into": new.public_id})
    changed(session, new, actor=actor, type="case.split", payload={"split_from": source.public_id})
    return new


def assign(
    session: Session,
    *,
    case_id: int,
    agency: str,
    actor: Actor,
    user_id: int | None = None,
    lead: bool = False,
) -> CaseAssignment:
    """Assign an agency (and optionally one of its users) to the case; new cases become assigned.

    Putting an agency on the case (or making it the lead) is the Secretariat's; naming a member
    of an agency already working the case is also its own supervisor's. The first agency the
    Secretariat assigns becomes the lead. A named JKM caseworker or PDRM investigator is granted
    victim access; nobody else's grant changes (a later assignment never takes it away).
    """
    case = _open(session, case_id)
    found = _agency(session, agency)
    working = found.short_name in case.working_agencies
    action = Action.ASSIGN_MEMBER if working and user_id is not None and not lead else None
    require(actor, action or Action.ASSIGN_AGENCY, case, target_agency=found.short_name)
    if working and user_id is None and not lead:
        # The agency already works the case: nothing changes.
        return next(a for a in case.assignments if a.ended_at is None and a.agency_id == found.id)
    user = None
    if user_id is not None:
        user = session.get(User, user_id)
        if user is None or user.agency_id != found.id or not user.is_active:
            raise CaseConflict(f"user {user_id} is not an active member of {found.short_name}")
    user_role = user.role.value if user is not None else None
    assignment = CaseAssignment(
        agency_id=found.id, user_id=user_id, user_role=user_role, assigned_by=_who(actor)
    )
    case.assignments.append(assignment)
    becomes_lead = found.short_name != SECRETARIAT and (
        lead or (case.lead_agency_id is None and actor.agency in (SECRETARIAT, None))
    )
    if becomes_lead:
        case.lead_agency_id = found.id
    if case.status in (CaseStatus.NEW.value, CaseStatus.TRIAGE.value):
        case.status = CaseStatus.ASSIGNED.value
    session.flush()
    if becomes_lead:
        session.refresh(case, ["lead_agency"])
    changed(
        session,
        case,
        actor=actor,
        type="case.assigned",
        payload={
            "agency": found.short_name,
            "user_id": user_id,
            "user_role": user_role,
            "lead": becomes_lead,
        },
    )
    if user is not None and user_role is not None:
        _grant_if_eligible(
            session, case, found, user.id, user_role, actor=actor, reason="assigned to the case"
        )
    return assignment


def _active_grant(case: Case, agency_id: int, user_id: int) -> CaseVictimGrant | None:
    for grant in case.victim_grants:
        if grant.revoked_at is None and grant.agency_id == agency_id and grant.user_id == user_id:
            return grant
    return None


def _grant_if_eligible(
    session: Session,
    case: Case,
    agency: Agency,
    user_id: int,
    role: str,
    *,
    actor: Actor,
    reason: str,
) -> CaseVictimGrant | None:
    """A grant for a JKM caseworker or PDRM investigator (None for anyone else)."""
    if not may_hold_victim_access(agency.short_name, role):
        return None
    existing = _active_grant(case, agency.id, user_id)
    if existing is not None:
        return existing
    grant = CaseVictimGrant(
        agency_id=agency.id, user_id=user_id, reason=reason, granted_by=_who(actor)
    )
    case.victim_grants.append(grant)
    session.flush()
    changed(
        session,
        case,
        actor=actor,
        type="case.victim_access_granted",
        payload={
            "agency": agency.short_name,
            "user_id": user_id,
            "grant_id": grant.id,
            "reason": reason,
        },
    )
    return grant


def _end_grant(
    session: Session, case: Case, grant: CaseVictimGrant, *, actor: Actor, reason: str
) -> None:
    grant.revoked_at = _now()
    grant.revoked_by = _who(actor)
    grant.revoke_reason = reason
    session.flush()
    changed(
        session,
        case,
        actor=actor,
        type="case.victim_access_revoked",
        payload={
            "agency": grant.agency.short_name,
            "user_id": grant.user_id,
            "grant_id": grant.id,
            "reason": reason,
        },
        also_to=(grant.agency.short_name,),
    )


def grant_victim_access(
    session: Session, *, case_id: int, user_id: int, reason: str, actor: Actor
) -> CaseVictimGrant:
    """Grant one person the victims' identity on this case: a JKM caseworker or a PDRM
    investigator of an agency working the case; by the Secretariat or that agency's supervisor."""
    case = _open(session, case_id)
    reason = _text(reason, "reason", MAX_TEXT)
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise CaseConflict(f"user {user_id} is not an active user")
    agency = user.agency
    require(actor, Action.GRANT_VICTIM_ACCESS, case, target_agency=agency.short_name)
    if agency.short_name not in case.working_agencies:
        raise CaseConflict(f"{agency.short_name} is not working this case; assign or refer it")
    if not may_hold_victim_access(agency.short_name, user.role.value):
        raise CaseConflict(
            "only a JKM caseworker or a PDRM investigator may see the victims' identity"
        )
    if _active_grant(case, agency.id, user.id) is not None:
        raise CaseConflict(f"user {user_id} already has victim access on this case")
    grant = _grant_if_eligible(
        session, case, agency, user.id, user.role.value, actor=actor, reason=reason
    )
    assert grant is not None
    return grant


def revoke_victim_access(
    session: Session, *, case_id: int, grant_id: int, reason: str, actor: Actor
) -> CaseVictimGrant:
    """End one grant explicitly, with a reason (audited, on the timeline)."""
    case = get_case(session, case_id, for_update=True)
    reason = _text(reason, "reason", MAX_TEXT)
    grant = next((g for g in case.victim_grants if g.id == grant_id), None)
    if grant is None:
        raise CaseNotFound(f"grant {grant_id}")
    require(actor, Action.REVOKE_VICTIM_ACCESS, case, target_agency=grant.agency.short_name)
    if grant.revoked_at is not None:
        raise CaseConflict("the grant was already revoked")
    _end_grant(session, case, grant, actor=actor, reason=reason)
    return grant


def unassign(session: Session, *, assignment_id: int, actor: Actor) -> None:
    assignment = session.get(CaseAssignment, assignment_id)
    if assignment is None or assignment.ended_at is not None:
        raise CaseNotFound(f"assignment {assignment_id}")
    case = _open(session, assignment.case_id)
    named = assignment.user_id is not None
    require(
        actor,
        Action.ASSIGN_MEMBER if named else Action.ASSIGN_AGENCY,
        case,
        target_agency=assignment.agency.short_name,
    )
    assignment.ended_at = _now()
    changed(
        session,
        case,
        actor=actor,
        type="case.unassigned",
        payload={"agency": assignment.agency.short_name, "user_id": assignment.user_id},
        also_to=(assignment.agency.short_name,),
    )
    if assignment.user_id is not None:
        still_named = any(
            a.ended_at is None
            and a.user_id == assignment.user_id
            and a.agency_id == assignment.agency_id
            for a in case.assignments
        )
        grant = _active_grant(case, assignment.agency_id, assignment.user_id)
        if grant is not None and not still_named:
            _end_grant(session, case, grant, actor=actor, reason="unassigned from the case")


def refer(
    session: Session, *, case_id: int, agency: str, reason: str, actor: Actor
) -> CaseReferral:
    """Refer the case to an agency, which accepts or declines; a first action for SLA purposes."""
    case = _open(session, case_id)
    require(actor, Action.REFER, case)
    found = _agency(session, agency)
    reason = _text(reason, "reason", MAX_TEXT)
    if any(
        r.agency_id == found.id and r.status == ReferralStatus.PENDING.value for r in case.referrals
    ):
        raise CaseConflict(f"a referral to {found.short_name} is already pending")
    referral = CaseReferral(agency_id=found.id, reason=reason, referred_by=_who(actor))
    case.referrals.append(referral)
    # Referral is allowed from any open status: urgent cases are referred before assignment.
    case.status = CaseStatus.REFERRED.value
    session.flush()
    hooks.first_action(session, report_ids_of(session, case.id), _now())
    changed(
        session,
        case,
        actor=actor,
        type="case.referred",
        payload={"agency": found.short_name, "referral_id": referral.id, "reason": reason},
    )
    return referral


def respond_to_referral(
    session: Session, *, referral_id: int, accept: bool, actor: Actor, note: str = ""
) -> CaseReferral:
    """The referred agency accepts (and is assigned; a responding user is assigned by name) or
    declines (and stops seeing the case)."""
    referral = session.get(CaseReferral, referral_id, with_for_update=True)
    if referral is None:
        raise CaseNotFound(f"referral {referral_id}")
    if actor.kind != "system" and actor.agency != referral.agency.short_name:
        raise NotPermitted(
            "only the agency the case was referred to may answer the referral",
            action=Action.ANSWER_REFERRAL.value,
        )
    if referral.status != ReferralStatus.PENDING.value:
        raise CaseConflict(f"the referral was already {referral.status}")
    case = _open(session, referral.case_id)
    require(actor, Action.ANSWER_REFERRAL, case)
    referral.status = (ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED).value
    referral.responded_at = _now()
    referral.responded_by = _who(actor)
    referral.response_note = note.strip()[:MAX_TEXT] or None
    responder: int | None = None
    if accept:
        is_user = actor.kind == "user" and actor.id is not None and actor.id.isdigit()
        responder = int(actor.id) if is_user and actor.id else None
        case.assignments.append(
            CaseAssignment(
                agency_id=referral.agency_id,
                user_id=responder,
                user_role=actor.role if is_user else None,
                assigned_by=_who(actor),
            )
        )
    elif case.status == CaseStatus.REFERRED.value:
        case.status = CaseStatus.INVESTIGATING.value
    session.flush()
    changed(
        session,
        case,
        actor=actor,
        type="case.referral_accepted" if accept else "case.referral_declined",
        payload={"agency": referral.agency.short_name, "referral_id": referral.id},
        # A declining agency still hears that its answer was recorded.
        also_to=(referral.agency.short_name,),
    )
    if responder is not None and actor.role is not None:
        # The person who accepted works it; nobody else's victim access changes.
        _grant_if_eligible(
            session,
            case,
            referral.agency,
            responder,
            actor.role,
            actor=actor,
            reason="accepted the referral",
        )
    return referral


def add_task(
    session: Session,
    *,
    case_id: int,
    title: str,
    actor: Actor,
    due_at: datetime | None = None,
    assignee_agency: str | None = None,
) -> CaseTask:
    case = _open(session, case_id)
    require(actor, Action.WORK, case)
    if due_at is not None and due_at.tzinfo is None:
        raise CaseConflict("due_at needs a time zone")
    agency = _agency(session, assignee_agency) if assignee_agency else None
    task = CaseTask(
        case_id=case.id,
        title=_text(title, "title", 300),
        due_at=due_at,
        assignee_agency_id=agency.id if agency else None,
        created_by=_who(actor),
    )
    session.add(task)
    session.flush()
    changed(
        session,
        case,
        actor=actor,
        type="case.task_added",
        payload={
            "task": {
                "id": task.id,
                "title": task.title,
                "due_at": due_at.isoformat() if due_at else None,
                "agency": agency.short_name if agency else None,
            }
        },
    )
    return task


def complete_task(session: Session, *, task_id: int, actor: Actor) -> CaseTask:
    task = session.get(CaseTask, task_id, with_for_update=True)
    if task is None:
        raise CaseNotFound(f"task {task_id}")
    if task.done_at is not None:
        raise CaseConflict("the task is already done")
    case = _open(session, task.case_id)
    require(actor, Action.WORK, case)
    task.done_at = _now()
    task.done_by = _who(actor)
    changed(session, case, actor=actor, type="case.task_done", payload={"task": {"id": task.id}})
    return task


def add_note(session: Session, *, case_id: int, body: str, actor: Actor) -> CaseNote:
    case = get_case(session, case_id)
    require(actor, Action.WORK, case)
    note = CaseNote(
        case_id=case.id,
        author=_who(actor),
        author_agency=actor.agency,
        body=_text(body, "note", MAX_TEXT),
    )
    session.add(note)
    session.flush()
    changed(
        session,
        case,
        actor=actor,
        type="case.note_added",
        payload={"note": {"id": note.id, "body": note.body, "agency": actor.agency}},
    )
    return note


def change_status(
    session: Session,
    *,
    case_id: int,
    status: CaseStatus | str,
    actor: Actor,
    outcome: CaseOutcome | str | None = None,
) -> Case:
    """Move the case along the workflow; closing needs an outcome."""
    case = _open(session, case_id)
    try:
        to = CaseStatus(status)
        closing_outcome = CaseOutcome(outcome) if outcome is not None else None
    except ValueError as exc:
        raise CaseConflict(str(exc)) from None
    current = CaseStatus(case.status)
    require(actor, Action.CLOSE if to is CaseStatus.CLOSED else Action.PROGRESS, case)
    if to not in TRANSITIONS[current]:
        raise CaseConflict(f"a case cannot go from {current.value} to {to.value}")
    if (to is CaseStatus.CLOSED) != (closing_outcome is not None):
        raise CaseConflict("an outcome is given when, and only when, closing")
    if closing_outcome is CaseOutcome.MERGED:
        raise CaseConflict("use merge to close a case as merged")
    case.status = to.value
    if closing_outcome is not None:
        case.outcome = closing_outcome.value
        case.closed_at = _now()
        if closing_outcome is CaseOutcome.ARREST:
            hooks.first_action(session, report_ids_of(session, case.id), case.closed_at)
    session.flush()
    changed(
        session,
        case,
        actor=actor,
        type="case.status_changed",
        payload={"from_status": current.value, "to_status": to.value, "outcome": case.outcome},
    )
    return case


def reopen(session: Session, *, case_id: int, reason: str, actor: Actor) -> Case:
    """Reopen a closed case (a supervisor of the Secretariat or the lead agency, with a reason).

    It goes back to ``investigating`` when an agency still works it, else to ``triage``. A case
    closed by merging stays closed: its reports live in the case it was merged into.
    """
    case = get_case(session, case_id, for_update=True)
    if case.is_open:
        raise CaseConflict(f"case {case.public_id} is not closed")
    require(actor, Action.REOPEN, case)
    reason = _text(reason, "reason", MAX_TEXT)
    if case.outcome == CaseOutcome.MERGED.value:
        raise CaseConflict(
            f"case {case.public_id} was merged into another case; split that case instead"
        )
    previous = case.outcome
    case.status = (CaseStatus.INVESTIGATING if case.working_agencies else CaseStatus.TRIAGE).value
    case.outcome = None
    case.closed_at = None
    session.flush()
    changed(
        session,
        case,
        actor=actor,
        type="case.reopened",
        payload={
            "from_status": CaseStatus.CLOSED.value,
            "to_status": case.status,
            "previous_outcome": previous,
            "reason": reason,
        },
    )
    return case


@dataclass(frozen=True)
class TimelineEntry:
    event_id: int
    at: datetime
    type: str
    case_id: int | None
    payload: dict[str, Any]


def case_events(session: Session, case_id: int, *, limit: int = 500) -> list[OutboxEvent]:
    """The case's outbox events, oldest first, including those of cases merged into it."""
    case = get_case(session, case_id)
    merged = session.scalars(select(Case.id).where(Case.merged_into_id == case.id)).all()
    return list(
        session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.case_id.in_([case.id, *merged]))
            .order_by(OutboxEvent.id)
            .limit(limit)
        )
    )


def case_timeline(session: Session, case_id: int, *, limit: int = 500) -> list[TimelineEntry]:
    """The case's events, oldest first, including those of cases merged into it (unredacted:
    outlets pass each through `sharing.redaction.redact_event`)."""
    rows = case_events(session, case_id, limit=limit)
    return [
        TimelineEntry(
            event_id=row.id,
            at=row.created_at,
            type=row.type,
            case_id=row.case_id,
            payload=row.payload,
        )
        for row in rows
    ]
