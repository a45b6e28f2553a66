"""One view of a case for every outlet, and the cases a viewer may list.

:func:`case_facts` gathers what a case holds — its reports with their triage, assignments,
referrals, victim-access grants, tasks, notes and takedowns, and on request the people's names —
once, in a fixed number of queries, as plain data in the redaction layer's field names (times as
datetimes, priorities as numbers). :func:`case_view` gives one viewer what of it they may see:
need-to-know first, the timeline event by event as the outbox outlets redact it, the victims'
identity only when unsealed for a purpose (and audited), then `perisai.sharing.redaction` and
the masking of other reports and cases named in text (cases/mentions.py). The JSON API
(cases/api.py) and the case page (perisai.workspace.casepage) are thin shapes over it.

`visible_cases` narrows in SQL by agency first (cheap) and then asks the redaction layer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from perisai.audit.service import Actor, record
from perisai.cases import hooks, mentions
from perisai.cases.access import ACCESS_PARTS
from perisai.cases.models import (
    Case,
    CaseAssignment,
    CaseNote,
    CaseReferral,
    CaseReport,
    CaseTask,
    ReferralStatus,
    TakedownNotice,
)
from perisai.cases.names import CASE_PRINTED
from perisai.cases.service import case_events
from perisai.crypto import Keyring
from perisai.identity.models import Agency, User
from perisai.reports.models import Report, ReportVictim
from perisai.reports.victimseal import open_victim
from perisai.sharing.redaction import (
    NotVisible,
    Viewer,
    can_see_case,
    can_see_victim,
    redact_case,
    redact_event,
)

# The page shows the latest events; the API's timeline call pages further.
TIMELINE_LIMIT = 200
TIMELINE_API_LIMIT = 500


@dataclass(frozen=True)
class Unseal:
    """Asked to show the victims' identity, and why (a perisai.victims purpose, which the caller
    checks and the audit entry of the read keeps, with the outlet that showed it)."""

    keyring: Keyring
    purpose: str
    outlet: str = "workspace"

    def __post_init__(self) -> None:
        if not self.purpose:
            raise ValueError("the victims' identity is opened only with a purpose")


def load_case(session: Session, public_id: str) -> Case | None:
    """The case with what need-to-know reads of it, or None."""
    return session.scalars(
        select(Case).where(Case.public_id == public_id).options(*ACCESS_PARTS)
    ).first()


def _user_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {found for found in ids if found is not None}
    if not wanted:
        return {}
    return dict(
        session.execute(select(User.id, User.display_name).where(User.id.in_(wanted))).all()
    )


def _user_id(author: str) -> int | None:
    """`user:12` → 12 (notes record who wrote them as `kind:id`)."""
    kind, _, ident = author.partition(":")
    return int(ident) if kind == "user" and ident.isdigit() else None


def _reports(session: Session, case: Case) -> list[dict[str, Any]]:
    rows = session.execute(
        select(
            Report.id,
            Report.public_id,
            Report.status,
            Report.incident_type,
            Report.received_at,
            CaseReport.reason,
            CaseReport.needs_review,
        )
        .join(CaseReport, CaseReport.report_id == Report.id)
        .where(CaseReport.case_id == case.id)
        .order_by(CaseReport.id)
    ).all()
    triaged = hooks.report_triage(session, [row.id for row in rows])
    return [
        {
            "public_id": row.public_id,
            "status": row.status,
            "incident_type": row.incident_type,
            "received_at": row.received_at,
            "priority": triage.priority if triage else None,
            "sla_due_at": triage.review_due_at if triage else None,
            "case_public_id": case.public_id,
            "reasons": triage.reasons if triage else [],
            # Why the report is in the case; linkage attachments await an analyst's review.
            "links": [{"in_case_because": row.reason, "needs_review": row.needs_review}],
        }
        for row in rows
        for triage in [triaged.get(row.id)]
    ]


def _people(case: Case, names: dict[int, str] | None) -> dict[str, Any]:
    """Who works the case, who it was referred to, who may see the victims' identity (explicit
    grants, ended only explicitly); with ``names``, each person's name beside their id."""

    def named(user_id: int | None) -> dict[str, Any]:
        if names is None:
            return {}
        return {"user_name": names.get(user_id) if user_id is not None else None}

    return {
        "assignments": [
            {
                "id": a.id,
                "agency": a.agency.short_name,
                "user_id": a.user_id,
                "user_role": a.user_role,
                "since": a.created_at,
                "ended_at": a.ended_at,
                **named(a.user_id),
            }
            for a in case.assignments
        ],
        "referrals": [
            {
                "id": r.id,
                "agency": r.agency.short_name,
                "status": r.status,
                "reason": r.reason,
                "at": r.created_at,
                "responded_at": r.responded_at,
                "response_note": r.response_note,
            }
            for r in case.referrals
        ],
        "victim_access": [
            {
                "id": g.id,
                "agency": g.agency.short_name,
                "user_id": g.user_id,
                "reason": g.reason,
                "granted_by": g.granted_by,
                "granted_at": g.created_at,
                "revoked_at": g.revoked_at,
                "revoked_by": g.revoked_by,
                "revoke_reason": g.revoke_reason,
                **named(g.user_id),
            }
            for g in case.victim_grants
        ],
    }


def _work(
    tasks: list[CaseTask],
    notes: list[CaseNote],
    takedowns: list[TakedownNotice],
    names: dict[int, str] | None,
) -> dict[str, Any]:
    def author(note: CaseNote) -> dict[str, Any]:
        if names is None:
            return {}
        found = _user_id(note.author)
        return {"author": note.author, "author_name": names.get(found) if found else None}

    return {
        "tasks": [
            {"id": t.id, "title": t.title, "due_at": t.due_at, "done_at": t.done_at} for t in tasks
        ],
        "notes": [
            {"id": n.id, "agency": n.author_agency, "body": n.body, "at": n.created_at, **author(n)}
            for n in notes
        ],
        "takedowns": [
            {
                "id": t.id,
                "url": t.url,
                "platform": t.platform,
                "status": t.status,
                "deadline_at": t.deadline_at,
                "notices_sent": t.notices_sent,
                "escalated_at": t.escalated_at,
                "first_sent_at": t.first_sent_at,
                "removed_at": t.removed_at,
            }
            for t in takedowns
        ],
    }


def _summary(case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "public_id": case.public_id,
        "status": case.status,
        "outcome": case.outcome,
        "priority": case.priority,
        "tlp": case.tlp.value,
        "created_at": case.created_at,
        "closed_at": case.closed_at,
        "title": case.title,
        "agencies": sorted(case.agencies),
    }


def case_facts(
    session: Session, case: Case, *, full: bool = True, names: bool = False
) -> dict[str, Any]:
    """Everything the case holds, unredacted (outlets go through :func:`case_view`, or redact
    for themselves); ``full=False``: the summary a list shows; ``names``: people's names too."""
    facts = _summary(case)
    if not full:
        return facts
    tasks = list(
        session.scalars(select(CaseTask).where(CaseTask.case_id == case.id).order_by(CaseTask.id))
    )
    notes = list(
        session.scalars(select(CaseNote).where(CaseNote.case_id == case.id).order_by(CaseNote.id))
    )
    takedowns = list(
        session.scalars(
            select(TakedownNotice)
            .where(TakedownNotice.case_id == case.id)
            .order_by(TakedownNotice.id)
        )
    )
    people: dict[int, str] | None = None
    if names:  # one query for every person the page names
        people = _user_names(
            session,
            [
                *(a.user_id for a in case.assignments),
                *(g.user_id for g in case.victim_grants),
                *(_user_id(n.author) for n in notes),
            ],
        )
    facts.update(
        {
            "lead_agency": case.lead_agency_name,
            "assigned_caseworker_id": case.assigned_caseworker_id,
            "assigned_investigator_id": case.assigned_investigator_id,
            **_people(case, people),
            "reports": _reports(session, case),
            **_work(tasks, notes, takedowns, people),
        }
    )
    return facts


def _timeline(session: Session, case: Case, viewer: Viewer, *, limit: int) -> list[dict[str, Any]]:
    """The case's events (and those of cases merged into it), each as the outbox outlets give
    it to this viewer."""
    entries = []
    for event in case_events(session, case.id, limit=limit):
        shown = redact_event(viewer, event, case)
        if shown is not None:
            entries.append(shown)
    return entries


def timeline_view(
    session: Session, case: Case, viewer: Viewer, *, limit: int = TIMELINE_API_LIMIT
) -> list[dict[str, Any]]:
    """The case's timeline for this viewer, naming only reports and cases they may open."""
    entries = _timeline(session, case, viewer, limit=limit)
    masked: list[dict[str, Any]] = mentions.mask_for(
        session, viewer, entries, also={case.public_id}
    )
    return masked


def _victims(session: Session, case: Case, viewer: Viewer, unseal: Unseal) -> list[dict[str, Any]]:
    """The victims' identity, opened for a viewer need-to-know allows, and the read audited
    with its purpose. Nothing is opened for anyone else."""
    if not can_see_victim(viewer, case):
        return []
    rows = session.execute(
        select(Report.public_id, ReportVictim)
        .join(CaseReport, CaseReport.report_id == ReportVictim.report_id)
        .join(Report, Report.id == ReportVictim.report_id)
        .where(CaseReport.case_id == case.id)
        .order_by(ReportVictim.report_id, ReportVictim.position)
    ).all()
    victims = []
    for public_id, row in rows:
        opened = open_victim(unseal.keyring, public_id, row)
        if opened is not None:  # an erased child leaves nothing to show
            victims.append({"report": public_id, **opened})
    if rows:
        record(
            session,
            actor=viewer.as_actor(),
            action="victim.read",
            object_type="case",
            object_id=case.public_id,
            details={"victims": len(rows), "outlet": unseal.outlet, "purpose": unseal.purpose},
        )
    return victims


def case_view(
    session: Session,
    case: Case,
    viewer: Viewer,
    *,
    full: bool = True,
    names: bool = False,
    timeline: bool = False,
    unseal: Unseal | None = None,
) -> dict[str, Any]:
    """The case as this viewer may see it; NotVisible when need-to-know says no (before
    anything is read). ``timeline``: its events too; ``unseal``: the victims' identity, for a
    viewer who may see it."""
    if not can_see_case(viewer, case):
        raise NotVisible("case")
    facts = case_facts(session, case, full=full, names=names)
    if timeline:
        facts["timeline"] = _timeline(session, case, viewer, limit=TIMELINE_LIMIT)
    if unseal is not None and can_see_victim(viewer, case):  # else nothing is even opened
        facts["victims"] = _victims(session, case, viewer, unseal)
    shown = redact_case(viewer, facts, case)
    # Other reports and cases (in reasons, link reasons, the timeline) are named only if this
    # viewer may open them (issue #11 item 12); the case's own reports are known to be.
    own = {case.public_id, *(r["public_id"] for r in facts.get("reports", []))}
    masked: dict[str, Any] = mentions.mask_for(session, viewer, shown, also=own)
    return masked


def case_summaries(session: Session, viewer: Viewer, cases: Iterable[Case]) -> list[dict[str, Any]]:
    """The list's view of each case (all of which the viewer may see), masked in one pass."""
    shown = [redact_case(viewer, case_facts(session, case, full=False), case) for case in cases]
    own = {item["public_id"] for item in shown}
    masked: list[dict[str, Any]] = mentions.mask_for(session, viewer, shown, also=own)
    return masked


def record_printed(session: Session, case: Case, *, actor: Actor, victims: int) -> None:
    """Audit a case printed from its page (a read, so no event), with how many victims'
    identities the paper shows."""
    record(
        session,
        actor=actor,
        action=CASE_PRINTED,
        object_type="case",
        object_id=case.public_id,
        details={"victims": victims},
    )


def visible_cases(
    session: Session,
    viewer: Viewer,
    *,
    limit: int = 50,
    before: int | None = None,
    by_priority: bool = False,
) -> list[Case]:
    """Cases the viewer may see, merged-away cases left out: newest first (keyset on id, pages
    `before` an id), or most urgent first and then newest (`by_priority`: the workspace list)."""
    query = (
        select(Case)
        .where(Case.merged_into_id.is_(None))
        .options(*ACCESS_PARTS)
        .order_by(*((Case.priority, Case.created_at.desc()) if by_priority else (Case.id.desc(),)))
        .limit(limit)
    )
    if before is not None:
        query = query.where(Case.id < before)
    if not viewer.is_system and not viewer.is_secretariat:
        # Narrowed in SQL by agency first (cheap): the cases it works or was referred to.
        agency = (
            select(Agency.id).where(Agency.short_name == (viewer.agency or "")).scalar_subquery()
        )
        query = query.where(
            or_(
                exists().where(
                    CaseAssignment.case_id == Case.id,
                    CaseAssignment.ended_at.is_(None),
                    CaseAssignment.agency_id == agency,
                ),
                exists().where(
                    CaseReferral.case_id == Case.id,
                    CaseReferral.status != ReferralStatus.DECLINED.value,
                    CaseReferral.agency_id == agency,
                ),
            )
        )
    # Need-to-know still decides (e.g. TLP RED names its users).
    return [case for case in session.scalars(query) if can_see_case(viewer, case)]
