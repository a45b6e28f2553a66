"""`perisai spread`: review self-reports (stop the spread): list the held, show one, release."""

from __future__ import annotations

import getpass
from typing import Annotated, Any

import typer

from perisai import clikit

app = typer.Typer(help="Self-reports of stop the spread: review held ones.", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]
CodeArgument = Annotated[str, typer.Argument(help="The case code, e.g. HS-7K2M9QXD.")]


@app.callback()
def spread() -> None:
    """Self-reports of stop the spread: list the held ones, show one, release one."""


def _row(report: Any, files: int, seen: int) -> dict[str, Any]:
    return {
        "code": report.code,
        "state": report.state,
        "hold_reason": report.hold_reason,
        "created_at": report.created_at,
        "files": files,
        "seen_and_blocked": seen,
        "contact": report.contact_sealed is not None,
    }


def _actor(verb: str) -> Any:
    from perisai.audit.service import Actor

    return Actor(kind="system", id=f"cli:spread.{verb}:{getpass.getuser()}"[:128])


def _print(row: dict[str, Any], as_json: bool) -> None:
    if as_json:
        clikit.emit(row)
        return
    reason = f" ({row['hold_reason']})" if row.get("hold_reason") else ""
    typer.echo(
        f"{row['code']}\t{row['state']}{reason}\t{row['files']} files\t"
        f"seen {row['seen_and_blocked']}\t{row['created_at']:%Y-%m-%d %H:%M} UTC"
    )


@app.command("held")
def held_command(
    limit: Annotated[int, typer.Option(min=1, max=1000, help="At most this many.")] = 100,
    as_json: JsonOption = False,
) -> None:
    """Reports held for review (a known-benign hash, or bulk from one source), oldest first."""
    from perisai.cliruntime import cli_runtime
    from perisai.spread import service

    with cli_runtime() as runtime, runtime.db.transaction() as db:
        rows = []
        for report in service.held_reports(db, limit=limit):
            found = service.status(db, report=report)
            rows.append(_row(report, found.files, found.seen_and_blocked))
    for row in rows:
        _print(row, as_json)


@app.command("show")
def show_command(
    code: CodeArgument,
    contact: Annotated[
        bool, typer.Option("--contact", help="Also print the contact left (an audited read).")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """One report's state, files, sightings and (with --contact) how to reach the person."""
    from perisai.cliruntime import cli_runtime
    from perisai.spread import service

    try:
        with cli_runtime() as runtime, runtime.db.transaction() as db:
            report = service.get_report(db, code=code)
            found = service.status(db, report=report)
            row = _row(report, found.files, found.seen_and_blocked)
            if contact:
                row["contact"] = service.contact_of(
                    db, actor=_actor("show"), keyring=runtime.keyring, report=report
                )
    except service.SpreadProblem:
        clikit.fail(f"no self-report with code {code[:32]!r}")
    _print(row, as_json)
    if contact and not as_json:
        typer.echo(f"contact: {row['contact'] or '(anonymous)'}")


@app.command("release")
def release_command(code: CodeArgument, as_json: JsonOption = False) -> None:
    """Release a held report after review: its hashes become matchable at once."""
    from perisai.cliruntime import cli_runtime
    from perisai.spread import service

    try:
        with cli_runtime() as runtime, runtime.db.transaction() as db:
            report = service.release(
                db, actor=_actor("release"), report=service.get_report(db, code=code)
            )
            found = service.status(db, report=report)
            row = _row(report, found.files, found.seen_and_blocked)
    except service.SpreadProblem as exc:
        clikit.fail(
            f"no self-report with code {code[:32]!r}"
            if exc.key == "spread.err.not_found"
            else f"{code[:32]}: not held for review"
        )
    _print(row, as_json)
