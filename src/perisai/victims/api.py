"""JSON API of victim records under /api/v1/victims.

Every answer passes the one redaction layer (``redact_victim``); identity is opened only when a
``purpose`` is given, only for the groups need-to-know and consent allow now, and every such read
is audited. A record the caller may not see answers 404, as if absent.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.cases.models import CaseReport
from perisai.http.problems import Problem
from perisai.identity.deps import DbDep, Principal, RuntimeDep, require
from perisai.identity.models import Agency
from perisai.identity.permissions import Permission
from perisai.reports.models import Report
from perisai.sharing.caseaccess import load_cases
from perisai.sharing.redaction import (
    NotVisible,
    VictimGroup,
    Viewer,
    redact_for_export,
    redact_victim,
)
from perisai.sharing.viewers import viewer_of
from perisai.victims import policy
from perisai.victims import service as victims
from perisai.victims.models import ConsentGiver, ConsentMethod, ErasureBasis, Victim
from perisai.victims.schemas import Purpose

router = APIRouter(prefix="/api/v1/victims", tags=["victims"])
READ = require(Permission.CASES_READ)
VictimId = Annotated[str, Path(max_length=32)]
ReportId = Annotated[str, Field(min_length=1, max_length=32)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FromReportIn(Strict):
    report_id: ReportId
    position: Annotated[int, Field(ge=0, le=1000)] = 0


class ConsentIn(Strict):
    field_group: VictimGroup
    agency: Annotated[str, Field(min_length=1, max_length=32)]
    given_by: ConsentGiver
    method: ConsentMethod
    given_at: AwareDatetime | None = None


class WithdrawIn(Strict):
    field_group: VictimGroup
    agency: Annotated[str, Field(min_length=1, max_length=32)]
    method: ConsentMethod


class EraseIn(Strict):
    basis: ErasureBasis
    # The record's id typed again: erasure cannot be undone.
    confirm: Annotated[str, Field(min_length=1, max_length=32)]


class HoldIn(Strict):
    legal_hold: bool


def problem_of(exc: Exception) -> Problem:
    if isinstance(exc, victims.VictimNotFound | NotVisible):
        return Problem(404, "Not found")
    if isinstance(exc, victims.VictimInputError):
        return Problem(
            422,
            "Invalid input",
            detail=str(exc),
            errors=[{"field": exc.field, "message": exc.message}],
        )
    if isinstance(exc, ValidationError):
        errors = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
        ]
        return Problem(422, "Invalid input", errors=errors)
    return Problem(409, "Conflict", detail=str(exc))


def visible_victim(session: Session, viewer: Viewer, public_id: str) -> Victim:
    """The record, or 404 when it does not exist or this viewer may not see it."""
    try:
        victim = victims.victim_by_public_id(session, public_id)
    except victims.VictimNotFound as exc:
        raise problem_of(exc) from None
    facts = victims.victim_facts(session, victim)
    from perisai.sharing.redaction import can_see_victim_record

    if not can_see_victim_record(viewer, facts):
        raise Problem(404, "Not found")
    return victim


def shown(
    session: Session,
    viewer: Viewer,
    victim: Victim,
    identity: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    facts = victims.victim_facts(session, victim)
    view = victims.victim_view(session, victim)
    if identity is not None:
        view["identity"] = identity
    out = redact_victim(viewer, view, facts)
    out["identity_masked"] = identity is None
    return out


def _forbidden(what: str) -> Problem:
    return Problem(403, "Not allowed", detail=what, kind="victim-action-not-allowed")


@router.post("", status_code=201)
def create_from_report(
    body: FromReportIn, db: DbDep, runtime: RuntimeDep, principal: Principal = READ
) -> dict[str, Any]:
    """Make a victim record from a report's victim (its sealed block is split into groups)."""
    viewer = viewer_of(principal)
    report = db.scalar(select(Report).where(Report.public_id == body.report_id))
    case_id = (
        db.scalar(select(CaseReport.case_id).where(CaseReport.report_id == report.id))
        if report is not None
        else None
    )
    holder = load_cases(db, [case_id]).get(case_id) if case_id is not None else None
    if report is None or (case_id is not None and holder is None):
        raise Problem(404, "Not found")
    if not policy.may_create_from_report(viewer, holder):
        raise Problem(404, "Not found")
    try:
        victim = victims.create_from_report(
            db,
            runtime.keyring,
            report_public_id=body.report_id,
            position=body.position,
            actor=principal.actor,
        )
    except (victims.VictimNotFound, victims.VictimConflict) as exc:
        raise problem_of(exc) from None
    return shown(db, viewer, victim)


@router.get("/{victim_id}")
def get(
    victim_id: VictimId,
    db: DbDep,
    runtime: RuntimeDep,
    principal: Principal = READ,
    purpose: Annotated[Purpose | None, Query()] = None,
) -> dict[str, Any]:
    """The record; with ``purpose`` also the identity groups this caller may read (audited)."""
    viewer = viewer_of(principal)
    victim = visible_victim(db, viewer, victim_id)
    identity = None
    if purpose is not None:
        identity = victims.read_identity(
            db, runtime.keyring, viewer, victim, purpose=purpose, outlet="api"
        )
    return shown(db, viewer, victim, identity)


@router.get("/{victim_id}/export")
def export(
    victim_id: VictimId,
    db: DbDep,
    runtime: RuntimeDep,
    purpose: Annotated[Purpose, Query()],
    principal: Principal = READ,
) -> dict[str, Any]:
    """The record as an export (court bundle, referral letter): redacted and audited."""
    viewer = viewer_of(principal)
    victim = visible_victim(db, viewer, victim_id)
    identity = victims.read_identity(
        db, runtime.keyring, viewer, victim, purpose=purpose, outlet="export"
    )
    view = victims.victim_view(db, victim)
    view["identity"] = identity
    return redact_for_export(
        db,
        viewer,
        kind="victim",
        view=view,
        case=None,
        object_id=victim.public_id,
        victim=victims.victim_facts(db, victim),
    )


@router.post("/{victim_id}/reports", status_code=201)
def link_report(
    victim_id: VictimId,
    body: FromReportIn,
    db: DbDep,
    runtime: RuntimeDep,
    principal: Principal = READ,
) -> dict[str, Any]:
    """Another report's victim is this same child."""
    viewer = viewer_of(principal)
    victim = visible_victim(db, viewer, victim_id)
    report = db.scalar(select(Report).where(Report.public_id == body.report_id))
    if report is None:
        raise Problem(404, "Not found")
    case_id = db.scalar(select(CaseReport.case_id).where(CaseReport.report_id == report.id))
    holder = load_cases(db, [case_id]).get(case_id) if case_id is not None else None
    if not policy.may_create_from_report(viewer, holder):
        raise Problem(404, "Not found")
    try:
        victims.link_report_victim(
            db,
            runtime.keyring,
            victim,
            report_public_id=body.report_id,
            position=body.position,
            actor=principal.actor,
        )
    except (victims.VictimNotFound, victims.VictimConflict) as exc:
        raise problem_of(exc) from None
    return shown(db, viewer, victim)


def _managed(db: Session, viewer: Viewer, victim_id: str) -> Victim:
    victim = visible_victim(db, viewer, victim_id)
    if not policy.may_manage(viewer, victims.victim_facts(db, victim)):
        raise _forbidden(
            "consent and identity are managed by the people holding victim access on the case "
            "(JKM caseworker, PDRM investigator) or a secretariat supervisor"
        )
    return victim


@router.post("/{victim_id}/consents", status_code=201)
def give_consent(
    victim_id: VictimId, body: ConsentIn, db: DbDep, principal: Principal = READ
) -> dict[str, Any]:
    """Record what the child and guardian agreed: ``agency`` may know ``field_group``."""
    viewer = viewer_of(principal)
    victim = _managed(db, viewer, victim_id)
    try:
        victims.record_consent(
            db,
            victim,
            group=body.field_group,
            agency=_agency(db, body.agency),
            given_by=body.given_by,
            method=body.method,
            given_at=body.given_at,
            actor=principal.actor,
        )
    except (victims.VictimInputError, victims.VictimConflict) as exc:
        raise problem_of(exc) from None
    return shown(db, viewer, victim)


@router.post("/{victim_id}/consents/withdraw")
def withdraw_consent(
    victim_id: VictimId, body: WithdrawIn, db: DbDep, principal: Principal = READ
) -> dict[str, Any]:
    """Withdraw a consent: every outlet stops sharing that group with the agency at once."""
    viewer = viewer_of(principal)
    victim = _managed(db, viewer, victim_id)
    try:
        victims.withdraw_consent(
            db,
            victim,
            group=body.field_group,
            agency=body.agency,
            method=body.method,
            actor=principal.actor,
        )
    except (victims.VictimInputError, victims.VictimConflict) as exc:
        raise problem_of(exc) from None
    return shown(db, viewer, victim)


@router.put("/{victim_id}/identity/{group}")
def set_identity(
    victim_id: VictimId,
    group: VictimGroup,
    body: dict[str, Any],
    db: DbDep,
    runtime: RuntimeDep,
    principal: Principal = READ,
) -> dict[str, Any]:
    """Replace one identity group (an empty object removes it)."""
    viewer = viewer_of(principal)
    victim = _managed(db, viewer, victim_id)
    try:
        victims.set_identity(db, runtime.keyring, victim, group, body, actor=principal.actor)
    except (victims.VictimInputError, victims.VictimConflict, ValidationError) as exc:
        raise problem_of(exc) from None
    return shown(db, viewer, victim)


@router.post("/{victim_id}/legal-hold")
def legal_hold(
    victim_id: VictimId, body: HoldIn, db: DbDep, principal: Principal = READ
) -> dict[str, Any]:
    viewer = viewer_of(principal)
    victim = visible_victim(db, viewer, victim_id)
    if not policy.may_erase(viewer):
        raise _forbidden("legal holds are set by a secretariat supervisor")
    victims.set_legal_hold(db, victim, hold=body.legal_hold, actor=principal.actor)
    return shown(db, viewer, victim)


@router.post("/{victim_id}/erase")
def erase(
    victim_id: VictimId,
    body: EraseIn,
    db: DbDep,
    runtime: RuntimeDep,
    principal: Principal = READ,
) -> dict[str, Any]:
    """Crypto-shred the child's identity everywhere; the record keeps when and why."""
    viewer = viewer_of(principal)
    victim = visible_victim(db, viewer, victim_id)
    if not policy.may_erase(viewer):
        raise _forbidden("erasure is a secretariat supervisor's decision")
    if body.confirm != victim.public_id:
        raise Problem(
            422,
            "Invalid input",
            errors=[{"field": "confirm", "message": "type the record's id to confirm"}],
        )
    try:
        victims.erase_victim(db, runtime.keyring, victim, basis=body.basis, actor=principal.actor)
    except victims.VictimConflict as exc:
        raise problem_of(exc) from None
    return shown(db, viewer, victim)


def _agency(db: Session, short_name: str) -> str:

    found = db.scalar(select(Agency.short_name).where(Agency.short_name == short_name))
    if found is None:
        raise problem_of(victims.VictimInputError("agency", "unknown agency"))
    return found
