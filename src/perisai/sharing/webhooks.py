"""Webhooks: subscriptions, signing, dispatch of outbox events into deliveries, delivery, replay.

Delivery is at least once: a delivery row is written in the dispatcher's transaction together
with its job; a failed attempt schedules the next one with exponential backoff in the same
transaction that records the failure; after the last attempt the delivery is dead (the
dead-letter view) until replayed. Every body is redacted at send time for the subscription's
agency, so a case withdrawn from an agency stops reaching it even for retries.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpcore
from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, joinedload

from perisai.config import Settings
from perisai.crypto import Keyring
from perisai.identity.models import Agency
from perisai.jobs.queue import JobSpec, defer, defer_many
from perisai.sharing.caseaccess import load_cases
from perisai.sharing.events import SHARING_PRIORITY
from perisai.sharing.models import (
    DeliveryStatus,
    DispatchCursor,
    OutboxEvent,
    WebhookDelivery,
    WebhookSubscription,
)
from perisai.sharing.names import DELIVER_TASK
from perisai.sharing.redaction import Viewer, redact_event
from perisai.sharing.stream import last_drawn_id, latest_event_id, quiet_bound, settled_after
from perisai.urlguard import UrlGuard, UrlRefused

SIGNATURE_HEADER = "Perisai-Signature"
TIMESTAMP_HEADER = "Perisai-Timestamp"
EVENT_ID_HEADER = "Perisai-Event-Id"
DELIVERY_ID_HEADER = "Perisai-Delivery-Id"
SIGNATURE_TOLERANCE_SECONDS = 300


@dataclass
class RetryPolicy:
    base_seconds: float = 2.0
    max_attempts: int = 8
    cap_seconds: float = 3600.0
    timeout_seconds: float = 10.0

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1, 2, …)."""
        return float(min(self.cap_seconds, self.base_seconds * 2 ** (attempt - 1)))


RETRY = RetryPolicy()
# Deliveries run on the sharing lane (perisai.jobs.worker.LANES), never behind bulk work in the
# default queue: a job's queue is where it is deferred, not where its task was registered.
DELIVER_QUEUE = "sharing"
# A first attempt the dispatcher has not made after this long gets a job of its own.
SAFETY_NET = timedelta(seconds=30)


class WebhookError(ValueError):
    """A subscription request that cannot be accepted (bad URL, unknown agency…)."""


# --- signing ----------------------------------------------------------------------------------


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """``v1=<hex HMAC-SHA256(secret, "<timestamp>." + body)>``."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def verify(
    secret: str, *, timestamp: str, body: bytes, signature: str, now: float | None = None
) -> bool:
    """What a receiver checks: the signature, and a timestamp within five minutes."""
    if not timestamp.isdigit():
        return False
    moment = int(timestamp)
    if abs((now if now is not None else time.time()) - moment) > SIGNATURE_TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, moment, body), signature)


# --- subscriptions ----------------------------------------------------------------------------


def guard_for(settings: Settings) -> UrlGuard:
    """The deployment's webhook destination policy (``PERISAI_WEBHOOK_ALLOW_HOSTS``)."""
    return UrlGuard.from_setting(settings.webhook_allow_hosts)


def _secret_binding(subscription_id: int) -> str:
    return f"webhook:{subscription_id}"


def create_subscription(
    session: Session,
    keyring: Keyring,
    *,
    agency: str,
    url: str,
    guard: UrlGuard,
    event_types: list[str] | None = None,
    description: str = "",
) -> tuple[WebhookSubscription, str]:
    """A new subscription and its secret (shown once; stored sealed).

    The URL's host must be, or resolve to, public addresses only (or be allow-listed by the
    operator); see :mod:`perisai.urlguard`.
    """
    try:
        checked_url = guard.check_subscription(url)
    except UrlRefused as exc:
        raise WebhookError(str(exc)) from exc
    if session.scalar(select(Agency.id).where(Agency.short_name == agency)) is None:
        raise WebhookError(f"unknown agency {agency!r}")
    types = sorted({t.strip() for t in event_types or [] if t.strip()})
    if any(len(t) > 64 for t in types):
        raise WebhookError("an event type is longer than 64 characters")
    secret = secrets.token_urlsafe(32)
    subscription = WebhookSubscription(
        agency=agency,
        url=checked_url,
        description=description[:200],
        event_types=types,
        secret_sealed=b"",
        active=True,
        starts_after_event_id=latest_event_id(session),
    )
    session.add(subscription)
    session.flush()
    subscription.secret_sealed = keyring.seal_text(secret, _secret_binding(subscription.id))
    session.flush()
    return subscription, secret


def subscription_secret(keyring: Keyring, subscription: WebhookSubscription) -> str:
    return keyring.open_text(subscription.secret_sealed, _secret_binding(subscription.id))


def wants(subscription: WebhookSubscription, event_type: str) -> bool:
    if not subscription.event_types:
        return True
    for pattern in subscription.event_types:
        if pattern == event_type or (
            pattern.endswith(".*") and event_type.startswith(pattern[:-1])
        ):
            return True
    return False


# --- dispatch ---------------------------------------------------------------------------------


def _queue_delivery(
    session: Session, subscription_id: int, event_id: int, *, inline: bool = False
) -> int | None:
    """A pending delivery; its job now, or none when the dispatcher makes the first attempt."""
    queued = _queue_deliveries(session, [(subscription_id, event_id)], inline=inline)
    return queued[0] if queued else None


def _queue_deliveries(session: Session, pairs: list[tuple[int, int]], *, inline: bool) -> list[int]:
    """Pending deliveries of (subscription, event) pairs not queued before, in one statement;
    their jobs too (one statement), unless the dispatcher makes the first attempts itself."""
    if not pairs:
        return []
    rows = [
        {
            "subscription_id": subscription_id,
            "event_id": event_id,
            "status": DeliveryStatus.PENDING.value,
            "attempts": 0,
        }
        for subscription_id, event_id in pairs
    ]
    statement = (
        insert(WebhookDelivery)
        .values(rows)
        .on_conflict_do_nothing(constraint="uq_webhook_delivery_event")
        .returning(WebhookDelivery.id)
    )
    queued = sorted(session.scalars(statement))
    if not inline:
        defer_many(
            session,
            [
                JobSpec(
                    task=DELIVER_TASK,
                    queue=DELIVER_QUEUE,
                    args={"delivery_id": delivery_id, "attempt": 0},
                    priority=SHARING_PRIORITY,
                )
                for delivery_id in queued
            ],
        )
    return queued


def _offer(
    session: Session,
    events: list[OutboxEvent],
    subscriptions: list[WebhookSubscription],
    *,
    inline: bool,
) -> list[int]:
    cases = load_cases(session, (e.case_id for e in events if e.case_id is not None))
    pairs: list[tuple[int, int]] = []
    for event in events:
        case = cases.get(event.case_id) if event.case_id is not None else None
        for sub in subscriptions:
            if event.id <= sub.starts_after_event_id or not wants(sub, event.type):
                continue
            # Redaction decides here too: nothing the agency may not see is even queued.
            if redact_event(Viewer.for_subscription(sub.agency), event, case) is None:
                continue
            pairs.append((sub.id, event.id))
    return _queue_deliveries(session, pairs, inline=inline)


@dataclass(frozen=True)
class Dispatched:
    events_read: int
    queued: list[int]
    # Committed events after the cursor still waiting for an older transaction to end.
    unsettled: bool = False


def dispatch(
    session: Session, *, limit: int = 500, first_attempt_inline: bool = False
) -> Dispatched:
    """Turn settled outbox events after the cursor into deliveries.

    With ``first_attempt_inline`` the caller sends the first attempts itself right after
    commit; a first attempt still missing after :data:`SAFETY_NET` (the caller crashed) gets a
    job from :func:`sweep_stalled`, which every dispatch runs.
    """
    session.execute(
        insert(DispatchCursor)
        .values(name="webhooks", last_event_id=0)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    cursor = session.scalars(
        select(DispatchCursor).where(DispatchCursor.name == "webhooks").with_for_update()
    ).one()
    bound = quiet_bound(session)
    events = list(settled_after(session, cursor.last_event_id, limit=limit, bound=bound))
    queued: list[int] = []
    if events:
        subscriptions = session.scalars(
            select(WebhookSubscription).where(WebhookSubscription.active.is_(True))
        ).all()
        queued = _offer(session, events, list(subscriptions), inline=first_attempt_inline)
        cursor.last_event_id = events[-1].id
    if len(events) < limit:
        # Every id up to the bound is settled and was read: skip ids that were rolled back.
        cursor.last_event_id = max(cursor.last_event_id, bound)
    sweep_stalled(session)
    # Drawn ids not yet passed (still running, or a writer we could not bound): look again.
    unsettled = len(events) < limit and last_drawn_id(session) > cursor.last_event_id
    return Dispatched(events_read=len(events), queued=queued, unsettled=unsettled)


def sweep_stalled(session: Session) -> int:
    """Queue a job for first attempts the dispatcher did not make (it crashed meanwhile)."""
    now = datetime.now(UTC)
    stalled = session.scalars(
        select(WebhookDelivery)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING.value,
            WebhookDelivery.attempts == 0,
            WebhookDelivery.created_at < now - SAFETY_NET,
            or_(
                WebhookDelivery.next_attempt_at.is_(None),
                WebhookDelivery.next_attempt_at < now,
            ),
        )
        .limit(500)
        .with_for_update(skip_locked=True, of=WebhookDelivery)
    ).all()
    for delivery in stalled:
        delivery.next_attempt_at = now + SAFETY_NET
        defer(
            session,
            task=DELIVER_TASK,
            queue=DELIVER_QUEUE,
            args={"delivery_id": delivery.id, "attempt": 0},
            priority=SHARING_PRIORITY,
        )
    return len(stalled)


def replay(session: Session, *, subscription_id: int, from_event_id: int) -> int:
    """Send again every event from ``from_event_id`` on (that the agency may see); return count."""
    subscription = session.get(WebhookSubscription, subscription_id)
    if subscription is None:
        raise WebhookError(f"no webhook subscription {subscription_id}")
    count, after = 0, from_event_id - 1
    while True:
        events = list(settled_after(session, after))
        if not events:
            return count
        cases = load_cases(session, (e.case_id for e in events if e.case_id is not None))
        viewer = Viewer.for_subscription(subscription.agency)
        for event in events:
            case = cases.get(event.case_id) if event.case_id is not None else None
            if not wants(subscription, event.type) or redact_event(viewer, event, case) is None:
                continue
            session.execute(
                update(WebhookDelivery)
                .where(
                    WebhookDelivery.subscription_id == subscription.id,
                    WebhookDelivery.event_id == event.id,
                )
                .values(status=DeliveryStatus.PENDING.value, attempts=0, next_attempt_at=None)
            )
            delivery_id = session.scalar(
                select(WebhookDelivery.id).where(
                    WebhookDelivery.subscription_id == subscription.id,
                    WebhookDelivery.event_id == event.id,
                )
            )
            if delivery_id is None:
                _queue_delivery(session, subscription.id, event.id)
            else:
                defer(
                    session,
                    task=DELIVER_TASK,
                    queue=DELIVER_QUEUE,
                    args={"delivery_id": delivery_id, "attempt": 0},
                    priority=SHARING_PRIORITY,
                )
            count += 1
        after = events[-1].id


# --- delivery ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    delivery_id: int
    url: str
    body: bytes
    headers: dict[str, str]


def prepare(
    session: Session, keyring: Keyring, delivery_id: int, *, attempt: int | None = None
) -> Outgoing | None:
    """The signed request for a pending delivery, or None (already done, or now withheld).

    ``attempt``: how many attempts the caller expects were made; another count means another
    job or the dispatcher got there first, and this one has nothing to do.
    """
    found = prepare_many(session, keyring, [delivery_id], attempt=attempt)
    return found[0] if found else None


def prepare_many(
    session: Session, keyring: Keyring, delivery_ids: list[int], *, attempt: int | None = None
) -> list[Outgoing]:
    """:func:`prepare` for several deliveries with a few statements in all (the dispatcher's
    first attempts): the deliveries, their events and cases are each read in one go, and each
    subscription's secret is unsealed once. Deliveries another worker holds are skipped."""
    if not delivery_ids:
        return []
    # Lock the deliveries only, not their (joined) subscriptions, which deliveries share.
    deliveries = session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.id.in_(delivery_ids))
        .options(joinedload(WebhookDelivery.subscription))
        .order_by(WebhookDelivery.id)
        .with_for_update(skip_locked=True, of=WebhookDelivery)
    ).all()
    wanted = [
        d
        for d in deliveries
        if d.status == DeliveryStatus.PENDING.value and (attempt is None or d.attempts == attempt)
    ]
    if not wanted:
        return []
    events = {
        event.id: event
        for event in session.scalars(
            select(OutboxEvent).where(OutboxEvent.id.in_({d.event_id for d in wanted}))
        )
    }
    cases = load_cases(session, {e.case_id for e in events.values() if e.case_id is not None})
    secrets_of: dict[int, str] = {}
    found: list[Outgoing] = []
    for delivery in wanted:
        subscription = delivery.subscription
        event = events.get(delivery.event_id)
        redacted = (
            redact_event(
                Viewer.for_subscription(subscription.agency),
                event,
                cases.get(event.case_id) if event.case_id is not None else None,
            )
            if event is not None and subscription.active
            else None
        )
        if redacted is None:
            delivery.status = DeliveryStatus.WITHHELD.value
            continue
        if subscription.id not in secrets_of:
            secrets_of[subscription.id] = subscription_secret(keyring, subscription)
        body = json.dumps(redacted, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Perisai-Webhooks/1",
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(secrets_of[subscription.id], timestamp, body),
            EVENT_ID_HEADER: redacted["id"],
            DELIVERY_ID_HEADER: str(delivery.id),
        }
        found.append(
            Outgoing(delivery_id=delivery.id, url=subscription.url, body=body, headers=headers)
        )
    return found


class _GuardedBackend(httpcore.SyncBackend):
    """Opens TCP connections only to addresses the guard vetted, resolved at connect time: the
    check and the connection use the same answer (DNS rebinding changes nothing). TLS still
    verifies the certificate for the URL's host name."""

    def __init__(self, guard: UrlGuard) -> None:
        super().__init__()
        self._guard = guard

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        failure: Exception | None = None
        for address in self._guard.addresses(host, port):
            try:
                return super().connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure or httpcore.ConnectError("no address to connect to")


_pools: dict[UrlGuard, httpcore.ConnectionPool] = {}
_pools_lock = threading.Lock()


def _pool(guard: UrlGuard) -> httpcore.ConnectionPool:
    """One pool per process and policy: building one (its TLS context) costs far more than a
    POST. No proxy is read from the environment."""
    with _pools_lock:
        pool = _pools.get(guard)
        if pool is None:
            pool = _pools[guard] = httpcore.ConnectionPool(
                max_connections=32,
                max_keepalive_connections=16,
                network_backend=_GuardedBackend(guard),
            )
        return pool


#: What a delivery records when no HTTP status came back: a category, never the socket's message
#: (which would tell a closed port from an open one, or name internal addresses).
CONNECT_FAILED = "connect_failed"
TIMED_OUT = "timeout"
BAD_RESPONSE = "bad_response"


def send(outgoing: Outgoing, *, timeout: float, guard: UrlGuard) -> tuple[int | None, str | None]:
    """POST it; (status code, error category). Redirects are not followed (a moved URL is an
    error); the answer's body is never read."""
    limits = {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}
    try:
        with _pool(guard).stream(
            "POST",
            outgoing.url,
            headers=list(outgoing.headers.items()),
            content=outgoing.body,
            extensions={"timeout": limits},
        ) as response:
            status = response.status
    except UrlRefused as exc:
        return None, exc.category
    except (httpcore.ConnectError, httpcore.ConnectTimeout):
        return None, CONNECT_FAILED
    except httpcore.TimeoutException:
        return None, TIMED_OUT
    except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol):
        return None, BAD_RESPONSE
    if 200 <= status < 300:
        return status, None
    return status, f"HTTP {status}"


def record_attempt(
    session: Session,
    delivery_id: int,
    *,
    status_code: int | None,
    error: str | None,
    policy: RetryPolicy | None = None,
) -> str:
    """Store an attempt's result; schedule the next one or give up. Returns the new status."""
    statuses = record_attempts(session, [Attempt(delivery_id, status_code, error)], policy=policy)
    return statuses.get(delivery_id, DeliveryStatus.WITHHELD.value)


@dataclass(frozen=True)
class Attempt:
    """What one attempt of a delivery came back with."""

    delivery_id: int
    status_code: int | None
    error: str | None


def record_attempts(
    session: Session, attempts: list[Attempt], *, policy: RetryPolicy | None = None
) -> dict[int, str]:
    """:func:`record_attempt` for several attempts: the deliveries locked and read in one
    statement, the retries queued in one. Returns each delivery's new status (a delivery that
    is gone is left out)."""
    policy = policy or RETRY
    if not attempts:
        return {}
    deliveries = {
        d.id: d
        for d in session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.id.in_({a.delivery_id for a in attempts}))
            .order_by(WebhookDelivery.id)
            .with_for_update(of=WebhookDelivery)
        )
    }
    now = datetime.now(UTC)
    retries: list[JobSpec] = []
    statuses: dict[int, str] = {}
    for attempt in attempts:
        delivery = deliveries.get(attempt.delivery_id)
        if delivery is None:
            continue
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.last_status_code = attempt.status_code
        delivery.last_error = attempt.error
        if attempt.error is None:
            delivery.status = DeliveryStatus.DELIVERED.value
            delivery.delivered_at = now
            delivery.next_attempt_at = None
        elif delivery.attempts >= policy.max_attempts:
            delivery.status = DeliveryStatus.DEAD.value
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = now + timedelta(seconds=policy.backoff(delivery.attempts))
            retries.append(
                JobSpec(
                    task=DELIVER_TASK,
                    queue=DELIVER_QUEUE,
                    args={"delivery_id": delivery.id, "attempt": delivery.attempts},
                    scheduled_at=delivery.next_attempt_at,
                    priority=SHARING_PRIORITY,
                )
            )
        statuses[delivery.id] = delivery.status
    defer_many(session, retries)
    return statuses


def delivery_view(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "subscription_id": delivery.subscription_id,
        "event_id": delivery.event_id,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "last_attempt_at": delivery.last_attempt_at,
        "next_attempt_at": delivery.next_attempt_at,
        "delivered_at": delivery.delivered_at,
    }


def subscription_view(subscription: WebhookSubscription) -> dict[str, Any]:
    return {
        "id": subscription.id,
        "agency": subscription.agency,
        "url": subscription.url,
        "description": subscription.description,
        "event_types": subscription.event_types,
        "active": subscription.active,
        "created_at": subscription.created_at,
    }
