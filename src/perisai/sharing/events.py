"""Emitting domain events: an outbox row in the caller's transaction, announced at commit.

Consumers (the SSE stream, the webhook dispatcher) read the outbox by id; the NOTIFY only wakes
them, so a missed notification delays an event but never loses it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from perisai.jobs.queue import defer
from perisai.sharing.models import OutboxEvent, Tlp

NOTIFY_CHANNEL = "perisai_events"
# The webhook dispatcher (perisai.sharing.jobs); one job per event, run one at a time (lock).
DISPATCH_TASK = "sharing.dispatch"
# Sharing jobs are short and latency-bound: taken before enrichment and other bulk work.
SHARING_PRIORITY = 10


def emit(
    session: Session,
    *,
    type: str,  # the event type, as in CloudEvents
    subject_type: str,
    subject_id: str | int,
    payload: dict[str, Any],
    audience: list[str] | None = None,
    case_id: int | None = None,
    tlp: Tlp = Tlp.AMBER,
) -> OutboxEvent:
    """Write an event to the outbox; it becomes visible when the transaction commits."""
    event = OutboxEvent(
        type=type,
        subject_type=subject_type,
        subject_id=str(subject_id),
        payload=payload,
        audience=sorted(set(audience or [])),
        case_id=case_id,
        tlp=tlp,
    )
    session.add(event)
    session.flush()
    # Announce the id while the transaction runs (readers must not pass it until it ends;
    # perisai.sharing.stream.quiet_bound). Shared mode: writers never wait on each other.
    session.execute(text("SELECT pg_advisory_xact_lock_shared(:id)"), {"id": event.id})
    # Delivered by PostgreSQL only if and when the transaction commits.
    session.execute(
        text("SELECT pg_notify(:channel, :id)"), {"channel": NOTIFY_CHANNEL, "id": str(event.id)}
    )
    # Webhooks: the dispatcher turns the event into deliveries once it has committed.
    defer(
        session,
        task=DISPATCH_TASK,
        args={},
        lock=DISPATCH_TASK,
        queue="sharing",
        priority=SHARING_PRIORITY,
    )
    return event
