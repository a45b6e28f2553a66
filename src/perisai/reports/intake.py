"""Group commit for report intake: many requests' reports, one transaction, one fsync.

Each acknowledged report must be durable before its receipt is sent, so every submission waits
for a commit. Committing each report on its own spends most of the request on per-statement and
per-commit work (round trips, the audit chain's lock, the WAL flush). The writer instead
collects the reports that arrive while it is writing the previous batch and writes them
together with set-based statements (`service.store`), then answers every request of the batch
once the commit has returned. Under light load a batch is one report, so latency is that of a
single commit; under heavy load batches grow and the cost per report falls.

The writer is one thread per process with its own transaction per batch (it owns the
transaction, as a job does). A batch that fails is retried report by report, so one bad report
never costs the others; a report whose transaction fails is answered with the error and was
never acknowledged.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from dataclasses import dataclass, replace

from sqlalchemy import text

from perisai.db.engine import Database
from perisai.identity.keycache import live_api_key_ids
from perisai.reports import service

log = logging.getLogger(__name__)
DEFAULT_MAX_BATCH = 64
# A batch that waits longer than this for a lock fails (and is retried report by report) instead
# of stalling every request of the process behind it.
LOCK_TIMEOUT = "10s"
# How long a request waits for its write before answering 503 (the write, shielded, goes on; a
# retry with the same key finds the report).
DEFAULT_WAIT_SECONDS = 60.0


class KeyRevoked(Exception):
    """The submitting API key was revoked before the report could be stored."""


Outcome = service.Outcome | KeyRevoked


@dataclass
class _Waiting:
    item: service.PreparedReport
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[service.Submitted]


class IntakeWriter:
    """Writes prepared reports in batches on a thread of its own; see the module docstring."""

    def __init__(
        self,
        db: Database,
        *,
        max_batch: int = DEFAULT_MAX_BATCH,
        start: bool = True,
        wait_seconds: float = DEFAULT_WAIT_SECONDS,
    ) -> None:
        self.db = db
        self.max_batch = max_batch
        self.wait_seconds = wait_seconds
        # Batches taken from the queue and the reports in them (for operators and tests).
        self.batches = 0
        self.reports = 0
        self._queue: queue.SimpleQueue[_Waiting | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="perisai-intake", daemon=True)
        self._closed = False
        if start:
            self.start()

    def start(self) -> None:
        self._thread.start()

    async def submit(self, item: service.PreparedReport) -> service.Submitted:
        """Store `item`; return once it is committed. Refusals are raised (service outcomes);
        `TimeoutError` after `wait_seconds` (the write may still happen)."""
        if self._closed:
            raise RuntimeError("the intake writer is closed")
        if self._thread.ident is not None and not self._thread.is_alive():
            # Never queue behind a writer that died: the request fails (5xx) instead of hanging.
            raise RuntimeError("the intake writer has stopped")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[service.Submitted] = loop.create_future()
        self._queue.put(_Waiting(item, loop, future))
        # shield: a client that disconnects (or a timeout) does not cancel the write; its retry
        # with the same key will find the report.
        return await asyncio.wait_for(asyncio.shield(future), self.wait_seconds)

    def close(self, timeout: float = 30.0) -> None:
        """Write what is queued, then stop the thread."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._thread.join(timeout)
        log.info("intake writer closed: %d reports in %d batches", self.reports, self.batches)

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                break
            batch = [first]
            while len(batch) < self.max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                batch.append(more)
            self.batches += 1
            self.reports += len(batch)
            try:
                self._write(batch)
            except Exception as exc:  # never let the thread die with requests waiting on it
                log.exception("intake writer: unexpected failure")
                self._answer(batch, [exc] * len(batch))

    def _write(self, batch: list[_Waiting]) -> None:
        try:
            outcomes = self._transaction([waiting.item for waiting in batch])
        except Exception as exc:
            if len(batch) > 1:
                log.warning(
                    "intake batch of %d failed (%s); writing one by one",
                    len(batch),
                    type(exc).__name__,
                )
                for waiting in batch:
                    self._write([waiting])
                return
            outcomes = [self._write_alone(batch[0].item, exc)]
        self._answer(batch, outcomes)

    def _write_alone(self, item: service.PreparedReport, exc: Exception) -> Outcome | Exception:
        """One report whose transaction failed: once more without its best-effort IP answers
        (enrichment must never cost a report; the job looks them up again), else the error."""
        if item.ip_intel:
            log.warning(
                "storing %s failed (%s); again without IP answers",
                item.public_id,
                type(exc).__name__,
            )
            try:
                return self._transaction([replace(item, ip_intel=[])])[0]
            except Exception as again:
                exc = again
        log.error("storing report %s failed", item.public_id, exc_info=exc)
        return exc

    @staticmethod
    def _answer(batch: list[_Waiting], outcomes: list[Outcome | Exception]) -> None:
        for waiting, outcome in zip(batch, outcomes, strict=True):
            try:
                waiting.loop.call_soon_threadsafe(_settle, waiting.future, outcome)
            except RuntimeError:  # its event loop has closed: nobody is waiting any more
                continue

    def _transaction(self, items: list[service.PreparedReport]) -> list[Outcome | Exception]:
        with self.db.transaction() as session:
            session.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
            key_ids = {item.report["api_key_id"] for item in items} - {None}
            live = live_api_key_ids(session, key_ids)
            allowed = [
                index
                for index, item in enumerate(items)
                if item.report["api_key_id"] is None or item.report["api_key_id"] in live
            ]
            stored = service.store(session, [items[index] for index in allowed])
            outcomes: list[Outcome | Exception] = [KeyRevoked() for _ in items]
            for index, outcome in zip(allowed, stored, strict=True):
                outcomes[index] = outcome
        # Committed (the context manager's exit): only now may the receipts go out.
        return outcomes


def intake_counter_sql() -> str:
    """The `jobs.intake_counter` hook: every report taken in (API, hotline, imports) draws an id
    from this sequence, so its advance is intake's rate, readable without a lock or a write."""
    return "SELECT last_value FROM report_id_seq"


def _settle(future: asyncio.Future[service.Submitted], outcome: Outcome | Exception) -> None:
    if future.done():  # pragma: no cover - only a cancelled waiter, which shield prevents
        return
    if isinstance(outcome, Exception):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
