"""CollecTor archives and concatenated exit lists keep each snapshot's own date."""

from __future__ import annotations

import io
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from perisai.ipintel import IpIntel, IpIntelSourceError
from perisai.ipintel.tor import load_snapshot, load_snapshots

TOR_DATA = Path(__file__).resolve().parents[1] / "data" / "tor"
SOURCES = ["exit-list-2026-01.tar.xz", "concatenated.txt"]


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, 1, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize("name", SOURCES)
def test_each_snapshot_keeps_its_own_date(name: str) -> None:
    snapshots, warnings = load_snapshots(TOR_DATA / name)
    assert warnings == []
    assert [s.taken for s in snapshots] == [_at(9), _at(10), _at(11)]
    assert len({s.label for s in snapshots}) == 3


@pytest.mark.parametrize("name", SOURCES)
@pytest.mark.parametrize(
    ("ip", "at", "is_exit"),
    [
        ("192.0.2.10", _at(9, 30), True),
        ("198.51.100.20", _at(9, 59), False),  # first listed by the 10:00 snapshot
        ("198.51.100.20", _at(10, 0), True),
        ("203.0.113.30", _at(10, 30), False),  # first listed by the 11:00 snapshot
        ("203.0.113.30", _at(11, 30), True),
        ("2001:db8::10", _at(9, 30), True),
        ("2001:db8::10", _at(10, 30), False),  # gone from the later snapshots
        ("192.0.2.10", _at(8, 59), False),  # before any snapshot
    ],
)
def test_never_an_exit_before_it_first_appeared(
    name: str, ip: str, at: datetime, is_exit: bool
) -> None:
    intel = IpIntel.from_sources(tor_lists=[TOR_DATA / name])
    answer = intel.lookup(ip, at)
    assert ("tor" in answer.flags) is is_exit
    if is_exit:
        evidence = answer.flags["tor"]
        assert evidence.date <= at
        assert "2026-01-01-" in evidence.source or "#" in evidence.source


def test_archive_members_are_named_in_the_evidence() -> None:
    intel = IpIntel.from_sources(tor_lists=[TOR_DATA / "exit-list-2026-01.tar.xz"])
    source = intel.lookup("198.51.100.20", _at(10, 30)).flags["tor"].source
    assert source == (
        "Tor exit list (exit-list-2026-01.tar.xz!exit-list-2026-01/01/2026-01-01-10-00-00)"
    )


def test_concatenated_lists_without_headers_split_where_a_relay_repeats(tmp_path: Path) -> None:
    fingerprint = "0011BD2485AD45D984EC4159C88FC066E5E3300E"
    other = "0111BA9B604669E636FFD5B503F382A4B7AD6E80"

    def record(fp: str, ip: str, seen: str) -> str:
        return f"ExitNode {fp}\nPublished {seen}\nLastStatus {seen}\nExitAddress {ip} {seen}\n"

    path = tmp_path / "exits"
    path.write_text(
        record(fingerprint, "192.0.2.1", "2026-01-01 09:00:00")
        + record(fingerprint, "192.0.2.1", "2026-01-02 09:00:00")
        + record(other, "192.0.2.2", "2026-01-02 09:30:00"),
        encoding="utf-8",
    )
    snapshots, _ = load_snapshots(path)
    assert [s.taken for s in snapshots] == [
        datetime(2026, 1, 1, 9, tzinfo=UTC),
        datetime(2026, 1, 2, 9, 30, tzinfo=UTC),
    ]
    intel = IpIntel.from_sources(tor_lists=[path])
    assert "tor" not in intel.lookup("192.0.2.2", datetime(2026, 1, 1, 12, tzinfo=UTC)).flags
    with pytest.raises(IpIntelSourceError, match="2 snapshots"):
        load_snapshot(path)


def test_a_snapshot_is_never_dated_before_what_it_lists(tmp_path: Path) -> None:
    path = tmp_path / "skewed"
    path.write_text(
        "@type tordnsel 1.0\nDownloaded 2026-01-01 09:00:00\n"
        "ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E\n"
        "ExitAddress 192.0.2.7 2026-01-01 09:30:00\n",
        encoding="utf-8",
    )
    snapshot, _ = load_snapshot(path)
    assert snapshot.taken == _at(9, 30)


def _tar(members: dict[str, bytes], mode: str = "w") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:  # type: ignore[call-overload]
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_archive_with_garbage_members_warns_and_keeps_the_rest(tmp_path: Path) -> None:
    good = (TOR_DATA / "concatenated.txt").read_text(encoding="utf-8").split("@type")[1]
    path = tmp_path / "mixed.tar.gz"
    path.write_bytes(_tar({"a/good": b"@type" + good.encode(), "a/junk": b"not a list\n"}, "w:gz"))
    snapshots, warnings = load_snapshots(path)
    assert len(snapshots) == 1
    assert warnings and warnings[0].path.endswith("!a/junk")


@pytest.mark.parametrize(
    "content", [b"", _tar({"x": b"nothing dated here\n"}), _tar({"x": b"a" * 10})[:700]]
)
def test_archives_without_snapshots_are_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "list.tar"
    path.write_bytes(content)
    with pytest.raises(IpIntelSourceError):
        load_snapshots(path)
