"""Parsing addresses and times the way every source and the CLI need them."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime

from perisai.ipintel.errors import InvalidIp, InvalidTime

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_ip(text: str) -> IpAddress:
    """Parse an address; IPv4-mapped IPv6 (`::ffff:a.b.c.d`) becomes the IPv4 it carries."""
    cleaned = text.strip()
    if not cleaned or len(cleaned) > 64:
        raise InvalidIp(f"not an IP address: {text[:64]!r}")
    try:
        address = ipaddress.ip_address(cleaned)
    except ValueError:
        raise InvalidIp(f"not an IP address: {text[:64]!r}") from None
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id is not None:
            # A zone index names a local interface; it never reaches a database.
            address = ipaddress.IPv6Address(cleaned.split("%", 1)[0])
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
    return address


def special_use_note(address: IpAddress) -> str | None:
    """A note for addresses that cannot identify anyone on the public internet."""
    checks = (
        (address.is_loopback, "loopback"),
        (address.is_unspecified, "unspecified"),
        (address.is_link_local, "link-local"),
        (address.is_multicast, "multicast"),
        (address.is_private, "private"),
        (address.is_reserved, "reserved"),
        (not address.is_global, "not globally routable"),
    )
    for holds, label in checks:
        if holds:
            return f"{label} address: it does not identify a host on the public internet"
    return None


def parse_time(text: str) -> datetime:
    """Parse an ISO 8601 time with an explicit zone (`Z` or an offset) and return it in UTC.

    A zone is required: Malaysia is UTC+8 and Tor lists are UTC, so a bare time is ambiguous by
    eight hours, enough to attribute an exit node wrongly.
    """
    cleaned = text.strip()
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        raise InvalidTime(f"not an ISO 8601 time: {text[:64]!r}") from None
    return require_zone(moment)


def require_zone(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidTime(
            f"time {moment.isoformat()} has no time zone: add Z (UTC) or an offset like +08:00"
        )
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        # Year 1 or 9999 with an offset: valid ISO 8601, but it leaves the calendar in UTC.
        raise InvalidTime(f"time {moment.isoformat()} is out of range") from None
