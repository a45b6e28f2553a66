"""`perisai support`: support plans, one plan, follow-ups due, and the Barnahus measures.

Reading a plan is a read of support data: it is audited as the person at the terminal
(``cli:support.show:<login>``). Nothing here prints a child's identity or counselling notes.
"""

from __future__ import annotations

import getpass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer

from perisai import clikit

app = typer.Typer(help="Victim support: plans, follow-ups due, measures.", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]


@app.callback()
def support() -> None:
    """Victim support: plans, follow-ups due, measures (docs/support.md)."""


def _actor(verb: str) -> Any:
    from perisai.audit.service import Actor

    return Actor(kind="system", id=f"cli:support.{verb}:{getpass.getuser()}"[:128])


def _time(value: object) -> str:
    from perisai.web.timefmt import local_time

    return local_time(value) if value else "-"


@app.command("plans")
def plans_command(
    limit: Annotated[int, typer.Option(min=1, max=1000, help="At most this many.")] = 100,
    as_json: JsonOption = False,
) -> None:
    """Open support plans, newest first: code, lead agency, services, safety check."""
    from perisai.cliruntime import cli_runtime
    from perisai.sharing.redaction import Viewer
    from perisai.support import service

    with cli_runtime() as runtime, runtime.db.transaction() as db:
        rows = [
            {
                "id": p.public_id,
                "lead_agency": p.lead_agency.short_name,
                "created_at": p.created_at,
                "services": len(p.services),
                "safety_check": p.safety_check,
            }
            for p in service.visible_plans(db, Viewer.system(), limit=limit)
        ]
    for row in rows:
        if as_json:
            clikit.emit(row)
        else:
            typer.echo(
                f"{row['id']}\t{row['lead_agency']}\t{_time(row['created_at'])}\t"
                f"{row['services']} services\tsafety {row['safety_check']}"
            )


@app.command("show")
def show_command(
    plan: Annotated[str, typer.Argument(help="The plan's code, e.g. SP-7K2M9QXD.")],
    as_json: JsonOption = False,
) -> None:
    """One plan: needs, services with their follow-ups, the interview register (audited)."""
    from perisai.cliruntime import cli_runtime
    from perisai.sharing.redaction import Viewer
    from perisai.support import api, service

    try:
        with cli_runtime() as runtime, runtime.db.transaction() as db:
            view = service.read_plan(
                db, viewer=Viewer.system(), public_id=plan, actor=_actor("show")
            )
            out = api.plan_out(db, view).model_dump(mode="json")
    except service.SupportProblem:
        clikit.fail(f"no support plan {plan[:20]!r}")
    if as_json:
        clikit.emit(out)
        return
    typer.echo(f"{out['id']}  lead {out['lead_agency']}  safety check {out['safety_check']}")
    for need in out["needs"]:
        typer.echo(f"  need {need['area']}: {need['level']}")
    for s in out["services"]:
        typer.echo(
            f"  service {s['id']} {s['kind']} ({s['provider']}): {s['status']}, "
            f"follow-up {s['follow_up_due_at'] or '-'}"
        )
    for i in out["interviews"] or []:
        repeat = " repeat" if i["repeat"] else ""
        typer.echo(f"  interview {i['number']}{repeat}: {i['status']} by {i['agency']}")


@app.command("due")
def due_command(
    within: Annotated[
        int, typer.Option(min=0, max=720, help="Also list follow-ups due within this many hours.")
    ] = 24,
    as_json: JsonOption = False,
) -> None:
    """Follow-ups overdue or due soon, and safety checks overdue; exit 1 if any is overdue.
    Run it from cron or monitoring beside the reminders the worker sends."""
    from perisai.cliruntime import cli_runtime
    from perisai.support import service

    now = datetime.now(UTC)
    with cli_runtime() as runtime, runtime.db.transaction() as db:
        rows = service.due_items(db, now=now, within=timedelta(hours=within))
    for row in rows:
        if as_json:
            clikit.emit(row)
        else:
            state = "OVERDUE" if row["overdue"] else "due"
            typer.echo(
                f"{row['plan']}\t{row['what']}\t{row['agency']}\t{state} {_time(row['due_at'])}"
            )
    if any(row["overdue"] for row in rows):
        raise typer.Exit(clikit.EXIT_FAILED)


@app.command("measures")
def measures_command(
    window: Annotated[str, typer.Option(help="30, 90, 365 or all (days back).")] = "all",
    as_json: JsonOption = False,
) -> None:
    """The Barnahus measures, overall, per agency and per month (aggregates only)."""
    from perisai.cliruntime import cli_runtime
    from perisai.support import api, measures

    if window not in measures.WINDOWS:
        clikit.fail(f"--window must be one of {', '.join(measures.WINDOWS)}")
    now = datetime.now(UTC)
    with cli_runtime() as runtime, runtime.db.transaction() as db:
        found = measures.measures(db, now=now, since=measures.window_start(window, now))
    groups = [("all", [found.overall]), ("agency", found.by_agency), ("month", found.by_month)]
    for group, rows in groups:
        for row in rows:
            out = {"group": group, **api.row_out(row).model_dump()}
            if as_json:
                clikit.emit(out)
                continue
            share = out["follow_up_share"]
            typer.echo(
                f"{group}\t{out['label']}\tchildren {out['children']}\t"
                f"days to contact {_num(out['days_to_contact_median'])}\t"
                f"interviews/child {_num(out['interviews_per_child'])}\t"
                f"repeats {out['repeat_interviews']}\t"
                f"agencies/child {_num(out['agencies_per_child'])}\t"
                f"followed in 30 d {'-' if share is None else f'{share:.0%}'}"
            )


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"
