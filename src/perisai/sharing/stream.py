"""Reading committed outbox events in order, redacted for one viewer, as server-sent events.

Identity values are handed out before commit, so a reader that simply followed ``id`` could pass
a smaller id that commits later and never see it. A reader passes an id only when no running
transaction can still commit it or a smaller one: every id up to :func:`quiet_bound`, the last
id drawn when no transaction is writing the outbox, else just below the first id announced by
the oldest writer still running (emit() announces it with an advisory lock).

Not "its writing transaction is older than every transaction still running" (``xact_id`` below
the snapshot's xmin), which this module once accepted too: an older transaction can draw its id
*after* a younger one, so its event is settled by that rule while the younger one's smaller id
is still running, and a cursor moved to the larger id passes the smaller one for good (webhook
probes were lost so under load; tests/sharing/test_stream.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import anyio
import psycopg
from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.orm import Session

from perisai.db.engine import Database
from perisai.jobs.worker import conninfo
from perisai.sharing.caseaccess import load_cases
from perisai.sharing.events import NOTIFY_CHANNEL
from perisai.sharing.models import OutboxEvent
from perisai.sharing.redaction import Viewer, redact_event
from perisai.sharing.rls import read_as

log = logging.getLogger(__name__)

_SETTLED = text("outbox_event.id <= :quiet_bound")
_LAST_DRAWN = text("SELECT pg_sequence_last_value(pg_get_serial_sequence('outbox_event', 'id'))")
# For each other transaction writing the outbox now: the smallest event id it has announced by
# an advisory lock (emit() takes one on each id right after drawing it), or NULL if none yet.
_WRITERS = text(
    "WITH here AS (SELECT oid FROM pg_database WHERE datname = current_database()), "
    "writers AS (SELECT DISTINCT pid FROM pg_locks, here WHERE locktype = 'relation' "
    "  AND database = here.oid AND relation = 'outbox_event'::regclass "
    "  AND mode = 'RowExclusiveLock' AND pid <> pg_backend_pid()) "
    "SELECT w.pid, (SELECT min((l.classid::bigint << 32) | l.objid::bigint) FROM pg_locks l, here "
    "  WHERE l.pid = w.pid AND l.locktype = 'advisory' AND l.objsubid = 1 "
    "  AND l.database = here.oid) FROM writers w"
)
BATCH = 200
SETTLE_RECHECK_SECONDS = 0.05


def quiet_bound(session: Session) -> int:
    """The largest id below which no running transaction can still commit an event, or -1.

    Two statements in this order (each its own snapshot under READ COMMITTED): an id drawn
    before the first belongs to a transaction that, if still running at the second, holds the
    outbox's RowExclusiveLock (taken before the id is drawn) and, once emit() has announced
    it, an advisory lock on it. A writer that has not announced yet makes us wait (-1); the
    caller's next statement sees every transaction that had ended.
    """
    last = session.scalar(_LAST_DRAWN)
    if last is None:
        return -1
    bound = int(last)
    for _pid, first_announced in session.execute(_WRITERS):
        if first_announced is None:
            return -1
        bound = min(bound, int(first_announced) - 1)
    return bound


def last_drawn_id(session: Session) -> int:
    """The last outbox id handed out, committed or not (0 before the first)."""
    return int(session.scalar(_LAST_DRAWN) or 0)


def settled(session: Session, bound: int | None = None) -> ColumnElement[bool]:
    bound = quiet_bound(session) if bound is None else bound
    return _SETTLED.bindparams(quiet_bound=bound)  # type: ignore[return-value]


def settled_after(
    session: Session, after_id: int, *, limit: int = BATCH, bound: int | None = None
) -> Sequence[OutboxEvent]:
    """Committed events after ``after_id`` that no running transaction can precede any more."""
    return session.scalars(
        select(OutboxEvent)
        .where(OutboxEvent.id > after_id, settled(session, bound))
        .order_by(OutboxEvent.id)
        .limit(limit)
    ).all()


def latest_event_id(session: Session) -> int:
    return int(session.scalar(select(func.coalesce(func.max(OutboxEvent.id), 0))) or 0)


def sse_frame(redacted: dict[str, object]) -> str:
    data = json.dumps(redacted, ensure_ascii=False, separators=(",", ":"))
    return f"id: {redacted['id']}\nevent: {redacted['type']}\ndata: {data}\n\n"


@dataclass(frozen=True)
class Batch:
    frames: list[str]
    cursor: int
    full: bool


def settled_page(session: Session, after_id: int, *, limit: int = BATCH) -> tuple[int, int]:
    """(last id, count) of the next ``limit`` settled events after ``after_id``, all agencies."""
    ids = select(OutboxEvent.id).where(OutboxEvent.id > after_id, settled(session))
    page = ids.order_by(OutboxEvent.id).limit(limit).subquery()
    last, count = session.execute(
        select(func.coalesce(func.max(page.c.id), after_id), func.count(page.c.id))
    ).one()
    return int(last), int(count)


def read_batch(db: Database, viewer: Viewer, after_id: int) -> Batch:
    """One short transaction: the next events redacted for ``viewer`` (hidden ones skipped)."""
    with db.transaction() as session:
        # The cursor moves past events this viewer may not see too, so it never waits on them.
        upper, count = settled_page(session, after_id)
        if count == 0:
            return Batch(frames=[], cursor=after_id, full=False)
        read_as(session, viewer)  # PostgreSQL hides other agencies' case rows as well
        events = session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.id > after_id, OutboxEvent.id <= upper)
            .order_by(OutboxEvent.id)
        ).all()
        cases = load_cases(session, (e.case_id for e in events if e.case_id is not None))
        frames = []
        for event in events:
            case = cases.get(event.case_id) if event.case_id is not None else None
            redacted = redact_event(viewer, event, case)
            if redacted is not None:
                frames.append(sse_frame(redacted))
        return Batch(frames=frames, cursor=upper, full=count == BATCH)


class Waker:
    """One LISTEN connection per process; wakes every waiting stream on each notification."""

    def __init__(self, sqlalchemy_url: str) -> None:
        self._conninfo = conninfo(sqlalchemy_url)
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        # The newest event id announced: a stream behind it looks again soon.
        self.latest_id = 0
        self._thread = threading.Thread(target=self._listen, name="perisai-sse-waker", daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as connection:
                    connection.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    while not self._stop.is_set():
                        # Bounded waits, so that close() is noticed within a second.
                        for notify in connection.notifies(timeout=1.0, stop_after=1):
                            if notify.payload.isdigit():
                                self.latest_id = max(self.latest_id, int(notify.payload))
                            self._wake_all()
            except psycopg.Error as exc:  # reconnect; streams keep polling meanwhile
                if not self._stop.is_set():
                    log.warning("sse waker lost its connection: %s", exc)
                    self._stop.wait(1.0)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _wake_all(self) -> None:
        with self._lock:
            waiters = list(self._waiters)
        for loop, event in waiters:
            loop.call_soon_threadsafe(event.set)

    async def wait(self, timeout: float) -> None:
        event = asyncio.Event()
        waiter = (asyncio.get_running_loop(), event)
        with self._lock:
            self._waiters.add(waiter)
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            pass
        finally:
            with self._lock:
                self._waiters.discard(waiter)


_wakers: dict[str, Waker] = {}
_wakers_lock = threading.Lock()


def waker_for(db: Database) -> Waker:
    with _wakers_lock:
        if db.url not in _wakers:
            _wakers[db.url] = Waker(db.url)
        return _wakers[db.url]


def close_waker(db: Database) -> None:
    """Stop the process's listener for ``db`` (tests, before dropping a database)."""
    with _wakers_lock:
        waker = _wakers.pop(db.url, None)
    if waker is not None:
        waker.close()


async def event_stream(
    db: Database,
    viewer: Viewer,
    after_id: int,
    *,
    poll_seconds: float = 0.5,
    heartbeat_seconds: float = 15.0,
) -> AsyncIterator[str]:
    """Frames for ``viewer`` after ``after_id``, forever; a comment line keeps proxies open."""
    waker = waker_for(db)
    yield "retry: 2000\n\n"
    cursor, quiet = after_id, 0.0
    while True:
        batch = await anyio.to_thread.run_sync(read_batch, db, viewer, cursor)
        cursor = batch.cursor
        for frame in batch.frames:
            yield frame
        if batch.frames:
            quiet = 0.0
        if batch.full:
            continue
        if waker.latest_id > cursor:
            # Committed but not yet settled (an older transaction is still running): look
            # again shortly rather than wait for the next notification.
            await asyncio.sleep(SETTLE_RECHECK_SECONDS)
            quiet += SETTLE_RECHECK_SECONDS
        else:
            await waker.wait(poll_seconds)
            quiet += poll_seconds
        if quiet >= heartbeat_seconds:
            quiet = 0.0
            yield ": keep-alive\n\n"
