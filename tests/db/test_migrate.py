from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from perisai.db.migrate import (
    alembic_config,
    at_head,
    check_on_scratch_database,
    differences,
    upgrade,
)
from perisai.testing.database import create_database, drop_database


def test_models_and_migrations_agree(pg_server: str) -> None:
    assert check_on_scratch_database(pg_server) == []


def test_at_head_only_when_every_branch_is_applied(pg_server: str) -> None:
    url = create_database(pg_server, "perisai_test_heads")
    engine = create_engine(url)
    try:
        assert not at_head(engine)
        command.upgrade(alembic_config(url), "core@head")
        assert not at_head(engine)
        upgrade(url)
        assert at_head(engine)
    finally:
        engine.dispose()
        drop_database(pg_server, "perisai_test_heads")


def test_a_schema_drift_is_reported(pg_server: str) -> None:
    url = create_database(pg_server, "perisai_test_drift")
    upgrade(url)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE agency DROP COLUMN kind"))
        assert any("kind" in diff for diff in differences(engine))
    finally:
        engine.dispose()
        drop_database(pg_server, "perisai_test_drift")
