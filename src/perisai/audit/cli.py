"""`perisai audit`: verify the keyed hash chain against its signed heads; sign, store, export."""

from __future__ import annotations

from typing import Annotated

import typer

from perisai import clikit
from perisai.cliruntime import cli_runtime

app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
Json = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


@app.command("verify")
def verify(json_output: Json = False) -> None:
    """Re-walk the chain and check it against every stored signed head: exit 0 when intact,
    1 naming the first bad entry (or the head it contradicts) otherwise."""
    from perisai.audit.anchors import AnchorError, read_heads, verify_anchored
    from perisai.audit.keys import signing_key

    with cli_runtime() as runtime:
        try:
            heads = read_heads(runtime.settings.audit_heads_path)
        except AnchorError as exc:
            clikit.fail(str(exc))
        with runtime.db.transaction() as session:
            result = verify_anchored(session, signing_key(runtime), heads)
    if json_output:
        clikit.emit(result.as_dict())
    elif result.ok:
        anchored = (
            f"; agrees with {result.heads_checked} signed heads, the newest of {result.anchored_at}"
            if result.heads_checked
            else "; no signed head stored yet (perisai audit head)"
        )
        typer.echo(f"audit chain intact: {result.entries} entries{anchored}")
    elif result.first_bad_entry is None:
        typer.echo(f"audit chain BROKEN: {result.reason}")
    else:
        typer.echo(f"audit chain BROKEN at entry {result.first_bad_entry}: {result.reason}")
    if not result.ok:
        raise typer.Exit(clikit.EXIT_FAILED)


@app.command("head")
def head(json_output: Json = False) -> None:
    """Sign the chain head with the deployment's Ed25519 key, store it beside the other heads
    (outside the database) and print it."""
    from perisai.audit.anchors import AnchorError, anchor
    from perisai.audit.keys import signing_key

    with cli_runtime() as runtime, runtime.db.transaction() as session:
        try:
            document = anchor(session, signing_key(runtime), runtime.settings.audit_heads_path)
        except AnchorError as exc:
            clikit.fail(str(exc))
    if json_output:
        clikit.emit(document)
    else:
        for key, value in document.items():
            typer.echo(f"{key}: {value}")


@app.command("heads")
def heads(json_output: Json = False) -> None:
    """Export every stored signed head, oldest first (one JSON object a line with --json)."""
    from perisai.audit.anchors import AnchorError, read_heads
    from perisai.cliruntime import cli_settings

    settings = cli_settings()
    try:
        found = read_heads(settings.audit_heads_path)
    except AnchorError as exc:
        clikit.fail(str(exc))
    for document in found:
        if json_output:
            clikit.emit(document)
        else:
            typer.echo(
                f"{document.get('signed_at')}  entry {document.get('entry_id')}  "
                f"{document.get('entries')} entries  {document.get('entry_hash')}"
            )
    if not found and not json_output:
        typer.echo("no signed head stored yet")
