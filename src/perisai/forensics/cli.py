"""`perisai forensics` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="forensics commands.", no_args_is_help=True)
