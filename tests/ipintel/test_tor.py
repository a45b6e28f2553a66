"""Tor exit lists: dated snapshots, windows, and malformed lines reported with their place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from perisai.ipintel import IpIntel, IpIntelSourceError
from perisai.ipintel.addresses import parse_ip
from perisai.ipintel.tor import TorHistory, load_snapshot

FP_A = "0011BD2485AD45D984EC4159C88FC066E5E3300E"
FP_B = "0111BA9B604669E636FFD5B503F382A4B7AD6E80"


def _record(fingerprint: str, published: str, *exits: tuple[str, str]) -> str:
    lines = [f"ExitNode {fingerprint}", f"Published {published}", f"LastStatus {published}"]
    lines += [f"ExitAddress {ip} {seen}" for ip, seen in exits]
    return "\n".join(lines) + "\n"


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def two_snapshots(tmp_path: Path) -> list[Path]:
    """Day 1: 192.0.2.10 and 2001:db8::10 are exits. Day 2: only 198.51.100.20 is."""
    day1 = tmp_path / "exits-day1"
    day1.write_text(
        "@type tordnsel 1.0\nDownloaded 2026-01-01 12:00:00\n"
        + _record(
            FP_A,
            "2026-01-01 10:00:00",
            ("192.0.2.10", "2026-01-01 11:00:00"),
            ("2001:db8::10", "2026-01-01 11:30:00"),
        ),
        encoding="utf-8",
    )
    day2 = tmp_path / "exits-day2"
    day2.write_text(
        _record(FP_B, "2026-01-02 10:00:00", ("198.51.100.20", "2026-01-02 11:00:00")),
        encoding="utf-8",
    )
    return [day2, day1]  # given out of order on purpose


def test_snapshot_dates_come_from_downloaded_or_latest_time(two_snapshots: list[Path]) -> None:
    day2, day1 = two_snapshots
    assert load_snapshot(day1)[0].taken == _utc("2026-01-01 12:00:00")
    assert load_snapshot(day2)[0].taken == _utc("2026-01-02 11:00:00")


@pytest.mark.parametrize(
    ("ip", "at", "is_exit"),
    [
        ("192.0.2.10", "2026-01-01T13:00:00+00:00", True),
        ("2001:db8::10", "2026-01-01T13:00:00+00:00", True),
        ("192.0.2.10", "2026-01-02T12:00:00+00:00", False),  # day 2's list no longer has it
        ("198.51.100.20", "2026-01-02T12:00:00+00:00", True),
        ("198.51.100.20", "2026-01-01T13:00:00+00:00", False),  # not yet an exit
        ("192.0.2.10", "2026-01-01T11:59:59+00:00", False),  # before the first snapshot
        # 20:00 in Kuala Lumpur is 12:00 UTC: day 1's list was taken exactly then.
        ("192.0.2.10", "2026-01-01T20:00:00+08:00", True),
    ],
)
def test_exit_answer_comes_from_snapshot_in_force(
    two_snapshots: list[Path], ip: str, at: str, is_exit: bool
) -> None:
    intel = IpIntel.from_sources(tor_lists=two_snapshots)
    answer = intel.lookup(ip, datetime.fromisoformat(at))
    assert ("tor" in answer.flags) is is_exit
    if is_exit:
        assert answer.flags["tor"].date <= datetime.fromisoformat(at)


def test_without_time_the_latest_snapshot_answers(two_snapshots: list[Path]) -> None:
    intel = IpIntel.from_sources(tor_lists=two_snapshots)
    assert "tor" in intel.lookup("198.51.100.20").flags
    assert "tor" not in intel.lookup("192.0.2.10").flags


def test_window_finds_recent_sighting_in_an_older_snapshot(two_snapshots: list[Path]) -> None:
    intel = IpIntel.from_sources(tor_lists=two_snapshots)
    at = _utc("2026-01-02 12:00:00")  # 25 h after 192.0.2.10 was last seen
    assert "tor" not in intel.lookup("192.0.2.10", at, tor_window=timedelta(hours=24)).flags
    evidence = intel.lookup("192.0.2.10", at, tor_window=timedelta(hours=26)).flags["tor"]
    assert evidence.date == _utc("2026-01-01 11:00:00")
    assert "exits-day1" in evidence.source


def test_window_ignores_sightings_after_the_time(two_snapshots: list[Path]) -> None:
    history = TorHistory([load_snapshot(p)[0] for p in two_snapshots])
    address = parse_ip("198.51.100.20")
    assert history.exit_evidence(address, _utc("2026-01-02 10:59:00"), timedelta(hours=48)) is None


def test_note_when_no_snapshot_is_old_enough(two_snapshots: list[Path]) -> None:
    intel = IpIntel.from_sources(tor_lists=two_snapshots)
    answer = intel.lookup("192.0.2.10", _utc("2025-12-01 00:00:00"))
    assert any("no Tor exit list snapshot" in note for note in answer.notes)


def test_malformed_lines_are_skipped_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "messy"
    path.write_text(
        "\n".join(
            [
                "Published 2026-01-01 10:00:00",  # 1: before any ExitNode
                f"ExitNode {FP_A}",
                "ExitNode nothex",  # 3
                "Published 2026-13-01 10:00:00",  # 4: no 13th month
                "ExitAddress 300.1.1.1 2026-01-01 10:00:00",  # 5
                "ExitAddress 192.0.2.1",  # 6
                "Bogus line",  # 7
                "ExitAddress 192.0.2.2 2026-01-01 10:00:00",
                "\udcff garbage",  # 9: non-UTF-8 arrives replaced
            ]
        ),
        encoding="utf-8",
        errors="surrogateescape",
    )
    snapshot, warnings = load_snapshot(path)
    assert [w.line for w in warnings] == [1, 3, 4, 5, 6, 7, 9]
    assert all(w.path == str(path) for w in warnings)
    assert f"{path}:5:" in str(warnings[3])
    assert list(snapshot.exits) == [parse_ip("192.0.2.2")]


def test_warnings_reach_the_intel(tmp_path: Path) -> None:
    path = tmp_path / "list"
    path.write_text(_record(FP_A, "2026-01-01 10:00:00") + "nonsense here\n", encoding="utf-8")
    intel = IpIntel.from_sources(tor_lists=[path])
    assert [w.line for w in intel.warnings] == [4]


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02" * 100, b"hello\nworld\n"])
def test_list_without_any_dated_record_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty"
    path.write_bytes(content)
    with pytest.raises(IpIntelSourceError, match="no dated TorDNSEL records"):
        load_snapshot(path)


def test_unreadable_list_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IpIntelSourceError, match="cannot read Tor exit list"):
        IpIntel.from_sources(tor_lists=[tmp_path])  # a directory, not a file
