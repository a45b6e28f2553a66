"""The procrastinate app and worker. Domains register tasks with :func:`job`.

Tasks are synchronous functions that open their own transaction through the process's Runtime
(set by :func:`run_worker`), so a job owns its transaction as a request does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import procrastinate
import psycopg
from procrastinate import RetryStrategy
from sqlalchemy.engine import make_url

from perisai.db.engine import application_name, renice_backend
from perisai.manifest import import_all
from perisai.runtime import Runtime

log = logging.getLogger(__name__)

# Exponential backoff: 2, 4, 8, ... seconds, up to 10 attempts; failures stay visible in
# procrastinate_jobs (status 'failed') for operators.
DEFAULT_RETRY = RetryStrategy(max_attempts=10, exponential_wait=2)

_runtime: Runtime | None = None


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


JOBS: dict[str, JobSpec] = {}


def job(
    name: str, *, queue: str = "default", retry: RetryStrategy = DEFAULT_RETRY
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a synchronous job function under a stable name (the name is what is queued)."""

    def register(func: Callable[..., None]) -> Callable[..., None]:
        JOBS[name] = JobSpec(name=name, func=func, queue=queue, retry=retry)
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
    for spec in JOBS.values():
        app.task(name=spec.name, queue=spec.queue, retry=spec.retry)(spec.func)
    return app


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


async def _serve(
    app: procrastinate.App, stop: asyncio.Event | None, *, concurrency: int, **options: Any
) -> None:
    async with app.open_async():
        workers = [
            asyncio.create_task(
                app.run_worker_async(
                    name=f"perisai-{lane}",
                    queues=queues,
                    concurrency=concurrency,
                    fetch_job_polling_interval=POLLING_SECONDS[lane],
                    **options,
                )
            )
            for lane, queues in LANES.items()
        ]
        if stop is None:
            await asyncio.gather(*workers)
            return
        await stop.wait()
        for worker in workers:
            worker.cancel()
        for worker in workers:
            with contextlib.suppress(asyncio.CancelledError):
                await worker


def run_worker(
    runtime: Runtime,
    *,
    concurrency: int = 2,
    install_signal_handlers: bool = True,
    wait: bool = True,
) -> None:
    """Run the worker in this thread until stopped (with wait=False: until the queue is empty)."""
    global _runtime  # noqa: PLW0603 - the worker process has one runtime
    _runtime = runtime
    app = make_app(runtime.db.url)
    asyncio.run(
        _serve(
            app,
            None,
            concurrency=concurrency,
            wait=wait,
            install_signal_handlers=install_signal_handlers,
        )
    )


def start_worker_thread(runtime: Runtime) -> Callable[[], None]:
    """Run the worker beside the web server (demo and small deployments); return a stopper."""
    global _runtime  # noqa: PLW0603
    _runtime = runtime
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    def target() -> None:
        asyncio.set_event_loop(loop)
        app = make_app(runtime.db.url, backend_niceness=runtime.db.backend_niceness)
        loop.run_until_complete(_serve(app, stop, concurrency=2, install_signal_handlers=False))

    thread = threading.Thread(target=target, name="perisai-worker", daemon=True)
    thread.start()

    def stopper() -> None:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=10)

    return stopper
