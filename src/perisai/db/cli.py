"""`perisai db`: migrations and the database in use."""

from __future__ import annotations

import typer

from perisai import clikit
from perisai.cliruntime import cli_runtime

app = typer.Typer(help="Database: migrations and connection.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command() -> None:
    """Apply every migration up to the heads."""
    from perisai.db.migrate import upgrade

    with cli_runtime(migrate=False) as runtime:
        upgrade(runtime.db.url)
    typer.echo("database at head")


@app.command("check")
def check_command() -> None:
    """Fail (exit 1) when the models and the migrations disagree (checked on a scratch database)."""
    from perisai.db.migrate import check_on_scratch_database

    with cli_runtime(migrate=False) as runtime:
        problems = check_on_scratch_database(runtime.db.url)
    if problems:
        for problem in problems:
            typer.echo(problem, err=True)
        clikit.fail(
            f"models and migrations disagree in {len(problems)} place(s)", clikit.EXIT_FAILED
        )
    typer.echo("models and migrations agree")


@app.command("url")
def url_command() -> None:
    """Print the URL of the database in use (starting the embedded server if needed)."""
    with cli_runtime(migrate=False) as runtime:
        typer.echo(runtime.db.engine.url.render_as_string(hide_password=True))
