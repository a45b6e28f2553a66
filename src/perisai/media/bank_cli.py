"""`perisai bank` commands: hash banks stored in the service's database."""

from __future__ import annotations

import typer

app = typer.Typer(help="Hash banks in the database.", no_args_is_help=True)
