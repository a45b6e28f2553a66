"""Victim record pages for staff, under /workspace/victims (Malay and English).

The record shows its facts; identity stays masked until the person picks a purpose, and then
only the field groups need-to-know and consent allow appear, each read audited with that
purpose. Consent is recorded and withdrawn here; erasure asks for the record's id typed again.
Every action is a POST with the session's CSRF token; refusals are pages in the person's language.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from starlette.responses import Response

from perisai.cases.models import CaseReport
from perisai.identity.agencies import SECRETARIAT
from perisai.identity.deps import (
    DbDep,
    Principal,
    RuntimeDep,
    check_csrf,
    require,
    staff_context,
)
from perisai.identity.models import Agency
from perisai.identity.permissions import ROLE_PERMISSIONS, Permission
from perisai.reports.models import Report
from perisai.sharing.caseaccess import load_cases
from perisai.sharing.redaction import (
    CONSENTABLE_GROUPS,
    IDENTITY_GROUPS,
    Viewer,
    can_see_victim_record,
    redact_victim,
)
from perisai.sharing.viewers import viewer_of
from perisai.victims import policy
from perisai.victims import service as victims
from perisai.victims import text as _text  # noqa: F401 - registers the strings
from perisai.victims.models import ConsentGiver, ConsentMethod, ErasureBasis, Victim
from perisai.victims.retention import SCHEDULE
from perisai.victims.schemas import Purpose
from perisai.web.i18n import language_of, translate
from perisai.web.templating import render

router = APIRouter(prefix="/workspace/victims", include_in_schema=False)
READ = require(Permission.CASES_READ)
CsrfField = Annotated[str, Form(max_length=128)]
Short = Annotated[str, Form(min_length=1, max_length=32)]
DONE = frozenset({"created", "consent", "withdrawn", "erased", "hold", "linked"})
AGENCIES = ("JKM", "PDRM", "NGO", "MOE", "CSM", "MCMC", SECRETARIAT)


def page_context(principal: Principal) -> dict[str, object]:
    """What the workspace layout needs: who is looking, their form token, what they may open."""
    assert principal.user is not None and principal.user_session is not None
    return {
        "user": principal.user,
        "csrf_token": principal.user_session.csrf_token,
        "may": {p.value for p in ROLE_PERMISSIONS[principal.user.role]},
    }


def _csrf(principal: Principal, presented: str) -> None:
    assert principal.user_session is not None
    check_csrf(principal.user_session.csrf_token, presented)


def _seen(db: DbDep, viewer: Viewer, public_id: str) -> Victim | None:
    """The record if this viewer may see it; None for an unknown one and an unseen one alike."""
    try:
        victim = victims.victim_by_public_id(db, public_id)
    except victims.VictimNotFound:
        return None
    return victim if can_see_victim_record(viewer, victims.victim_facts(db, victim)) else None


def _visible(db: DbDep, viewer: Viewer, public_id: str) -> Victim:
    victim = _seen(db, viewer, public_id)
    if victim is None:
        raise HTTPException(404)
    return victim


def _to(victim: Victim, done: str) -> RedirectResponse:
    return RedirectResponse(f"/workspace/victims/{victim.public_id}?done={done}", status_code=303)


def _page(
    request: Request,
    db: DbDep,
    runtime: RuntimeDep,
    principal: Principal,
    victim: Victim,
    *,
    purpose: Purpose | None = None,
    form_error: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    viewer = viewer_of(principal)
    facts = victims.victim_facts(db, victim)
    view = victims.victim_view(db, victim)
    if purpose is not None:
        view["identity"] = victims.read_identity(
            db, runtime.keyring, viewer, victim, purpose=purpose, outlet="page"
        )
    shown = redact_victim(viewer, view, facts)
    done = request.query_params.get("done", "")
    return render(
        request,
        "victims/victim.html",
        {
            **staff_context(principal),
            "victim": shown,
            "purpose": purpose.value if purpose is not None else None,
            "purposes": [p.value for p in Purpose],
            "identity_groups": sorted(g.value for g in IDENTITY_GROUPS),
            "consentable": sorted(g.value for g in CONSENTABLE_GROUPS),
            "agencies": AGENCIES,
            "givers": [g.value for g in ConsentGiver],
            "methods": [m.value for m in ConsentMethod],
            "bases": [b.value for b in ErasureBasis],
            "may_manage": policy.may_manage(viewer, facts),
            "may_erase": policy.may_erase(viewer) and not victim.is_erased,
            "schedule": SCHEDULE,
            "done": done if done in DONE else None,
            "form_error": form_error or {},
        },
        status_code=status_code,
    )


@router.get("")
def find_page(request: Request, db: DbDep, principal: Principal = READ) -> Response:
    """Open a record by its id (VIC-…). There is no list of children on purpose: a record is
    reached from a case or report one works on, or by an id one was given. An unknown id and a
    record one may not see get the same answer."""
    wanted = request.query_params.get("id", "").strip().upper()[:32]
    error: dict[str, str] = {}
    if wanted:
        victim = _seen(db, viewer_of(principal), wanted)
        if victim is not None:
            return RedirectResponse(f"/workspace/victims/{victim.public_id}", status_code=303)
        error = {"field": "id", "message": translate("vi.find.none", language_of(request))}
    return render(
        request,
        "victims/find.html",
        {**staff_context(principal), "wanted": wanted, "form_error": error},
        status_code=404 if error else 200,
    )


@router.get("/{public_id}")
def victim_page(
    request: Request,
    db: DbDep,
    runtime: RuntimeDep,
    public_id: str,
    principal: Principal = READ,
) -> Response:
    viewer = viewer_of(principal)
    victim = _visible(db, viewer, public_id[:32])
    chosen = request.query_params.get("purpose")
    purpose = None
    if chosen:
        try:
            purpose = Purpose(chosen)
        except ValueError:
            raise HTTPException(422, translate("vi.purpose", language_of(request))) from None
    return _page(request, db, runtime, principal, victim, purpose=purpose)


def _report_holder(db: DbDep, report_public_id: str) -> tuple[Report, Any]:
    report = db.scalar(select(Report).where(Report.public_id == report_public_id))
    if report is None:
        raise HTTPException(404)
    case_id = db.scalar(select(CaseReport.case_id).where(CaseReport.report_id == report.id))
    holder = load_cases(db, [case_id]).get(case_id) if case_id is not None else None
    return report, holder


@router.post("")
def create_from_report(
    db: DbDep,
    runtime: RuntimeDep,
    report_id: Annotated[str, Form(min_length=1, max_length=32)],
    csrf_token: CsrfField,
    position: Annotated[int, Form(ge=0, le=1000)] = 0,
    principal: Principal = READ,
) -> Response:
    _csrf(principal, csrf_token)
    viewer = viewer_of(principal)
    _, holder = _report_holder(db, report_id)
    if not policy.may_create_from_report(viewer, holder):
        raise HTTPException(404)
    try:
        victim = victims.create_from_report(
            db, runtime.keyring, report_public_id=report_id, position=position,
            actor=principal.actor,
        )  # fmt: skip
    except victims.VictimNotFound:
        raise HTTPException(404) from None
    except victims.VictimConflict as exc:
        raise HTTPException(409, str(exc)) from None
    return _to(victim, "created")


def _managed(db: DbDep, principal: Principal, public_id: str, csrf_token: str) -> Victim:
    _csrf(principal, csrf_token)
    viewer = viewer_of(principal)
    victim = _visible(db, viewer, public_id[:32])
    if not policy.may_manage(viewer, victims.victim_facts(db, victim)):
        raise HTTPException(403)
    return victim


@router.post("/{public_id}/reports")
def link_report(
    db: DbDep,
    runtime: RuntimeDep,
    public_id: str,
    report_id: Annotated[str, Form(min_length=1, max_length=32)],
    csrf_token: CsrfField,
    position: Annotated[int, Form(ge=0, le=1000)] = 0,
    principal: Principal = READ,
) -> Response:
    victim = _managed(db, principal, public_id, csrf_token)
    _, holder = _report_holder(db, report_id)
    if not policy.may_create_from_report(viewer_of(principal), holder):
        raise HTTPException(404)
    try:
        victims.link_report_victim(
            db, runtime.keyring, victim, report_public_id=report_id, position=position,
            actor=principal.actor,
        )  # fmt: skip
    except victims.VictimNotFound:
        raise HTTPException(404) from None
    except victims.VictimConflict as exc:
        raise HTTPException(409, str(exc)) from None
    return _to(victim, "linked")


@router.post("/{public_id}/consents")
def give_consent(
    request: Request,
    db: DbDep,
    runtime: RuntimeDep,
    public_id: str,
    field_group: Short,
    agency: Short,
    given_by: Short,
    method: Short,
    csrf_token: CsrfField,
    principal: Principal = READ,
) -> Response:
    victim = _managed(db, principal, public_id, csrf_token)
    known = db.scalar(select(Agency.short_name).where(Agency.short_name == agency))
    try:
        if known is None:
            raise victims.VictimInputError("agency", "unknown agency")
        victims.record_consent(
            db, victim, group=field_group, agency=known, given_by=given_by, method=method,
            actor=principal.actor,
        )  # fmt: skip
    except victims.VictimInputError as exc:
        return _refused(request, db, runtime, principal, victim, exc.field, exc.message)
    except victims.VictimConflict as exc:
        return _refused(request, db, runtime, principal, victim, "consent", str(exc), 409)
    return _to(victim, "consent")


@router.post("/{public_id}/consents/withdraw")
def withdraw_consent(
    request: Request,
    db: DbDep,
    runtime: RuntimeDep,
    public_id: str,
    field_group: Short,
    agency: Short,
    method: Short,
    csrf_token: CsrfField,
    principal: Principal = READ,
) -> Response:
    victim = _managed(db, principal, public_id, csrf_token)
    try:
        victims.withdraw_consent(
            db, victim, group=field_group, agency=agency, method=method, actor=principal.actor
        )
    except victims.VictimInputError as exc:
        return _refused(request, db, runtime, principal, victim, exc.field, exc.message)
    except victims.VictimConflict as exc:
        return _refused(request, db, runtime, principal, victim, "consent", str(exc), 409)
    return _to(victim, "withdrawn")


@router.post("/{public_id}/legal-hold")
def legal_hold(
    db: DbDep,
    public_id: str,
    hold: Annotated[str, Form(pattern="^(on|off)$")],
    csrf_token: CsrfField,
    principal: Principal = READ,
) -> Response:
    _csrf(principal, csrf_token)
    viewer = viewer_of(principal)
    victim = _visible(db, viewer, public_id[:32])
    if not policy.may_erase(viewer):
        raise HTTPException(403)
    victims.set_legal_hold(db, victim, hold=hold == "on", actor=principal.actor)
    return _to(victim, "hold")


@router.post("/{public_id}/erase")
def erase(
    request: Request,
    db: DbDep,
    runtime: RuntimeDep,
    public_id: str,
    basis: Short,
    confirm: Annotated[str, Form(max_length=64)],
    csrf_token: CsrfField,
    principal: Principal = READ,
) -> Response:
    _csrf(principal, csrf_token)
    viewer = viewer_of(principal)
    victim = _visible(db, viewer, public_id[:32])
    if not policy.may_erase(viewer):
        raise HTTPException(403)
    lang = language_of(request)
    if confirm.strip() != victim.public_id:
        message = translate("vi.confirm_wrong", lang)
        return _refused(request, db, runtime, principal, victim, "confirm", message)
    try:
        victims.erase_victim(db, runtime.keyring, victim, basis=basis, actor=principal.actor)
    except victims.VictimInputError as exc:
        return _refused(request, db, runtime, principal, victim, exc.field, exc.message)
    except victims.VictimConflict as exc:
        return _refused(request, db, runtime, principal, victim, "erase", str(exc), 409)
    return _to(victim, "erased")


def _refused(
    request: Request,
    db: DbDep,
    runtime: RuntimeDep,
    principal: Principal,
    victim: Victim,
    field: str,
    message: str,
    status_code: int = 422,
) -> Response:
    """The page again, with the refusal beside the form (services check before changing)."""
    return _page(
        request, db, runtime, principal, victim,
        form_error={"field": field, "message": message}, status_code=status_code,
    )  # fmt: skip
