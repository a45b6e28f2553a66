"""MaxMind-format databases (`.mmdb`): ASN, City, Country, Anonymous-IP, Enterprise and others.

The type comes from each file's metadata (`database_type`), the data date from `build_epoch`.
A GeoIP Residential Proxy database (`GeoIP-Residential-Proxy`) lists only residential-proxy
networks, without an `is_residential_proxy` field: being found in it sets that flag, dated by the
network's `network_last_seen`, with the provider and MaxMind's confidence in the evidence.
Every record is read for all the fields we know, whatever its type, so a database type we have
not met (or a compatible third-party database) still gives what it can.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import maxminddb

from perisai.ipintel.addresses import IpAddress
from perisai.ipintel.errors import IpIntelSourceError
from perisai.ipintel.model import FlagEvidence, IpAnswer

# MaxMind's boolean trait → our flag name. Anonymous-IP keeps them at the top level, the
# Enterprise and Insights records under `traits`.
_FLAG_FIELDS = {
    "is_anonymous_vpn": "vpn",
    "is_tor_exit_node": "tor",
    "is_hosting_provider": "hosting",
    "is_public_proxy": "public_proxy",
    "is_residential_proxy": "residential_proxy",
    "is_anonymous": "anonymous",
}

# Known families, matched on the metadata's database_type (e.g. "GeoLite2-City").
_KINDS = (
    ("Residential-Proxy", "residential-proxy"),
    ("Anonymous-Plus", "anonymous-plus"),
    ("Anonymous-IP", "anonymous-ip"),
    ("Enterprise", "enterprise"),
    ("Connection-Type", "connection-type"),
    ("ASN", "asn"),
    ("ISP", "isp"),
    ("City", "city"),
    ("Country", "country"),
)


def database_kind(database_type: str) -> str:
    """Our short name for a MaxMind database type, or "unknown" (still read for known fields)."""
    for marker, kind in _KINDS:
        if marker.lower() in database_type.lower():
            return kind
    return "unknown"


@dataclass(frozen=True, slots=True)
class MaxMindSource:
    path: Path
    database_type: str
    kind: str
    built: datetime
    ip_version: int
    reader: Any  # maxminddb's Reader: its stubs differ between the C and pure-Python builds

    @classmethod
    def open(cls, path: Path) -> MaxMindSource:
        try:
            reader = maxminddb.open_database(str(path))
        except (OSError, ValueError, maxminddb.InvalidDatabaseError) as exc:
            raise IpIntelSourceError(f"{path}: not a readable MaxMind database ({exc})") from None
        metadata = reader.metadata()
        database_type = str(metadata.database_type)
        built = datetime.fromtimestamp(int(metadata.build_epoch), tz=UTC)
        kind = database_kind(database_type)
        return cls(path, database_type, kind, built, int(metadata.ip_version), reader)

    @property
    def label(self) -> str:
        return f"{self.database_type} ({self.path.name})"

    def record(self, address: IpAddress) -> Mapping[str, Any] | None:
        if isinstance(address, ipaddress.IPv6Address) and self.ip_version == 4:
            return None  # an IPv4-only database has nothing to say about IPv6
        try:
            found = self.reader.get(str(address))
        except (ValueError, maxminddb.InvalidDatabaseError) as exc:
            raise IpIntelSourceError(f"{self.path}: damaged database ({exc})") from None
        return found if isinstance(found, Mapping) else None

    def apply(self, address: IpAddress, answer: IpAnswer) -> None:
        """Fill what this database knows into `answer`; fields already set keep their value."""
        found = self.record(address)
        if found is None:
            return
        traits = _mapping(found.get("traits"))
        if answer.asn is None:
            answer.asn = _asn(found) or _asn(traits)
        if answer.as_org is None:
            answer.as_org = _text(found, "autonomous_system_organization") or _text(
                traits, "autonomous_system_organization"
            )
        if answer.country is None:
            answer.country = _text(_mapping(found.get("country")), "iso_code")
        if answer.city is None:
            answer.city = _english_name(_mapping(found.get("city")))
        evidence = FlagEvidence(self.label, _last_seen(found) or self.built)
        if self.kind == "residential-proxy":
            answer.add_flag("residential_proxy", _proxy_evidence(found, evidence))
        for field_name, flag in _FLAG_FIELDS.items():
            if found.get(field_name) is True or traits.get(field_name) is True:
                answer.add_flag(flag, evidence)

    def close(self) -> None:
        self.reader.close()


def _proxy_evidence(found: Mapping[str, Any], evidence: FlagEvidence) -> FlagEvidence:
    """The source named with the provider and confidence the residential-proxy record gives."""
    details = []
    if provider := _text(found, "provider_name"):
        details.append(f"provider {provider}")
    confidence = found.get("anonymizer_confidence")
    if isinstance(confidence, int) and not isinstance(confidence, bool):
        details.append(f"confidence {confidence}")
    if not details:
        return evidence
    return FlagEvidence(f"{evidence.source}: {', '.join(details)}", evidence.date)


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    return value if isinstance(value, str) and value else None


def _asn(record: Mapping[str, Any]) -> int | None:
    value = record.get("autonomous_system_number")
    # bool is an int subclass; a corrupt record must not turn True into AS1.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _english_name(place: Mapping[str, Any]) -> str | None:
    names = _mapping(place.get("names"))
    return _text(names, "en") or next((v for v in names.values() if isinstance(v, str)), None)


def _last_seen(record: Mapping[str, Any]) -> datetime | None:
    """Anonymous Plus dates each network (`network_last_seen`): better evidence than the build."""
    value = record.get("network_last_seen")
    if not isinstance(value, str):
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
