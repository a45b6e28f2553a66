"""`perisai reports` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="reports commands.", no_args_is_help=True)
