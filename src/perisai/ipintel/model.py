"""The answer to one lookup: what the local sources say about one address at one time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Flag names a source may set; CIDR lists are named by one of these.
FLAG_NAMES = ("vpn", "tor", "hosting", "public_proxy", "residential_proxy", "anonymous")


@dataclass(frozen=True, slots=True)
class FlagEvidence:
    """Why a flag holds: which source said so and the date of that source's data."""

    source: str
    date: datetime

    def to_dict(self) -> dict[str, str]:
        return {"source": self.source, "date": self.date.isoformat()}


@dataclass(frozen=True, slots=True)
class SourceWarning:
    """A line of a source that was skipped, with where it is."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(slots=True)
class IpAnswer:
    """What the configured sources say about `ip` (canonical text) at time `at`."""

    ip: str
    at: datetime | None
    asn: int | None = None
    as_org: str | None = None
    country: str | None = None
    city: str | None = None
    flags: dict[str, FlagEvidence] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add_flag(self, name: str, evidence: FlagEvidence) -> None:
        """Keep the most recent evidence when several sources agree."""
        current = self.flags.get(name)
        if current is None or evidence.date > current.date:
            self.flags[name] = evidence

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract; `notes` appears only when there is something to say."""
        out: dict[str, Any] = {
            "ip": self.ip,
            "at": self.at.isoformat() if self.at is not None else None,
            "asn": self.asn,
            "as_org": self.as_org,
            "country": self.country,
            "city": self.city,
            "flags": {name: self.flags[name].to_dict() for name in sorted(self.flags)},
        }
        if self.notes:
            out["notes"] = list(self.notes)
        return out
