"""`perisai provenance read`: AI provenance of files, offline, with no database.

Per file (``--json``: one object per line): ``{"path", "ai", "c2pa": {"state", "signer",
"digital_source_types", "errors"}, "hints": [{"kind", "value"}], "error"}``. Exit 0 when every
file was read, 2 when any could not be (it still gets its line, with ``error`` set).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from perisai import clikit

if TYPE_CHECKING:
    from perisai.media.provenance.model import Provenance

app = typer.Typer(
    help="AI provenance of media: C2PA content credentials, IPTC source type, generator "
    "metadata (offline, no database).",
    no_args_is_help=True,
)

Files = Annotated[list[Path], typer.Argument(help="Files to read.", show_default=False)]
TrustOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--trust",
        help="PEM trust anchors (the C2PA trust list or your own roots); repeatable.",
        dir_okay=False,
    ),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]


def _each(files: list[Path]) -> Iterator[Path]:
    if len(files) < 2 or not sys.stderr.isatty():
        yield from files
        return
    from rich.console import Console
    from rich.progress import track

    yield from track(files, description="reading", console=Console(stderr=True), transient=True)


def _print_table(results: list[Provenance]) -> None:
    from rich.console import Console
    from rich.table import Table

    from perisai.media.provenance.vocabulary import short_name

    table = Table()
    for column in ("file", "AI", "C2PA", "signer", "source types", "hints / problem"):
        table.add_column(column, overflow="fold")
    for found in results:
        detail = (
            f"[red]{found.error}[/red]"
            if found.error
            else ", ".join(sorted({hint.kind for hint in found.hints}))
        )
        table.add_row(
            found.path,
            found.ai,
            found.c2pa.state,
            found.c2pa.signer or "",
            ", ".join(short_name(t) for t in found.c2pa.digital_source_types),
            detail,
        )
    Console().print(table)


@app.command("read")
def read_command(files: Files, trust: TrustOption = None, json_out: JsonFlag = False) -> None:
    """Read each file's provenance: ai is yes (a verified manifest declares AI), claimed (only
    unverified evidence), no (a verified manifest declares a non-AI source) or unknown."""
    from perisai.media.provenance import TrustListError, load_trust_list, read_provenance

    try:
        trust_list = load_trust_list(trust or [])
    except TrustListError as exc:
        clikit.fail(str(exc))
    results = []
    for path in _each(files):
        found = read_provenance(path, trust=trust_list)
        if json_out:
            clikit.emit(found.to_dict())
        results.append(found)
    if not json_out:
        _print_table(results)
    if any(found.error for found in results):
        raise typer.Exit(clikit.EXIT_BAD_INPUT)
