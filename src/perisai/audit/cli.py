"""`perisai audit`: verify the hash chain and export its signed head."""

from __future__ import annotations

from typing import Annotated

import typer

from perisai import clikit
from perisai.cliruntime import cli_runtime

app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
Json = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


@app.command("verify")
def verify(json_output: Json = False) -> None:
    """Re-walk the chain: exit 0 when intact, 1 naming the first bad entry otherwise."""
    from perisai.audit.service import verify_chain

    with cli_runtime() as runtime, runtime.db.transaction() as session:
        result = verify_chain(session)
    if json_output:
        clikit.emit(result.as_dict())
    elif result.ok:
        typer.echo(f"audit chain intact: {result.entries} entries")
    else:
        typer.echo(f"audit chain BROKEN at entry {result.first_bad_entry}: {result.reason}")
    if not result.ok:
        raise typer.Exit(clikit.EXIT_FAILED)


@app.command("head")
def head(json_output: Json = False) -> None:
    """Print the chain head signed with the deployment's Ed25519 key."""
    from datetime import UTC, datetime

    from perisai.audit.service import chain_head
    from perisai.audit.signing import sign_payload

    with cli_runtime() as runtime, runtime.db.transaction() as session:
        found = chain_head(session)
        document = sign_payload(
            runtime.signing_key,
            {
                "entry_id": found.entry_id,
                "entry_hash": found.entry_hash,
                "entries": found.entries,
                "signed_at": datetime.now(UTC).isoformat(),
            },
        )
    if json_output:
        clikit.emit(document)
    else:
        for key, value in document.items():
            typer.echo(f"{key}: {value}")
