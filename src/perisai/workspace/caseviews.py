"""Case pages and actions: refer a report to an agency, answer a referral, notes and tasks.

Every action is a POST with the session's CSRF token; the case services check state and emit the
events; need-to-know (perisai.sharing.redaction) decides who sees what.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, TypeVar

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from perisai.cases import service as cases
from perisai.cases.errors import CaseConflict, CaseNotFound, NotPermitted
from perisai.cases.models import Case, CaseTask, TakedownNotice
from perisai.identity.deps import DbDep, Principal, RuntimeDep, check_csrf, require
from perisai.identity.permissions import Permission
from perisai.identity.views import add_home_link
from perisai.sharing.redaction import NotVisible, can_see_case
from perisai.sharing.viewers import viewer_of
from perisai.triage.service import (
    ReportNotFound,
    TriageError,
    mark_reviewed,
    override_priority,
)
from perisai.web.i18n import language_of, translate
from perisai.web.templating import render
from perisai.web.timefmt import parse_local_date
from perisai.workspace.access import case_of_report, page_context, visible_report
from perisai.workspace.casepage import case_view, load_case, visible_cases

router = APIRouter(include_in_schema=False)  # mounted under /workspace by views.py
CsrfField = Annotated[str, Form(max_length=128)]
Agency = Annotated[str, Form(max_length=32)]
Reason = Annotated[str, Form(min_length=1, max_length=4000)]
Text = Annotated[str, Form(min_length=1, max_length=4000)]
Title = Annotated[str, Form(min_length=1, max_length=300)]
Due = Annotated[str, Form(max_length=40)]
Choice = Annotated[str, Form(pattern="^(accept|decline)$")]
REFER_TO = ("JKM", "PDRM", "CSM", "MCMC", "MOE", "NGO")

Child = TypeVar("Child", CaseTask, TakedownNotice)

add_home_link(Permission.CASES_READ, "/workspace/cases", "home.ws.cases")


def _csrf(principal: Principal, presented: str) -> None:
    assert principal.user_session is not None
    check_csrf(principal.user_session.csrf_token, presented)


def _visible_case(db: DbDep, principal: Principal, public_id: str) -> Case:
    case = load_case(db, public_id[:32])
    if case is None or not can_see_case(viewer_of(principal), case):
        raise HTTPException(404)
    return case


def _writable_case(db: DbDep, principal: Principal, public_id: str, csrf_token: str) -> Case:
    """Every case action: the session's CSRF token, then a case this user may see."""
    _csrf(principal, csrf_token)
    return _visible_case(db, principal, public_id)


def _child_of(db: DbDep, model: type[Child], item_id: int, case: Case) -> None:
    """404 unless row `item_id` of `model` belongs to `case`."""
    item = db.get(model, item_id)
    if item is None or item.case_id != case.id:
        raise HTTPException(404)


@contextmanager
def _refused_as(status: int) -> Iterator[None]:
    """The case services' refusals as an HTTP status: the policy's (cases/policy.py) as 403,
    state conflicts and missing rows as ``status``."""
    try:
        yield
    except NotPermitted as exc:
        raise HTTPException(403, str(exc)) from None
    except (CaseConflict, CaseNotFound) as exc:
        raise HTTPException(status, str(exc)) from None


def _to_case(case: Case) -> RedirectResponse:
    return RedirectResponse(f"/workspace/cases/{case.public_id}", status_code=303)


@router.get("/cases")
def case_list(
    request: Request, db: DbDep, principal: Principal = require(Permission.CASES_READ)
) -> Response:
    return render(
        request,
        "workspace/cases.html",
        {
            **page_context(principal),
            "cases": visible_cases(db, viewer_of(principal)),
        },
    )


@router.get("/cases/{public_id}")
def case_page(
    request: Request,
    db: DbDep,
    runtime: RuntimeDep,
    public_id: str,
    principal: Principal = require(Permission.CASES_READ),
) -> Response:
    case = _visible_case(db, principal, public_id)
    return _case_response(request, db, runtime, principal, case)


def _case_response(
    request: Request,
    db: DbDep,
    runtime: RuntimeDep,
    principal: Principal,
    case: Case,
    *,
    form_error: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The case page; after a refused form, with the error beside the form and what was typed."""
    viewer = viewer_of(principal)
    try:
        shown = case_view(db, runtime.keyring, case, viewer)
    except NotVisible:
        raise HTTPException(404) from None
    return render(
        request,
        "workspace/case.html",
        {
            **page_context(principal),
            "case": shown,
            "my_agency": viewer.agency,
            "can_write": principal.user is not None and viewer.has(Permission.CASES_WRITE),
            "refer_to": REFER_TO,
            "form_error": form_error or {},
            "typed": typed or {},
        },
        status_code=status_code,
    )


@router.post("/reports/{public_id}/refer")
def refer_report(
    db: DbDep,
    public_id: str,
    agency: Agency,
    reason: Reason,
    csrf_token: CsrfField,
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    """Refer a report's case to an agency, opening a case for the report if it has none."""
    _csrf(principal, csrf_token)
    if agency not in REFER_TO:
        raise HTTPException(422, "unknown agency")
    loaded, _, _ = visible_report(db, principal, public_id)
    case = case_of_report(db, loaded.id)
    with _refused_as(409):
        if case is None:
            case = cases.create_case(
                db,
                title=f"{loaded.public_id}",
                report_ids=[loaded.id],
                actor=principal.actor,
            )
        cases.refer(db, case_id=case.id, agency=agency, reason=reason, actor=principal.actor)
    return _to_case(case)


@router.post("/reports/{public_id}/reviewed")
def report_reviewed(
    db: DbDep,
    public_id: str,
    csrf_token: CsrfField,
    principal: Principal = require(Permission.REPORTS_TRIAGE),
) -> Response:
    _csrf(principal, csrf_token)
    loaded, _, _ = visible_report(db, principal, public_id)
    mark_reviewed(db, report_id=loaded.id, actor=principal.actor)
    return RedirectResponse(f"/workspace/reports/{loaded.public_id}", status_code=303)


@router.post("/reports/{public_id}/priority")
def report_priority(
    db: DbDep,
    public_id: str,
    priority: Annotated[str, Form(pattern="^P[1-4]$")],
    reason: Reason,
    csrf_token: CsrfField,
    principal: Principal = require(Permission.REPORTS_TRIAGE),
) -> Response:
    """An analyst's override of the priority, with a written reason (triage audits it)."""
    _csrf(principal, csrf_token)
    loaded, _, _ = visible_report(db, principal, public_id)
    try:
        override_priority(
            db, report_id=loaded.id, priority=priority, reason=reason, actor=principal.actor
        )
    except (TriageError, ReportNotFound) as exc:
        raise HTTPException(409, str(exc)) from None
    return RedirectResponse(f"/workspace/reports/{loaded.public_id}", status_code=303)


@router.post("/cases/{public_id}/referrals/{referral_id}")
def answer_referral(
    db: DbDep,
    public_id: str,
    referral_id: int,
    choice: Choice,
    csrf_token: CsrfField,
    note: Annotated[str, Form(max_length=4000)] = "",
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    case = _writable_case(db, principal, public_id, csrf_token)
    if referral_id not in {r.id for r in case.referrals}:
        raise HTTPException(404)
    try:
        with _refused_as(409):
            cases.respond_to_referral(
                db,
                referral_id=referral_id,
                accept=choice == "accept",
                actor=principal.actor,
                note=note,
            )
    except NotPermitted:
        raise HTTPException(403) from None
    if choice == "decline":
        return RedirectResponse("/workspace/cases", status_code=303)
    return _to_case(case)


@router.post("/cases/{public_id}/notes")
def add_note(
    db: DbDep,
    public_id: str,
    body: Text,
    csrf_token: CsrfField,
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    case = _writable_case(db, principal, public_id, csrf_token)
    with _refused_as(409):
        cases.add_note(db, case_id=case.id, body=body, actor=principal.actor)
    return _to_case(case)


@router.post("/cases/{public_id}/tasks")
def add_task(
    request: Request,
    db: DbDep,
    runtime: RuntimeDep,
    public_id: str,
    title: Title,
    csrf_token: CsrfField,
    due: Due = "",
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    case = _writable_case(db, principal, public_id, csrf_token)
    try:
        due_at = parse_local_date(due)
    except ValueError:
        lang = language_of(request)
        return _case_response(
            request,
            db,
            runtime,
            principal,
            case,
            form_error={"task": translate("error.due", lang)},
            typed={"title": title, "due": due},
            status_code=422,
        )
    with _refused_as(409):
        cases.add_task(db, case_id=case.id, title=title, due_at=due_at, actor=principal.actor)
    return _to_case(case)


@router.post("/cases/{public_id}/tasks/{task_id}/done")
def finish_task(
    db: DbDep,
    public_id: str,
    task_id: int,
    csrf_token: CsrfField,
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    case = _writable_case(db, principal, public_id, csrf_token)
    _child_of(db, CaseTask, task_id, case)
    with _refused_as(409):
        cases.complete_task(db, task_id=task_id, actor=principal.actor)
    return _to_case(case)


@router.post("/cases/{public_id}/takedowns")
def send_takedown(
    db: DbDep,
    public_id: str,
    url: Annotated[str, Form(min_length=8, max_length=4096)],
    platform: Annotated[str, Form(min_length=1, max_length=100)],
    csrf_token: CsrfField,
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    case = _writable_case(db, principal, public_id, csrf_token)
    with _refused_as(422):
        cases.create_takedown(
            db, case_id=case.id, url=url, platform=platform, actor=principal.actor
        )
    return _to_case(case)


@router.post("/cases/{public_id}/takedowns/{takedown_id}/removed")
def takedown_removed(
    db: DbDep,
    public_id: str,
    takedown_id: int,
    csrf_token: CsrfField,
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    case = _writable_case(db, principal, public_id, csrf_token)
    _child_of(db, TakedownNotice, takedown_id, case)
    with _refused_as(409):
        cases.confirm_removal(db, takedown_id=takedown_id, actor=principal.actor)
    return _to_case(case)
