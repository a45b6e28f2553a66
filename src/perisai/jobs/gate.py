"""Pipeline jobs yield to intake: while reports are arriving fast, the jobs that follow intake
(enrichment, triage: `@job(..., yields_to_intake=True)`) wait before starting.

Why: on a small machine the worker competes with intake for the same cores. Niceness did not
keep it off them (issue #12: with the in-process worker enriching and triaging beside intake,
the server used 6.7 ms of CPU per report instead of 4.0 and answered 164 of the 300 reports/s,
p99 45 s). A report's enrichment and triage can wait a minute; its acknowledgement cannot.

The signal, "intake is busy", must be cheap and hold across processes (uvicorn's server
processes, `perisai worker --processes N`, another host). It is the rate at which the reports'
id sequence advances (the `jobs.intake_counter` hook: reports gives the SQL), sampled at most
every `SAMPLE_SECONDS` per worker process: reading a sequence's `last_value` is one buffer read,
takes no lock and writes nothing, and every path that takes a report in (API, hotline, imports)
draws from it, committed or not. Alternatives were worse: the database's commit counter
(`pg_stat_database.xact_commit`) counts the worker's own commits; the queue's job ids count the
jobs the worker itself queues (enrichment queues triage), so the worker would hold itself back;
the load average or the process's own view of intake is blind to other processes and hosts.

What it does: while the rate is above `PERISAI_WORKER_YIELD_RATE`, a lane's fetch leaves the
yielding tasks where they are (a lane whose tasks all yield fetches nothing; another lane takes
its other jobs as usual, so webhook delivery and the SLA sweep keep their pace). Yielding is
bounded: after `PERISAI_WORKER_YIELD_MAX_SECONDS` of it, a lane lets one fetch through (one job
and the batch it claims, `jobs/batch.py`) and starts counting again, so a flood that never ends
slows triage down but never stops it. When the rate falls, the lane fetches again at its next
wake-up (a notification, or its polling interval).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from procrastinate import jobs as jobs_module
from procrastinate.connector import BaseConnector

from perisai.jobs.fetch import QueueJobManager

log = logging.getLogger(__name__)

# How often a process reads the counter at most (each lane's fetch asks; they share the reading).
SAMPLE_SECONDS = 0.5

# procrastinate's fetch (`procrastinate_fetch_job_v2`, 3.x) without the yielding tasks: the same
# order and lock rules, so a job never overtakes an earlier job of its lock. It always returns
# one row (of NULLs when nothing is due), as procrastinate's does.
ReadCounter = Callable[[], Awaitable[int | None]]


@dataclass
class _Lane:
    since: float  # when this stretch of yielding began (or the last let-through)
    started: float  # when yielding began (for the log)
    let_through: int = 0


@dataclass
class IntakeGate:
    """Whether pipeline jobs should wait now, per lane; one per worker process."""

    read_counter: ReadCounter
    rate_threshold: float  # reports/s; 0 disables the gate
    max_seconds: float
    clock: Callable[[], float] = time.monotonic
    sample_seconds: float = SAMPLE_SECONDS
    _sample: tuple[float, int] | None = field(default=None, init=False)
    _rate: float | None = field(default=None, init=False)
    _lanes: dict[str, _Lane] = field(default_factory=dict, init=False)
    _reading: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    async def rate(self) -> float | None:
        """Reports per second between the last two readings (None before there are two)."""
        async with self._reading:
            now = self.clock()
            if self._sample is not None and now - self._sample[0] < self.sample_seconds:
                return self._rate
            try:
                value = await self.read_counter()
            except Exception:  # never hold the pipeline back on a failed reading
                log.exception("reading intake's counter failed: pipeline jobs do not yield")
                self._sample, self._rate = None, None
                return None
            if value is None:
                return None
            if self._sample is not None and now > self._sample[0]:
                self._rate = max(0.0, (value - self._sample[1]) / (now - self._sample[0]))
            self._sample = (now, value)
            return self._rate

    async def yielding(self, lane: str) -> bool:
        """True while `lane` should leave its yielding jobs waiting."""
        if self.rate_threshold <= 0:
            return False
        rate = await self.rate()
        now = self.clock()
        state = self._lanes.get(lane)
        if rate is None or rate <= self.rate_threshold:
            if state is not None:
                del self._lanes[lane]
                log.info(
                    "intake at %.0f reports/s: lane %s runs pipeline jobs again "
                    "(yielded %.0f s, let %d through)",
                    rate or 0.0,
                    lane,
                    now - state.started,
                    state.let_through,
                )
            return False
        if state is None:
            self._lanes[lane] = _Lane(since=now, started=now)
            log.info(
                "intake at %.0f reports/s (above %.0f): lane %s holds pipeline jobs back",
                rate,
                self.rate_threshold,
                lane,
            )
            return True
        if now - state.since >= self.max_seconds:
            state.since = now
            state.let_through += 1
            log.warning(
                "intake at %.0f reports/s for %.0f s: lane %s lets one batch of pipeline jobs "
                "through",
                rate,
                now - state.started,
                lane,
            )
            return False
        return True


class GatedJobManager(QueueJobManager):
    """procrastinate's job manager whose fetch asks the gate first (the worker's lanes share it)."""

    def __init__(
        self,
        connector: BaseConnector,
        gate: IntakeGate,
        *,
        yielding_tasks: Iterable[str],
        tasks_by_queue: dict[str, set[str]],
    ) -> None:
        super().__init__(connector=connector)
        self.gate = gate
        self.yielding_tasks = frozenset(yielding_tasks)
        self.tasks_by_queue = tasks_by_queue

    async def fetch_job(
        self, queues: Iterable[str] | None, worker_id: int
    ) -> jobs_module.Job | None:
        names = list(queues) if queues is not None else None
        known = (
            set().union(*(self.tasks_by_queue.get(q, set()) for q in names))
            if names is not None
            else set().union(*self.tasks_by_queue.values())
        )
        skip = known & self.yielding_tasks
        lane = ",".join(names) if names is not None else "*"
        if not skip or not await self.gate.yielding(lane):
            return await self.fetch_job_skipping(names, worker_id, skip=())
        if not known - skip:
            return None  # every task of this lane yields: no query at all
        return await self.fetch_job_skipping(names, worker_id, skip=skip)


def counter_reader(connector: BaseConnector, sql: str) -> ReadCounter:
    """Reads intake's counter (one integer) with `sql` on the worker's own connection pool."""

    async def read() -> int | None:
        # `sql` comes from a manifest's hook, never from input.
        row = await connector.execute_query_one_async(query=sql)
        value = next(iter(row.values()), None)
        return None if value is None else int(value)

    return read
