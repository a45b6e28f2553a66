"""`perisai monitoring alerts` against the test database: run, list, show, ack, confirm,
dismiss; garbage exits 2 with one line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy.orm import Session
from tests.monitoring.alert_factories import make_alert
from typer.testing import CliRunner

from perisai import cliruntime
from perisai.monitoring.cli import app
from perisai.runtime import Runtime


@pytest.fixture
def cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The CLI on the test's database (rolled back after the test)."""

    @contextmanager
    def test_runtime(*, migrate: bool = True) -> Iterator[Runtime]:
        yield runtime

    monkeypatch.setattr(cliruntime, "cli_runtime", test_runtime)
    return CliRunner()


def test_list_show_and_the_lifecycle(cli: CliRunner, db: Session) -> None:
    alert = make_alert(db)
    listed = cli.invoke(app, ["alerts", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    row = json.loads(listed.output.splitlines()[0])
    assert row["id"] == alert.public_id and row["series"] == "source:hotline"
    shown = cli.invoke(app, ["alerts", "show", alert.public_id.lower()])
    assert shown.exit_code == 0 and "observed=45" in shown.output
    ack = cli.invoke(app, ["alerts", "ack", alert.public_id, "--json"])
    assert json.loads(ack.output)["status"] == "acknowledged"
    assert json.loads(ack.output)["acknowledged_by"].startswith("system:cli:monitoring.ack:")
    gone = cli.invoke(app, ["alerts", "dismiss", alert.public_id, "--reason", "drill", "--json"])
    assert gone.exit_code == 0, gone.output
    assert json.loads(gone.output)["dismiss_reason"] == "drill"
    late = cli.invoke(app, ["alerts", "confirm", alert.public_id])
    assert late.exit_code == 2 and "cannot become confirmed" in late.output


def test_run_reports_what_it_read(cli: CliRunner) -> None:
    done = cli.invoke(app, ["alerts", "run"])
    assert done.exit_code == 0, done.output
    assert "(MYT): 0 series read, 0 new alerts" in done.output


@pytest.mark.parametrize(
    "args",
    [
        ["alerts", "show", "nope"],
        ["alerts", "ack", "MA-123"],
        ["alerts", "list", "--status", "closed"],
        ["alerts", "list", "--series", "x" * 201],
        ["alerts", "dismiss", "MA-ZZZZZZZZ", "--reason", "  "],
    ],
)
def test_garbage_exits_2(cli: CliRunner, args: list[str]) -> None:
    done = cli.invoke(app, args)
    assert done.exit_code == 2, done.output


def test_an_unknown_alert_exits_1(cli: CliRunner) -> None:
    done = cli.invoke(app, ["alerts", "confirm", "MA-ZZZZZZZZ"])
    assert done.exit_code == 1 and "no alert MA-ZZZZZZZZ" in done.output
