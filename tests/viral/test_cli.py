"""`perisai viral` against the test database: list, show, confirm, dismiss; garbage exits 2."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.viral.factories import viral_cluster
from typer.testing import CliRunner

from perisai import cliruntime
from perisai.runtime import Runtime
from perisai.viral.cli import app
from perisai.viral.models import ViralProposal


@pytest.fixture
def cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The CLI on the test's database (rolled back after the test)."""

    @contextmanager
    def test_runtime(*, migrate: bool = True) -> Iterator[Runtime]:
        yield runtime

    monkeypatch.setattr(cliruntime, "cli_runtime", test_runtime)
    return CliRunner()


def test_list_show_and_decide(cli: CliRunner, db: Session, runtime: Runtime) -> None:
    cluster = viral_cluster(db, runtime)
    listed = cli.invoke(app, ["list", "--json"])
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.output.splitlines()[0])["cluster_id"] == cluster
    shown = cli.invoke(app, ["show", cluster.lower(), "--json"])
    assert shown.exit_code == 0, shown.output
    detail = json.loads(shown.output)
    assert len(detail["platforms"]) == 3
    human = cli.invoke(app, ["show", cluster])
    assert "MYT" in human.output
    bank = db.scalars(select(ViralProposal).where(ViralProposal.kind == "bank_add")).one()
    done = cli.invoke(app, ["dismiss", cluster, str(bank.id), "--note", "benign meme", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["state"] == "dismissed"


@pytest.mark.parametrize(
    "args",
    [
        ["show", "not-a-cluster"],
        ["show", "V-" + "Z" * 300],
        ["confirm", "V-ABCDEFGH", "abc"],
        ["list", "--limit", "0"],
        ["dismiss", "V-ABCDEFGH", "1"],
    ],
)
def test_garbage_exits_2(cli: CliRunner, args: list[str]) -> None:
    result = cli.invoke(app, args)
    assert result.exit_code == 2, result.output


def test_unknown_cluster_and_bad_url_exit_2_with_one_line(
    cli: CliRunner, db: Session, runtime: Runtime
) -> None:
    cluster = viral_cluster(db, runtime)
    missing = cli.invoke(app, ["show", "V-ABCDEFGH"])
    assert missing.exit_code == 2 and "no cluster" in missing.output
    takedown = db.scalars(select(ViralProposal).where(ViralProposal.kind == "takedown")).first()
    assert takedown is not None
    bad = cli.invoke(app, ["confirm", cluster, str(takedown.id), "--url", "ftp://x"])
    assert bad.exit_code == 2 and "--url" in bad.output
    assert len(bad.output.strip().splitlines()) == 1
