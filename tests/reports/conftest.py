"""Reports tests run with a small evidence limit so that oversize uploads stay cheap."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from perisai.config import Settings
from perisai.db.engine import Database
from perisai.testing.database import drop_database, migrated_database

EVIDENCE_LIMIT = 2 * 1_048_576


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "var", demo=False, max_evidence_bytes=EVIDENCE_LIMIT)


@pytest.fixture
def own_database(pg_server: str, worker_id: str) -> Iterator[Database]:
    """A database of its own, for tests whose transactions must really commit or hold locks."""
    name = f"perisai_test_reports_own_{worker_id}"
    database = Database(migrated_database(pg_server, name))
    try:
        yield database
    finally:
        database.dispose()
        drop_database(pg_server, name)
