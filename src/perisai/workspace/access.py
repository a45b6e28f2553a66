"""The workspace's bridge to need-to-know: every page asks `perisai.sharing.redaction`.

This module only finds the case a report belongs to (with what need-to-know reads, loaded
eagerly so a page's query count does not grow with the case) and builds the viewer.
"""

from __future__ import annotations

from fastapi import HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from perisai.cases.models import Case, CaseReport
from perisai.identity.deps import Principal
from perisai.sharing.redaction import (
    CaseAccess,
    CaseFacts,
    NotVisible,
    can_reveal_evidence,
    redact_report,
)
from perisai.sharing.viewers import viewer_of
from perisai.workspace.report import LoadedReport, load_report

# A report in no case: nobody is assigned, so nobody may reveal its evidence.
NO_CASE = CaseFacts(agencies=frozenset())


def case_of_report(session: Session, report_id: int) -> Case | None:
    return session.scalars(
        select(Case)
        .join(CaseReport, CaseReport.case_id == Case.id)
        .where(CaseReport.report_id == report_id)
        .options(selectinload(Case.assignments), selectinload(Case.referrals))
    ).first()


def access_of(case: Case | None) -> CaseAccess:
    return case if case is not None else NO_CASE


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
    return loaded, shown, can_reveal_evidence(viewer, access_of(case))
