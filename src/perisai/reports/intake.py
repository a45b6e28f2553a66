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
from dataclasses import dataclass

from perisai.db.engine import Database
from perisai.identity.keycache import live_api_key_ids
from perisai.reports import service

log = logging.getLogger(__name__)
DEFAULT_MAX_BATCH = 64


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
        self, db: Database, *, max_batch: int = DEFAULT_MAX_BATCH, start: bool = True
    ) -> None:
        self.db = db
        self.max_batch = max_batch
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
        """Store `item`; return once it is committed. Refusals are raised (service outcomes)."""
        if self._closed:
            raise RuntimeError("the intake writer is closed")
        if self._thread.ident is not None and not self._thread.is_alive():
            # Never queue behind a writer that died: the request fails (5xx) instead of hanging.
            raise RuntimeError("the intake writer has stopped")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[service.Submitted] = loop.create_future()
        self._queue.put(_Waiting(item, loop, future))
        # shield: a client that disconnects does not cancel the write (its retry with the same
        # key will find the report); it only stops waiting for it.
        return await asyncio.shield(future)

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
            self._write(batch)

    def _write(self, batch: list[_Waiting]) -> None:
        try:
            outcomes = self._transaction([waiting.item for waiting in batch])
        except Exception as exc:
            if len(batch) > 1:
                log.warning("intake batch of %d failed (%s); writing one by one", len(batch), exc)
                for waiting in batch:
                    self._write([waiting])
                return
            log.exception("storing report %s failed", batch[0].item.public_id)
            outcomes = [exc]
        for waiting, outcome in zip(batch, outcomes, strict=True):
            try:
                waiting.loop.call_soon_threadsafe(_settle, waiting.future, outcome)
            except RuntimeError:  # its event loop has closed: nobody is waiting any more
                continue

    def _transaction(self, items: list[service.PreparedReport]) -> list[Outcome | Exception]:
        with self.db.transaction() as session:
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


def _settle(future: asyncio.Future[service.Submitted], outcome: Outcome | Exception) -> None:
    if future.done():  # pragma: no cover - only a cancelled waiter, which shield prevents
        return
    if isinstance(outcome, Exception):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
