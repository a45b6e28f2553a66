"""Sharing API: the event stream (SSE) and webhook subscriptions with their dead letters."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from perisai.audit.service import record
from perisai.http.problems import Problem
from perisai.identity.agencies import SECRETARIAT
from perisai.identity.deps import DbDep, Principal, RuntimeDep, require, require_scope
from perisai.identity.permissions import Permission, Scope
from perisai.sharing import webhooks
from perisai.sharing.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from perisai.sharing.stream import event_stream, latest_event_id
from perisai.sharing.viewers import viewer_of
from perisai.urlguard import redacted

router = APIRouter(prefix="/api/v1", tags=["sharing"])
MANAGER = require(Permission.APIKEYS_MANAGE)


def _start_after(header: str | None, query: str | None) -> int | None:
    raw = header if header is not None else query
    if raw is None:
        return None
    if not raw.strip().isdigit() or len(raw.strip()) > 19:
        raise Problem(400, "Bad Last-Event-ID", "Last-Event-ID must be an event id (digits).")
    return int(raw.strip())


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
def stream_events(
    runtime: RuntimeDep,
    db: DbDep,
    last_event_id: Annotated[str | None, Header()] = None,
    after: Annotated[str | None, Query(description="Resume after this event id.")] = None,
    principal: Principal = require_scope(Scope.EVENTS_READ, or_permission=Permission.CASES_READ),
) -> StreamingResponse:
    """Server-sent events this caller may see, redacted for them; resumes after Last-Event-ID."""
    viewer = viewer_of(principal)
    start = _start_after(last_event_id, after)
    if start is None:
        start = latest_event_id(db)
    return StreamingResponse(
        event_stream(runtime.db, viewer, start),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


class SubscriptionIn(BaseModel):
    url: str = Field(max_length=2000)
    agency: str | None = Field(default=None, max_length=32)
    event_types: list[str] = Field(default_factory=list, max_length=50)
    description: str = Field(default="", max_length=200)


class ReplayIn(BaseModel):
    from_event_id: int = Field(ge=1)


def _own_agency(principal: Principal, agency: str | None) -> str:
    """Admins manage their own agency's subscriptions; the secretariat's admins any agency's."""
    mine = principal.agency
    wanted = agency or mine
    if wanted is None or mine not in (SECRETARIAT, wanted):
        raise Problem(403, "Not your agency", "You may manage only your agency's webhooks.")
    return wanted


def _subscription(db: DbDep, principal: Principal, subscription_id: int) -> WebhookSubscription:
    found = db.get(WebhookSubscription, subscription_id)
    if found is None or (principal.agency not in (SECRETARIAT, found.agency)):
        raise Problem(404, "No such webhook subscription")
    return found


@router.post("/webhooks", status_code=201)
def add_webhook(
    body: SubscriptionIn, runtime: RuntimeDep, db: DbDep, principal: Principal = MANAGER
) -> dict[str, Any]:
    """Subscribe; the answer carries the signing secret, shown this once."""
    agency = _own_agency(principal, body.agency)
    try:
        subscription, secret = webhooks.create_subscription(
            db,
            runtime.keyring,
            agency=agency,
            url=body.url,
            guard=webhooks.guard_for(runtime.settings),
            event_types=body.event_types,
            description=body.description,
        )
    except webhooks.WebhookError as exc:
        raise Problem(422, "Invalid webhook subscription", str(exc)) from exc
    record(
        db,
        actor=principal.actor,
        action="webhook.add",
        object_type="webhook",
        object_id=subscription.id,
        details={"agency": agency, "url": redacted(subscription.url)},
    )
    return {**webhooks.subscription_view(subscription), "secret": secret}


@router.get("/webhooks")
def list_webhooks(db: DbDep, principal: Principal = MANAGER) -> list[dict[str, Any]]:
    query = select(WebhookSubscription).order_by(WebhookSubscription.id)
    if principal.agency != SECRETARIAT:
        query = query.where(WebhookSubscription.agency == principal.agency)
    return [webhooks.subscription_view(s) for s in db.scalars(query)]


@router.get("/webhooks/{subscription_id}/deliveries")
def list_deliveries(
    subscription_id: int,
    db: DbDep,
    status: Annotated[DeliveryStatus | None, Query()] = None,
    principal: Principal = MANAGER,
) -> list[dict[str, Any]]:
    """Deliveries, newest first; ``status=dead`` is the dead-letter view."""
    _subscription(db, principal, subscription_id)
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == subscription_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(500)
    )
    if status is not None:
        query = query.where(WebhookDelivery.status == status.value)
    return [webhooks.delivery_view(d) for d in db.scalars(query)]


@router.post("/webhooks/{subscription_id}/replay", status_code=202)
def replay_webhook(
    subscription_id: int, body: ReplayIn, db: DbDep, principal: Principal = MANAGER
) -> dict[str, int]:
    subscription = _subscription(db, principal, subscription_id)
    count = webhooks.replay(db, subscription_id=subscription.id, from_event_id=body.from_event_id)
    record(
        db,
        actor=principal.actor,
        action="webhook.replay",
        object_type="webhook",
        object_id=subscription.id,
        details={"from_event_id": body.from_event_id},
    )
    return {"queued": count}
