"""`perisai ipintel` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="ipintel commands.", no_args_is_help=True)
