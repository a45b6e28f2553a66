"""Test databases: the server named by PERISAI_TEST_DATABASE_URL, or an embedded one.

Each pytest-xdist worker gets its own database, migrated to head once (by the server's admin
role, granting the application's role as a deployment's upgrade does); each test runs inside one
transaction, as the application's role, that is rolled back at the end (requests and services
use savepoints within it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from perisai.db.approle import EMBEDDED_APP_ROLE
from perisai.db.embedded import start_embedded, stop_embedded, tools_dir
from perisai.db.engine import Database, sqlalchemy_url
from perisai.db.migrate import upgrade

#: The role tests run the application as (see perisai.db.approle).
TEST_APP_ROLE = EMBEDDED_APP_ROLE
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


def client_tool(name: str, url: str) -> str:
    """The path of PostgreSQL's client program `name` (pg_dump, pg_restore) of the same major
    version as the server at `url`: pg_dump refuses a newer server, and a newer pg_dump's
    output need not load into an older one. The embedded server's own tools come with its wheel
    (PostgreSQL 18); an external server's are looked for on PATH (the machine's 15)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            major = int(connection.scalar(text("SHOW server_version_num")) or 0) // 10000
    finally:
        engine.dispose()
    found: list[str] = []
    for candidate in (str(tools_dir() / name), shutil.which(name)):
        if candidate is None or not Path(candidate).is_file():
            continue
        version = subprocess.run(  # noqa: S603 - a PostgreSQL program found above, no input
            [candidate, "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()
        found.append(version)
        if re.search(rf"\) {major}\b", version):  # "pg_dump (PostgreSQL) 15.20 (Debian …)"
            return candidate
    raise RuntimeError(f"no {name} of PostgreSQL {major} (the server's); found: {found}")


def migrated_database(server_url: str, name: str) -> str:
    """A fresh database migrated by the server's admin role (the owner), with the
    application's role granted what it needs, as ``perisai db upgrade`` does."""
    url = create_database(server_url, name)
    upgrade(url, app_role=TEST_APP_ROLE, create_role=True)
    return url


@contextmanager
def scratch_database(name: str) -> Iterator[str]:
    """A database ``name`` migrated to head on the test server (see :func:`test_server_url`),
    dropped afterwards: for benchmarks that start their own app processes on it."""
    with test_server_url() as server:
        url = migrated_database(server, name)
        try:
            yield url
        finally:
            drop_database(server, name)


def act_as_app(connection: Connection) -> None:
    """The rest of this transaction runs with the application's role's rights (neither owner
    nor superuser), as a deployment does; :func:`as_owner` steps back out for a moment."""
    connection.execute(text(f"SET LOCAL ROLE {TEST_APP_ROLE}"))


@contextmanager
def as_owner(session: Session) -> Iterator[None]:
    """Do something only the owner or a superuser may (tampering with the audit log, as the
    red team did), then go back to the application's role."""
    session.execute(text("RESET ROLE"))
    try:
        yield
    finally:
        session.execute(text(f"SET LOCAL ROLE {TEST_APP_ROLE}"))


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
