"""Fixtures of triage tests that need real commits (concurrent transactions, as worker
processes run them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from perisai.config import Settings
from perisai.db.engine import Database
from perisai.runtime import Runtime
from perisai.testing.database import drop_database, migrated_database


@pytest.fixture(scope="module")
def module_runtime(
    pg_server: str,
    tmp_path_factory: pytest.TempPathFactory,
    worker_id: str,
    request: pytest.FixtureRequest,
) -> Iterator[Runtime]:
    """A migrated database of the test module's own."""
    module = request.module.__name__.rsplit(".", 1)[-1]
    name = f"perisai_{module}_{worker_id}"
    url = migrated_database(pg_server, name)
    database = Database(url)
    data_dir: Path = tmp_path_factory.mktemp(module)
    try:
        yield Runtime(settings=Settings(data_dir=data_dir, demo=False), db=database)
    finally:
        database.dispose()
        drop_database(pg_server, name)


@pytest.fixture
def committed_runtime(module_runtime: Runtime) -> Iterator[Runtime]:
    """The module's database; each test starts from no report."""
    yield module_runtime
    with module_runtime.db.transaction() as session:
        session.execute(text("TRUNCATE report, outbox_event CASCADE"))
