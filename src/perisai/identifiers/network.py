"""IP addresses as identifiers: canonical text (IPv4-mapped IPv6 becomes the IPv4 address)."""

from __future__ import annotations

import ipaddress

from perisai.identifiers.model import Identifier, IdentifierError, checked_text


def normalise_ip(value: object) -> Identifier:
    text = checked_text("ip", value, limit=64)
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        raise IdentifierError("ip", f"not an IP address: {text[:64]!r}") from None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    canonical = address.compressed
    return Identifier("ip", canonical, text, f"ip:{canonical}", canonical)
