"""Pages: `/workspace/monitoring/alerts` (spike alerts, filtered by status) and
`/workspace/monitoring/alerts/{alert}` (its evidence, lifecycle and the steps a supervisor may
take). Malay and English, Malaysia time. Reading needs `dashboard:view`; steps need a
supervisor (`reports:triage` too) and the form token.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from perisai.identity.deps import DbDep, Principal, check_csrf, require, staff_context
from perisai.identity.permissions import Permission
from perisai.identity.views import add_home_link
from perisai.monitoring import alert_text as _text  # noqa: F401 - registers the strings
from perisai.monitoring import alerts
from perisai.monitoring.alert_api import may_act
from perisai.monitoring.alert_models import MAX_REASON, AlertStatus
from perisai.web.i18n import language_of
from perisai.web.templating import render

PAGE: Final = "/workspace/monitoring/alerts"
router = APIRouter(include_in_schema=False, prefix=PAGE)
add_home_link(Permission.DASHBOARD_VIEW, PAGE, "monalert.home")
READ = require(Permission.DASHBOARD_VIEW)
AlertId = Annotated[str, Path(max_length=24)]
CsrfField = Annotated[str, Form(max_length=128)]
DONE: Final = ("acknowledged", "confirmed", "dismissed")
STATUS_FILTERS: Final = ("open", "all", *(s.value for s in AlertStatus))


def _series_label(series_key: str, lang: str) -> str:
    # The trend page's words for a series (platform, state, incident type...).
    from perisai.monitoring.views import series_label

    return series_label(series_key, lang)


@router.get("")
def alerts_page(
    request: Request,
    db: DbDep,
    status: Annotated[str | None, Query(max_length=20)] = None,
    principal: Principal = READ,
) -> Response:
    lang = language_of(request)
    chosen = status or "open"
    problem = chosen not in STATUS_FILTERS
    if problem:
        chosen = "open"
    if chosen == "open":
        rows = alerts.list_alerts(db, status=AlertStatus.NEW) + alerts.list_alerts(
            db, status=AlertStatus.ACKNOWLEDGED
        )
        rows.sort(key=lambda a: (a.day, -(a.q_value or 0.0)), reverse=True)
    elif chosen == "all":
        rows = alerts.list_alerts(db)
    else:
        rows = alerts.list_alerts(db, status=AlertStatus(chosen))
    context: dict[str, Any] = {
        **staff_context(principal),
        "rows": rows,
        "label": lambda key: _series_label(key, lang),
        "status": chosen,
        "filters": STATUS_FILTERS,
        "problem": problem,
    }
    return render(request, "monitoring/alerts.html", context, 422 if problem else 200)


def _alert_page(
    request: Request,
    db: DbDep,
    principal: Principal,
    public_id: str,
    *,
    error: alerts.AlertError | None = None,
    reason: str = "",
    status_code: int = 200,
) -> Response:
    lang = language_of(request)
    try:
        alert = alerts.get_alert(db, public_id)
    except alerts.AlertNotFound:
        raise HTTPException(404) from None
    done = request.query_params.get("done", "")
    return render(
        request,
        "monitoring/alert.html",
        {
            **staff_context(principal),
            "alert": alert,
            "series": _series_label(alert.series_key, lang),
            "may_act": may_act(principal),
            "done": done if done in DONE else None,
            "error": error,
            "reason": reason,
            "max_reason": MAX_REASON,
            "trend_url": f"/workspace/monitoring?dimension={alert.series_key.split(':')[0]}"
            f"&from={alert.day.fromordinal(alert.day.toordinal() - 27).isoformat()}"
            f"&to={alert.day.isoformat()}",
        },
        status_code=status_code,
    )


@router.get("/{public_id}")
def alert_page(
    request: Request, db: DbDep, public_id: AlertId, principal: Principal = READ
) -> Response:
    return _alert_page(request, db, principal, public_id)


def _step(
    request: Request,
    db: DbDep,
    principal: Principal,
    public_id: str,
    csrf_token: str,
    verb: str,
    reason: str = "",
) -> Response:
    assert principal.user_session is not None
    check_csrf(principal.user_session.csrf_token, csrf_token)
    if not may_act(principal):
        raise HTTPException(403)
    try:
        # A savepoint: a refused step leaves nothing behind, and the page still renders.
        with db.begin_nested():
            if verb == "acknowledge":
                alerts.acknowledge(db, public_id, actor=principal.actor)
            elif verb == "confirm":
                alerts.confirm(db, public_id, actor=principal.actor)
            else:
                alerts.dismiss(db, public_id, actor=principal.actor, reason=reason)
    except alerts.AlertNotFound:
        raise HTTPException(404) from None
    except alerts.AlertError as exc:
        return _alert_page(
            request, db, principal, public_id, error=exc, reason=reason, status_code=exc.status
        )
    done = {"acknowledge": "acknowledged", "confirm": "confirmed"}.get(verb, "dismissed")
    return RedirectResponse(f"{PAGE}/{public_id}?done={done}", status_code=303)


@router.post("/{public_id}/acknowledge")
def acknowledge_page(
    request: Request,
    db: DbDep,
    public_id: AlertId,
    csrf_token: CsrfField,
    principal: Principal = READ,
) -> Response:
    return _step(request, db, principal, public_id, csrf_token, "acknowledge")


@router.post("/{public_id}/confirm")
def confirm_page(
    request: Request,
    db: DbDep,
    public_id: AlertId,
    csrf_token: CsrfField,
    principal: Principal = READ,
) -> Response:
    return _step(request, db, principal, public_id, csrf_token, "confirm")


@router.post("/{public_id}/dismiss")
def dismiss_page(
    request: Request,
    db: DbDep,
    public_id: AlertId,
    csrf_token: CsrfField,
    reason: Annotated[str, Form(max_length=MAX_REASON + 1)] = "",
    principal: Principal = READ,
) -> Response:
    return _step(request, db, principal, public_id, csrf_token, "dismiss", reason)
