"""`perisai worker`: run background jobs; `perisai jobs ...`: the commands domains add here
(`jobs.commands` hook: triage adds `check`, what the pipeline left behind)."""

from __future__ import annotations

from typing import Annotated

import typer

from perisai.jobs.names import JOBS_COMMANDS
from perisai.jobs.processes import MAX_PROCESSES, default_processes, run_processes
from perisai.manifest import hooks

app = typer.Typer(help="Background jobs: checks.", no_args_is_help=True)


@app.callback()
def jobs() -> None:
    """Background jobs: stalled jobs and reports the pipeline never triaged."""


def worker_command(
    concurrency: Annotated[
        int, typer.Option(min=1, max=32, help="Jobs run at once per lane, in each process.")
    ] = 2,
    processes: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=MAX_PROCESSES,
            help="Worker processes (default: one per core). Each loads the banks' index.",
        ),
    ] = None,
    once: Annotated[bool, typer.Option(help="Exit when the queue is empty.")] = False,
) -> None:
    """Run background jobs (enrichment, webhooks, SLA timers) until stopped."""
    count = processes if processes is not None else default_processes()
    if count == 1:
        run_one_worker(concurrency, once, migrate=True)
        return
    _prepare_database()
    code = run_processes(run_one_worker, (concurrency, once), count)
    if code:
        raise typer.Exit(code)


def _prepare_database() -> None:
    """Start the embedded server if it is the one configured, and migrate, once, before the
    processes start (each would otherwise try both at the same time)."""
    from perisai.cliruntime import cli_settings
    from perisai.db.engine import Database
    from perisai.db.migrate import bring_to_head

    database = Database.from_settings(cli_settings())
    try:
        bring_to_head(database)
    finally:
        database.dispose()


def run_one_worker(concurrency: int, once: bool, *, migrate: bool = False) -> None:
    """One worker process: its own runtime, every lane (also the target of each spawned one)."""
    from perisai.cliruntime import cli_runtime
    from perisai.jobs.worker import run_worker

    with cli_runtime(migrate=migrate) as runtime:
        run_worker(runtime, concurrency=concurrency, wait=not once, freeze_heap=True)


for register in hooks(JOBS_COMMANDS):
    register(app)
