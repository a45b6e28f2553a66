"""JSON API of triage under /api/v1/triage: the queue, a report's triage, re-run, override,
review. Report views go through the one redaction layer (`perisai.sharing.redaction`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from perisai.cases import mentions
from perisai.cases.service import case_of_report
from perisai.http.problems import Problem
from perisai.identity.deps import DbDep, Principal, RuntimeDep, require
from perisai.identity.permissions import Permission
from perisai.sharing.redaction import NotVisible, Viewer, redact_report
from perisai.sharing.viewers import viewer_of
from perisai.triage import service
from perisai.triage.models import TriageRecord
from perisai.triage.policy import Priority

router = APIRouter(prefix="/api/v1/triage", tags=["triage"])
READ = require(Permission.REPORTS_READ)
PublicId = Annotated[str, Path(max_length=32)]
TRIAGE = require(Permission.REPORTS_TRIAGE)


class OverrideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    priority: Annotated[str, Field(pattern=r"^[Pp]?[1-4]$")]
    reason: Annotated[str, Field(min_length=service.MIN_OVERRIDE_REASON, max_length=2000)]


def triage_view(session: Session, record: TriageRecord, public_id: str) -> dict[str, Any]:
    """A report's triage in the redaction layer's field names."""
    reasons = list(record.reasons)
    if record.override_priority is not None:
        reasons.insert(
            0,
            {
                "priority": record.override_priority,
                "rule": "override",
                "text": f"P{record.override_priority}: set by an analyst: {record.override_reason}",
            },
        )
    case = case_of_report(session, record.report_id)
    return {
        "public_id": public_id,
        "priority": Priority(record.priority).label,
        "received_at": record.received_at.isoformat(),
        # One public field holding both clocks (the layer classifies whole values).
        "sla_due_at": {
            "review": record.review_due_at.isoformat(),
            "action": record.action_due_at.isoformat() if record.action_due_at else None,
            "reviewed_at": record.reviewed_at.isoformat() if record.reviewed_at else None,
            "actioned_at": record.actioned_at.isoformat() if record.actioned_at else None,
        },
        "case_public_id": case.public_id if case else None,
        "reasons": reasons,
        "links": [
            {"report": link.other_public_id, "kind": link.kind, "reason": link.reason}
            for link in service.link_views(session, record.report_id)
        ],
    }


def _visible(session: Session, viewer: Viewer, public_id: str) -> dict[str, Any]:
    try:
        record = service.get_triage(session, report_id=public_id)
    except service.ReportNotFound:
        raise Problem(404, "No such report") from None
    if record is None:
        raise Problem(404, "Not triaged yet", kind="not-triaged")
    view = triage_view(session, record, public_id)
    try:
        shown = redact_report(viewer, view, case_of_report(session, record.report_id))
    except NotVisible:
        raise Problem(404, "No such report") from None
    # Other reports and cases are named only if the viewer may open them (issue #11 item 12).
    own = {public_id, *([view["case_public_id"]] if view["case_public_id"] else [])}
    refs = mentions.refs_in([shown]) - own
    allowed = mentions.openable(session, viewer, refs) | own
    if "links" in shown:
        shown["links"] = [link for link in shown["links"] if link.get("report") in allowed]
    return dict(mentions.mask(shown, allowed))


@router.get("/queue")
def get_queue(
    db: DbDep,
    principal: Principal = TRIAGE,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    """Open triaged reports by priority, then review due time; `next_cursor` pages on."""
    try:
        page = service.queue(db, viewer=viewer_of(principal), limit=limit, cursor=cursor)
    except service.TriageError as exc:
        raise Problem(400, "Bad cursor", detail=str(exc)) from None
    return {
        "items": [
            {
                "public_id": item.public_id,
                "priority": item.priority.label,
                "incident_type": item.incident_type,
                "received_at": item.received_at.isoformat(),
                "sla_due_at": item.review_due_at.isoformat(),
                "case_public_id": item.case_public_id,
                "reasons": item.reasons,
            }
            for item in page.items
        ],
        "next_cursor": page.next_cursor,
    }


@router.get("/reports/{public_id}")
def get_report_triage(
    public_id: PublicId, db: DbDep, principal: Principal = READ
) -> dict[str, Any]:
    return _visible(db, viewer_of(principal), public_id)


@router.post("/reports/{public_id}/run")
def run_triage(
    public_id: PublicId,
    db: DbDep,
    runtime: RuntimeDep,
    principal: Principal = TRIAGE,
) -> dict[str, Any]:
    """Re-run triage now (normally enrichment queues it)."""
    viewer = viewer_of(principal)
    if service.get_triage_or_none(db, report_id=public_id) is not None:
        _visible(db, viewer, public_id)
    try:
        service.triage_report(
            db, report_id=public_id, actor=principal.actor, keyring=runtime.keyring
        )
    except service.ReportNotFound:
        raise Problem(404, "No such report") from None
    except service.TriageError as exc:
        raise Problem(409, "Cannot triage", detail=str(exc)) from None
    return _visible(db, viewer, public_id)


@router.post("/reports/{public_id}/override")
def override(
    public_id: PublicId,
    body: OverrideIn,
    db: DbDep,
    principal: Principal = TRIAGE,
) -> dict[str, Any]:
    viewer = viewer_of(principal)
    _visible(db, viewer, public_id)
    try:
        service.override_priority(
            db,
            report_id=public_id,
            priority=body.priority,
            reason=body.reason,
            actor=principal.actor,
        )
    except service.TriageError as exc:
        raise Problem(422, "Cannot override", detail=str(exc)) from None
    return _visible(db, viewer, public_id)


@router.post("/reports/{public_id}/review")
def review(public_id: PublicId, db: DbDep, principal: Principal = TRIAGE) -> dict[str, Any]:
    """Record the first human review (stops the review clock)."""
    viewer = viewer_of(principal)
    _visible(db, viewer, public_id)
    service.mark_reviewed(db, report_id=public_id, actor=principal.actor)
    return _visible(db, viewer, public_id)
