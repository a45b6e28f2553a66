"""`perisai monitoring` commands: offline spike detection over a daily-counts CSV.

The statistics live in :mod:`perisai.monitoring.detect` (pure); this module only reads the file,
checks the options and prints the alerts.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from perisai import clikit
from perisai.monitoring.alert_cli import app as alerts_app

app = typer.Typer(help="Monitoring of emerging threats.", no_args_is_help=True)


app.add_typer(alerts_app, name="alerts")


@app.callback()
def monitoring() -> None:
    """Monitoring of emerging threats: spike detection over daily counts."""


@app.command("detect")
def detect_command(
    counts: Annotated[
        str,
        typer.Option(
            "--counts",
            help="CSV 'date,series,count' (ISO dates; a missing row is zero); '-' stdin.",
        ),
    ],
    fdr: Annotated[
        float, typer.Option("--fdr", help="False-discovery rate per daily run (0-1).")
    ] = 0.05,
    min_count: Annotated[
        int, typer.Option("--min-count", help="Smallest observed count that may alert.")
    ] = 5,
    new_series_k: Annotated[
        int,
        typer.Option("--new-series-k", help="Reports in one day that make a new series alert."),
    ] = 10,
    json_output: Annotated[bool, typer.Option("--json", help="One JSON object per alert.")] = False,
) -> None:
    """Replay one detection run per day over every series; print one line per alert."""
    from perisai.monitoring.countsfile import MAX_BYTES, CountsFileError, parse_counts
    from perisai.monitoring.detect import DetectConfig, detect

    try:
        config = DetectConfig(fdr=fdr, min_count=min_count, new_series_k=new_series_k)
    except ValueError as exc:
        clikit.fail(str(exc))
    data = _read(counts, MAX_BYTES)
    try:
        series = parse_counts(data)
    except CountsFileError as exc:
        clikit.fail(f"{counts}: {exc}")
    for alert in detect(series, config):
        row = alert.as_dict()
        if json_output:
            clikit.emit(row)
        else:
            p = "-" if alert.p_value is None else f"{alert.p_value:.3g}"
            q = "-" if alert.q_value is None else f"{alert.q_value:.3g}"
            typer.echo(
                f"{row['date']}\t{alert.series}\tobserved={alert.observed}"
                f"\texpected={alert.expected:.2f}\tp={p}\tq={q}\t{alert.method}"
            )


def _read(name: str, limit: int) -> bytes:
    try:
        if name == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with Path(name).open("rb") as handle:
                data = handle.read(limit + 1)
    except OSError as exc:
        clikit.fail(f"cannot read {name}: {exc.strerror or exc}")
    if len(data) > limit:
        clikit.fail(f"{name}: file is larger than {limit // (1024 * 1024)} MB")
    return data


@app.command("rollup")
def rollup_command(
    json_output: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """Count now what the minutely job would: marked reports, then never-counted ones."""
    from perisai.cliruntime import cli_runtime
    from perisai.monitoring.tasks import run_rollup

    with cli_runtime() as runtime:
        run = run_rollup(runtime, max_batches=1_000_000)
    answer = {"retallied": run.retallied, "swept": run.swept, "busy": run.busy}
    if json_output:
        clikit.emit(answer)
    elif run.busy:
        typer.echo("another rollup is running; counted so far: " + str(answer))
    else:
        typer.echo(f"counted again {run.retallied}, counted for the first time {run.swept}")
    if run.busy:
        raise typer.Exit(clikit.EXIT_FAILED)


MAX_SPAN_DAYS = 3660


@app.command("counts")
def counts_command(
    start: Annotated[str, typer.Option("--from", help="First day (Malaysia time), YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Last day, inclusive, YYYY-MM-DD.")],
    dimension: Annotated[
        str | None, typer.Option("--dimension", help="Only this dimension's series.")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="One JSON object per row.")] = False,
) -> None:
    """Daily counts from the rollups as `date,series,count` (what `detect --counts` reads)."""
    from datetime import date, timedelta

    from perisai.cliruntime import cli_runtime
    from perisai.monitoring.rollups import daily_counts
    from perisai.monitoring.series import DIMENSIONS

    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        clikit.fail("--from and --to must be dates written YYYY-MM-DD")
    if first > last:
        clikit.fail("--from must be on or before --to")
    if (last - first).days >= MAX_SPAN_DAYS:
        clikit.fail(f"at most {MAX_SPAN_DAYS} days at a time")
    if dimension is not None and dimension not in DIMENSIONS:
        clikit.fail(f"--dimension must be one of {', '.join(DIMENSIONS)}")
    with cli_runtime() as runtime, runtime.db.transaction() as session:
        rows = daily_counts(
            session, since=first, until=last + timedelta(days=1), dimension=dimension
        )
    if not json_output:
        typer.echo("date,series,count")
    for row in sorted(rows, key=lambda r: (r.day, r.series_key)):
        if json_output:
            clikit.emit({"date": row.day.isoformat(), "series": row.series_key, "count": row.count})
        else:
            typer.echo(f"{row.day.isoformat()},{_csv_field(row.series_key)},{row.count}")


def _csv_field(text: str) -> str:
    """A CSV field: quoted when it holds a comma, a quote or a line break."""
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text
