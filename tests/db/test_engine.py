"""The engine's backend niceness: the in-process job worker's server processes run niced."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from perisai.db.engine import Database


def _backend_priority(database: Database) -> tuple[int, int]:
    with database.engine.connect() as connection:
        pid = int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())
        return pid, os.getpriority(os.PRIO_PROCESS, pid)


def test_backend_niceness_renices_each_new_connection(database_url: str) -> None:
    plain = Database(database_url, pool_size=1)
    niced = Database(database_url, pool_size=1, backend_niceness=7)
    try:
        try:
            _, before = _backend_priority(plain)
        except OSError:
            pytest.skip("the database server's processes are not visible from here")
        pid, after = _backend_priority(niced)
        if after == before and before != 7:
            # Renicing another user's process needs privileges this run does not have.
            pytest.skip(f"cannot renice server process {pid} from this user")
        assert after == 7
        assert _backend_priority(plain)[1] == before  # only that engine's sessions
    finally:
        plain.dispose()
        niced.dispose()
