"""`perisai serve`: bring the schema to head, then serve the app with uvicorn."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from perisai.config import Settings

log = logging.getLogger(__name__)


def run_server(settings: Settings, *, demo_accounts: list[str] | None = None) -> None:
    import uvicorn

    from perisai.app import create_app
    from perisai.db.migrate import at_head, upgrade
    from perisai.runtime import Runtime

    runtime = Runtime.start(settings)
    if not at_head(runtime.db.engine):
        upgrade(runtime.db.url)
    app = create_app(settings, runtime=runtime)
    app.state.demo_accounts = demo_accounts
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        proxy_headers=True,
        server_header=False,
        timeout_graceful_shutdown=5,
    )


def serve_command(
    host: Annotated[str | None, typer.Option(help="Listen address (PERISAI_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port (PERISAI_PORT).")] = None,
) -> None:
    """Serve the web app and API."""
    from perisai.cliruntime import cli_settings

    settings = cli_settings()
    overrides = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    if overrides:
        settings = settings.model_copy(update=overrides)
    run_server(settings)
