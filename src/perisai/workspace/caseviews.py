"""Case pages and actions: refer a report to an agency, answer a referral, notes and tasks.

Every action is a POST with the session's CSRF token; the case services check state and emit the
events; need-to-know (perisai.sharing.redaction) decides who sees what.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, TypeVar

from fastapi import APIRouter, Form, HTTPException, Path, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from starlette.responses import Response

from perisai.cases import service as cases
from perisai.cases.errors import CaseConflict, CaseNotFound, NotPermitted
from perisai.cases.models import Case, CaseReport, CaseStatus, CaseTask, TakedownNotice
from perisai.cases.service import case_of_report
from perisai.cases.views import load_case, record_printed, visible_cases
from perisai.identity.deps import DbDep, Principal, RuntimeDep, check_csrf, require
from perisai.identity.models import User
from perisai.identity.permissions import Permission
from perisai.identity.views import add_home_link
from perisai.reports.models import Report
from perisai.sharing.redaction import NotVisible, can_see_case
from perisai.sharing.viewers import viewer_of
from perisai.triage.service import (
    ReportNotFound,
    TriageError,
    mark_reviewed,
    override_priority,
)
from perisai.victims import text as _victims_text  # noqa: F401 - the purpose strings
from perisai.victims.schemas import Purpose
from perisai.web.i18n import language_of, translate
from perisai.web.templating import render
from perisai.web.timefmt import parse_local_date
from perisai.workspace.access import page_context, visible_report
from perisai.workspace.casepage import LIST_LIMIT, case_forms, case_page_model

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


# The confirmation a page shows after an action (`?done=…`; anything else shows nothing).
DONE = frozenset(
    {
        "referred",
        "answered",
        "note",
        "task",
        "task_done",
        "takedown",
        "removed",
        "assigned",
        "status",
        "closed",
        "reopened",
        "granted",
        "revoked",
        "merged",
        "split",
        "reviewed",
        "overridden",
    }
)


def done_of(request: Request) -> str | None:
    found = request.query_params.get("done", "")
    return found if found in DONE else None


def _to_case(case: Case, done: str | None = None) -> RedirectResponse:
    suffix = f"?done={done}" if done in DONE else ""
    return RedirectResponse(f"/workspace/cases/{case.public_id}{suffix}", status_code=303)


@router.get("/cases")
def case_list(
    request: Request, db: DbDep, principal: Principal = require(Permission.CASES_READ)
) -> Response:
    return render(
        request,
        "workspace/cases.html",
        {
            **page_context(principal),
            "done": done_of(request),
            "cases": visible_cases(db, viewer_of(principal), limit=LIST_LIMIT, by_priority=True),
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
    return _case_response(request, db, runtime, principal, case, purpose=_purpose(request))


def _purpose(request: Request) -> str | None:
    """Why the victims' identity is opened (``?purpose=``, one of perisai.victims' purposes);
    none: it stays masked. Anything else is a 422 page."""
    chosen = request.query_params.get("purpose")
    if not chosen:
        return None
    if chosen not in {p.value for p in Purpose}:
        raise HTTPException(422, translate("vi.purpose", language_of(request)))
    return chosen


def _case_response(
    request: Request,
    db: DbDep,
    runtime: RuntimeDep,
    principal: Principal,
    case: Case,
    *,
    purpose: str | None = None,
    form_error: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The case page; after a refused form, with the error beside the form and what was typed."""
    viewer = viewer_of(principal)
    try:
        shown = case_page_model(db, runtime.keyring, case, viewer, purpose=purpose)
    except NotVisible:
        raise HTTPException(404) from None
    forms = case_forms(db, case, principal.actor)
    return render(
        request,
        "workspace/case.html",
        {
            **page_context(principal),
            "case": shown,
            "my_agency": viewer.agency,
            # Which forms: the case policy (cases/policy.py) for this person on this case.
            "forms": forms,
            "can_write": forms.may("work"),
            "done": done_of(request),
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
    return _to_case(case, "referred")


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
    return RedirectResponse(f"/workspace/reports/{loaded.public_id}?done=reviewed", 303)


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
    return RedirectResponse(f"/workspace/reports/{loaded.public_id}?done=overridden", 303)


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
        return RedirectResponse("/workspace/cases?done=answered", status_code=303)
    return _to_case(case, "answered")


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
    return _to_case(case, "note")


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
    return _to_case(case, "task")


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
    return _to_case(case, "task_done")


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
    return _to_case(case, "takedown")


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
    return _to_case(case, "removed")


UserId = Annotated[int | None, Form(ge=1, le=2**62)]
Outcome = Annotated[str, Form(max_length=32)]
Status = Annotated[str, Form(max_length=32)]
CaseIds = Annotated[str, Form(min_length=1, max_length=2000)]
MAX_MERGE = 20


@router.post("/cases/{public_id}/assign")
def assign_case(
    db: DbDep,
    public_id: str,
    csrf_token: CsrfField,
    user_id: UserId = None,
    agency: Annotated[str, Form(max_length=32)] = "",
    lead: Annotated[bool, Form()] = False,
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    """Name a person (their agency comes with them) or put an agency on the case."""
    case = _writable_case(db, principal, public_id, csrf_token)
    if user_id is not None:
        user = db.get(User, user_id)
        if user is None:
            raise HTTPException(422)
        agency = user.agency.short_name
    if not agency:
        raise HTTPException(422)
    with _refused_as(409):
        cases.assign(
            db, case_id=case.id, agency=agency, user_id=user_id, lead=lead, actor=principal.actor
        )
    return _to_case(case, "assigned")


@router.post("/cases/{public_id}/status")
def case_status(
    db: DbDep,
    public_id: str,
    status: Status,
    csrf_token: CsrfField,
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    case = _writable_case(db, principal, public_id, csrf_token)
    if status == CaseStatus.CLOSED.value:
        raise HTTPException(422)  # closing takes an outcome: the close form
    with _refused_as(409):
        cases.change_status(db, case_id=case.id, status=status, actor=principal.actor)
    return _to_case(case, "status")


@router.post("/cases/{public_id}/close")
def close_case(
    db: DbDep,
    public_id: str,
    outcome: Outcome,
    csrf_token: CsrfField,
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    case = _writable_case(db, principal, public_id, csrf_token)
    with _refused_as(409):
        cases.change_status(
            db, case_id=case.id, status="closed", outcome=outcome, actor=principal.actor
        )
    return _to_case(case, "closed")


@router.post("/cases/{public_id}/reopen")
def reopen_case(
    db: DbDep,
    public_id: str,
    reason: Reason,
    csrf_token: CsrfField,
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    case = _writable_case(db, principal, public_id, csrf_token)
    with _refused_as(409):
        cases.reopen(db, case_id=case.id, reason=reason, actor=principal.actor)
    return _to_case(case, "reopened")


@router.post("/cases/{public_id}/victim-access")
def grant_victim_access(
    db: DbDep,
    public_id: str,
    user_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    reason: Reason,
    csrf_token: CsrfField,
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    """Grant one JKM caseworker or PDRM investigator the victims' identity (audited)."""
    case = _writable_case(db, principal, public_id, csrf_token)
    with _refused_as(409):
        cases.grant_victim_access(
            db, case_id=case.id, user_id=user_id, reason=reason, actor=principal.actor
        )
    return _to_case(case, "granted")


@router.post("/cases/{public_id}/victim-access/{grant_id}/revoke")
def revoke_victim_access(
    db: DbDep,
    public_id: str,
    grant_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    reason: Reason,
    csrf_token: CsrfField,
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    case = _writable_case(db, principal, public_id, csrf_token)
    with _refused_as(409):
        cases.revoke_victim_access(
            db, case_id=case.id, grant_id=grant_id, reason=reason, actor=principal.actor
        )
    return _to_case(case, "revoked")


def _case_ids(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", text.strip().upper()) if part][:MAX_MERGE]


@router.post("/cases/{public_id}/merge")
def merge_into(
    db: DbDep,
    public_id: str,
    sources: CaseIds,
    csrf_token: CsrfField,
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    """Merge the named cases into this one (each must be one this person may see)."""
    case = _writable_case(db, principal, public_id, csrf_token)
    found = [_visible_case(db, principal, other) for other in _case_ids(sources)]
    source_ids = [other.id for other in found if other.id != case.id]
    if not source_ids:
        raise HTTPException(422)
    with _refused_as(409):
        cases.merge_cases(db, target_id=case.id, source_ids=source_ids, actor=principal.actor)
    return _to_case(case, "merged")


@router.post("/cases/{public_id}/split")
def split_off(
    db: DbDep,
    public_id: str,
    title: Title,
    csrf_token: CsrfField,
    reports: Annotated[list[str], Form(max_length=200)],
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    """Move the chosen reports into a new case (same access), and open the new case."""
    case = _writable_case(db, principal, public_id, csrf_token)
    chosen = {r[:32] for r in reports}
    ids = list(
        db.scalars(
            select(Report.id)
            .join(CaseReport, CaseReport.report_id == Report.id)
            .where(CaseReport.case_id == case.id, Report.public_id.in_(sorted(chosen)))
        )
    )
    if not ids or len(ids) != len(chosen):
        raise HTTPException(422)
    with _refused_as(409):
        new = cases.split_case(
            db, case_id=case.id, report_ids=ids, title=title, actor=principal.actor
        )
    return _to_case(new, "split")


@router.get("/cases/{public_id}/print")
def case_print(
    request: Request,
    db: DbDep,
    runtime: RuntimeDep,
    public_id: str,
    principal: Principal = require(Permission.CASES_READ),
) -> Response:
    """The case on paper: everything this person may see of it, without forms (audited); the
    victims' identity only with a purpose (``?purpose=``), as on the page."""
    case = _visible_case(db, principal, public_id)
    viewer = viewer_of(principal)
    try:
        shown = case_page_model(db, runtime.keyring, case, viewer, purpose=_purpose(request))
    except NotVisible:
        raise HTTPException(404) from None
    record_printed(db, case, actor=principal.actor, victims=len(shown.get("victims") or []))
    response = render(
        request,
        "workspace/case_print.html",
        {**page_context(principal), "case": shown, "printed_at": datetime.now(UTC)},
    )
    response.headers["Cache-Control"] = "no-store"
    return response
