"""Pages: `/workspace/viral` (viral clusters, live) and `/workspace/viral/{cluster}` (first
seen, platforms, counts over time as an SVG chart with its table, reports, alerts, and the
proposals with their confirm buttons). Malay and English, Malaysia time.

Clusters name reports in no case yet, so only the secretariat's triage desk reads them (as
for such reports, SECURITY.md); anyone else gets the not-found page. Decisions need
`reports:triage` (analysts and supervisors) and a form token.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, HTTPException, Path, Query, Request
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
from perisai.viral import service
from perisai.viral import text as _text  # noqa: F401 - registers the strings
from perisai.viral.chart import time_chart
from perisai.web.templating import render

router = APIRouter(include_in_schema=False, prefix="/workspace/viral")
add_home_link(Permission.REPORTS_READ, "/workspace/viral", "home.ws.viral")
READ = require(Permission.REPORTS_READ)
DECIDE = require(Permission.REPORTS_TRIAGE)
ClusterId = Annotated[str, Path(max_length=24)]
ProposalId = Annotated[int, Path(ge=1, le=2**62)]
CsrfField = Annotated[str, Form(max_length=128)]
DONE: Final = ("confirmed", "dismissed")


def _readable(principal: Principal) -> None:
    if not service.may_read(viewer_of(principal)):
        raise HTTPException(404)


def _list_context(request: Request, db: DbDep, every: bool) -> dict[str, Any]:
    settings = request.app.state.runtime.settings
    return {
        "rows": service.viral_clusters(db, every=every),
        "every": every,
        "rule": {
            "platforms": settings.viral_platforms,
            "accounts": settings.viral_accounts,
            "hours": f"{settings.viral_window_hours:g}",
        },
    }


@router.get("")
def viral_list(
    request: Request,
    db: DbDep,
    every: Annotated[bool, Query()] = False,
    principal: Principal = READ,
) -> Response:
    _readable(principal)
    context = {**staff_context(principal), **_list_context(request, db, every)}
    return render(request, "viral/list.html", context)


@router.get("/rows")
def viral_rows(
    request: Request,
    db: DbDep,
    every: Annotated[bool, Query()] = False,
    principal: Principal = READ,
) -> Response:
    """The table body alone, refreshed when a `monitoring.viral` event arrives."""
    _readable(principal)
    return render(request, "viral/_rows.html", _list_context(request, db, every))


def _cluster_page(
    request: Request,
    db: DbDep,
    runtime: RuntimeDep,
    principal: Principal,
    public_id: str,
    *,
    error: service.ViralError | None = None,
    status_code: int = 200,
) -> Response:
    try:
        view = service.cluster_view(db, public_id=public_id, actor=principal.actor)
    except service.ViralNotFound:
        raise HTTPException(404) from None
    if view.cluster.public_id != public_id and error is None:
        # A merged cluster's address leads to the cluster it joined.
        return RedirectResponse(f"/workspace/viral/{view.cluster.public_id}", status_code=303)
    done = request.query_params.get("done", "")
    return render(
        request,
        "viral/cluster.html",
        {
            **staff_context(principal),
            "view": view,
            "chart": time_chart(view.hourly),
            "bank": runtime.settings.viral_bank,
            "done": done if done in DONE else None,
            "error": error,
            "may_decide": service.may_decide(viewer_of(principal)),
        },
        status_code=status_code,
    )


@router.get("/{public_id}")
def cluster_page(
    request: Request,
    db: DbDep,
    runtime: RuntimeDep,
    public_id: ClusterId,
    principal: Principal = READ,
) -> Response:
    _readable(principal)
    return _cluster_page(request, db, runtime, principal, public_id)


def _csrf(principal: Principal, token: str) -> None:
    assert principal.user_session is not None
    check_csrf(principal.user_session.csrf_token, token)


@router.post("/{public_id}/proposals/{proposal_id}/confirm")
def confirm_page(
    request: Request,
    db: DbDep,
    runtime: RuntimeDep,
    public_id: ClusterId,
    proposal_id: ProposalId,
    csrf_token: CsrfField,
    url: Annotated[str, Form(max_length=service.MAX_URL + 1)] = "",
    principal: Principal = DECIDE,
) -> Response:
    _csrf(principal, csrf_token)
    _readable(principal)
    try:
        # A savepoint: a refused action leaves nothing behind, and the page still renders.
        with db.begin_nested():
            service.confirm_proposal(
                db,
                public_id=public_id,
                proposal_id=proposal_id,
                actor=principal.actor,
                bank_name=runtime.settings.viral_bank,
                url=url or None,
            )
    except service.ViralNotFound:
        raise HTTPException(404) from None
    except service.ViralError as exc:
        return _cluster_page(
            request, db, runtime, principal, public_id, error=exc, status_code=exc.status
        )
    return RedirectResponse(f"/workspace/viral/{public_id}?done=confirmed", status_code=303)


@router.post("/{public_id}/proposals/{proposal_id}/dismiss")
def dismiss_page(
    request: Request,
    db: DbDep,
    runtime: RuntimeDep,
    public_id: ClusterId,
    proposal_id: ProposalId,
    csrf_token: CsrfField,
    note: Annotated[str, Form(max_length=service.MAX_NOTE + 1)] = "",
    principal: Principal = DECIDE,
) -> Response:
    _csrf(principal, csrf_token)
    _readable(principal)
    try:
        with db.begin_nested():
            service.dismiss_proposal(
                db, public_id=public_id, proposal_id=proposal_id, actor=principal.actor, note=note
            )
    except service.ViralNotFound:
        raise HTTPException(404) from None
    except service.ViralError as exc:
        return _cluster_page(
            request, db, runtime, principal, public_id, error=exc, status_code=exc.status
        )
    return RedirectResponse(f"/workspace/viral/{public_id}?done=dismissed", status_code=303)
