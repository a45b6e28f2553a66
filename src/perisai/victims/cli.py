"""`perisai victims`: make a record from a report's victim, show a record's facts (never identity),
erase one (the id typed again), legal hold, and the retention schedule (list or apply)."""

from __future__ import annotations

import getpass
from typing import Annotated, Any

import typer

from perisai import clikit

app = typer.Typer(help="Victim records: create, show, erase, retention.", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]
VictimArgument = Annotated[str, typer.Argument(help="The record's id, e.g. VIC-7K2M9QXD4P1A.")]


@app.callback()
def victims_group() -> None:
    """Victim records: create from a report, show, erase, legal hold, retention."""


def _actor(verb: str) -> Any:
    from perisai.audit.service import Actor

    return Actor(kind="system", id=f"cli:victims.{verb}:{getpass.getuser()}"[:128])


def _facts(db: Any, victim: Any) -> dict[str, Any]:
    from perisai.victims import service

    view = service.victim_view(db, victim)
    return {
        key: view[key]
        for key in ("public_id", "status", "age", "created_at", "erased_at", "erasure_basis",
                    "retain_until", "legal_hold", "cases")
    } | {
        "reports": [f"{r['report_id']}#{r['position']}" for r in view["reports"]],
        "consents_in_force": [
            f"{c['field_group']}:{c['agency']}" for c in view["consents"] if c["in_force"]
        ],
    }  # fmt: skip


def _print(row: dict[str, Any], as_json: bool) -> None:
    if as_json:
        clikit.emit(row)
        return
    for key, value in row.items():
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        typer.echo(f"{key}\t{'' if shown is None else shown}")


@app.command("create")
def create_command(
    report: Annotated[str, typer.Option("--report", help="The report's id.", max=32)],
    position: Annotated[int, typer.Option("--position", min=0, max=1000)] = 0,
    as_json: JsonOption = False,
) -> None:
    """A record from a report's victim (the sealed block is split into groups, not printed)."""
    from perisai.cliruntime import cli_runtime
    from perisai.victims import service

    if len(report) > 32:
        clikit.fail("--report: at most 32 characters")
    with cli_runtime() as runtime, runtime.db.transaction() as db:
        try:
            victim = service.create_from_report(
                db, runtime.keyring, report_public_id=report, position=position,
                actor=_actor("create"),
            )  # fmt: skip
        except (service.VictimNotFound, service.VictimConflict) as exc:
            clikit.fail(str(exc))
        row = _facts(db, victim)
    _print(row, as_json)


@app.command("show")
def show_command(victim_id: VictimArgument, as_json: JsonOption = False) -> None:
    """A record's facts: status, linked reports and cases, consents in force. Never identity."""
    from perisai.cliruntime import cli_runtime
    from perisai.victims import service

    with cli_runtime() as runtime, runtime.db.transaction() as db:
        try:
            row = _facts(db, service.victim_by_public_id(db, victim_id))
        except service.VictimNotFound as exc:
            clikit.fail(str(exc))
    _print(row, as_json)


@app.command("erase")
def erase_command(
    victim_id: VictimArgument,
    confirm: Annotated[str, typer.Option("--confirm", help="The record's id again.")],
    basis: Annotated[str, typer.Option("--basis", help="request, retention or court_order")] = (
        "request"
    ),
    as_json: JsonOption = False,
) -> None:
    """Crypto-shred the child's identity everywhere (cannot be undone; audited)."""
    from perisai.cliruntime import cli_runtime
    from perisai.victims import service

    if confirm != victim_id:
        clikit.fail("--confirm must repeat the record's id")
    with cli_runtime() as runtime, runtime.db.transaction() as db:
        try:
            victim = service.victim_by_public_id(db, victim_id)
            service.erase_victim(db, runtime.keyring, victim, basis=basis, actor=_actor("erase"))
        except (service.VictimNotFound, service.VictimConflict, service.VictimInputError) as exc:
            clikit.fail(str(exc))
        row = _facts(db, victim)
    _print(row, as_json)


@app.command("hold")
def hold_command(
    victim_id: VictimArgument,
    state: Annotated[str, typer.Argument(help="on or off")],
    as_json: JsonOption = False,
) -> None:
    """Put a record on legal hold (never erased) or lift the hold."""
    from perisai.cliruntime import cli_runtime
    from perisai.victims import service

    if state not in ("on", "off"):
        clikit.fail("state: on or off")
    with cli_runtime() as runtime, runtime.db.transaction() as db:
        try:
            victim = service.victim_by_public_id(db, victim_id)
        except service.VictimNotFound as exc:
            clikit.fail(str(exc))
        service.set_legal_hold(db, victim, hold=state == "on", actor=_actor("hold"))
        row = _facts(db, victim)
    _print(row, as_json)


@app.command("retention")
def retention_command(
    apply: Annotated[bool, typer.Option("--apply", help="Erase what is due (audited).")] = False,
    as_json: JsonOption = False,
) -> None:
    """The schedule, and what is due now; with --apply, erase it."""
    from perisai.cliruntime import cli_runtime
    from perisai.victims import service
    from perisai.victims.retention import SCHEDULE

    with cli_runtime() as runtime, runtime.db.transaction() as db:
        if apply:
            row: dict[str, Any] = service.apply_retention(
                db, runtime.keyring, actor=_actor("retention")
            )
        else:
            row = {
                "victims_due": [v.public_id for v in service.due_for_erasure(db)],
                "report_victims_due": len(service.unlinked_report_victims_due(db)),
                "report_extras_due": len(service.report_extras_due(db)),
            }
    if not as_json:
        for rule in SCHEDULE:
            typer.echo(f"# {rule.kind}: {rule.keep}")
    _print(row, as_json)


keys_app = typer.Typer(
    help="The subject key store (outside the database) and the erasure ledger.",
    no_args_is_help=True,
)
app.add_typer(keys_app, name="keys")


@keys_app.command("reconcile")
def keys_reconcile_command(as_json: JsonOption = False) -> None:
    """After restoring the database or the key store (and daily): replay the erasure ledger
    (destroy keys, erase records it names), add erasures the database knows to the ledger,
    move keys still in database rows to the store. Exit 1 if a ledger line is not authentic."""
    from perisai.cliruntime import cli_runtime
    from perisai.victims import service

    with cli_runtime() as runtime, runtime.db.transaction() as db:
        row: dict[str, Any] = service.reconcile(db, runtime.keyring, actor=_actor("reconcile"))
    _print(row, as_json)
    if row["ledger_bad_lines"]:
        clikit.fail(f"{row['ledger_bad_lines']} erasure ledger lines are not authentic", 1)


@keys_app.command("verify")
def keys_verify_command(as_json: JsonOption = False) -> None:
    """Open every key of every segment; exit 1 on the first that does not open."""
    from perisai.cliruntime import cli_runtime
    from perisai.keystore import StoreCorrupt

    with cli_runtime() as runtime:
        try:
            row: dict[str, Any] = runtime.keyring.subjects().verify()
        except StoreCorrupt as exc:
            clikit.fail(str(exc), 1)
    _print(row, as_json)


@keys_app.command("backup")
def keys_backup_command(
    destination: Annotated[str, typer.Argument(help="An empty or new directory.")],
    as_json: JsonOption = False,
) -> None:
    """Copy the key store's segments (each verified, written 0600 and fsynced) to a directory.

    Keep these copies only as long as you promise erasure takes (docs/security.md): a copy
    made before an erasure holds that child's key until the copy is deleted or the ledger is
    replayed over it."""
    from pathlib import Path

    from perisai.cliruntime import cli_runtime
    from perisai.keystore import StoreCorrupt

    target = Path(destination)
    if target.exists() and any(target.iterdir()):
        clikit.fail(f"{destination}: not empty")
    with cli_runtime() as runtime:
        try:
            row: dict[str, Any] = runtime.keyring.subjects().backup(target)
        except StoreCorrupt as exc:
            clikit.fail(str(exc), 1)
    _print(row, as_json)
