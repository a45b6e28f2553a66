"""`perisai db`: migrations and the database in use (beside the entry points, not in `db/`: it
opens the process runtime, which sits above the database layer)."""

from __future__ import annotations

from typing import Annotated

import typer

from perisai import clikit
from perisai.cliruntime import cli_runtime, cli_settings

app = typer.Typer(help="Database: migrations and connection.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command() -> None:
    """Apply every migration up to the heads."""
    from perisai.db.migrate import upgrade

    with cli_runtime(migrate=False) as runtime:
        db = runtime.db
        upgrade(db.owner_url, app_role=db.app_role, create_role=db.creates_app_role)
    typer.echo("database at head")


@app.command("check")
def check_command() -> None:
    """Fail (exit 1) when the models and the migrations disagree (checked on a scratch database)."""
    from perisai.db.migrate import check_on_scratch_database

    with cli_runtime(migrate=False) as runtime:
        problems = check_on_scratch_database(runtime.db.owner_url)
    if problems:
        for problem in problems:
            typer.echo(problem, err=True)
        clikit.fail(
            f"models and migrations disagree in {len(problems)} place(s)", clikit.EXIT_FAILED
        )
    typer.echo("models and migrations agree")


@app.command("url")
def url_command(
    sqlalchemy: Annotated[
        bool, typer.Option("--sqlalchemy", help="The SQLAlchemy form (postgresql+psycopg://).")
    ] = False,
    show_password: Annotated[
        bool, typer.Option("--show-password", help="Print the password instead of ***.")
    ] = False,
) -> None:
    """Print the URL of the database in use, as its owner (starting the embedded server if
    needed).

    By default a libpq URL, which psql, pg_dump and other PostgreSQL tools take as it is:
    `psql "$(perisai db url)"`.
    """
    from sqlalchemy.engine import make_url

    from perisai.db.embedded import keep_servers_running

    keep_servers_running()  # the URL is for another program: leave the server up for it
    with cli_runtime(migrate=False) as runtime:
        url = make_url(runtime.db.owner_url)
        if not sqlalchemy:
            url = url.set(drivername="postgresql")
        typer.echo(url.render_as_string(hide_password=not show_password))


@app.command("stop")
def stop_command() -> None:
    """Stop the embedded PostgreSQL server of PERISAI_DATA_DIR (if it runs)."""
    from pathlib import Path

    from perisai.db.embedded import stop_embedded

    settings = cli_settings()
    if settings.database_url:
        clikit.fail("PERISAI_DATABASE_URL names an external server: nothing to stop")
    stop_embedded(Path(settings.data_dir) / "pg")
    typer.echo("embedded server stopped")
