"""Test databases: the server named by PERISAI_TEST_DATABASE_URL, or an embedded one.

Each pytest-xdist worker gets its own database, migrated to head once; each test runs inside one
transaction that is rolled back at the end (requests and services use savepoints within it).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from perisai.db.embedded import start_embedded, stop_embedded
from perisai.db.engine import Database, sqlalchemy_url
from perisai.db.migrate import upgrade

#: The audit chain key of test database handles that no runtime opened (fixed, for tests only).
TEST_CHAIN_KEY = b"perisai test audit chain key 32b"


@contextmanager
def test_server_url() -> Iterator[str]:
    """A URL of a server the tests may create databases on (its admin database)."""
    configured = os.environ.get("PERISAI_TEST_DATABASE_URL")
    if configured:
        yield sqlalchemy_url(configured)
        return
    with tempfile.TemporaryDirectory(prefix="perisai-test-pg-") as tmp:
        pgdata = Path(tmp) / "pg"
        url = start_embedded(pgdata)
        try:
            yield url
        finally:
            stop_embedded(pgdata)


def create_database(server_url: str, name: str) -> str:
    """(Re)create database ``name`` on the server; return its URL."""
    parsed = make_url(server_url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, name: str) -> None:
    admin = create_engine(
        make_url(server_url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def migrated_database(server_url: str, name: str) -> str:
    url = create_database(server_url, name)
    upgrade(url)
    return url


class ConnectionBoundDatabase(Database):
    """A Database whose sessions all run inside one outer test transaction (savepoints)."""

    def __init__(self, url: str, connection: Connection) -> None:
        super().__init__(url, pool_size=1)
        self.connection = connection
        self.sessions = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )

    def lane(self) -> Database:
        return self  # one connection: the test's transaction


def session_on(connection: Connection) -> Session:
    return Session(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
