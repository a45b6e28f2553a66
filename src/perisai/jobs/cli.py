"""`perisai worker`: run background jobs; `perisai jobs ...`: the commands domains add here
(`jobs.commands` hook: triage adds `check`, what the pipeline left behind)."""

from __future__ import annotations

from typing import Annotated

import typer

from perisai.jobs.names import JOBS_COMMANDS
from perisai.manifest import hooks

app = typer.Typer(help="Background jobs: checks.", no_args_is_help=True)


@app.callback()
def jobs() -> None:
    """Background jobs: stalled jobs and reports the pipeline never triaged."""


def worker_command(
    concurrency: Annotated[int, typer.Option(min=1, max=32, help="Jobs run at once.")] = 2,
    once: Annotated[bool, typer.Option(help="Exit when the queue is empty.")] = False,
) -> None:
    """Run background jobs (enrichment, webhooks, SLA timers) until stopped."""
    from perisai.cliruntime import cli_runtime
    from perisai.jobs.worker import run_worker

    with cli_runtime() as runtime:
        run_worker(runtime, concurrency=concurrency, wait=not once)


for register in hooks(JOBS_COMMANDS):
    register(app)
