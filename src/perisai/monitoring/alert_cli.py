"""`perisai monitoring alerts`: spike alerts for operators — run the detection now, list, show,
acknowledge, confirm, dismiss.

The operator acts as the system (audited as `cli:monitoring.<verb>:<login>`), as other domains'
CLIs do. Days are Malaysia-time days; times are printed in Malaysia time; `--json` prints one
object per line. Imports of the database stay inside the commands, so `perisai monitoring
detect` keeps working without one.
"""

from __future__ import annotations

import getpass
import re
from typing import Annotated, Any

import typer

from perisai import clikit

app = typer.Typer(help="Spike alerts: run, list, show, ack, confirm, dismiss.")
JsonOption = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]
AlertArgument = Annotated[str, typer.Argument(help="The alert id, e.g. MA-7K2M9QXD.")]
_ALERT_ID = re.compile(r"^MA-[0-9A-Z]{8}$")
STATUSES = ("new", "acknowledged", "confirmed", "dismissed")


@app.callback(no_args_is_help=True)
def alerts_group() -> None:
    """Spike alerts found by the hourly job over the trend rollups."""


def _actor(verb: str) -> Any:
    from perisai.audit.service import Actor

    return Actor(kind="system", id=f"cli:monitoring.{verb}:{getpass.getuser()}"[:64])


def _alert_id(text: str) -> str:
    found = text.strip().upper()
    if not _ALERT_ID.match(found):
        clikit.fail(f"not an alert id (MA- and 8 letters or digits): {text[:40]!r}")
    return found


def _print(row: dict[str, Any], as_json: bool) -> None:
    if as_json:
        clikit.emit(row)
        return
    p = "-" if row["p_value"] is None else f"{row['p_value']:.3g}"
    q = "-" if row["q_value"] is None else f"{row['q_value']:.3g}"
    typer.echo(
        f"{row['id']}\t{row['day']}\t{row['series']}\tobserved={row['observed']}"
        f"\texpected={row['expected']:.2f}\tp={p}\tq={q}\t{row['method']}\t{row['status']}"
    )


@app.command("run")
def run_command(as_json: JsonOption = False) -> None:
    """Run the spike detection now (as the hourly job does) and print the alerts it raised."""
    from perisai.cliruntime import cli_runtime
    from perisai.monitoring.alert_present import alert_json
    from perisai.monitoring.alert_tasks import run_once

    with cli_runtime() as runtime:
        done = run_once(runtime)
        rows = [alert_json(a) for a in done.raised]
    for row in rows:
        _print(row, as_json)
    if not as_json:
        typer.echo(f"{done.day} (MYT): {done.series} series read, {len(rows)} new alerts")


@app.command("list")
def list_command(
    status: Annotated[str | None, typer.Option(help="new|acknowledged|confirmed|dismissed")] = None,
    series: Annotated[str | None, typer.Option(help="One series key, e.g. source:hotline")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="At most this many.")] = 100,
    as_json: JsonOption = False,
) -> None:
    """Alerts, newest day first."""
    if status is not None and status not in STATUSES:
        clikit.fail(f"--status must be one of {', '.join(STATUSES)}")
    if series is not None and (len(series) > 200 or not series.strip()):
        clikit.fail("--series must be a series key of 1-200 characters")
    from perisai.cliruntime import cli_runtime
    from perisai.monitoring import alerts
    from perisai.monitoring.alert_models import AlertStatus
    from perisai.monitoring.alert_present import alert_json

    with cli_runtime() as runtime, runtime.db.transaction() as db:
        found = alerts.list_alerts(
            db,
            status=AlertStatus(status) if status else None,
            series=series,
            limit=limit,
        )
        rows = [alert_json(a) for a in found]
    for row in rows:
        _print(row, as_json)


def _act(verb: str, alert_id: str, as_json: bool, reason: str | None = None) -> None:
    from perisai.cliruntime import cli_runtime
    from perisai.monitoring import alerts
    from perisai.monitoring.alert_present import alert_json

    public_id = _alert_id(alert_id)
    actor = _actor(verb)
    try:
        with cli_runtime() as runtime, runtime.db.transaction() as db:
            if verb == "show":
                found = alerts.get_alert(db, public_id)
            elif verb == "ack":
                found = alerts.acknowledge(db, public_id, actor=actor)
            elif verb == "confirm":
                found = alerts.confirm(db, public_id, actor=actor)
            else:
                found = alerts.dismiss(db, public_id, actor=actor, reason=reason)
            row = alert_json(found)
    except alerts.AlertNotFound:
        clikit.fail(f"no alert {public_id}", code=clikit.EXIT_FAILED)
    except alerts.AlertError as exc:
        clikit.fail(str(exc))
    _print(row, as_json)


@app.command("show")
def show_command(alert_id: AlertArgument, as_json: JsonOption = False) -> None:
    """One alert with its evidence."""
    _act("show", alert_id, as_json)


@app.command("ack")
def ack_command(alert_id: AlertArgument, as_json: JsonOption = False) -> None:
    """Acknowledge: someone is looking into it."""
    _act("ack", alert_id, as_json)


@app.command("confirm")
def confirm_command(alert_id: AlertArgument, as_json: JsonOption = False) -> None:
    """Confirm: a real rise."""
    _act("confirm", alert_id, as_json)


@app.command("dismiss")
def dismiss_command(
    alert_id: AlertArgument,
    reason: Annotated[str, typer.Option("--reason", help="Why (required, up to 1000 chars).")],
    as_json: JsonOption = False,
) -> None:
    """Dismiss with a reason."""
    _act("dismiss", alert_id, as_json, reason=reason)
