"""Background jobs of sharing: dispatching outbox events into webhook deliveries, delivering.

The dispatcher makes each new delivery's first attempt itself, right after its transaction
commits (one queue hop less, which matters when bulk jobs hold the worker's slots); every
delivery also has its own job, scheduled a little later, so that a crash between the two still
delivers: at least once.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from procrastinate import RetryStrategy
from sqlalchemy import text

from perisai.jobs.worker import current_runtime, job
from perisai.runtime import Runtime
from perisai.sharing import events, webhooks
from perisai.sharing.names import DELIVER_TASK, DISPATCH_TASK

BATCH = 500
INLINE_SENDERS = 8
# How soon to look again when committed events wait on an older transaction still running.
RECHECK = timedelta(milliseconds=200)
# Retries of the job itself cover crashes only; delivery failures are scheduled by the job
# (webhooks.record_attempt) so that attempts, backoff and dead letters live in our own table.
_CRASH_RETRY = RetryStrategy(max_attempts=5, exponential_wait=2)


def first_attempts(runtime: Runtime, delivery_ids: list[int]) -> None:
    """The first attempts of new deliveries: prepared in one transaction, sent at once (up to
    INLINE_SENDERS at a time), their results stored in one transaction; a few statements for
    the lot instead of two transactions per delivery."""
    with runtime.db.transaction() as session:
        outgoing = webhooks.prepare_many(session, runtime.keyring, delivery_ids, attempt=0)
    if not outgoing:
        return
    guard = webhooks.guard_for(runtime.settings)

    def send(item: webhooks.Outgoing) -> webhooks.Attempt:
        status_code, error = webhooks.send(
            item, timeout=webhooks.RETRY.timeout_seconds, guard=guard
        )
        return webhooks.Attempt(item.delivery_id, status_code, error)

    # No transaction is held open across the network calls.
    with ThreadPoolExecutor(max_workers=min(INLINE_SENDERS, len(outgoing))) as pool:
        attempts = list(pool.map(send, outgoing))
    with runtime.db.transaction() as session:
        webhooks.record_attempts(session, attempts)


def attempt_delivery(runtime: Runtime, delivery_id: int, attempt: int | None) -> None:
    with runtime.db.transaction() as session:
        outgoing = webhooks.prepare(session, runtime.keyring, delivery_id, attempt=attempt)
    if outgoing is None:
        return
    # No transaction is held open across the network call.
    status_code, error = webhooks.send(
        outgoing,
        timeout=webhooks.RETRY.timeout_seconds,
        guard=webhooks.guard_for(runtime.settings),
    )
    with runtime.db.transaction() as session:
        webhooks.record_attempt(session, delivery_id, status_code=status_code, error=error)


_SWEEP_PLANNED = text(
    "SELECT EXISTS (SELECT 1 FROM procrastinate_jobs WHERE status = 'todo' "
    "AND task_name = :task AND scheduled_at > now() + interval '1 second')"
).bindparams(task=DISPATCH_TASK)


@job(DISPATCH_TASK, queue="sharing", retry=_CRASH_RETRY)
def dispatch_events() -> None:
    run_dispatch(current_runtime())


def run_dispatch(runtime: Runtime) -> None:
    """Fan committed events out to subscriptions until none is left to read."""
    while True:
        with runtime.db.transaction() as session:
            done = webhooks.dispatch(session, limit=BATCH, first_attempt_inline=True)
            if done.unsettled:
                # Nothing else would wake us for them if no further event comes.
                events.dispatch_within(session, RECHECK)
            if done.queued and not session.scalar(_SWEEP_PLANNED):
                # Should the first attempts below not happen, a later dispatch sweeps them up.
                events.dispatch_later(session, webhooks.SAFETY_NET + timedelta(seconds=1))
        if done.queued:
            first_attempts(runtime, done.queued)
        if done.events_read < BATCH:
            return


@job(DELIVER_TASK, queue="sharing", retry=_CRASH_RETRY)
def deliver(delivery_id: int, attempt: int | None = None) -> None:
    attempt_delivery(current_runtime(), delivery_id, attempt)
