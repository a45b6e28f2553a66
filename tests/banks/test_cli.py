"""`perisai bank` in-process against a committed database of its own (the CLI commits)."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.banks.factories import random_pdq
from typer.testing import CliRunner

from perisai.banks.cli import app
from perisai.media.banks import read_bank
from perisai.testing.database import drop_database, migrated_database

RNG = random.Random(9)
runner = CliRunner()


@pytest.fixture(scope="module")
def cli_database(pg_server: str) -> Iterator[str]:
    name = f"perisai_banks_cli_{os.getpid()}"
    yield migrated_database(pg_server, name)
    drop_database(pg_server, name)


@pytest.fixture(autouse=True)
def _environment(cli_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERISAI_DATABASE_URL", cli_database)
    monkeypatch.setenv("PERISAI_DATA_DIR", str(tmp_path / "var"))


def _csv(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "bank.csv"
    path.write_text("signal_type,signal,label,category,source,note\n" + "".join(rows))
    return path


def test_import_creates_lists_and_exports_round_trip(tmp_path: Path) -> None:
    pdqs = [random_pdq(RNG) for _ in range(3)]
    source = _csv(tmp_path, [f"pdq,{p},item {i},A1,test,\n" for i, p in enumerate(pdqs)])
    result = runner.invoke(app, ["import", "--bank", "cli-one", "--create", "--json", str(source)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["added"], summary["duplicates"], summary["format"]) == (3, 0, "csv")
    again = runner.invoke(app, ["import", "--bank", "cli-one", "--json", str(source)])
    assert json.loads(again.stdout)["duplicates"] == 3
    listed = runner.invoke(app, ["list", "--json"])
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert {"name": "cli-one", "entries": 3}.items() <= next(
        r for r in rows if r["name"] == "cli-one"
    ).items()
    out = tmp_path / "out.csv"
    exported = runner.invoke(
        app, ["export", "--bank", "cli-one", "--format", "csv", "--out", str(out)]
    )
    assert exported.exit_code == 0, exported.output
    assert sorted(e.signal for e in read_bank(out, "csv")) == sorted(pdqs)


def test_import_reports_bad_lines_and_exits_1(tmp_path: Path) -> None:
    source = _csv(tmp_path, [f"pdq,{random_pdq(RNG)},ok,,,\n", "md5,zz,bad,,,\n"])
    result = runner.invoke(app, ["import", "--bank", "cli-two", "--create", "--json", str(source)])
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["added"] == 1 and summary["errors"][0]["line"] == 3


@pytest.mark.parametrize(
    "args",
    [
        ["import", "--bank", "absent-bank", "{csv}"],
        ["import", "--bank", "x", "--create", "/no/such/file.csv"],
        ["import", "--bank", "x", "--create", "--format", "xls", "{csv}"],
        ["export", "--bank", "absent-bank", "--format", "csv", "--out", "{out}"],
        ["export", "--bank", "x", "--format", "xls", "--out", "{out}"],
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path: Path, args: list[str]) -> None:
    csv = _csv(tmp_path, [f"pdq,{random_pdq(RNG)},,,,\n"])
    filled = [a.format(csv=csv, out=tmp_path / "o.csv") for a in args]
    result = runner.invoke(app, filled)
    assert result.exit_code == 2, result.output
    # Log records may share stderr (logging configured by other tests): one error line.
    errors = [line for line in result.stderr.splitlines() if line.startswith("perisai: error:")]
    assert len(errors) == 1


HASHLISTS = Path(__file__).resolve().parents[1] / "data" / "hashlists"


@pytest.mark.parametrize(
    ("name", "added", "rejected"),
    [
        ("md5sum.txt", 6, 0),
        ("md5deep-z.txt", 6, 1),
        ("hashdeep-all.txt", 18, 2),
        ("commented.txt", 3, 2),
    ],
)
def test_import_real_hash_lists_skips_and_lists_malformed_lines(
    name: str, added: int, rejected: int
) -> None:
    bank = f"lists-{name.split('.', maxsplit=1)[0]}"
    result = runner.invoke(
        app, ["import", "--bank", bank, "--create", "--json", str(HASHLISTS / name)]
    )
    assert result.exit_code == (1 if rejected else 0), result.output
    summary = json.loads(result.stdout)
    assert (summary["added"], summary["rejected"]) == (added, rejected)
    assert all(error["line"] for error in summary["errors"])
