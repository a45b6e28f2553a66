"""`perisai forensics links`: in-process, on the test database (rolled back after each test)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.linkage.factories import account, body, make_report
from typer.testing import CliRunner

from perisai.audit.models import AuditEntry
from perisai.audit.service import flush_pending
from perisai.forensics.cli import app
from perisai.linkage import cli as linkage_cli
from perisai.runtime import Runtime

SECTIONS = {"identifier", "reports", "identifiers", "links", "shared_media", "timeline"}


@pytest.fixture
def on_test_database(monkeypatch: pytest.MonkeyPatch, runtime: Runtime) -> None:
    @contextmanager
    def test_runtime(*, migrate: bool = True) -> Iterator[Runtime]:
        yield runtime

    monkeypatch.setattr(linkage_cli, "cli_runtime", test_runtime)


def _run(*args: str) -> Any:
    return CliRunner().invoke(app, ["links", *args])


@pytest.mark.usefixtures("on_test_database")
def test_json_answer_has_every_section(db: Session, runtime: Runtime) -> None:
    keyring = runtime.keyring
    first = make_report(db, keyring, body(account(user_id="cli1", emails=["Abang.Baik@gmail.com"])))
    second = make_report(db, keyring, body(account(user_id="cli2", emails=["abangbaik@gmail.com"])))
    result = _run("ABANG.BAIK+tag@gmail.com", "--json")  # kind guessed from the '@'
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    answer = json.loads(lines[0])
    assert set(answer) >= SECTIONS
    assert answer["identifier"]["kind"] == "email"
    assert {r["report_id"] for r in answer["reports"]} == {first.public_id, second.public_id}
    assert answer["links"][0]["reasons"] == [
        f"same email abangbaik@gmail.com as report {answer['links'][0]['reports'][1]}"
    ]
    flush_pending(db)
    audited = db.scalars(select(AuditEntry).where(AuditEntry.action == "linkage.lookup")).one()
    assert audited.actor_kind == "system" and audited.actor_id is not None
    assert audited.actor_id.startswith("cli:forensics.links:")


@pytest.mark.usefixtures("on_test_database")
def test_unknown_identifier_is_empty_and_succeeds() -> None:
    result = _run("+60 19-000 0000", "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["identifier"]["key"] == "phone:+60190000000"
    assert answer["reports"] == [] and answer["timeline"] == []


@pytest.mark.usefixtures("on_test_database")
def test_human_output_names_reports_and_reasons(db: Session, runtime: Runtime) -> None:
    one = make_report(db, runtime.keyring, body(account(user_id="h", phones=["0123456780"])))
    two = make_report(db, runtime.keyring, body(account(user_id="i", phones=["0123456780"])))
    result = _run("0123456780", "--kind", "phone")
    assert result.exit_code == 0, result.output
    assert "2 report(s)" in result.output
    assert f"same phone +60123456780 as report {two.public_id}" in result.output
    assert one.public_id in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["not-an-email@"], "email"),
        (["abang"], "give --kind"),
        (["abang", "--kind", "username"], "platform"),
        (["x", "--kind", "shoe-size"], "unknown kind"),
        (["999", "--kind", "phone"], "phone"),
        (["300.1.1.1", "--kind", "ip"], "not an IP"),
        (["a\x01b", "--kind", "device"], "control characters"),
    ],
)
def test_malformed_identifiers_exit_2_with_one_line(args: list[str], message: str) -> None:
    # No database fixture: bad input is refused before the database is opened.
    result = _run(*args)
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("perisai: error:")]
    assert len(errors) == 1 and message in errors[0]
