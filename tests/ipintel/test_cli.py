"""`perisai ipintel lookup`, run in-process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.datasets import MAXMIND
from typer.testing import CliRunner

from perisai.ipintel.cli import app

TESTDATA = MAXMIND
ANON = str(TESTDATA / "GeoIP2-Anonymous-IP-Test.mmdb")
CITY = str(TESTDATA / "GeoLite2-City-Test.mmdb")
ASN = str(TESTDATA / "GeoLite2-ASN-Test.mmdb")
runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_configured_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests set the configured sources themselves; the caller's environment must not leak in."""
    for name in ("PERISAI_IPINTEL_MMDB", "PERISAI_IPINTEL_TOR_LISTS", "PERISAI_IPINTEL_CIDR_LISTS"):
        monkeypatch.delenv(name, raising=False)


def _rows(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_lookup_json_contract() -> None:
    result = runner.invoke(
        app, ["lookup", "81.2.69.160", "--mmdb", ANON, "--mmdb", CITY, "--json"], env={}
    )
    assert result.exit_code == 0, result.output
    (row,) = _rows(result.stdout)
    assert set(row) == {"ip", "at", "asn", "as_org", "country", "city", "flags"}
    assert row["country"] == "GB"
    assert isinstance(row["flags"], dict)
    assert "vpn" in row["flags"]


def test_environment_sets_sources_and_flags_add(tmp_path: Path) -> None:
    vpn = tmp_path / "vpn.txt"
    vpn.write_text("1.0.0.0/24\n", encoding="utf-8")
    env = {"PERISAI_IPINTEL_MMDB": f"{ASN}:{CITY}", "PERISAI_IPINTEL_CIDR_LISTS": f"vpn={vpn}"}
    result = runner.invoke(app, ["lookup", "1.0.0.1", "--mmdb", ANON, "--json"], env=env)
    assert result.exit_code == 0, result.output
    (row,) = _rows(result.stdout)
    assert row["asn"] == 15169
    assert set(row["flags"]) == {"vpn"}


def test_several_addresses_and_stdin() -> None:
    result = runner.invoke(
        app,
        ["lookup", "1.0.0.1", "-", "--mmdb", ASN, "--json"],
        input="# comment\n1.128.0.1\n\n2001:218::1\n",
        env={},
    )
    assert result.exit_code == 0, result.output
    assert [r["ip"] for r in _rows(result.stdout)] == ["1.0.0.1", "1.128.0.1", "2001:218::1"]


def test_bad_address_among_good_ones_exits_2_after_answering_the_rest() -> None:
    result = runner.invoke(app, ["lookup", "1.0.0.1", "nonsense", "--mmdb", ASN, "--json"], env={})
    assert result.exit_code == 2
    assert [r["ip"] for r in _rows(result.stdout)] == ["1.0.0.1"]
    assert result.stderr.strip().splitlines() == ["perisai: error: not an IP address: 'nonsense'"]


def test_tor_list_with_time_and_window(tmp_path: Path) -> None:
    tor = tmp_path / "exits"
    tor.write_text(
        "ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E\nPublished 2026-01-01 10:00:00\n"
        "LastStatus 2026-01-01 10:00:00\nExitAddress 192.0.2.5 2026-01-01 10:00:00\nbroken\n",
        encoding="utf-8",
    )
    args = ["lookup", "192.0.2.5", "--tor-list", str(tor), "--json"]
    result = runner.invoke(app, [*args, "--at", "2026-01-01T18:30:00+08:00"], env={})
    assert result.exit_code == 0, result.output
    assert "tor" in _rows(result.stdout)[0]["flags"]
    assert f"{tor}:5:" in result.stderr  # the malformed line is reported
    before = runner.invoke(app, [*args, "--at", "2026-01-01T09:00:00Z"], env={})
    assert _rows(before.stdout)[0]["flags"] == {}


def test_human_output_without_json() -> None:
    result = runner.invoke(app, ["lookup", "81.2.69.160", "--mmdb", CITY], env={})
    assert result.exit_code == 0
    assert result.stdout.startswith("81.2.69.160\t")
    assert "country=GB" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["lookup", "1.2.3.4", "--at", "2026-01-01"], "no time zone"),
        (["lookup", "1.2.3.4", "--at", "soon"], "not an ISO 8601 time"),
        (["lookup", "1.2.3.4", "--mmdb", "/nonexistent/x.mmdb"], "not a readable MaxMind"),
        (["lookup", "1.2.3.4", "--mmdb", __file__], "not a readable MaxMind"),
        (["lookup", "1.2.3.4", "--tor-list", __file__], "no dated TorDNSEL records"),
        (["lookup", "1.2.3.4", "--cidr-list", "vpn"], "NAME=FILE"),
        (["lookup", "1.2.3.4", "--cidr-list", "bogus=x"], "unknown CIDR list name"),
        (["lookup", "1.2.3.4", "--tor-window", "-1"], "--tor-window"),
        (["lookup", "1.2.3.4.5"], "not an IP address"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], message: str) -> None:
    result = runner.invoke(app, args, env={})
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("perisai: error:")
    assert message in lines[0]


def test_bad_environment_setting_exits_2() -> None:
    result = runner.invoke(
        app, ["lookup", "1.2.3.4"], env={"PERISAI_IPINTEL_MMDB": "/nonexistent.mmdb"}
    )
    assert result.exit_code == 2
    assert "nonexistent.mmdb" in result.stderr


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-05:00"])
def test_a_time_out_of_range_is_one_line_and_exit_2(at: str) -> None:
    """Year 1 or 9999 with an offset is refused like any bad time (issue #11 item 4), not an
    unexpected error."""
    result = runner.invoke(app, ["lookup", "81.2.69.160", "--at", at, "--mmdb", CITY], env={})
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("perisai: error:") and result.stderr.count("\n") == 1
    assert "out of range" in result.stderr and "Overflow" not in result.stderr
