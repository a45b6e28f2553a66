"""Emitting domain events: an outbox row in the caller's transaction, announced at commit.

Consumers (the SSE stream, the webhook dispatcher) read the outbox by id; the NOTIFY only wakes
them, so a missed notification delays an event but never loses it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session, SessionTransaction

from perisai.jobs.queue import defer, defer_once
from perisai.sharing.models import OutboxEvent, Tlp
from perisai.sharing.names import DISPATCH_TASK

NOTIFY_CHANNEL = "perisai_events"
# The webhook dispatcher (perisai.sharing.jobs): at most one waits in the queue at a time.
# Sharing jobs are short and latency-bound: taken before enrichment and other bulk work.
SHARING_PRIORITY = 10
_ANNOUNCED = "perisai.sharing.announced"


# Held by the one open transaction that is queuing the waiting dispatch (two-int advisory keys
# are apart from the one-bigint keys by which `_announce` announces outbox ids).
_WAKE_LOCK = text("SELECT pg_try_advisory_xact_lock(1346, 1)")
# A dispatch planned for the next few seconds (no queueing lock: see below).
_SOON_PLANNED = text(
    "SELECT EXISTS (SELECT 1 FROM procrastinate_jobs WHERE status = 'todo' "
    "AND task_name = :task AND queueing_lock IS NULL "
    "AND scheduled_at <= now() + interval '5 seconds')"
).bindparams(task=DISPATCH_TASK)
# How soon a dispatch runs for events whose wake-up another transaction was queuing.
WAKE_FALLBACK = timedelta(seconds=2)


def wake_dispatcher(session: Session) -> None:
    """Queue a dispatch unless one is waiting already (it will see this transaction's events).

    A dispatch already running may miss them; it looks again for ids drawn meanwhile.

    Never waits for another transaction: two open transactions inserting the same queueing lock
    would make the second wait for the first to end (PostgreSQL's unique check), which chained
    every emitter behind the oldest open one and could deadlock two of them. So only the holder
    of a transaction-scoped advisory lock queues the waiting dispatch; an emitter that finds it
    taken plans one a few seconds ahead instead (at most one planned at a time), in case that
    holder rolls back.
    """
    if session.scalar(_WAKE_LOCK):
        # The queueing lock keeps one waiting at most: one run serves every event committed
        # before it.
        defer_once(
            session,
            task=DISPATCH_TASK,
            args={},
            queue="sharing",
            priority=SHARING_PRIORITY,
            queueing_lock=DISPATCH_TASK,
        )
    elif not session.scalar(_SOON_PLANNED):
        dispatch_later(session, WAKE_FALLBACK)


_DUE_BY = text(
    "SELECT EXISTS (SELECT 1 FROM procrastinate_jobs WHERE status = 'todo' "
    "AND task_name = :task AND (scheduled_at IS NULL "
    "OR scheduled_at <= now() + make_interval(secs => :within)))"
).bindparams(task=DISPATCH_TASK)


def dispatch_within(session: Session, delay: timedelta) -> None:
    """Plan a dispatch `delay` from now unless one waits to run by then (that one looks too).

    Why not always: every dispatch that finds events held back by a running transaction plans
    a look again, and with triage batches always running somewhere each such look planned
    another: chains of rechecks that multiplied (1.2 dispatch runs per report in a drain,
    issue #12), where one waiting look serves them all."""
    if not session.scalar(_DUE_BY, {"within": delay.total_seconds()}):
        dispatch_later(session, delay)


def dispatch_later(session: Session, delay: timedelta) -> None:
    """Plan a dispatch `delay` from now (no queueing lock: it may join one already waiting)."""
    defer(
        session,
        task=DISPATCH_TASK,
        args={},
        queue="sharing",
        priority=SHARING_PRIORITY,
        scheduled_at=datetime.now(UTC) + delay,
    )


def _root_transaction_marker(session: Session) -> int | None:
    transaction = session.get_transaction()
    while transaction is not None and transaction.parent is not None:
        transaction = transaction.parent
    return id(transaction) if transaction is not None else None


def _announce(session: Session, event_id: int) -> None:
    """Announce the transaction's first outbox id while it runs, by a shared advisory lock.

    Readers must not pass it until the transaction ends (perisai.sharing.stream.quiet_bound);
    later ids of the same transaction are larger, so one lock per transaction is enough (and
    keeps a transaction emitting thousands of events within the lock table). Shared mode:
    writers never wait on each other. If in doubt (a marker reused, a savepoint rolled back)
    a writer is merely unannounced, which readers treat as "wait".
    """
    marker = _root_transaction_marker(session)
    if marker is not None and session.info.get(_ANNOUNCED) == marker:
        return
    session.execute(text("SELECT pg_advisory_xact_lock_shared(:id)"), {"id": event_id})
    session.info[_ANNOUNCED] = marker


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
    _announce(session, event.id)
    # Delivered by PostgreSQL only if and when the transaction commits.
    session.execute(
        text("SELECT pg_notify(:channel, :id)"), {"channel": NOTIFY_CHANNEL, "id": str(event.id)}
    )
    # Webhooks: the dispatcher turns the event into deliveries once it has committed. One
    # wake-up serves every event of the transaction (a batch job emits one per report).
    if not _woken(session):
        wake_dispatcher(session)
        session.info[_WOKEN] = _innermost(session)
    return event


_WOKEN = "perisai.sharing.woken"


def _innermost(session: Session) -> SessionTransaction | None:
    return session.get_nested_transaction() or session.get_transaction()


def _woken(session: Session) -> bool:
    """Whether this transaction has woken the dispatcher already: in it or in a savepoint of it
    that is still open or was released (one rolled back took its wake-up with it)."""
    woken = session.info.get(_WOKEN)
    if woken is None or not woken.is_active:
        return False
    transaction = _innermost(session)
    while transaction is not None:
        if transaction is woken:
            return True
        transaction = transaction.parent
    return False
