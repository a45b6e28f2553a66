"""What the case page shows, in a fixed number of queries, redacted by the sharing layer.

Victim identity is unsealed only when need-to-know says this viewer may see it, and that read is
audited; otherwise the sealed rows are not even opened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from perisai.audit.service import Actor, record
from perisai.cases import mentions
from perisai.cases.models import (
    Case,
    CaseNote,
    CaseOutcome,
    CaseReport,
    CaseStatus,
    CaseTask,
    ReferralStatus,
    TakedownNotice,
)
from perisai.cases.policy import VICTIM_ACCESS_HOLDERS, Action, allowed_actions
from perisai.cases.service import TRANSITIONS, case_timeline
from perisai.crypto import Keyring
from perisai.identity.agencies import SECRETARIAT
from perisai.identity.models import Agency, Role, User
from perisai.reports.models import Report, ReportVictim
from perisai.reports.victimseal import open_victim
from perisai.sharing.redaction import (
    NotVisible,
    Viewer,
    can_see_case,
    can_see_victim,
    redact_case,
)
from perisai.triage.models import TriageRecord
from perisai.victims.schemas import Purpose
from perisai.victims.service import victim_records_of_case

TIMELINE_LIMIT = 200
LIST_LIMIT = 100


def load_case(session: Session, public_id: str) -> Case | None:
    return session.scalars(
        select(Case)
        .where(Case.public_id == public_id)
        .options(
            selectinload(Case.assignments),
            selectinload(Case.referrals),
            selectinload(Case.victim_grants),
        )
    ).first()


def _reports(session: Session, case_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Report.public_id, Report.incident_type, TriageRecord.priority, CaseReport.reason)
        .join(CaseReport, CaseReport.report_id == Report.id)
        .outerjoin(TriageRecord, TriageRecord.report_id == Report.id)
        .where(CaseReport.case_id == case_id)
        .order_by(CaseReport.id)
    )
    return [
        {"public_id": pid, "incident_type": kind, "priority": prio, "status": reason}
        for pid, kind, prio, reason in rows
    ]


def _victims(
    session: Session, keyring: Keyring, case: Case, viewer: Viewer, purpose: str
) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Report.public_id, ReportVictim)
        .join(CaseReport, CaseReport.report_id == ReportVictim.report_id)
        .join(Report, Report.id == ReportVictim.report_id)
        .where(CaseReport.case_id == case.id)
        .order_by(ReportVictim.report_id, ReportVictim.position)
    ).all()
    victims = []
    for public_id, row in rows:
        opened = open_victim(keyring, public_id, row)
        if opened is not None:  # an erased child leaves nothing to show
            victims.append({"report": public_id, **opened})
    if rows:
        record(
            session,
            actor=viewer.as_actor(),
            action="victim.read",
            object_type="case",
            object_id=case.public_id,
            details={"victims": len(rows), "outlet": "workspace", "purpose": purpose},
        )
    return victims


def _user_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())


def _people(session: Session, case: Case) -> dict[str, Any]:
    named = {a.user_id for a in case.assignments if a.user_id is not None}
    names = _user_names(session, named | {g.user_id for g in case.victim_grants})
    return {
        # Who may see the victims' identity: explicit grants, ended only explicitly.
        "victim_access": [
            {
                "id": g.id,
                "agency": g.agency.short_name,
                "user": names.get(g.user_id),
                "reason": g.reason,
                "since": g.created_at,
            }
            for g in case.victim_grants
            if g.revoked_at is None
        ],
        "assignments": [
            {
                "agency": a.agency.short_name,
                "user": names.get(a.user_id) if a.user_id is not None else None,
                "role": a.user_role,
                "ended": a.ended_at is not None,
            }
            for a in case.assignments
        ],
        "referrals": [
            {
                "id": r.id,
                "agency": r.agency.short_name,
                "status": r.status,
                "reason": r.reason,
                "pending": r.status == ReferralStatus.PENDING.value,
                "note": r.response_note,
                "at": r.created_at,
            }
            for r in case.referrals
        ],
    }


def _user_id(author: str) -> int | None:
    """`user:12` → 12 (notes record who wrote them as `kind:id`)."""
    kind, _, ident = author.partition(":")
    return int(ident) if kind == "user" and ident.isdigit() else None


def _work(session: Session, case_id: int) -> dict[str, Any]:
    tasks = session.scalars(
        select(CaseTask).where(CaseTask.case_id == case_id).order_by(CaseTask.id)
    ).all()
    notes = session.scalars(
        select(CaseNote).where(CaseNote.case_id == case_id).order_by(CaseNote.id)
    ).all()
    takedowns = session.scalars(
        select(TakedownNotice).where(TakedownNotice.case_id == case_id).order_by(TakedownNotice.id)
    ).all()
    author_ids = {found for n in notes if (found := _user_id(n.author)) is not None}
    authors = _user_names(session, author_ids)
    return {
        "tasks": [
            {"id": t.id, "title": t.title, "due_at": t.due_at, "done": t.done_at is not None}
            for t in tasks
        ],
        "notes": [
            {
                "author": n.author,
                "author_name": authors.get(_user_id(n.author) or 0),
                "agency": n.author_agency,
                "body": n.body,
                "at": n.created_at,
            }
            for n in notes
        ],
        "takedowns": [
            {
                "id": d.id,
                "url": d.url,
                "platform": d.platform,
                "status": d.status,
                "deadline_at": d.deadline_at,
                "notices_sent": d.notices_sent,
                "removed_at": d.removed_at,
            }
            for d in takedowns
        ],
    }


def case_view(
    session: Session,
    keyring: Keyring,
    case: Case,
    viewer: Viewer,
    *,
    purpose: str | None = None,
) -> dict[str, Any]:
    """The case for this viewer; NotVisible when need-to-know says no.

    The victims' identity is opened only with a ``purpose`` (perisai.victims.schemas.Purpose),
    which the audit entry of the read keeps; without one, a viewer who may see it is offered
    the choice (``victims_masked``)."""
    view: dict[str, Any] = {
        "public_id": case.public_id,
        "title": case.title,
        "status": case.status,
        "outcome": case.outcome,
        "priority": case.priority,
        "tlp": case.tlp.value if hasattr(case.tlp, "value") else str(case.tlp),
        "created_at": case.created_at,
        "agencies": sorted(case.agencies),
        "lead_agency": case.lead_agency_name,
        **_people(session, case),
        **_work(session, case.id),
        "reports": _reports(session, case.id),
        "timeline": [
            {"at": e.at, "type": e.type, "payload": e.payload}
            for e in case_timeline(session, case.id, limit=TIMELINE_LIMIT)
        ],
    }
    if not can_see_case(viewer, case):
        raise NotVisible("case")  # before anything is unsealed
    may_see_victims = can_see_victim(viewer, case)
    if may_see_victims and purpose is not None:
        view["victims"] = _victims(session, keyring, case, viewer, Purpose(purpose).value)
    shown = redact_case(viewer, view, case)
    if may_see_victims and purpose is None:
        shown["victims_masked"] = True
    # The children's own records (perisai.victims): ids only, and who may make one from a
    # report's victim; the record page decides what of the identity this viewer sees.
    shown["victim_records"] = victim_records_of_case(session, viewer, case)
    # Other reports and cases (in reasons, the timeline) are named only if this viewer may open
    # them (issue #11 item 12; cases/mentions.py).
    own = {case.public_id, *(r["public_id"] for r in view["reports"])}
    masked: dict[str, Any] = mentions.mask_for(session, viewer, shown, also=own)
    return masked


# Who a case page may offer to assign: the staff roles that work cases.
ASSIGNABLE_ROLES = (Role.ANALYST, Role.INVESTIGATOR, Role.SUPERVISOR, Role.CASEWORKER)
PEOPLE_LIMIT = 300


@dataclass(frozen=True)
class CaseForms:
    """What the case page offers this person, as the case policy (cases/policy.py) decides."""

    allowed: frozenset[str]
    people: list[dict[str, Any]]  # whom they may name (id, name, role, agency)
    agencies: list[str]  # which agencies they may put on the case
    next_statuses: list[str]
    outcomes: list[str]
    # whom they may grant the victims' identity (a JKM caseworker or PDRM investigator)
    grantees: list[dict[str, Any]] = field(default_factory=list)

    def may(self, action: str) -> bool:
        return action in self.allowed


def case_forms(session: Session, case: Case, actor: Actor) -> CaseForms:
    allowed = frozenset(allowed_actions(actor, case))
    people: list[dict[str, Any]] = []
    agencies: list[str] = []
    if Action.ASSIGN_AGENCY.value in allowed:
        agencies = list(
            session.scalars(
                select(Agency.short_name)
                .where(Agency.short_name != SECRETARIAT)
                .order_by(Agency.short_name)
            )
        )
    if Action.ASSIGN_MEMBER.value in allowed or Action.ASSIGN_AGENCY.value in allowed:
        query = (
            select(User.id, User.display_name, User.role, Agency.short_name)
            .join(Agency, Agency.id == User.agency_id)
            .where(User.is_active.is_(True), User.role.in_(ASSIGNABLE_ROLES))
            .order_by(Agency.short_name, User.display_name)
            .limit(PEOPLE_LIMIT)
        )
        if Action.ASSIGN_AGENCY.value not in allowed:  # a lead or working agency: its own people
            query = query.where(Agency.short_name == (actor.agency or ""))
        people = [
            {"id": uid, "name": name, "role": role.value, "agency": agency}
            for uid, name, role, agency in session.execute(query)
        ]
    current = CaseStatus(case.status)
    next_statuses = (
        sorted(s.value for s in TRANSITIONS[current] if s is not CaseStatus.CLOSED)
        if Action.PROGRESS.value in allowed
        else []
    )
    outcomes = [o.value for o in CaseOutcome if o is not CaseOutcome.MERGED]
    return CaseForms(
        allowed, people, agencies, next_statuses, outcomes, _grantees(session, case, actor, allowed)
    )


def _grantees(
    session: Session, case: Case, actor: Actor, allowed: frozenset[str]
) -> list[dict[str, Any]]:
    """People who could be granted victim access here and hold no grant yet: JKM caseworkers and
    PDRM investigators of agencies working the case (one's own agency's, unless Secretariat)."""
    if Action.GRANT_VICTIM_ACCESS.value not in allowed:
        return []
    agencies = [
        agency
        for agency, role in VICTIM_ACCESS_HOLDERS
        if agency in case.working_agencies and (actor.agency in (agency, SECRETARIAT))
    ]
    holders = [
        (Agency.short_name == agency) & (User.role == Role(role))
        for agency, role in VICTIM_ACCESS_HOLDERS
        if agency in agencies
    ]
    if not holders:
        return []
    granted = {user_id for _, user_id in case.victim_grantees}
    rows = session.execute(
        select(User.id, User.display_name, User.role, Agency.short_name)
        .join(Agency, Agency.id == User.agency_id)
        .where(User.is_active.is_(True), or_(*holders))
        .order_by(Agency.short_name, User.display_name)
        .limit(PEOPLE_LIMIT)
    )
    return [
        {"id": uid, "name": name, "role": role.value, "agency": agency}
        for uid, name, role, agency in rows
        if uid not in granted
    ]
