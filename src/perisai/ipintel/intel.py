"""`IpIntel`: one lookup over every local source. Nothing here opens a network connection."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from perisai.ipintel.addresses import parse_ip, require_zone, special_use_note
from perisai.ipintel.cidr import CidrList, load_cidr_list
from perisai.ipintel.errors import InvalidTime
from perisai.ipintel.mmdb import MaxMindSource
from perisai.ipintel.model import IpAnswer, SourceWarning
from perisai.ipintel.tor import TorHistory, TorSnapshot, load_snapshots


@dataclass
class IpIntel:
    """The deployment's sources, loaded once; `lookup` is cheap and thread-safe for reading."""

    databases: list[MaxMindSource] = field(default_factory=list)
    tor: TorHistory = field(default_factory=lambda: TorHistory([]))
    cidr_lists: list[CidrList] = field(default_factory=list)
    tor_window: timedelta | None = None
    warnings: list[SourceWarning] = field(default_factory=list)

    @classmethod
    def from_sources(
        cls,
        *,
        mmdb: Iterable[Path] = (),
        tor_lists: Iterable[Path] = (),
        cidr_lists: Mapping[str, Path | Iterable[Path]] | None = None,
        tor_window: timedelta | None = None,
    ) -> IpIntel:
        """Open every source; one that cannot be read raises `IpIntelSourceError`.

        `cidr_lists` maps a flag name (`vpn`, `hosting`…) to one file or several. Malformed
        lines inside Tor and CIDR lists are skipped and listed in `warnings`.
        """
        warnings: list[SourceWarning] = []
        databases = [MaxMindSource.open(Path(path)) for path in mmdb]
        snapshots: list[TorSnapshot] = []
        for path in tor_lists:
            found, skipped = load_snapshots(Path(path))
            snapshots.extend(found)
            warnings.extend(skipped)
        lists: list[CidrList] = []
        for flag, paths in (cidr_lists or {}).items():
            for path in [paths] if isinstance(paths, str | Path) else paths:
                loaded, skipped = load_cidr_list(flag, Path(path))
                lists.append(loaded)
                warnings.extend(skipped)
        return cls(databases, TorHistory(snapshots), lists, tor_window, warnings)

    def lookup(
        self, ip: str, at: datetime | None = None, *, tor_window: timedelta | None = None
    ) -> IpAnswer:
        """What the sources say about `ip` at `at` (an aware time; None means "now").

        Raises `InvalidIp` for text that is not an address and `InvalidTime` for a naive `at`.
        """
        address = parse_ip(ip)
        moment = require_zone(at) if at is not None else None
        window = tor_window if tor_window is not None else self.tor_window
        if window is not None and window < timedelta(0):
            raise InvalidTime("the Tor window cannot be negative")
        answer = IpAnswer(ip=str(address), at=moment)
        note = special_use_note(address)
        if note is not None:
            answer.notes.append(note)
        for database in self.databases:
            database.apply(address, answer)
        tor_evidence = self.tor.exit_evidence(address, moment, window)
        if tor_evidence is not None:
            answer.add_flag("tor", tor_evidence)
        elif len(self.tor) and moment is not None and self.tor.in_force(moment) is None:
            answer.notes.append("no Tor exit list snapshot is dated at or before this time")
        for cidr_list in self.cidr_lists:
            evidence = cidr_list.evidence(address)
            if evidence is not None:
                answer.add_flag(cidr_list.flag, evidence)
        return answer

    def close(self) -> None:
        for database in self.databases:
            database.close()
