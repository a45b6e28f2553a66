"""JSON API of cases under /api/v1/cases. Every response passes the one redaction layer
(`perisai.sharing.redaction`); a case the caller may not see answers 404, as if absent."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Response
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.cases import service as cases
from perisai.cases.access import load_cases
from perisai.cases.errors import CaseConflict, CaseNotFound, NotPermitted
from perisai.cases.models import Case, CaseReferral, CaseReport, CaseTask, TakedownNotice
from perisai.cases.policy import allowed_actions
from perisai.cases.views import case_summaries, case_view, timeline_view, visible_cases
from perisai.http.problems import Problem
from perisai.identity.deps import DbDep, Principal, require
from perisai.identity.permissions import Permission
from perisai.reports.models import Report
from perisai.sharing.models import Tlp
from perisai.sharing.redaction import (
    NotVisible,
    Viewer,
    can_see_case,
    can_see_unassigned_report,
)
from perisai.sharing.viewers import viewer_of
from perisai.timebounds import check_due, check_instant

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])
READ = require(Permission.CASES_READ)
WRITE = require(Permission.CASES_WRITE)
CaseId = Annotated[str, Path(max_length=32)]
Text = Annotated[str, Field(min_length=1, max_length=20_000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CaseIn(Strict):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    report_ids: Annotated[
        list[Annotated[str, Field(max_length=32)]], Field(min_length=1, max_length=500)
    ]
    tlp: Tlp = Tlp.AMBER


class MergeIn(Strict):
    case_ids: Annotated[
        list[Annotated[str, Field(max_length=32)]], Field(min_length=1, max_length=50)
    ]


class SplitIn(Strict):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    report_ids: Annotated[
        list[Annotated[str, Field(max_length=32)]], Field(min_length=1, max_length=500)
    ]


class AssignIn(Strict):
    agency: Annotated[str, Field(min_length=1, max_length=32)]
    user_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    # Make this agency the case's lead (the Secretariat's decision; cases/policy.py).
    lead: bool = False


class ReasonIn(Strict):
    reason: Text


class GrantIn(Strict):
    user_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    reason: Text


class ReferIn(Strict):
    agency: Annotated[str, Field(min_length=1, max_length=32)]
    reason: Text


class ReferralAnswerIn(Strict):
    accept: bool
    note: Annotated[str, Field(max_length=20_000)] = ""


def _due(value: datetime) -> datetime:
    return check_due(value)


def _past(value: datetime) -> datetime:
    return check_instant(value)


DueAt = Annotated[AwareDatetime, AfterValidator(_due)]
PastAt = Annotated[AwareDatetime, AfterValidator(_past)]


class TaskIn(Strict):
    title: Annotated[str, Field(min_length=1, max_length=300)]
    due_at: DueAt | None = None
    agency: Annotated[str, Field(max_length=32)] | None = None


class NoteIn(Strict):
    body: Text


class StatusIn(Strict):
    status: Annotated[str, Field(max_length=32)]
    outcome: Annotated[str, Field(max_length=32)] | None = None


class TakedownIn(Strict):
    url: Annotated[str, Field(min_length=1, max_length=4096)]
    platform: Annotated[str, Field(min_length=1, max_length=100)]
    deadline_hours: Annotated[float, Field(gt=0, le=24 * 30)] | None = None


class RemovedIn(Strict):
    removed_at: PastAt | None = None


def _problem(exc: Exception) -> Problem:
    if isinstance(exc, CaseNotFound | NotVisible):
        return Problem(404, "Not found")
    if isinstance(exc, NotPermitted):
        # The detail says who may (cases/policy.py); the type names the refused action.
        kind = f"case-action-not-allowed/{exc.action}" if exc.action else "case-action-not-allowed"
        return Problem(403, "Not allowed", detail=str(exc), kind=kind)
    return Problem(409, "Conflict", detail=str(exc))


def _case(session: Session, viewer: Viewer, public_id: str) -> Case:
    try:
        case = cases.case_by_public_id(session, public_id)
    except CaseNotFound as exc:
        raise _problem(exc) from None
    if not can_see_case(viewer, case):
        raise Problem(404, "Not found")
    return case


def _json(view: Mapping[str, Any]) -> dict[str, Any]:
    """The API's shape of a case view (cases/views.py): times in ISO 8601, priorities as
    labels ("P1"; a report not yet triaged has none)."""
    shown: dict[str, Any] = _iso(view)
    shown["priority"] = f"P{view['priority']}"
    for report in shown.get("reports") or []:
        if report.get("priority") is not None:
            report["priority"] = f"P{report['priority']}"
    return shown


def _iso(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {key: _iso(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_iso(item) for item in value]
    return value


def _out(session: Session, viewer: Viewer, case: Case) -> dict[str, Any]:
    session.flush()
    session.expire(case)
    shown = _json(case_view(session, case, viewer))
    # What this caller may do here (cases/policy.py), so pages show only the allowed buttons.
    shown["allowed_actions"] = allowed_actions(viewer.as_actor(), case)
    return shown


def _visible_report_ids(session: Session, viewer: Viewer, public_ids: list[str]) -> list[int]:
    """The reports' ids, or one 404 for all: a report that does not exist and one the caller may
    not see answer the same (existence is secret)."""
    rows = session.execute(
        select(Report.public_id, Report.id, CaseReport.case_id)
        .outerjoin(CaseReport, CaseReport.report_id == Report.id)
        .where(Report.public_id.in_(public_ids))
    ).all()
    holders = load_cases(session, {row.case_id for row in rows if row.case_id is not None})
    found: dict[str, int] = {}
    for row in rows:
        holder = holders.get(row.case_id) if row.case_id is not None else None
        if row.case_id is None:
            visible = can_see_unassigned_report(viewer)
        else:
            visible = holder is not None and can_see_case(viewer, holder)
        if visible:
            found[row.public_id] = row.id
    if set(public_ids) - found.keys():
        raise Problem(404, "Not found", detail="one or more reports do not exist")
    return [found[p] for p in public_ids]


@router.get("")
def list_cases(
    db: DbDep,
    principal: Principal = READ,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> dict[str, Any]:
    """Cases the caller may see, newest first; `next_before` pages on."""
    viewer = viewer_of(principal)
    found = visible_cases(db, viewer, limit=limit + 1, before=before)
    items = [_json(view) for view in case_summaries(db, viewer, found[:limit])]
    return {"items": items, "next_before": found[limit - 1].id if len(found) > limit else None}


@router.post("", status_code=201)
def create(
    body: CaseIn,
    db: DbDep,
    response: Response,
    principal: Principal = WRITE,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", min_length=1, max_length=255)
    ] = None,
) -> dict[str, Any]:
    """Create a case; a retry with the same Idempotency-Key answers the same case (200)."""
    viewer = viewer_of(principal)
    ids = _visible_report_ids(db, viewer, body.report_ids)
    replay = idempotency_key is not None and (
        cases.case_by_idempotency_key(db, actor=principal.actor, key=idempotency_key) is not None
    )
    try:
        case = cases.create_case(
            db,
            title=body.title,
            report_ids=ids,
            actor=principal.actor,
            tlp=body.tlp,
            idempotency_key=idempotency_key,
        )
    except (CaseNotFound, CaseConflict) as exc:
        raise _problem(exc) from None
    if replay:
        response.status_code = 200
    try:
        return _out(db, viewer, case)
    except NotVisible:
        # TLP RED: only the people assigned to it see a red case, and its creator need not be
        # one of them. The case exists; the answer says so and no more.
        db.flush()
        return {"id": case.public_id, "tlp": Tlp(case.tlp).value, "visible": False}


@router.get("/{case_id}")
def get(case_id: CaseId, db: DbDep, principal: Principal = READ) -> dict[str, Any]:
    viewer = viewer_of(principal)
    return _out(db, viewer, _case(db, viewer, case_id))


@router.get("/{case_id}/timeline")
def timeline(case_id: CaseId, db: DbDep, principal: Principal = READ) -> list[dict[str, Any]]:
    viewer = viewer_of(principal)
    return timeline_view(db, _case(db, viewer, case_id), viewer)


def _act(db: Session, principal: Principal, case_id: str, action: Any) -> dict[str, Any]:
    """Run ``action(case)`` on a case the caller may see; map service errors to problems."""
    viewer = viewer_of(principal)
    case = _case(db, viewer, case_id)
    try:
        result = action(case)
    except (CaseNotFound, CaseConflict, NotPermitted) as exc:
        raise _problem(exc) from None
    target = result if isinstance(result, Case) else case
    try:
        return _out(db, viewer, target)
    except NotVisible:
        # e.g. the caller's agency declined the referral: it no longer sees the case.
        return {"public_id": target.public_id}


@router.post("/{case_id}/merge")
def merge(
    case_id: CaseId, body: MergeIn, db: DbDep, principal: Principal = WRITE
) -> dict[str, Any]:
    viewer = viewer_of(principal)
    sources = [_case(db, viewer, other).id for other in body.case_ids]
    return _act(
        db,
        principal,
        case_id,
        lambda case: cases.merge_cases(
            db, target_id=case.id, source_ids=sources, actor=principal.actor
        ),
    )


@router.post("/{case_id}/split", status_code=201)
def split(
    case_id: CaseId, body: SplitIn, db: DbDep, principal: Principal = WRITE
) -> dict[str, Any]:
    ids = _case_report_ids(db, body.report_ids)
    return _act(
        db,
        principal,
        case_id,
        lambda case: cases.split_case(
            db, case_id=case.id, report_ids=ids, title=body.title, actor=principal.actor
        ),
    )


def _case_report_ids(session: Session, public_ids: list[str]) -> list[int]:
    """Ids for a split; an unknown report gets an id no case holds, so the service answers the
    same as for a report of another case ("not in this case")."""
    rows = session.execute(
        select(Report.public_id, Report.id).where(Report.public_id.in_(public_ids))
    )
    found: dict[str, int] = {row.public_id: row.id for row in rows}
    return [found.get(p, -1 - n) for n, p in enumerate(public_ids)]


@router.post("/{case_id}/assignments")
def assign(
    case_id: CaseId, body: AssignIn, db: DbDep, principal: Principal = WRITE
) -> dict[str, Any]:
    return _act(
        db,
        principal,
        case_id,
        lambda case: cases.assign(
            db,
            case_id=case.id,
            agency=body.agency,
            user_id=body.user_id,
            lead=body.lead,
            actor=principal.actor,
        ),
    )


@router.post("/{case_id}/referrals")
def refer(
    case_id: CaseId, body: ReferIn, db: DbDep, principal: Principal = WRITE
) -> dict[str, Any]:
    return _act(
        db,
        principal,
        case_id,
        lambda case: cases.refer(
            db, case_id=case.id, agency=body.agency, reason=body.reason, actor=principal.actor
        ),
    )


def _child(db: Session, model: type[Any], item_id: int, case: Case) -> Any:
    item = db.get(model, item_id)
    if item is None or item.case_id != case.id:
        raise CaseNotFound(f"{model.__tablename__} {item_id}")
    return item


@router.post("/{case_id}/referrals/{referral_id}/response")
def answer_referral(
    case_id: CaseId,
    referral_id: int,
    body: ReferralAnswerIn,
    db: DbDep,
    principal: Principal = WRITE,
) -> dict[str, Any]:
    def action(case: Case) -> object:
        referral = _child(db, CaseReferral, referral_id, case)
        return cases.respond_to_referral(
            db, referral_id=referral.id, accept=body.accept, note=body.note, actor=principal.actor
        )

    return _act(db, principal, case_id, action)


@router.post("/{case_id}/tasks", status_code=201)
def add_task(
    case_id: CaseId, body: TaskIn, db: DbDep, principal: Principal = WRITE
) -> dict[str, Any]:
    return _act(
        db,
        principal,
        case_id,
        lambda case: cases.add_task(
            db,
            case_id=case.id,
            title=body.title,
            due_at=body.due_at,
            assignee_agency=body.agency,
            actor=principal.actor,
        ),
    )


@router.post("/{case_id}/tasks/{task_id}/done")
def task_done(
    case_id: CaseId, task_id: int, db: DbDep, principal: Principal = WRITE
) -> dict[str, Any]:
    def action(case: Case) -> object:
        task = _child(db, CaseTask, task_id, case)
        return cases.complete_task(db, task_id=task.id, actor=principal.actor)

    return _act(db, principal, case_id, action)


@router.post("/{case_id}/notes", status_code=201)
def add_note(
    case_id: CaseId, body: NoteIn, db: DbDep, principal: Principal = WRITE
) -> dict[str, Any]:
    return _act(
        db,
        principal,
        case_id,
        lambda case: cases.add_note(db, case_id=case.id, body=body.body, actor=principal.actor),
    )


@router.post("/{case_id}/status")
def change_status(
    case_id: CaseId, body: StatusIn, db: DbDep, principal: Principal = WRITE
) -> dict[str, Any]:
    return _act(
        db,
        principal,
        case_id,
        lambda case: cases.change_status(
            db, case_id=case.id, status=body.status, outcome=body.outcome, actor=principal.actor
        ),
    )


@router.post("/{case_id}/reopen")
def reopen(
    case_id: CaseId, body: ReasonIn, db: DbDep, principal: Principal = WRITE
) -> dict[str, Any]:
    """Reopen a closed case (a supervisor of the Secretariat or the lead agency, with a reason)."""
    return _act(
        db,
        principal,
        case_id,
        lambda case: cases.reopen(db, case_id=case.id, reason=body.reason, actor=principal.actor),
    )


@router.post("/{case_id}/victim-access", status_code=201)
def grant_victim_access(
    case_id: CaseId, body: GrantIn, db: DbDep, principal: Principal = WRITE
) -> dict[str, Any]:
    """Grant one JKM caseworker or PDRM investigator the victims' identity on this case."""
    return _act(
        db,
        principal,
        case_id,
        lambda case: cases.grant_victim_access(
            db, case_id=case.id, user_id=body.user_id, reason=body.reason, actor=principal.actor
        ),
    )


@router.post("/{case_id}/victim-access/{grant_id}/revoke")
def revoke_victim_access(
    case_id: CaseId,
    grant_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    body: ReasonIn,
    db: DbDep,
    principal: Principal = WRITE,
) -> dict[str, Any]:
    return _act(
        db,
        principal,
        case_id,
        lambda case: cases.revoke_victim_access(
            db, case_id=case.id, grant_id=grant_id, reason=body.reason, actor=principal.actor
        ),
    )


@router.post("/{case_id}/takedowns", status_code=201)
def takedown(
    case_id: CaseId, body: TakedownIn, db: DbDep, principal: Principal = WRITE
) -> dict[str, Any]:
    deadline = timedelta(hours=body.deadline_hours) if body.deadline_hours else None
    return _act(
        db,
        principal,
        case_id,
        lambda case: cases.create_takedown(
            db,
            case_id=case.id,
            url=body.url,
            platform=body.platform,
            deadline=deadline,
            actor=principal.actor,
        ),
    )


@router.post("/{case_id}/takedowns/{takedown_id}/removed")
def removed(
    case_id: CaseId, takedown_id: int, body: RemovedIn, db: DbDep, principal: Principal = WRITE
) -> dict[str, Any]:
    def action(case: Case) -> object:
        notice = _child(db, TakedownNotice, takedown_id, case)
        removed_at: datetime | None = body.removed_at
        return cases.confirm_removal(
            db, takedown_id=notice.id, removed_at=removed_at, actor=principal.actor
        )

    return _act(db, principal, case_id, action)
