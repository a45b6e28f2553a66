"""`perisai worker`: run background jobs."""

from __future__ import annotations

from typing import Annotated

import typer


def worker_command(
    concurrency: Annotated[int, typer.Option(min=1, max=32, help="Jobs run at once.")] = 2,
    once: Annotated[bool, typer.Option(help="Exit when the queue is empty.")] = False,
) -> None:
    """Run background jobs (enrichment, webhooks, SLA timers) until stopped."""
    from perisai.cliruntime import cli_runtime
    from perisai.jobs.worker import run_worker

    with cli_runtime() as runtime:
        run_worker(runtime, concurrency=concurrency, wait=not once)
