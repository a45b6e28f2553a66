"""Engine and sessions. Built from settings at startup, never at import.

The request or job owns the transaction: it opens a session with :meth:`Database.transaction`,
services only add and flush, and the transaction commits (or rolls back) at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from perisai.config import Settings
from perisai.db.embedded import start_embedded


def sqlalchemy_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and select the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def resolve_database_url(settings: Settings) -> str:
    """The external database when configured, else the embedded one (started if needed)."""
    if settings.database_url:
        return sqlalchemy_url(settings.database_url)
    return start_embedded(Path(settings.data_dir) / "pg")


class Database:
    """One engine and session factory per process."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = sqlalchemy_url(url)
        self.engine: Engine = create_engine(
            self.url, pool_size=pool_size, max_overflow=20, pool_pre_ping=True
        )
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        return cls(resolve_database_url(settings))

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
