"""`perisai bank`: hash banks in the service's database (list, import, export)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from perisai import clikit

app = typer.Typer(help="Hash banks in the database.", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]
BankOption = Annotated[str, typer.Option("--bank", help="The bank's name.")]
FORMAT_HELP = "csv, vics, hashdeep, md5sum, sha1sum, sha256sum, nsrl (import only) or ncmec"


@app.callback()
def bank() -> None:
    """Hash banks in the database: list, import, export."""


@app.command("list")
def list_command(as_json: JsonOption = False) -> None:
    """Every bank with its kind, threshold and number of entries."""
    from perisai.banks import service
    from perisai.cliruntime import cli_runtime

    with cli_runtime() as runtime, runtime.db.transaction() as db:
        rows = [
            {
                "name": b.name,
                "kind": b.kind,
                "enabled": b.enabled,
                "pdq_threshold": b.pdq_threshold,
                "entries": n,
                "source": b.source,
                "description": b.description,
            }
            for b, n in service.list_banks(db)
        ]
    for row in rows:
        if as_json:
            clikit.emit(row)
        else:
            state = "" if row["enabled"] else " (disabled)"
            typer.echo(f"{row['name']}\t{row['kind']}\t{row['entries']} entries{state}")


def _print_import(summary: dict[str, Any], as_json: bool) -> None:
    if as_json:
        clikit.emit(summary)
        return
    typer.echo(
        f"{summary['bank']}: {summary['added']} added, {summary['duplicates']} duplicates, "
        f"{summary['rejected']} rejected ({summary['format']})"
    )
    for error in summary["errors"]:
        where = f"line {error['line']}" if error.get("line") else f"entry {error.get('entry')}"
        typer.echo(f"  {where}: {error['message']}", err=True)


@app.command("import")
def import_command(
    path: Annotated[Path, typer.Argument(help="The bank file.")],
    bank_name: BankOption,
    fmt: Annotated[str | None, typer.Option("--format", help=FORMAT_HELP)] = None,
    create: Annotated[bool, typer.Option("--create", help="Create the bank if absent.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Import a bank file; valid rows are added, malformed ones listed (exit 1 if any)."""
    from perisai.audit.service import Actor
    from perisai.banks import service
    from perisai.cliruntime import cli_runtime
    from perisai.media.banks import BANK_FORMATS, DEFAULT_MAX_BANK_BYTES

    if not path.is_file():
        clikit.fail(f"{path}: no such file")
    if fmt is not None and fmt not in BANK_FORMATS:
        clikit.fail(f"unknown format {fmt!r} (known: {', '.join(BANK_FORMATS)})")
    actor = Actor(kind="system", id="cli:bank.import")
    try:
        with cli_runtime() as runtime, runtime.db.transaction() as db:
            try:
                target = service.get_bank(db, name=bank_name)
            except service.NotFound:
                if not create:
                    clikit.fail(f"no bank named {bank_name!r} (pass --create to create it)")
                target = service.create_bank(db, actor=actor, name=bank_name)
            summary = service.import_file(
                db, actor=actor, bank=target, path=path, fmt=fmt, max_bytes=DEFAULT_MAX_BANK_BYTES
            )
    except service.BankProblem as exc:
        clikit.fail(f"{path}: {exc}")
    _print_import({"bank": bank_name, **summary.as_dict()}, as_json)
    if summary.errors:
        raise typer.Exit(clikit.EXIT_FAILED)


@app.command("export")
def export_command(
    bank_name: BankOption,
    fmt: Annotated[str, typer.Option("--format", help=FORMAT_HELP)],
    out: Annotated[Path, typer.Option("--out", help="Where to write the bank file.")],
    as_json: JsonOption = False,
) -> None:
    """Write every entry of a bank (enabled or not) to a file in the given format."""
    from perisai.banks import service
    from perisai.cliruntime import cli_runtime
    from perisai.media.banks import BANK_FORMATS, READ_ONLY_FORMATS, write_bank

    if fmt not in BANK_FORMATS or fmt in READ_ONLY_FORMATS:
        writable = [name for name in BANK_FORMATS if name not in READ_ONLY_FORMATS]
        clikit.fail(f"cannot write format {fmt!r} (one of: {', '.join(writable)})")
    try:
        with cli_runtime() as runtime, runtime.db.transaction() as db:
            entries = list(service.export_entries(db, bank=service.get_bank(db, name=bank_name)))
    except service.NotFound as exc:
        clikit.fail(str(exc))
    try:
        summary = write_bank(entries, out, fmt)
    except OSError as exc:
        clikit.fail(f"{out}: {exc.strerror or exc}")
    result = {
        "bank": bank_name,
        "format": fmt,
        "out": str(out),
        "written": summary.written,
        "skipped": summary.skipped,
    }
    if as_json:
        clikit.emit(result)
    else:
        typer.echo(f"{bank_name}: {summary.written} written, {summary.skipped} skipped → {out}")
