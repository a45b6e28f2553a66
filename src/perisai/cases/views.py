"""A case as plain data in the redaction layer's field names, and the cases a viewer may list.

`perisai.sharing.redaction` decides what of this each viewer receives; nothing here filters
fields. `visible_cases` narrows in SQL by agency first (cheap) and then asks the layer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session, selectinload

from perisai.audit.service import Actor, record
from perisai.cases import hooks
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
from perisai.identity.models import Agency
from perisai.reports.models import Report
from perisai.sharing.redaction import Viewer, can_see_case


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _reports(session: Session, case: Case) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Report, CaseReport)
        .join(CaseReport, CaseReport.report_id == Report.id)
        .where(CaseReport.case_id == case.id)
        .order_by(CaseReport.id)
    ).all()
    triaged = hooks.report_triage(session, [report.id for report, _ in rows])
    return [
        {
            "public_id": report.public_id,
            "status": report.status,
            "incident_type": report.incident_type,
            "received_at": _iso(report.received_at),
            "priority": f"P{triage.priority}" if triage else None,
            "sla_due_at": _iso(triage.review_due_at) if triage else None,
            "case_public_id": case.public_id,
            "reasons": triage.reasons if triage else [],
            # Why the report is in the case; linkage attachments await an analyst's review.
            "links": [{"in_case_because": link.reason, "needs_review": link.needs_review}],
        }
        for report, link in rows
        for triage in [triaged.get(report.id)]
    ]


def _children(session: Session, case: Case) -> dict[str, list[dict[str, Any]]]:
    tasks = session.scalars(
        select(CaseTask).where(CaseTask.case_id == case.id).order_by(CaseTask.id)
    )
    notes = session.scalars(
        select(CaseNote).where(CaseNote.case_id == case.id).order_by(CaseNote.id)
    )
    takedowns = session.scalars(
        select(TakedownNotice).where(TakedownNotice.case_id == case.id).order_by(TakedownNotice.id)
    )
    return {
        "tasks": [
            {"id": t.id, "title": t.title, "due_at": _iso(t.due_at), "done_at": _iso(t.done_at)}
            for t in tasks
        ],
        "notes": [
            {"id": n.id, "agency": n.author_agency, "body": n.body, "at": _iso(n.created_at)}
            for n in notes
        ],
        "takedowns": [
            {
                "id": t.id,
                "url": t.url,
                "platform": t.platform,
                "status": t.status,
                "deadline_at": _iso(t.deadline_at),
                "notices_sent": t.notices_sent,
                "escalated_at": _iso(t.escalated_at),
                "first_sent_at": _iso(t.first_sent_at),
                "removed_at": _iso(t.removed_at),
            }
            for t in takedowns
        ],
    }


def case_view(session: Session, case: Case, *, full: bool = True) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": case.id,
        "public_id": case.public_id,
        "status": case.status,
        "outcome": case.outcome,
        "priority": f"P{case.priority}",
        "tlp": case.tlp.value,
        "created_at": _iso(case.created_at),
        "closed_at": _iso(case.closed_at),
        "title": case.title,
        "agencies": sorted(case.agencies),
    }
    if not full:
        return view
    view.update(
        {
            "assignments": [
                {
                    "id": a.id,
                    "agency": a.agency.short_name,
                    "user_id": a.user_id,
                    "user_role": a.user_role,
                    "since": _iso(a.created_at),
                    "ended_at": _iso(a.ended_at),
                }
                for a in case.assignments
            ],
            "referrals": [
                {
                    "id": r.id,
                    "agency": r.agency.short_name,
                    "status": r.status,
                    "reason": r.reason,
                    "at": _iso(r.created_at),
                    "responded_at": _iso(r.responded_at),
                    "response_note": r.response_note,
                }
                for r in case.referrals
            ],
            "lead_agency": case.lead_agency_name,
            # Who may see the victims' identity: explicit grants, ended only explicitly.
            "victim_access": [
                {
                    "id": g.id,
                    "agency": g.agency.short_name,
                    "user_id": g.user_id,
                    "reason": g.reason,
                    "granted_by": g.granted_by,
                    "granted_at": _iso(g.created_at),
                    "revoked_at": _iso(g.revoked_at),
                    "revoked_by": g.revoked_by,
                    "revoke_reason": g.revoke_reason,
                }
                for g in case.victim_grants
            ],
            "assigned_caseworker_id": case.assigned_caseworker_id,
            "assigned_investigator_id": case.assigned_investigator_id,
            "reports": _reports(session, case),
            **_children(session, case),
        }
    )
    return view


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
        .options(
            selectinload(Case.assignments),
            selectinload(Case.referrals),
            selectinload(Case.victim_grants),
        )
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
