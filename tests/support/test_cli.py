"""`perisai support` in-process against a committed database of its own (the CLI commits)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.identity.factories import make_user
from typer.testing import CliRunner

from perisai.audit.models import AuditEntry
from perisai.audit.service import SYSTEM
from perisai.cliruntime import cli_runtime
from perisai.sharing.redaction import Viewer
from perisai.support import service
from perisai.support.cli import app
from perisai.testing.database import drop_database, migrated_database
from perisai.victims import service as victims

runner = CliRunner()


@pytest.fixture(scope="module")
def cli_database(pg_server: str) -> Iterator[str]:
    name = f"perisai_support_cli_{os.getpid()}"
    yield migrated_database(pg_server, name)
    drop_database(pg_server, name)


@pytest.fixture(autouse=True)
def _environment(cli_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERISAI_DATABASE_URL", cli_database)
    monkeypatch.setenv("PERISAI_DATA_DIR", str(tmp_path / "var"))


def _plan(*, overdue: bool) -> str:
    """A walk-in child's plan (no report: the CLI's database is shared by the module's tests)."""
    with cli_runtime() as runtime, runtime.db.transaction() as db:
        child = victims.create_victim(db, runtime.keyring, actor=SYSTEM, age=11)
        caseworker, _ = make_user(db, runtime.keyring, role="caseworker", agency="JKM")
        lead = Viewer.for_user(caseworker)
        plan = service.start_plan(db, viewer=Viewer.system(), victim_id=child.id)
        due = datetime.now(UTC) + (timedelta(hours=-2) if overdue else timedelta(days=20))
        service.add_service(
            db, viewer=lead, public_id=plan.public_id, kind="counselling", follow_up_due_at=due
        )
        return plan.public_id


def test_plans_show_and_the_audited_read() -> None:
    public_id = _plan(overdue=False)
    listed = runner.invoke(app, ["plans", "--json"])
    assert listed.exit_code == 0, listed.output
    assert public_id in [json.loads(line)["id"] for line in listed.stdout.splitlines()]
    shown = runner.invoke(app, ["show", public_id, "--json"])
    assert shown.exit_code == 0, shown.output
    out = json.loads(shown.stdout)
    assert out["services"][0]["kind"] == "counselling" and out["interviews"] == []
    with cli_runtime() as runtime, runtime.db.transaction() as db:
        audited = db.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "support.plan.read", AuditEntry.object_id == public_id
            )
        ).all()
    assert audited and str(audited[-1].actor_id).startswith("cli:support.show:")
    missing = runner.invoke(app, ["show", "SP-NOSUCH"])
    assert missing.exit_code == 2 and "no support plan" in missing.output


def test_due_exits_1_when_a_follow_up_is_overdue() -> None:
    public_id = _plan(overdue=True)
    due = runner.invoke(app, ["due", "--json"])
    assert due.exit_code == 1, due.output
    rows = [json.loads(line) for line in due.stdout.splitlines()]
    assert any(r["plan"] == public_id and r["overdue"] and r["agency"] == "NGO" for r in rows)


def test_measures_and_a_bad_window() -> None:
    _plan(overdue=False)
    found = runner.invoke(app, ["measures", "--json"])
    assert found.exit_code == 0, found.output
    groups = {json.loads(line)["group"] for line in found.stdout.splitlines()}
    assert groups == {"all", "agency", "month"}
    bad = runner.invoke(app, ["measures", "--window", "7"])
    assert bad.exit_code == 2
