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

app = typer.Typer(help="Monitoring of emerging threats.", no_args_is_help=True)


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
