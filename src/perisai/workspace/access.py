"""The workspace's bridge to need-to-know: every page asks `perisai.sharing.redaction`.

This module only finds the case a report belongs to (with what need-to-know reads, loaded
eagerly so a page's query count does not grow with the case) and builds the viewer.
"""

from __future__ import annotations

from fastapi import HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from perisai.cases import mentions
from perisai.cases.models import Case, CaseReport
from perisai.cases.service import case_of_report
from perisai.identity.deps import Principal, staff_context
from perisai.reports.models import Report
from perisai.sharing.redaction import (
    CaseAccess,
    CaseFacts,
    NotVisible,
    Viewer,
    can_reveal_evidence,
    can_see_case,
    can_see_unassigned_report,
    redact_report,
)
from perisai.sharing.viewers import viewer_of
from perisai.workspace.reasons import link_text, reason_text
from perisai.workspace.report import LinkView, LoadedReport, load_report

# A report in no case: nobody is assigned, so nobody may reveal its evidence.
NO_CASE = CaseFacts(agencies=frozenset())


def page_context(principal: Principal) -> dict[str, object]:
    """What every workspace page needs: the staff context, and the words of triage reasons and
    report links."""
    return {**staff_context(principal), "reason_text": reason_text, "link_text": link_text}


def access_of(case: Case | None) -> CaseAccess:
    return case if case is not None else NO_CASE


def followable(session: Session, viewer: Viewer, public_ids: set[str]) -> set[str]:
    """Of these reports, those whose page this viewer may open (links to others are not shown)."""
    if not public_ids:
        return set()
    rows = session.execute(
        select(Report.public_id, Case)
        .outerjoin(CaseReport, CaseReport.report_id == Report.id)
        .outerjoin(Case, Case.id == CaseReport.case_id)
        .where(Report.public_id.in_(sorted(public_ids)))
        .options(selectinload(Case.assignments), selectinload(Case.referrals))
    ).all()
    allowed: set[str] = set()
    for public_id, case in rows:
        seen = can_see_unassigned_report(viewer) if case is None else can_see_case(viewer, case)
        if seen:
            allowed.add(public_id)
    return allowed


def visible_report(
    db: Session, principal: Principal, public_id: str
) -> tuple[LoadedReport, dict[str, object], bool]:
    """The report redacted for the viewer, and whether they may reveal its evidence; else 404."""
    loaded = load_report(db, public_id[:32])
    if loaded is None:
        raise HTTPException(404)
    viewer = viewer_of(principal)
    case = case_of_report(db, loaded.id)
    loaded.view["case_public_id"] = case.public_id if case is not None else None
    try:
        shown = redact_report(viewer, loaded.view, case)
    except NotVisible:
        raise HTTPException(404) from None
    links: list[LinkView] = list(shown.get("links") or [])
    if links:
        may = followable(db, viewer, {link.other_public_id for link in links})
        shown["links"] = [link for link in links if link.other_public_id in may]
    if shown.get("reasons"):
        # Other reports and cases are named only if this viewer may open them (#11 item 12).
        own = {loaded.public_id, *([case.public_id] if case is not None else [])}
        shown["reasons"] = mentions.mask_for(db, viewer, shown["reasons"], also=own)
    return loaded, shown, can_reveal_evidence(viewer, access_of(case))
