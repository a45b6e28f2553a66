"""`perisai media` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="media commands.", no_args_is_help=True)
