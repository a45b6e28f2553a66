"""Background jobs of sharing: dispatching outbox events into webhook deliveries, delivering."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from procrastinate import RetryStrategy

from perisai.jobs.queue import defer
from perisai.jobs.worker import current_runtime, job
from perisai.sharing import events, webhooks

# Retries of the job itself cover crashes only; delivery failures are scheduled by the job
# (webhooks.record_attempt) so that attempts, backoff and dead letters live in our own table.
BATCH = 500
# How soon to look again when committed events wait on an older transaction still running.
RECHECK = timedelta(milliseconds=200)
_CRASH_RETRY = RetryStrategy(max_attempts=5, exponential_wait=2)


@job(webhooks.DISPATCH_TASK, retry=_CRASH_RETRY)
def dispatch_events() -> None:
    runtime = current_runtime()
    while True:
        with runtime.db.transaction() as session:
            done = webhooks.dispatch(session, limit=BATCH)
            if done.unsettled:
                # Nothing else would wake us for them if no further event comes.
                defer(
                    session,
                    task=events.DISPATCH_TASK,
                    args={},
                    lock=events.DISPATCH_TASK,
                    queue="sharing",
                    priority=events.SHARING_PRIORITY,
                    scheduled_at=datetime.now(UTC) + RECHECK,
                )
            if done.events_read < BATCH:
                return


@job(webhooks.DELIVER_TASK, retry=_CRASH_RETRY)
def deliver(delivery_id: int) -> None:
    runtime = current_runtime()
    with runtime.db.transaction() as session:
        outgoing = webhooks.prepare(session, runtime.keyring, delivery_id)
    if outgoing is None:
        return
    # No transaction is held open across the network call.
    status_code, error = webhooks.send(outgoing, timeout=webhooks.RETRY.timeout_seconds)
    with runtime.db.transaction() as session:
        webhooks.record_attempt(session, delivery_id, status_code=status_code, error=error)
