"""Engine and sessions. Built from settings at startup, never at import.

The request or job owns the transaction: it opens a session with :meth:`Database.transaction`,
services only add and flush, and the transaction commits (or rolls back) at the end.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from perisai.config import Settings
from perisai.db.approle import EMBEDDED_APP_ROLE, role_of
from perisai.db.embedded import start_embedded


def sqlalchemy_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and select the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def application_name() -> str:
    """How this process's connections name themselves in pg_stat_activity (so that a process
    can tell its own connections from others', e.g. before stopping the embedded server)."""
    return f"perisai:{os.getpid()}"


def resolve_database_urls(settings: Settings) -> tuple[str, str]:
    """(the application's URL, the schema owner's URL for migrations).

    External: ``PERISAI_DATABASE_URL`` and ``PERISAI_MIGRATION_DATABASE_URL`` (the same URL
    when the latter is unset). Embedded (started if needed): the owner is the server's
    superuser, the application connects as ``perisai_app`` (see :mod:`perisai.db.approle`).
    """
    if settings.database_url:
        app = sqlalchemy_url(settings.database_url)
        owner = settings.migration_database_url
        return app, sqlalchemy_url(owner) if owner else app
    owner = start_embedded(Path(settings.data_dir) / "pg")
    app = make_url(owner).set(username=EMBEDDED_APP_ROLE).render_as_string(hide_password=False)
    return app, owner


def resolve_database_url(settings: Settings) -> str:
    """The application's database URL (see :func:`resolve_database_urls`)."""
    return resolve_database_urls(settings)[0]


LANE_POOL_SIZE = 2
LANE_MAX_OVERFLOW = 2


class Database:
    """One engine and session factory per process.

    `backend_niceness` lowers the CPU priority of the server processes behind this engine's
    connections; only for a server on this machine run by this user (the embedded one).
    """

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 10,
        max_overflow: int = 20,
        pool_timeout: float = 30.0,
        backend_niceness: int | None = None,
        owner_url: str | None = None,
    ) -> None:
        self.url = sqlalchemy_url(url)
        # Who runs migrations: the schema's owner (the same role unless told otherwise).
        self.owner_url = sqlalchemy_url(owner_url) if owner_url else self.url
        self.creates_app_role = False
        self.backend_niceness = backend_niceness
        self._lane: Database | None = None
        # Called with every engine this database opens (its own now, its lane's when made):
        # how the runtime gives them the audit chain key.
        self.engine_hooks: list[Callable[[Engine], None]] = []
        # hide_parameters: errors and logs never carry the values of a statement (report text,
        # identifiers), only its SQL.
        self.engine: Engine = create_engine(
            self.url,
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_timeout=pool_timeout,
            pool_pre_ping=True,
            hide_parameters=True,
            connect_args={"application_name": application_name()},
        )
        if backend_niceness is not None:
            event.listen(self.engine, "connect", _renice_backend(backend_niceness))
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        app, owner = resolve_database_urls(settings)
        database = cls(app, owner_url=owner)
        # The embedded server's owner is its superuser: it makes the application's role.
        database.creates_app_role = not settings.database_url
        return database

    @property
    def app_role(self) -> str | None:
        """The application's own role when it is not the owner's (then granted by upgrades)."""
        mine = role_of(self.url)
        return mine if mine and mine != role_of(self.owner_url) else None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    def lane(self) -> Database:
        """The priority lane: a small pool of its own for staff login, readiness and report
        intake, so that they keep working when the main pool is taken (slow queries, a flood
        of requests on other routes)."""
        if self._lane is None:
            self._lane = Database(
                self.url,
                pool_size=LANE_POOL_SIZE,
                max_overflow=LANE_MAX_OVERFLOW,
                backend_niceness=self.backend_niceness,
                owner_url=self.owner_url,
            )
            self._lane.engine_hooks = self.engine_hooks
            for hook in self.engine_hooks:
                hook(self._lane.engine)
        return self._lane

    def add_engine_hook(self, hook: Callable[[Engine], None]) -> None:
        """Run ``hook`` on every engine of this database, the ones opened so far included."""
        self.engine_hooks.append(hook)
        hook(self.engine)
        if self._lane is not None:
            hook(self._lane.engine)

    def dispose(self) -> None:
        self.engine.dispose()
        if self._lane is not None:
            self._lane.dispose()


def renice_backend(pid: int, niceness: int) -> None:
    """Set the niceness of the server process `pid` (best effort: one of another user keeps its
    priority)."""
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, pid, niceness)


def _renice_backend(niceness: int) -> Callable[[Any, Any], None]:
    def renice(dbapi_connection: Any, _record: Any) -> None:
        renice_backend(int(dbapi_connection.info.backend_pid), niceness)

    return renice
