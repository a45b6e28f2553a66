"""JSON API of spike alerts under /api/v1/monitoring/alerts: the list, one alert, and the
lifecycle steps (acknowledge, confirm, dismiss with a reason).

Reading needs `dashboard:view` (supervisors, auditors); steps need a supervisor (`dashboard:view`
and `reports:triage`: an auditor reads but never acts). The live feed is the SSE stream
(`GET /api/v1/events`, type `monitoring.spike`).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from perisai.http.problems import Problem
from perisai.identity.deps import DbDep, Principal, require
from perisai.identity.permissions import Permission, role_has
from perisai.monitoring import alerts
from perisai.monitoring.alert_models import MAX_REASON, AlertStatus
from perisai.monitoring.alert_present import alert_json

router = APIRouter(prefix="/api/v1/monitoring/alerts", tags=["monitoring"])
READ = require(Permission.DASHBOARD_VIEW)
AlertId = Annotated[str, Path(max_length=24, pattern=r"^MA-[0-9A-Z]{8}$")]


class DismissIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, Field(min_length=1, max_length=MAX_REASON)]


def may_act(principal: Principal) -> bool:
    user = principal.user
    return user is not None and role_has(user.role, Permission.REPORTS_TRIAGE)


def _problem(exc: Exception) -> Problem:
    if isinstance(exc, alerts.AlertNotFound):
        return Problem(404, "Not found")
    assert isinstance(exc, alerts.AlertError)
    errors = [{"field": exc.field, "message": str(exc)}] if exc.field else None
    title = {409: "Conflict"}.get(exc.status, "Invalid input")
    return Problem(exc.status, title, detail=str(exc), errors=errors)


@router.get("")
def list_alerts(
    db: DbDep,
    principal: Principal = READ,
    status: Annotated[AlertStatus | None, Query()] = None,
    series: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    since: Annotated[date | None, Query(alias="from", description="first MYT day")] = None,
    until: Annotated[date | None, Query(alias="to", description="last MYT day")] = None,
    limit: Annotated[int, Query(ge=1, le=alerts.MAX_LIST)] = 100,
) -> dict[str, Any]:
    """Alerts, newest day first, with their evidence and lifecycle."""
    if since and until and since > until:
        raise Problem(
            422,
            "Invalid input",
            errors=[{"field": "from", "message": "must be on or before 'to'"}],
        )
    found = alerts.list_alerts(
        db,
        status=status,
        series=series,
        since=since,
        until=None if until is None else until.fromordinal(until.toordinal() + 1),
        limit=limit,
    )
    return {"items": [alert_json(a) for a in found]}


@router.get("/{alert_id}")
def get_alert(db: DbDep, alert_id: AlertId, principal: Principal = READ) -> dict[str, Any]:
    try:
        return alert_json(alerts.get_alert(db, alert_id))
    except alerts.AlertNotFound as exc:
        raise _problem(exc) from None


def _act(principal: Principal) -> None:
    if not may_act(principal):
        raise Problem(403, "Not allowed", detail="only a supervisor acts on alerts")


@router.post("/{alert_id}/acknowledge")
def acknowledge(db: DbDep, alert_id: AlertId, principal: Principal = READ) -> dict[str, Any]:
    _act(principal)
    try:
        return alert_json(alerts.acknowledge(db, alert_id, actor=principal.actor))
    except (alerts.AlertNotFound, alerts.AlertError) as exc:
        raise _problem(exc) from None


@router.post("/{alert_id}/confirm")
def confirm(db: DbDep, alert_id: AlertId, principal: Principal = READ) -> dict[str, Any]:
    _act(principal)
    try:
        return alert_json(alerts.confirm(db, alert_id, actor=principal.actor))
    except (alerts.AlertNotFound, alerts.AlertError) as exc:
        raise _problem(exc) from None


@router.post("/{alert_id}/dismiss")
def dismiss(
    db: DbDep, alert_id: AlertId, body: DismissIn, principal: Principal = READ
) -> dict[str, Any]:
    _act(principal)
    try:
        return alert_json(alerts.dismiss(db, alert_id, actor=principal.actor, reason=body.reason))
    except (alerts.AlertNotFound, alerts.AlertError) as exc:
        raise _problem(exc) from None
