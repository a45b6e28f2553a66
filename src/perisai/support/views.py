"""Staff pages of victim support under /workspace/support (Malay and English, Malaysia time).

Every action is a POST with the session's CSRF token; the services decide who may do what
(`perisai.support.policy`) and audit; a refusal is a page in the person's language naming why.
The child's own view is in :mod:`perisai.support.childpages`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from perisai.identity.deps import (
    DbDep,
    Principal,
    RuntimeDep,
    check_csrf,
    require,
    staff_context,
)
from perisai.identity.permissions import Permission
from perisai.identity.views import add_home_link
from perisai.sharing.viewers import viewer_of
from perisai.support import childview, interviews, policy, service, victimlink
from perisai.support import text as _text  # noqa: F401 - registers the strings
from perisai.support.models import NeedArea, NeedLevel, ServiceKind, ServiceStatus
from perisai.web.errors import error_page
from perisai.web.i18n import language_of, translate
from perisai.web.templating import render
from perisai.web.timefmt import parse_local_date

router = APIRouter(include_in_schema=False, prefix="/workspace/support")
CsrfField = Annotated[str, Form(max_length=128)]
PlanId = Annotated[str, Path(max_length=16)]
ServiceId = Annotated[int, Path(ge=1, le=2**62)]
Number = Annotated[int, Path(ge=1, le=1000)]
DateField = Annotated[str, Form(max_length=40)]
Short = Annotated[str, Form(max_length=32)]
NO_STORE: Final = {"Cache-Control": "no-store"}
CHILD_PATHS: Final = {"ms": "/sokongan", "en": "/support"}
DONE: Final = frozenset(
    {"started", "needs", "safety", "service", "contact", "note", "interview", "code", "closed"}
)

add_home_link(Permission.CASES_READ, "/workspace/support", "support.home")


class PageProblem(Exception):
    def __init__(self, key: str, status: int) -> None:
        super().__init__(key)
        self.key, self.status = key, status


def _csrf(principal: Principal, presented: str) -> None:
    assert principal.user_session is not None
    check_csrf(principal.user_session.csrf_token, presented)


def _date(text: str, *, required: bool = False) -> datetime | None:
    try:
        found = parse_local_date(text)
    except ValueError:
        raise PageProblem("support.err.date", 422) from None
    if found is None and required:
        raise PageProblem("support.err.date", 422)
    return found


async def _refusal_page(request: Request, key: str, status: int) -> Response:
    form = await request.form() if request.method == "POST" else None
    return error_page(
        request,
        status,
        problems=[translate(key, language_of(request))],
        form=list(form.multi_items()) if form is not None else None,
    )


@contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except service.SupportProblem as problem:
        raise PageProblem(problem.key, problem.status) from None
    except victimlink.VictimNotFound:
        raise PageProblem("support.err.victim", 404) from None


async def _act(
    request: Request, principal: Principal, csrf_token: str, action: Callable[[], object]
) -> Response | None:
    """Run a page action: CSRF first, then the service; a refusal becomes an error page."""
    _csrf(principal, csrf_token)
    try:
        with _translated():
            action()
    except PageProblem as problem:
        return await _refusal_page(request, problem.key, problem.status)
    return None


def _to_plan(public_id: str, done: str) -> RedirectResponse:
    return RedirectResponse(f"/workspace/support/{public_id}?done={done}", status_code=303)


# --- the list and starting a plan ---------------------------------------------------------------


@router.get("")
def plan_list(
    request: Request, db: DbDep, principal: Principal = require(Permission.CASES_READ)
) -> Response:
    plans = service.visible_plans(db, viewer_of(principal))
    return render(request, "support/list.html", {**staff_context(principal), "plans": plans})


@router.post("")
async def start_plan(
    request: Request,
    db: DbDep,
    csrf_token: CsrfField,
    victim: Annotated[str, Form(min_length=1, max_length=32)],
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    started: list[str] = []

    def act() -> None:
        found = victimlink.victim_by_public_id(db, victim)
        plan = service.start_plan(db, viewer=viewer_of(principal), victim_id=found.id)
        started.append(plan.public_id)

    return await _act(request, principal, csrf_token, act) or _to_plan(started[0], "started")


# --- the plan page ------------------------------------------------------------------------------


def _notes(
    db: DbDep, runtime: RuntimeDep, principal: Principal, view: service.PlanView
) -> dict[int, Any]:
    """Notes of the counselling services this viewer may read (each read audited)."""
    return {
        s.id: service.read_notes(
            db,
            viewer=viewer_of(principal),
            keyring=runtime.keyring,
            public_id=view.plan.public_id,
            service_id=s.id,
        )
        for s, _work, may_read in view.services
        if may_read
    }


def plan_context(
    db: DbDep, runtime: RuntimeDep, principal: Principal, public_id: str
) -> dict[str, Any]:
    viewer = viewer_of(principal)
    view = service.read_plan(db, viewer=viewer, public_id=public_id)
    register = (
        interviews.register(db, viewer=viewer, public_id=public_id)
        if view.may_see_interviews
        else None
    )
    return {
        **staff_context(principal),
        "view": view,
        "plan": view.plan,
        "needs": {n.area: n.level for n in view.plan.needs},
        "areas": [a.value for a in NeedArea],
        "levels": [v.value for v in NeedLevel],
        "kinds": [k.value for k in ServiceKind],
        "statuses": [s.value for s in ServiceStatus],
        "notes": _notes(db, runtime, principal, view),
        "register": register,
        "repeats": sum(1 for i in register or [] if i.repeat and i.status == "held"),
        "interviewing": policy.INTERVIEWING_AGENCIES,
        "victim_public_id": victimlink.public_id_of(db, view.plan.victim_id),
        "now": datetime.now(UTC),
        "child_paths": CHILD_PATHS,
    }


@router.get("/{public_id}")
async def plan_page(
    request: Request,
    public_id: PlanId,
    db: DbDep,
    runtime: RuntimeDep,
    principal: Principal = require(Permission.CASES_READ),
) -> Response:
    try:
        with _translated():
            context = plan_context(db, runtime, principal, public_id)
    except PageProblem as problem:
        return await _refusal_page(request, problem.key, problem.status)
    done = request.query_params.get("done", "")
    context["done"] = done if done in DONE else None
    response = render(request, "support/plan.html", context)
    response.headers.update(NO_STORE)
    return response


@router.post("/{public_id}/needs")
async def assess_needs(
    request: Request,
    public_id: PlanId,
    db: DbDep,
    csrf_token: CsrfField,
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    form = await request.form()
    chosen = {area.value: str(form.get(area.value, ""))[:16] for area in NeedArea}
    known = {level.value for level in NeedLevel}

    def act() -> None:
        # Every level is checked before the first is saved: all or nothing.
        if any(level and level not in known for level in chosen.values()):
            raise PageProblem("support.err.level", 422)
        viewer = viewer_of(principal)
        current = {n.area: n.level for n in service.plan_by_public_id(db, public_id).needs}
        for area, level in chosen.items():
            if level and level != current.get(area):
                service.assess_need(db, viewer=viewer, public_id=public_id, area=area, level=level)

    return await _act(request, principal, csrf_token, act) or _to_plan(public_id, "needs")


@router.post("/{public_id}/safety")
async def offender_known(
    request: Request,
    public_id: PlanId,
    db: DbDep,
    csrf_token: CsrfField,
    known: Annotated[str, Form(pattern="^(yes|no)$")],
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    def act() -> None:
        service.set_offender_known(
            db, viewer=viewer_of(principal), public_id=public_id, known=known == "yes"
        )

    return await _act(request, principal, csrf_token, act) or _to_plan(public_id, "safety")


@router.post("/{public_id}/safety/check")
async def safety_checked(
    request: Request,
    public_id: PlanId,
    db: DbDep,
    csrf_token: CsrfField,
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    def act() -> None:
        service.record_safety_check(db, viewer=viewer_of(principal), public_id=public_id)

    return await _act(request, principal, csrf_token, act) or _to_plan(public_id, "safety")


def _owner(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) < 2**31:
        raise PageProblem("support.err.user", 422)
    return int(text)


@router.post("/{public_id}/services")
async def add_service(
    request: Request,
    public_id: PlanId,
    db: DbDep,
    csrf_token: CsrfField,
    kind: Short,
    provider: Annotated[str, Form(max_length=200)] = "",
    owner_id: Annotated[str, Form(max_length=12)] = "",
    follow_up: DateField = "",
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    def act() -> None:
        service.add_service(
            db,
            viewer=viewer_of(principal),
            public_id=public_id,
            kind=kind,
            provider=provider,
            owner_id=_owner(owner_id),
            follow_up_due_at=_date(follow_up),
        )

    return await _act(request, principal, csrf_token, act) or _to_plan(public_id, "service")


@router.post("/{public_id}/services/{service_id}")
async def change_service(
    request: Request,
    public_id: PlanId,
    service_id: ServiceId,
    db: DbDep,
    csrf_token: CsrfField,
    status: Short = "",
    owner_id: Annotated[str, Form(max_length=12)] = "",
    follow_up: DateField = "",
    appointment: DateField = "",
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    def act() -> None:
        service.change_service(
            db,
            viewer=viewer_of(principal),
            public_id=public_id,
            service_id=service_id,
            change=service.ServiceChange(
                status=status or None,
                owner_id=_owner(owner_id),
                follow_up_due_at=_date(follow_up),
                appointment_at=_date(appointment),
            ),
        )

    return await _act(request, principal, csrf_token, act) or _to_plan(public_id, "service")


@router.post("/{public_id}/services/{service_id}/contacts")
async def record_contact(
    request: Request,
    public_id: PlanId,
    service_id: ServiceId,
    db: DbDep,
    csrf_token: CsrfField,
    kind: Annotated[str, Form(pattern="^(contact|follow_up)$")] = "follow_up",
    at: DateField = "",
    next_due: DateField = "",
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    def act() -> None:
        service.record_contact(
            db,
            viewer=viewer_of(principal),
            public_id=public_id,
            service_id=service_id,
            kind=kind,
            at=_date(at) or datetime.now(UTC),
            next_due=_date(next_due),
        )

    return await _act(request, principal, csrf_token, act) or _to_plan(public_id, "contact")


@router.post("/{public_id}/services/{service_id}/notes")
async def add_note(
    request: Request,
    public_id: PlanId,
    service_id: ServiceId,
    db: DbDep,
    runtime: RuntimeDep,
    csrf_token: CsrfField,
    body: Annotated[str, Form(min_length=1, max_length=8000)],
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    def act() -> None:
        service.add_note(
            db,
            viewer=viewer_of(principal),
            keyring=runtime.keyring,
            public_id=public_id,
            service_id=service_id,
            body=body,
        )

    return await _act(request, principal, csrf_token, act) or _to_plan(public_id, "note")


# --- interviews ---------------------------------------------------------------------------------


@router.post("/{public_id}/interviews")
async def schedule_interview(
    request: Request,
    public_id: PlanId,
    db: DbDep,
    csrf_token: CsrfField,
    when: DateField,
    agency: Short,
    interviewer: Annotated[str, Form(min_length=1, max_length=300)],
    recording: Annotated[str, Form(max_length=300)] = "",
    reason: Annotated[str, Form(max_length=4000)] = "",
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    def act() -> None:
        scheduled = _date(when, required=True)
        assert scheduled is not None
        interviews.schedule(
            db,
            viewer=viewer_of(principal),
            public_id=public_id,
            scheduled_for=scheduled,
            agency=agency,
            interviewer=interviewer,
            recording_location=recording,
            reason=reason,
        )

    return await _act(request, principal, csrf_token, act) or _to_plan(public_id, "interview")


@router.post("/{public_id}/interviews/{number}/decision")
async def decide_interview(
    request: Request,
    public_id: PlanId,
    number: Number,
    db: DbDep,
    csrf_token: CsrfField,
    choice: Annotated[str, Form(pattern="^(approve|refuse)$")],
    note: Annotated[str, Form(max_length=4000)] = "",
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    def act() -> None:
        interviews.decide(
            db,
            viewer=viewer_of(principal),
            public_id=public_id,
            number=number,
            approve=choice == "approve",
            note=note,
        )

    return await _act(request, principal, csrf_token, act) or _to_plan(public_id, "interview")


@router.post("/{public_id}/interviews/{number}/held")
async def interview_held(
    request: Request,
    public_id: PlanId,
    number: Number,
    db: DbDep,
    csrf_token: CsrfField,
    recording: Annotated[str, Form(min_length=1, max_length=300)],
    held: DateField = "",
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    def act() -> None:
        interviews.mark_held(
            db,
            viewer=viewer_of(principal),
            public_id=public_id,
            number=number,
            held_at=_date(held) or datetime.now(UTC),
            recording_location=recording,
        )

    return await _act(request, principal, csrf_token, act) or _to_plan(public_id, "interview")


@router.post("/{public_id}/interviews/{number}/cancel")
async def cancel_interview(
    request: Request,
    public_id: PlanId,
    number: Number,
    db: DbDep,
    csrf_token: CsrfField,
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    def act() -> None:
        interviews.cancel(db, viewer=viewer_of(principal), public_id=public_id, number=number)

    return await _act(request, principal, csrf_token, act) or _to_plan(public_id, "interview")


# --- the child's code, closing ------------------------------------------------------------------


@router.post("/{public_id}/child-code")
async def issue_child_code(
    request: Request,
    public_id: PlanId,
    db: DbDep,
    csrf_token: CsrfField,
    lang: Annotated[str, Form(pattern="^(ms|en)$")] = "ms",
    helpers: Annotated[str, Form(max_length=3)] = "",
    appointment: Annotated[str, Form(max_length=3)] = "",
    contact: Annotated[str, Form(max_length=3)] = "",
    contact_text: Annotated[str, Form(max_length=300)] = "",
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    issued: list[childview.Issued] = []

    def act() -> None:
        issued.append(
            childview.issue(
                db,
                viewer=viewer_of(principal),
                public_id=public_id,
                helpers=helpers == "yes",
                appointment=appointment == "yes",
                contact=contact == "yes",
                contact_text=contact_text,
                lang=lang,
            )
        )

    refused = await _act(request, principal, csrf_token, act)
    if refused is not None:
        return refused
    response = render(
        request,
        "support/code_issued.html",
        {
            **staff_context(principal),
            "plan_id": public_id,
            "issued": issued[0],
            "child_url": CHILD_PATHS[lang],
        },
        status_code=201,
    )
    response.headers.update(NO_STORE)
    return response


@router.post("/{public_id}/child-code/revoke")
async def revoke_child_code(
    request: Request,
    public_id: PlanId,
    db: DbDep,
    csrf_token: CsrfField,
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    def act() -> None:
        childview.revoke(db, viewer=viewer_of(principal), public_id=public_id)

    return await _act(request, principal, csrf_token, act) or _to_plan(public_id, "code")


@router.post("/{public_id}/close")
async def close_plan(
    request: Request,
    public_id: PlanId,
    db: DbDep,
    csrf_token: CsrfField,
    principal: Principal = require(Permission.CASES_WRITE),
) -> Response:
    def act() -> None:
        service.close_plan(db, viewer=viewer_of(principal), public_id=public_id)

    return await _act(request, principal, csrf_token, act) or _to_plan(public_id, "closed")
