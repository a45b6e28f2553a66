"""Errors of IP intelligence: each carries a one-line message fit for a CLI or an API answer."""

from __future__ import annotations


class IpIntelError(Exception):
    """Base of every error this package raises on purpose."""


class InvalidIp(IpIntelError, ValueError):
    """The text given is not an IPv4 or IPv6 address."""


class InvalidTime(IpIntelError, ValueError):
    """A lookup time that cannot be used (unparseable, or without a time zone)."""


class IpIntelSourceError(IpIntelError):
    """A source (database, Tor list, CIDR list) that cannot be read at all."""
