"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from perisai.db.migrate import at_head
from perisai.http.problems import Problem
from perisai.identity.deps import Public, RuntimeDep

router = APIRouter(tags=["operations"])


@router.get("/healthz", dependencies=[Public])
def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz", dependencies=[Public])
def readyz(runtime: RuntimeDep) -> dict[str, str]:
    """The database answers and its schema is at the migrations' head (asked on the priority
    lane's pool, so a busy main pool does not make a live server look dead)."""
    engine = runtime.db.lane().engine
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        ready = at_head(engine)
    except Exception as exc:
        raise Problem(503, "Database unreachable", type(exc).__name__) from None
    if not ready:
        raise Problem(503, "Database not migrated", "Run `perisai db upgrade`.")
    return {"status": "ready"}
