"""`perisai victims` in-process against a committed database of its own (the CLI commits)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text
from tests.victims.factories import CHILD_NAME, report_body
from typer.testing import CliRunner

from perisai.audit.cli import app as audit_app
from perisai.audit.service import SYSTEM
from perisai.cliruntime import cli_runtime
from perisai.reports.models import Report
from perisai.reports.schemas import ReportIn
from perisai.reports.service import canonical_sha256, submit
from perisai.testing.database import drop_database, migrated_database
from perisai.victims.cli import app

runner = CliRunner()


def _record(output: str) -> dict[str, object]:
    """The command's JSON line (log lines of the process may share the output)."""
    lines = [line for line in output.splitlines() if '"public_id"' in line]
    assert lines, output
    loaded: dict[str, object] = json.loads(lines[-1])
    return loaded


@pytest.fixture(scope="module")
def cli_database(pg_server: str) -> Iterator[str]:
    name = f"perisai_victims_cli_{os.getpid()}"
    yield migrated_database(pg_server, name)
    drop_database(pg_server, name)


@pytest.fixture(autouse=True)
def _environment(cli_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERISAI_DATABASE_URL", cli_database)
    monkeypatch.setenv("PERISAI_DATA_DIR", str(tmp_path / "var"))


def _report(key: str) -> str:
    raw = report_body()
    with cli_runtime() as runtime, runtime.db.transaction() as db:
        done = submit(
            db, keyring=runtime.keyring, actor=SYSTEM, data=ReportIn.model_validate(raw),
            body_sha256=canonical_sha256({**raw, "k": key}), client_id="test",
            idempotency_key=key,
        )  # fmt: skip
        return done.receipt.report_id


def test_create_show_erase_and_the_audit_chain_still_verifies() -> None:
    report_id = _report("cli-1")
    made = runner.invoke(app, ["create", "--report", report_id, "--json"])
    assert made.exit_code == 0, made.output
    assert CHILD_NAME not in made.output
    victim_id = str(_record(made.stdout)["public_id"])
    shown = runner.invoke(app, ["show", victim_id])
    assert shown.exit_code == 0 and f"{report_id}#0" in shown.output
    assert CHILD_NAME not in shown.output
    wrong = runner.invoke(app, ["erase", victim_id, "--confirm", "VIC-OTHER"])
    assert wrong.exit_code == 2 and "--confirm" in wrong.output
    erased = runner.invoke(app, ["erase", victim_id, "--confirm", victim_id, "--json"])
    assert erased.exit_code == 0, erased.output
    assert _record(erased.stdout)["status"] == "erased"
    again = runner.invoke(app, ["erase", victim_id, "--confirm", victim_id])
    assert again.exit_code == 2 and "already erased" in again.output
    with cli_runtime() as runtime, runtime.db.transaction() as db:
        report = db.scalars(select(Report).where(Report.public_id == report_id)).one()
        assert report.victims[0].sealed is None
        leaked = db.execute(
            text("SELECT count(*) FROM report_victim r WHERE r::text ILIKE :n"),
            {"n": f"%{CHILD_NAME}%"},
        ).scalar_one()
        assert leaked == 0
    verified = runner.invoke(audit_app, ["verify"])
    assert verified.exit_code == 0, verified.output


def test_garbage_and_unknown_records_are_clear_errors() -> None:
    assert runner.invoke(app, ["show", "VIC-NOTHERE"]).exit_code == 2
    assert runner.invoke(app, ["create", "--report", "R-NOPE"]).exit_code == 2
    assert runner.invoke(app, ["hold", "VIC-NOTHERE", "maybe"]).exit_code == 2
    listed = runner.invoke(app, ["retention", "--json"])
    assert listed.exit_code == 0 and "victims_due" in listed.output


def test_keys_verify_backup_and_garbage(tmp_path: Path) -> None:
    _report("cli-keys-1")  # its victim's key goes to the store under this test's data dir
    verified = runner.invoke(app, ["keys", "verify", "--json"])
    assert verified.exit_code == 0, verified.output
    counts = json.loads(verified.stdout.splitlines()[-1])  # logs go to stderr
    assert counts["keys"] >= 1
    target = tmp_path / "keys-copy"
    copied = runner.invoke(app, ["keys", "backup", str(target), "--json"])
    assert copied.exit_code == 0, copied.output
    assert json.loads(copied.stdout.splitlines()[-1])["keys"] == counts["keys"]
    assert sorted(p.name for p in (tmp_path / "var" / "subject-keys").glob("*.pks")) == sorted(
        p.name for p in target.iterdir()
    )
    again = runner.invoke(app, ["keys", "backup", str(target)])
    assert again.exit_code != 0 and "not empty" in again.output
    # A damaged segment is refused, never read as a key.
    segment = next((tmp_path / "var" / "subject-keys").glob("*.pks"))
    segment.write_bytes(segment.read_bytes()[:-3] + b"\x00\x00\x00")
    broken = runner.invoke(app, ["keys", "verify"])
    assert broken.exit_code == 1 and "does not open" in broken.output
