"""Shared fixtures: a real PostgreSQL per xdist worker, one rolled-back transaction per test.

Database fixtures are lazy: tests of the pure libraries never start a server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import hypothesis
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, create_engine
from sqlalchemy.orm import Session

from perisai.app import create_app
from perisai.audit.service import register_chain_key, set_default_chain_key
from perisai.config import Settings
from perisai.runtime import Runtime
from perisai.testing.database import (
    TEST_CHAIN_KEY,
    ConnectionBoundDatabase,
    act_as_app,
    drop_database,
    migrated_database,
    session_on,
    test_server_url,
)

# Processes the tests start (servers, CLIs) run the code under test too: the same `src` first.
_SOURCE = str(Path(__file__).resolve().parents[1] / "src")
_OTHERS = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != _SOURCE]
os.environ["PYTHONPATH"] = os.pathsep.join([_SOURCE, *_OTHERS])

# Property tests judge correctness, never speed: a loaded machine (CI, many test processes) makes
# generating examples slow, which hypothesis would otherwise report as a failure.
hypothesis.settings.register_profile(
    "perisai",
    deadline=None,
    suppress_health_check=[hypothesis.HealthCheck.too_slow],
)
hypothesis.settings.load_profile("perisai")


@pytest.fixture(scope="session", autouse=True)
def audit_chain_key() -> Iterator[bytes]:
    """Database handles a test opens without a runtime key their audit chain with a test key."""
    set_default_chain_key(lambda: TEST_CHAIN_KEY)
    yield TEST_CHAIN_KEY
    set_default_chain_key(None)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    with test_server_url() as url:
        yield url


@pytest.fixture(scope="session")
def database_url(pg_server: str, worker_id: str) -> Iterator[str]:
    name = f"perisai_test_{worker_id}_{os.getpid()}"
    url = migrated_database(pg_server, name)
    yield url
    drop_database(pg_server, name)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[object]:
    engine = create_engine(database_url)
    register_chain_key(engine, lambda: TEST_CHAIN_KEY)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: object) -> Iterator[Connection]:
    with engine.connect() as connection:  # type: ignore[attr-defined]
        outer = connection.begin()
        # Tests run with the application's rights, not the owner's (issue 11, item 8).
        act_as_app(connection)
        yield connection
        outer.rollback()


@pytest.fixture
def db(connection: Connection) -> Iterator[Session]:
    """A session inside the test's transaction; services flush, nothing outlives the test."""
    with session_on(connection) as session:
        yield session


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "var", demo=False)


@pytest.fixture
def runtime(settings: Settings, database_url: str, connection: Connection) -> Iterator[Runtime]:
    database = ConnectionBoundDatabase(database_url, connection)
    yield Runtime(settings=settings, db=database)
    database.dispose()


@pytest.fixture
def app(runtime: Runtime) -> FastAPI:
    return create_app(runtime.settings, runtime=runtime)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    # https, so that Secure cookies are sent back as a browser would.
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client
