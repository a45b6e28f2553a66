"""The procrastinate app and worker. Domains register tasks with :func:`job`.

Tasks are synchronous functions that open their own transaction through the process's Runtime
(set by :func:`run_worker`), so a job owns its transaction as a request does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import procrastinate
import psycopg
from procrastinate import RetryStrategy
from sqlalchemy.engine import make_url

from perisai.config import Settings
from perisai.db.engine import application_name, renice_backend
from perisai.heap import freeze_startup_objects
from perisai.jobs.batch import running_job
from perisai.jobs.fetch import QueueJobManager
from perisai.jobs.gate import GatedJobManager, IntakeGate, counter_reader
from perisai.jobs.names import INTAKE_COUNTER
from perisai.jobs.stalled import (
    HEARTBEAT_SECONDS,
    RECOVERY_INTERVAL_SECONDS,
    RELEASE_QUEUEING_LOCK,
    recover_stalled,
)
from perisai.manifest import hooks, import_all
from perisai.runtime import Runtime

log = logging.getLogger(__name__)

# Exponential backoff: 2, 4, 8, ... seconds, up to 10 attempts; failures stay visible in
# procrastinate_jobs (status 'failed') for operators.
DEFAULT_RETRY = RetryStrategy(max_attempts=10, exponential_wait=2)

_runtime: Runtime | None = None
# On stop, running jobs get this long to finish; then the worker unregisters (a job still
# running is retried by the next worker's stalled-job recovery, `jobs/stalled.py`).
SHUTDOWN_GRACE_SECONDS = 5.0


def current_runtime() -> Runtime:
    if _runtime is None:
        raise RuntimeError("no worker runtime: start the worker with run_worker()")
    return _runtime


def conninfo(sqlalchemy_url: str) -> str:
    """A libpq connection string from our SQLAlchemy URL."""
    url = make_url(sqlalchemy_url)
    parts = {
        "dbname": url.database,
        "user": url.username,
        "password": url.password,
        "host": url.host or url.query.get("host"),
        "port": url.port,
        "application_name": application_name(),
    }
    return " ".join(f"{k}={v}" for k, v in parts.items() if v)


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: Callable[..., None]
    queue: str
    retry: RetryStrategy
    # Periodic jobs: procrastinate's cron (5 fields, or 6 with seconds last); the worker defers
    # them itself and calls the function with `timestamp` (the scheduled time, Unix seconds).
    cron: str | None = None
    # Jobs of a higher priority are fetched first within their queue (procrastinate's default 0).
    priority: int = 0
    # Work that follows intake (enrichment, triage): waits while reports arrive fast
    # (`jobs/gate.py`).
    yields_to_intake: bool = False


JOBS: dict[str, JobSpec] = {}


def job(
    name: str,
    *,
    queue: str = "default",
    retry: RetryStrategy = DEFAULT_RETRY,
    cron: str | None = None,
    priority: int = 0,
    yields_to_intake: bool = False,
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a synchronous job function under a stable name (the name is what is queued).

    With `cron` the worker also defers it on that schedule (once per tick across all workers:
    procrastinate records each periodic defer) and passes `timestamp=` to the function.
    With `priority` above 0 its jobs run before the queue's backlog of ordinary jobs.
    With `yields_to_intake` its jobs wait before starting while intake is busy (`jobs/gate.py`).
    """

    def register(func: Callable[..., None]) -> Callable[..., None]:
        JOBS[name] = JobSpec(
            name=name,
            func=func,
            queue=queue,
            retry=retry,
            cron=cron,
            priority=priority,
            yields_to_intake=yields_to_intake,
        )
        return func

    return register


def make_app(sqlalchemy_url: str, *, backend_niceness: int | None = None) -> procrastinate.App:
    """The procrastinate app; `backend_niceness` renices its server processes as
    `Database(backend_niceness=...)` does (job fetching runs at the worker's priority too)."""
    _load_task_modules()
    options: dict[str, Any] = {}
    if backend_niceness is not None:
        niceness = backend_niceness

        async def configure(connection: psycopg.AsyncConnection[Any]) -> None:
            renice_backend(connection.info.backend_pid, niceness)

        options["configure"] = configure
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(
            conninfo=conninfo(sqlalchemy_url), min_size=1, max_size=4, **options
        )
    )
    # Each lane fetches from its own queue on an index by queue (`jobs/fetch.py`).
    app.job_manager = QueueJobManager(app.connector)
    for spec in JOBS.values():
        # A periodic job waits at most once in the queue: a slow run is not piled up behind.
        task = app.task(
            name=spec.name,
            queue=spec.queue,
            retry=spec.retry,
            queueing_lock=spec.name if spec.cron else None,
            priority=spec.priority,
            pass_context=True,
        )(_with_job_id(spec.func))
        if spec.cron:
            app.periodic(cron=spec.cron)(task)
    return app


def install_intake_gate(
    app: procrastinate.App, settings: Settings, *, counter_sql: str | None = None
) -> IntakeGate | None:
    """Make the worker's fetch yield to intake (`jobs/gate.py`); None when it never would (the
    rate set to 0, no job that yields, no counter registered). `counter_sql` defaults to the
    `jobs.intake_counter` hook's."""
    yielding = {spec.name for spec in JOBS.values() if spec.yields_to_intake}
    if counter_sql is None:
        counters = hooks(INTAKE_COUNTER)
        counter_sql = counters[0]() if counters else None
    if settings.worker_yield_rate <= 0 or not yielding or counter_sql is None:
        return None
    tasks_by_queue: dict[str, set[str]] = {}
    for spec in JOBS.values():
        tasks_by_queue.setdefault(spec.queue, set()).add(spec.name)
    gate = IntakeGate(
        read_counter=counter_reader(app.connector, counter_sql),
        rate_threshold=settings.worker_yield_rate,
        max_seconds=settings.worker_yield_max_seconds,
    )
    app.job_manager = GatedJobManager(
        app.connector, gate, yielding_tasks=yielding, tasks_by_queue=tasks_by_queue
    )
    return gate


def _with_job_id(func: Callable[..., None]) -> Callable[..., None]:
    """The task as procrastinate calls it: with the running job's id known to the code it runs
    (batches claim more jobs under it, `jobs/batch.py`)."""

    def run(context: procrastinate.JobContext, **kwargs: Any) -> None:
        with running_job(context.job.id):
            try:
                func(**kwargs)
            except Exception:
                if context.job.queueing_lock is not None and context.job.id is not None:
                    _release_queueing_lock(context.job.id)
                raise  # procrastinate retries it

    run.__name__ = run.__qualname__ = getattr(func, "__name__", "task")
    run.__module__ = func.__module__
    return run


def _release_queueing_lock(job_id: int) -> None:
    """Before procrastinate retries a failed job: see `stalled.RELEASE_QUEUEING_LOCK`."""
    try:
        with current_runtime().db.transaction() as session:
            session.execute(RELEASE_QUEUEING_LOCK, {"id": job_id})
    except Exception:  # the retry may still work; the job's own error is what to report
        log.exception("job %d: could not check its queueing lock before the retry", job_id)


def _load_task_modules() -> None:
    # Each domain's manifest names the modules whose import registers its jobs with @job.
    import_all(lambda manifest: manifest.jobs)


# Separate lanes, so that a backlog of heavy enrichment never delays webhook delivery or SLA
# timers: each lane is a procrastinate worker on its own queues with its own job slots.
LANES: dict[str, list[str]] = {
    "sharing": ["sharing"],
    "default": ["default"],
    "enrichment": ["enrichment"],
}
# How often each lane looks for jobs that no notification announced: jobs deferred with a
# `scheduled_at` (the dispatcher's 200 ms recheck, retries with backoff) wake nobody when they
# come due, so without polling they would wait for procrastinate's default 5 s.
POLLING_SECONDS: dict[str, float] = {"sharing": 0.1, "default": 1.0, "enrichment": 5.0}


def _recover_once(runtime: Runtime) -> None:
    with runtime.db.transaction() as session:
        found = recover_stalled(session, stalled_seconds=runtime.settings.job_stalled_seconds)
    for job_id, task in found.retried:
        log.warning("job %d (%s) was left running by a dead worker: retried", job_id, task)
    for job_id, task in found.failed:
        log.error(
            "job %d (%s) was left running by a dead worker, attempts used: failed", job_id, task
        )


async def _recover_stalled(runtime: Runtime, *, first_wait: float) -> None:
    """Every RECOVERY_INTERVAL_SECONDS: retry the jobs of dead workers."""
    await asyncio.sleep(first_wait)
    while True:
        try:
            await asyncio.to_thread(_recover_once, runtime)
        except Exception:  # the next round tries again; the workers go on meanwhile
            log.exception("stalled-job recovery failed")
        await asyncio.sleep(RECOVERY_INTERVAL_SECONDS)


async def _serve(
    app: procrastinate.App,
    stop: asyncio.Event | None,
    *,
    concurrency: int,
    runtime: Runtime | None = None,
    **options: Any,
) -> None:
    runtime = runtime or current_runtime()
    stalled = runtime.settings.job_stalled_seconds
    if options.get("wait", True):
        # Not with `--once`: it stops when nothing is fetched, and would leave the pipeline's
        # jobs behind whenever intake happened to be busy.
        install_intake_gate(app, runtime.settings)
    # First the jobs that dead workers left (so that `--once` runs them too), then the workers.
    try:
        await asyncio.to_thread(_recover_once, runtime)
    except Exception:
        log.exception("stalled-job recovery failed")
    async with app.open_async():
        workers = [
            asyncio.create_task(
                app.run_worker_async(
                    name=f"perisai-{lane}",
                    queues=queues,
                    concurrency=concurrency,
                    fetch_job_polling_interval=POLLING_SECONDS[lane],
                    update_heartbeat_interval=HEARTBEAT_SECONDS,
                    stalled_worker_timeout=stalled,
                    shutdown_graceful_timeout=SHUTDOWN_GRACE_SECONDS,
                    **options,
                )
            )
            for lane, queues in LANES.items()
        ]
        recovery = asyncio.create_task(
            _recover_stalled(runtime, first_wait=RECOVERY_INTERVAL_SECONDS)
        )
        try:
            if stop is None:
                await asyncio.gather(*workers)
                return
            await stop.wait()
            for worker in workers:
                worker.cancel()
            for worker in workers:
                with contextlib.suppress(asyncio.CancelledError):
                    await worker
        finally:
            recovery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await recovery


def run_worker(
    runtime: Runtime,
    *,
    concurrency: int = 2,
    install_signal_handlers: bool = True,
    wait: bool = True,
    freeze_heap: bool = False,
) -> None:
    """Run the worker in this thread until stopped (with wait=False: until the queue is empty).
    `freeze_heap`: a worker process's own run (see `perisai.heap`), never a test's."""
    global _runtime  # noqa: PLW0603 - the worker process has one runtime
    _runtime = runtime
    app = make_app(runtime.db.url)
    if freeze_heap:  # its tasks are imported now
        freeze_startup_objects()

    async def main() -> None:
        stop: asyncio.Event | None = None
        if wait and install_signal_handlers:
            # One handler for the process that stops every lane: each lane's procrastinate
            # worker would install its own, and the last one installed would stop only itself
            # (SIGTERM left the other lanes, and the process, running).
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop.set)
        await _serve(
            app,
            stop,
            concurrency=concurrency,
            runtime=runtime,
            wait=wait,
            install_signal_handlers=install_signal_handlers and stop is None,
        )

    asyncio.run(main())


def start_worker_thread(runtime: Runtime, *, freeze_heap: bool = False) -> Callable[[], None]:
    """Run the worker beside the web server (demo and small deployments); return a stopper.
    `freeze_heap` as for `run_worker`."""
    global _runtime  # noqa: PLW0603
    _runtime = runtime
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    def target() -> None:
        asyncio.set_event_loop(loop)
        app = make_app(runtime.db.url, backend_niceness=runtime.db.backend_niceness)
        if freeze_heap:
            freeze_startup_objects()
        loop.run_until_complete(
            _serve(app, stop, concurrency=2, runtime=runtime, install_signal_handlers=False)
        )

    thread = threading.Thread(target=target, name="perisai-worker", daemon=True)
    thread.start()

    def stopper() -> None:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=10)

    return stopper
