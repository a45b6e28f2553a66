"""Tor exit lists in TorDNSEL format, kept as dated snapshots.

A list looks like (CollecTor's archives add `@type tordnsel 1.0` and `Downloaded <UTC>` first):

    ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E
    Published 2016-01-01 07:26:30
    LastStatus 2016-01-01 08:03:15
    ExitAddress 162.247.72.201 2016-01-01 08:08:40

Attribution needs the list as it was at the event's time, so every snapshot keeps its own date:
the later of its `Downloaded` line and the latest time written in it (so an address is never an
exit before the snapshot that first lists it). A file may hold one snapshot, several
concatenated (a new one starts at each `@type tordnsel` line, at a second `Downloaded` line, or
where an `ExitNode` fingerprint repeats), or be a CollecTor archive: a tar (also `.tar.gz`,
`.tar.bz2`, `.tar.xz`) of snapshots, read member by member in memory, never extracted.
"Was this IP a Tor exit at T?" answers from the latest snapshot dated at or before T; with a
window, from any `ExitAddress` observation in the N hours before T, whichever snapshot holds it.
"""

from __future__ import annotations

import bisect
import re
import tarfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from perisai.ipintel.addresses import IpAddress, parse_ip
from perisai.ipintel.errors import InvalidIp, IpIntelSourceError
from perisai.ipintel.model import FlagEvidence, SourceWarning

_FINGERPRINT = re.compile(r"[0-9A-Fa-f]{40}")
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
MAX_LIST_BYTES = 256 * 1024 * 1024  # a real list is a few MB; refuse something absurd
# A month of CollecTor exit lists is ~720 snapshots, ~150 MB uncompressed.
MAX_ARCHIVE_MEMBERS = 100_000
MAX_ARCHIVE_BYTES = 4 * 1024 * 1024 * 1024


class _MalformedLineError(ValueError):
    pass


def _parse_utc(text: str) -> datetime:
    try:
        return datetime.strptime(text, _TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise _MalformedLineError(f"bad time {text[:40]!r}, want YYYY-MM-DD HH:MM:SS") from None


@dataclass(slots=True)
class TorSnapshot:
    """One exit list: when it was taken and each exit address with its latest observation.

    `name` says where it came from: the file, an archive member (`archive!member`), or the
    n-th snapshot of a concatenated file (`file#n`)."""

    path: Path
    taken: datetime
    exits: dict[IpAddress, datetime] = field(default_factory=dict)
    name: str = ""

    @property
    def label(self) -> str:
        return f"Tor exit list ({self.name or self.path.name})"


@dataclass(slots=True)
class _ParseState:
    path: Path
    in_record: bool = False
    downloaded: datetime | None = None
    latest: datetime | None = None
    exits: dict[IpAddress, datetime] = field(default_factory=dict)
    warnings: list[SourceWarning] = field(default_factory=list)
    fingerprints: set[str] = field(default_factory=set)

    def saw(self, moment: datetime) -> None:
        self.latest = moment if self.latest is None or moment > self.latest else self.latest


def _parse_line(state: _ParseState, words: list[str]) -> None:
    keyword, rest = words[0], words[1:]
    if keyword == "@type":
        return
    if keyword == "Downloaded":
        state.downloaded = _parse_utc(" ".join(rest))
        return
    if keyword == "ExitNode":
        if len(rest) != 1 or not _FINGERPRINT.fullmatch(rest[0]):
            raise _MalformedLineError("ExitNode needs one 40-hex-digit fingerprint")
        state.in_record = True
        state.fingerprints.add(rest[0].upper())
        return
    if keyword not in ("Published", "LastStatus", "ExitAddress"):
        raise _MalformedLineError(f"unknown keyword {keyword[:40]!r}")
    if not state.in_record:
        raise _MalformedLineError(f"{keyword} before any ExitNode")
    if keyword != "ExitAddress":
        state.saw(_parse_utc(" ".join(rest)))
        return
    if len(rest) != 3:
        raise _MalformedLineError("ExitAddress needs an address and a UTC time")
    try:
        address = parse_ip(rest[0])
    except InvalidIp as exc:
        raise _MalformedLineError(str(exc)) from None
    seen = _parse_utc(" ".join(rest[1:]))
    state.saw(seen)
    previous = state.exits.get(address)
    state.exits[address] = seen if previous is None or seen > previous else previous


def _read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_LIST_BYTES:
            raise IpIntelSourceError(f"{path}: too large for a Tor exit list")
        return path.read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        raise IpIntelSourceError(f"{path}: cannot read Tor exit list ({exc.strerror})") from None


def _starts_snapshot(state: _ParseState, words: list[str]) -> bool:
    """Whether this line begins the next of several concatenated snapshots."""
    keyword = words[0]
    started = state.in_record or state.downloaded is not None
    if keyword == "@type":
        return started
    if keyword == "Downloaded":
        return started
    return keyword == "ExitNode" and len(words) == 2 and words[1].upper() in state.fingerprints


def _snapshot_of(state: _ParseState, name: str) -> TorSnapshot | None:
    moments = [m for m in (state.downloaded, state.latest) if m is not None]
    if not moments:
        return None
    return TorSnapshot(state.path, max(moments), state.exits, name)


def _parse_snapshots(
    path: Path, text: str, name: str, warn_path: str
) -> tuple[list[TorSnapshot], list[SourceWarning]]:
    """Every snapshot in one text (one, or several concatenated), each with its own date."""
    states = [_ParseState(path)]
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if not words:
            continue
        if _starts_snapshot(states[-1], words):
            states.append(_ParseState(path))
        try:
            _parse_line(states[-1], words)
        except _MalformedLineError as exc:
            states[-1].warnings.append(SourceWarning(warn_path, number, str(exc)))
    several = len(states) > 1
    snapshots: list[TorSnapshot] = []
    for index, state in enumerate(states, start=1):
        found = _snapshot_of(state, f"{name}#{index}" if several else name)
        if found is not None:
            snapshots.append(found)
    return snapshots, [w for state in states for w in state.warnings]


def _archive_members(path: Path) -> list[tuple[str, str]]:
    """(member name, text) of every regular file of a tar archive, in archive order."""
    members: list[tuple[str, str]] = []
    total = 0
    try:
        with tarfile.open(path, mode="r:*") as archive:
            for member in archive:
                if not member.isfile():
                    continue
                total += member.size
                if member.size > MAX_LIST_BYTES or total > MAX_ARCHIVE_BYTES:
                    raise IpIntelSourceError(f"{path}: archive too large for Tor exit lists")
                if len(members) >= MAX_ARCHIVE_MEMBERS:
                    raise IpIntelSourceError(f"{path}: more than {MAX_ARCHIVE_MEMBERS} members")
                handle = archive.extractfile(member)
                if handle is not None:
                    data = handle.read(MAX_LIST_BYTES + 1)
                    members.append((member.name, data.decode("utf-8", errors="replace")))
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise IpIntelSourceError(f"{path}: damaged Tor exit list archive ({exc})") from None
    return members


def _is_archive(path: Path) -> bool:
    try:
        return tarfile.is_tarfile(path)
    except OSError as exc:
        raise IpIntelSourceError(f"{path}: cannot read Tor exit list ({exc.strerror})") from None


def load_snapshots(path: Path) -> tuple[list[TorSnapshot], list[SourceWarning]]:
    """Every snapshot of a list, a concatenation of lists, or a CollecTor tar archive.

    Malformed lines are skipped and returned as warnings with their line number (and member)."""
    if path.is_file() and _is_archive(path):
        snapshots: list[TorSnapshot] = []
        warnings: list[SourceWarning] = []
        for member, text in _archive_members(path):
            label = f"{path.name}!{member}"
            found, skipped = _parse_snapshots(path, text, label, f"{path}!{member}")
            snapshots.extend(found)
            warnings.extend(skipped)
    else:
        snapshots, warnings = _parse_snapshots(path, _read_text(path), path.name, str(path))
    if not snapshots:
        raise IpIntelSourceError(f"{path}: no dated TorDNSEL records (is it a Tor exit list?)")
    return snapshots, warnings


def load_snapshot(path: Path) -> tuple[TorSnapshot, list[SourceWarning]]:
    """The one snapshot of a single list (`load_snapshots` reads concatenations and archives)."""
    snapshots, warnings = load_snapshots(path)
    if len(snapshots) > 1:
        raise IpIntelSourceError(f"{path}: holds {len(snapshots)} snapshots (use load_snapshots)")
    return snapshots[0], warnings


class TorHistory:
    """All snapshots, ordered by when they were taken, plus an index of every observation."""

    def __init__(self, snapshots: list[TorSnapshot]) -> None:
        self._snapshots = sorted(snapshots, key=lambda s: s.taken)
        self._taken = [s.taken for s in self._snapshots]
        sightings: dict[IpAddress, list[tuple[datetime, str]]] = defaultdict(list)
        for snapshot in self._snapshots:
            for address, seen in snapshot.exits.items():
                sightings[address].append((seen, snapshot.label))
        self._sightings = {a: sorted(s) for a, s in sightings.items()}

    def __len__(self) -> int:
        return len(self._snapshots)

    def in_force(self, at: datetime | None) -> TorSnapshot | None:
        """The latest snapshot taken at or before `at` (the latest of all when `at` is None)."""
        if not self._snapshots:
            return None
        if at is None:
            return self._snapshots[-1]
        index = bisect.bisect_right(self._taken, at)
        return self._snapshots[index - 1] if index else None

    def exit_evidence(
        self, address: IpAddress, at: datetime | None, window: timedelta | None
    ) -> FlagEvidence | None:
        snapshot = self.in_force(at)
        if snapshot is not None and address in snapshot.exits:
            return FlagEvidence(snapshot.label, snapshot.taken)
        if window is None or at is None:
            return None
        return self._sighting_within(address, at - window, at)

    def _sighting_within(
        self, address: IpAddress, start: datetime, end: datetime
    ) -> FlagEvidence | None:
        seen = self._sightings.get(address, [])
        # The latest observation at or before `end`; it counts if it is not before `start`.
        index = bisect.bisect_right([moment for moment, _ in seen], end)
        if index == 0:
            return None
        moment, label = seen[index - 1]
        return FlagEvidence(label, moment) if moment >= start else None
