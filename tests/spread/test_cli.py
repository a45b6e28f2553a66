"""`perisai spread` in-process against a committed database of its own (the CLI commits)."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.spread.factories import image_hashes
from typer.testing import CliRunner

from perisai.banks.indexes import BankIndexes
from perisai.banks.models import BankEntry as EntryRow
from perisai.cliruntime import cli_runtime
from perisai.spread import service
from perisai.spread.cli import app
from perisai.spread.models import HoldReason
from perisai.spread.schemas import FileHashesIn
from perisai.testing.database import drop_database, migrated_database

RNG = random.Random(23)
runner = CliRunner()


@pytest.fixture(scope="module")
def cli_database(pg_server: str) -> Iterator[str]:
    name = f"perisai_spread_cli_{os.getpid()}"
    yield migrated_database(pg_server, name)
    drop_database(pg_server, name)


@pytest.fixture(autouse=True)
def _environment(cli_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERISAI_DATABASE_URL", cli_database)
    monkeypatch.setenv("PERISAI_DATA_DIR", str(tmp_path / "var"))


def _submit(*, held: bool, contact: str = "") -> str:
    with cli_runtime() as runtime, runtime.db.transaction() as db:
        done = service.submit(
            db,
            keyring=runtime.keyring,
            indexes=BankIndexes(),
            files=[FileHashesIn.model_validate(image_hashes(RNG))],
            contact=contact,
            lang="ms",
            source=f"{RNG.getrandbits(256):064x}",
        )
        if held:
            service.hold(db, report=done.report, reason=HoldReason.BULK)
        return done.report.code


def test_held_lists_only_held_reports_and_release_makes_them_matchable() -> None:
    held, live = _submit(held=True), _submit(held=False)
    listed = runner.invoke(app, ["held", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    codes = [r["code"] for r in rows]
    assert held in codes and live not in codes
    row = next(r for r in rows if r["code"] == held)
    assert (row["state"], row["hold_reason"], row["files"]) == ("held", "bulk", 1)
    released = runner.invoke(app, ["release", held, "--json"])
    assert released.exit_code == 0, released.output
    assert json.loads(released.stdout)["state"] == "active"
    with cli_runtime() as runtime, runtime.db.transaction() as db:
        report = service.get_report(db, code=held)
        entries = service.entry_ids(db, report=report)
        assert service.status(db, report=report).report.state == "active"
        assert all(db.get_one(EntryRow, e).enabled for e in entries)
    again = runner.invoke(app, ["release", held])
    assert again.exit_code == 2 and "not held" in again.output
    assert held not in runner.invoke(app, ["held"]).stdout


def test_show_prints_the_contact_only_when_asked() -> None:
    code = _submit(held=False, contact="mak: 012-345 6789")
    plain = runner.invoke(app, ["show", code.lower()])
    assert plain.exit_code == 0, plain.output
    assert code in plain.stdout and "012-345" not in plain.stdout
    asked = runner.invoke(app, ["show", code, "--contact", "--json"])
    assert json.loads(asked.stdout)["contact"] == "mak: 012-345 6789"
    missing = runner.invoke(app, ["show", "HS-NOTHERE"])
    assert missing.exit_code == 2 and "no self-report" in missing.output
