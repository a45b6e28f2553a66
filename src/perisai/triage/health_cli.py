"""`perisai jobs check`: stalled jobs and acknowledged reports that never got a triage record.

Added to the `perisai jobs` group through the jobs' `jobs.commands` hook: the pipeline's health
is triage's to judge (it knows which jobs lead to a triage), and jobs imports no domain.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from perisai import clikit

MALAYSIA = ZoneInfo("Asia/Kuala_Lumpur")


def register(app: typer.Typer) -> None:
    app.command("check")(check_command)


def check_command(
    older_than: Annotated[
        int,
        typer.Option(
            "--older-than",
            min=1,
            max=7 * 24 * 60,
            help="Minutes after which a report without triage counts as missed.",
        ),
    ] = 10,
    requeue: Annotated[
        bool,
        typer.Option(
            "--requeue",
            help="Retry the stalled jobs, and queue enrichment (then triage) for each missed "
            "report that no job is waiting for.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Stalled jobs (their worker died) and acknowledged reports without a triage record.

    Exit 1 when there is either; with --requeue they are put back in the queue first (and the
    exit is still 1, so that a scheduler notices).
    """
    from perisai.cliruntime import cli_runtime
    from perisai.enrichment.queue import queue_enrichments
    from perisai.jobs.stalled import job_counts, recover_stalled
    from perisai.triage.health import untriaged_reports

    with cli_runtime() as runtime, runtime.db.transaction() as session:
        stalled_seconds = runtime.settings.job_stalled_seconds
        counts = job_counts(session, stalled_seconds=stalled_seconds)
        missed = untriaged_reports(session, older_than=timedelta(minutes=older_than))
        if requeue:
            recover_stalled(session, stalled_seconds=stalled_seconds)
            queue_enrichments(session, [item.id for item in missed if not item.pending])
    reports = [
        {
            "report_id": item.report_id,
            "received_at": item.received_at.astimezone(MALAYSIA),
            "job_pending": item.pending,
        }
        for item in missed
    ]
    if as_json:
        clikit.emit(
            {
                "stalled_jobs": counts.stalled,
                "failed_jobs": counts.failed,
                "waiting_jobs": counts.waiting,
                "untriaged_reports": reports,
                "requeued": requeue,
            }
        )
    else:
        typer.echo(f"stalled jobs (their worker is gone): {counts.stalled}")
        typer.echo(f"failed jobs: {counts.failed}")
        typer.echo(f"waiting jobs: {counts.waiting}")
        typer.echo(f"reports without triage after {older_than} min: {len(reports)}")
        for row in reports:
            note = "  (a job for it is waiting or running)" if row["job_pending"] else ""
            typer.echo(
                f"  {row['report_id']}  received {row['received_at']:%Y-%m-%d %H:%M} MYT{note}"
            )
        if requeue and (counts.stalled or reports):
            typer.echo("requeued: stalled jobs retried, enrichment queued for each report")
    if counts.stalled or reports:
        raise typer.Exit(clikit.EXIT_FAILED)
