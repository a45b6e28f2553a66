"""`perisai monitoring rollup` and `perisai monitoring counts` on a database of their own
(the commands open their own connections, so the data must be committed)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from tests.triage.factories import make_report
from typer.testing import CliRunner

from perisai.cli import app as cli_app
from perisai.config import Settings
from perisai.db.engine import Database
from perisai.monitoring.rollups import bucket_of
from perisai.runtime import Runtime
from perisai.testing.database import drop_database, migrated_database


@pytest.fixture
def own_database(
    pg_server: str, tmp_path: Path, worker_id: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Runtime]:
    name = f"perisai_test_monitoring_cli_{worker_id}"
    url = migrated_database(pg_server, name)
    database = Database(url)
    monkeypatch.setenv("PERISAI_DATABASE_URL", url)
    monkeypatch.setenv("PERISAI_DATA_DIR", str(tmp_path))
    try:
        yield Runtime(settings=Settings(data_dir=tmp_path), db=database)
    finally:
        database.dispose()
        drop_database(pg_server, name)


def test_rollup_counts_stored_reports_and_counts_prints_what_detect_reads(
    own_database: Runtime,
) -> None:
    runtime = own_database
    with runtime.db.transaction() as session:
        for state in ("MY-01", "MY-01", "MY-02"):
            make_report(session, runtime.keyring, incident="online_enticement", jurisdiction=state)
    runner = CliRunner()
    done = runner.invoke(cli_app, ["monitoring", "rollup", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout) == {"retallied": 0, "swept": 3, "busy": False}
    again = runner.invoke(cli_app, ["monitoring", "rollup", "--json"])
    assert json.loads(again.stdout)["swept"] == 0
    today = bucket_of(datetime.now(UTC)).day.isoformat()
    listed = runner.invoke(
        cli_app, ["monitoring", "counts", "--from", today, "--to", today, "--dimension", "state"]
    )
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.splitlines() == [
        "date,series,count",
        f"{today},state:MY-01,2",
        f"{today},state:MY-02,1",
    ]
    with runtime.db.transaction() as session:
        total = session.scalar(
            text("SELECT sum(count) FROM monitoring_count WHERE series_key = 'total'")
        )
    assert total == 3


@pytest.mark.parametrize(
    "args",
    [
        ["--from", "2026-13-01", "--to", "2026-12-01"],
        ["--from", "2026-12-02", "--to", "2026-12-01"],
        ["--from", "2000-01-01", "--to", "2026-12-01"],
        ["--from", "2026-11-01", "--to", "2026-12-01", "--dimension", "nope"],
    ],
)
def test_counts_refuses_bad_arguments_with_one_line(args: list[str]) -> None:
    answer = CliRunner().invoke(cli_app, ["monitoring", "counts", *args])
    assert answer.exit_code == 2
    assert len(answer.stderr.strip().splitlines()) == 1
