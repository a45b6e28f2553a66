"""`perisai grooming` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="grooming commands.", no_args_is_help=True)
