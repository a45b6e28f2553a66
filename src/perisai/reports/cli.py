"""`perisai reports` commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from perisai import clikit

app = typer.Typer(
    help="Mandatory reports: imports from NCMEC CyberTipline XML.", no_args_is_help=True
)
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
MAX_FILE_BYTES = 1_048_576


@app.callback()
def reports() -> None:
    """Mandatory-report intake: imports and checks."""


@app.command("import-cybertip")
def import_cybertip_command(
    path: Annotated[Path, typer.Argument(help="A CyberTipline report XML file.")],
    as_json: JsonOption = False,
) -> None:
    """Import a CyberTipline report XML (e.g. forwarded by NCMEC); importing twice is harmless."""
    from perisai.audit.service import Actor
    from perisai.cliruntime import cli_runtime
    from perisai.reports.imports import CybertipImportError, import_cybertip, parse_cybertip_file

    if not path.is_file():
        clikit.fail(f"{path}: no such file")
    if path.stat().st_size > MAX_FILE_BYTES:
        clikit.fail(f"{path}: larger than {MAX_FILE_BYTES} bytes")
    raw = path.read_bytes()
    try:
        parse_cybertip_file(raw)  # refuse bad input before touching the database
    except CybertipImportError as exc:
        clikit.fail(f"{path}: {exc}")
    with cli_runtime() as runtime, runtime.db.transaction() as session:
        result = import_cybertip(
            session,
            keyring=runtime.keyring,
            actor=Actor(kind="system", id="cli:reports.import-cybertip"),
            raw=raw,
        )
    receipt = result.receipt.model_dump(mode="json")
    if as_json:
        clikit.emit({**receipt, "created": result.created})
    else:
        verb = "imported" if result.created else "already imported"
        typer.echo(f"{verb} {receipt['report_id']} (sha256 {receipt['sha256']})")
