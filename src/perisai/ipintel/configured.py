"""The deployment's configured sources, read from environment settings when a command runs.

- `PERISAI_IPINTEL_MMDB`: MaxMind databases, colon-separated paths.
- `PERISAI_IPINTEL_TOR_LISTS`: Tor exit list snapshots, colon-separated paths.
- `PERISAI_IPINTEL_CIDR_LISTS`: named CIDR lists, `name=path,name=path`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from perisai.ipintel.cidr import check_flag_name
from perisai.ipintel.errors import IpIntelSourceError

MMDB_SETTING = "PERISAI_IPINTEL_MMDB"
TOR_SETTING = "PERISAI_IPINTEL_TOR_LISTS"
CIDR_SETTING = "PERISAI_IPINTEL_CIDR_LISTS"


@dataclass
class SourcePaths:
    mmdb: list[Path] = field(default_factory=list)
    tor_lists: list[Path] = field(default_factory=list)
    cidr_lists: dict[str, list[Path]] = field(default_factory=dict)

    def add_cidr(self, assignments: Iterable[str]) -> None:
        for assignment in assignments:
            name, path = parse_cidr_assignment(assignment)
            self.cidr_lists.setdefault(name, []).append(path)


def parse_cidr_assignment(text: str) -> tuple[str, Path]:
    name, separator, path = text.strip().partition("=")
    if not separator or not name.strip() or not path.strip():
        raise IpIntelSourceError(f"CIDR list must be NAME=FILE, got {text[:80]!r}")
    return check_flag_name(name.strip()), Path(path.strip())


def _paths(value: str) -> list[Path]:
    return [Path(part) for part in value.split(":") if part.strip()]


def from_environment(environ: Mapping[str, str]) -> SourcePaths:
    """The configured set; empty settings mean no source of that kind."""
    paths = SourcePaths(
        mmdb=_paths(environ.get(MMDB_SETTING, "")),
        tor_lists=_paths(environ.get(TOR_SETTING, "")),
    )
    paths.add_cidr(part for part in environ.get(CIDR_SETTING, "").split(",") if part.strip())
    return paths
