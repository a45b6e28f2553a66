"""Named CIDR lists (VPN ranges, datacenter ranges…): one network a line, `#` comments allowed.

Each list sets one flag (its name) and carries a date: a `# date: YYYY-MM-DD` comment in the
file wins, else the file's modification time. Networks are merged into sorted, disjoint integer
ranges per IP version so a lookup is one bisect, whatever the list's size.
"""

from __future__ import annotations

import bisect
import ipaddress
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from perisai.ipintel.addresses import IpAddress
from perisai.ipintel.errors import IpIntelSourceError
from perisai.ipintel.model import FLAG_NAMES, FlagEvidence, SourceWarning

_DATE_COMMENT = re.compile(r"#\s*(?:date|updated|generated)\s*:\s*(\d{4}-\d{2}-\d{2})", re.I)
MAX_LIST_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class _Ranges:
    """Disjoint, sorted [start, end] integer ranges."""

    starts: list[int]
    ends: list[int]

    @classmethod
    def merged(cls, ranges: list[tuple[int, int]]) -> _Ranges:
        starts: list[int] = []
        ends: list[int] = []
        for start, end in sorted(ranges):
            if ends and start <= ends[-1] + 1:
                ends[-1] = max(ends[-1], end)
            else:
                starts.append(start)
                ends.append(end)
        return cls(starts, ends)

    def __contains__(self, value: int) -> bool:
        index = bisect.bisect_right(self.starts, value) - 1
        return index >= 0 and value <= self.ends[index]


@dataclass(frozen=True, slots=True)
class CidrList:
    flag: str
    path: Path
    date: datetime
    v4: _Ranges
    v6: _Ranges
    networks: int

    @property
    def label(self) -> str:
        return f"CIDR list {self.flag} ({self.path.name})"

    def evidence(self, address: IpAddress) -> FlagEvidence | None:
        ranges = self.v4 if address.version == 4 else self.v6
        return FlagEvidence(self.label, self.date) if int(address) in ranges else None


def check_flag_name(name: str) -> str:
    if name not in FLAG_NAMES:
        raise IpIntelSourceError(
            f"unknown CIDR list name {name[:40]!r}: use one of {', '.join(FLAG_NAMES)}"
        )
    return name


def _read_text(path: Path) -> tuple[str, datetime]:
    try:
        stat = path.stat()
        if stat.st_size > MAX_LIST_BYTES:
            raise IpIntelSourceError(f"{path}: too large for a CIDR list")
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        raise IpIntelSourceError(f"{path}: cannot read CIDR list ({exc.strerror})") from None
    return text, datetime.fromtimestamp(stat.st_mtime, tz=UTC)


def _dated_comment(line: str) -> datetime | None:
    found = _DATE_COMMENT.match(line)
    if found is None:
        return None
    try:
        day = date.fromisoformat(found.group(1))
    except ValueError:
        return None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def load_cidr_list(flag: str, path: Path) -> tuple[CidrList, list[SourceWarning]]:
    """Read a list; lines that are not networks are skipped and returned as warnings."""
    check_flag_name(flag)
    text, modified = _read_text(path)
    ranges: dict[int, list[tuple[int, int]]] = {4: [], 6: []}
    warnings: list[SourceWarning] = []
    stated: datetime | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("#"):
            stated = stated or _dated_comment(stripped)
        entry = stripped.split("#", 1)[0].strip()
        if not entry:
            continue
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            warnings.append(SourceWarning(str(path), number, f"not a CIDR network: {entry[:60]!r}"))
            continue
        start = int(network.network_address)
        ranges[network.version].append((start, start + network.num_addresses - 1))
    count = len(ranges[4]) + len(ranges[6])
    v4, v6 = _Ranges.merged(ranges[4]), _Ranges.merged(ranges[6])
    return CidrList(flag, path, stated or modified, v4, v6, count), warnings
