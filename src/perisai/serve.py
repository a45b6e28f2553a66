"""`perisai serve`: bring the schema to head, then serve the app with uvicorn.

With `--workers N` (N > 1) uvicorn runs N server processes, each building its app from the
environment (`perisai.app:app_from_environment`), so intake uses every core instead of one
process's GIL. The background job worker, when enabled, runs once, in the parent process, never
in every server process.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from perisai.config import Settings

if TYPE_CHECKING:
    from perisai.runtime import Runtime

log = logging.getLogger(__name__)

_UVICORN_OPTIONS: dict[str, Any] = {
    "log_config": None,
    "server_header": False,
    "timeout_graceful_shutdown": 5,
}


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options. `X-Forwarded-*` headers are believed only from the proxies the
    operator names (`PERISAI_TRUSTED_PROXIES`), never by default (uvicorn's own default trusts
    loopback, which any local process or a same-host proxy misconfiguration can use to forge the
    client address that login lockout and rate limits key on)."""
    proxies = [part.strip() for part in settings.trusted_proxies.split(",") if part.strip()]
    return {
        **_UVICORN_OPTIONS,
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": ",".join(proxies),
    }


WORKER_NICENESS = 10
WORKER_POOL_SIZE = 4

# uvicorn's supervisor kills a server process that does not answer its ping within this many
# seconds, and a new process only answers once it has imported the app. Its default of 5 s is
# shorter than a start under load (imports alone took tens of seconds at load 12), so processes
# were killed and respawned for ever and the server never answered. A hung process is still
# replaced, a minute later.
WORKER_HEALTHCHECK_SECONDS = 60


def _start_job_worker(settings: Settings, runtime: Runtime) -> Callable[[], None] | None:
    if not settings.worker_in_process:
        return None
    from perisai.jobs.worker import start_worker_thread

    stop = start_worker_thread(_worker_runtime(settings, runtime), freeze_heap=True)
    _lower_priority("perisai-worker")
    return stop


def _start_anchoring(settings: Settings, runtime: Runtime) -> Callable[[], None]:
    """Sign and store the audit chain's head on a schedule; the returned stop writes a last one
    (at shutdown) and ends the schedule."""
    from perisai.audit.anchors import Anchorer, anchor
    from perisai.audit.keys import signing_key

    def write() -> None:
        with runtime.db.transaction() as session:
            anchor(session, signing_key(runtime), settings.audit_heads_path)

    anchorer = Anchorer(write, interval=settings.audit_anchor_minutes * 60.0).start()
    return anchorer.stop


def _worker_runtime(settings: Settings, runtime: Runtime) -> Runtime:
    """The worker's own engine; on the embedded server its sessions run niced too.

    Most of enrichment's cost is in PostgreSQL (linking queries), in server processes that a
    niced Python thread does not reach: without this, enrichment still takes the cores from
    intake. Only the embedded server is ours to renice (same machine, same user).
    """
    from perisai.db.engine import Database
    from perisai.runtime import Runtime

    niceness = None if settings.database_url else WORKER_NICENESS
    # Its jobs run a few at a time (`jobs.worker`: two per lane), so a small pool: the server
    # processes' pools and their priority lanes keep PostgreSQL's connections.
    database = Database(
        runtime.db.url,
        pool_size=WORKER_POOL_SIZE,
        max_overflow=WORKER_POOL_SIZE,
        backend_niceness=niceness,
        owner_url=runtime.db.owner_url,
    )
    return Runtime(settings=settings, db=database)


def _lower_priority(thread_name: str) -> None:
    """Nice one thread (Linux: niceness is per thread, and threads it starts inherit it).

    Enrichment costs about as much CPU per report as intake itself; intake must win the cores.
    With `--workers` > 1 the job worker is alone in this process, so this is all it takes; with
    one process it still shares that process's GIL with the server.
    """
    for thread in threading.enumerate():
        if thread.name == thread_name and thread.native_id is not None:
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, thread.native_id, WORKER_NICENESS)


def prepare_first_start(runtime: Runtime) -> None:
    """Create every file a first start makes (master key, audit signing key, evidence folder)
    here, once, before uvicorn starts its server processes; those then only read them."""
    from perisai.audit.keys import signing_key

    _ = runtime.keyring, signing_key(runtime)
    runtime.settings.evidence_dir.mkdir(parents=True, exist_ok=True, mode=0o700)


def run_server(
    settings: Settings, *, demo_accounts: list[str] | None = None, workers: int = 1
) -> None:
    import uvicorn

    from perisai.app import create_app
    from perisai.db.migrate import bring_to_head
    from perisai.runtime import Runtime

    runtime = Runtime.start(settings)
    bring_to_head(runtime.db)
    prepare_first_start(runtime)
    stop_worker = _start_job_worker(settings, runtime)
    stop_anchoring = _start_anchoring(settings, runtime)
    try:
        if workers > 1:
            # Each process reads the same environment (database, data dir, keys) as this one.
            uvicorn.run(
                "perisai.app:app_from_environment",
                factory=True,
                workers=workers,
                timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
                host=settings.host,
                port=settings.port,
                **uvicorn_options(settings),
            )
            return
        app = create_app(settings, runtime=runtime, freeze_heap=True)
        app.state.demo_accounts = demo_accounts
        uvicorn.run(app, host=settings.host, port=settings.port, **uvicorn_options(settings))
    finally:
        if stop_worker is not None:
            stop_worker()
        stop_anchoring()


def serve_command(
    host: Annotated[str | None, typer.Option(help="Listen address (PERISAI_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port (PERISAI_PORT).")] = None,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Server processes (use about one per core).")
    ] = 1,
) -> None:
    """Serve the web app and API."""
    from perisai.cliruntime import cli_settings

    settings = cli_settings()
    overrides = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    if overrides:
        settings = settings.model_copy(update=overrides)
    run_server(settings, workers=workers)
