"""Where webhooks may go: never to loopback, link-local, private, metadata or unspecified
addresses (server-side request forgery), unless the operator allow-lists a host.

A URL is checked when it is subscribed (its host's addresses, resolved now) and again at every
delivery, where the connection goes to the very address that was vetted, so a name that
resolves elsewhere between the check and the connection (DNS rebinding) changes nothing.
Numeric hosts in every spelling the C library accepts (``2130706433``, ``0x7f.1``, ``127.1``)
are read as the address they are; IPv4 addresses embedded in IPv6 ones (``::ffff:127.0.0.1``,
NAT64, 6to4, Teredo) are judged by the IPv4 address inside.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
#: ``(host, port) -> addresses``; raises :class:`HostNotFound` when the name does not resolve.
Resolver = Callable[[str, int], list[str]]

MAX_URL_LENGTH: Final = 2000
_NAME: Final = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?")
_NUMERIC: Final = re.compile(r"[0-9a-fx.]+")
_NAT64: Final = ipaddress.IPv6Network("64:ff9b::/96")
#: Error categories a delivery records (never the socket's own message).
ADDRESS_NOT_ALLOWED: Final = "address_not_allowed"
HOST_NOT_FOUND: Final = "host_not_found"


class UrlRefused(ValueError):
    """A URL that may not be used for a webhook; the message says why (no addresses)."""

    category = "url_refused"


class AddressNotAllowed(UrlRefused):
    category = ADDRESS_NOT_ALLOWED


class HostNotFound(UrlRefused):
    category = HOST_NOT_FOUND


def system_resolver(host: str, port: int) -> list[str]:
    """The C library's resolver (``getaddrinfo``): every address of ``host``."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise HostNotFound("the host name does not resolve") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


#: The resolver every guard without one of its own uses (looked up at each call, so that a test
#: can put a fake in its place for the whole process, worker included).
resolve: Resolver = system_resolver


def _unwrap(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 one carries (mapped, NAT64, 6to4, Teredo), else itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)
        if address.sixtofour is not None:
            return address.sixtofour
        if address.teredo is not None:
            return address.teredo[1]
    return address


def forbidden(address: IPAddress) -> bool:
    """Anything but a public unicast address: loopback, private, link-local (cloud metadata at
    169.254.169.254 included), shared (100.64/10), unspecified, documentation, reserved,
    multicast and broadcast."""
    inner = _unwrap(address)
    if inner is not address and forbidden(inner):
        return True
    return (
        not address.is_global
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or address.is_loopback
        or address.is_link_local
    )


def literal_address(host: str) -> IPAddress | None:
    """The address a numeric host names (any spelling ``inet_aton`` accepts), else None."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC.fullmatch(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


@dataclass(frozen=True)
class Target:
    """A checked URL's parts: scheme, host (lower case, no trailing dot) and port."""

    scheme: str
    host: str
    port: int


def parse(url: str) -> Target:
    """Check a URL's form: http(s), a host, no user name or password, a valid port."""
    text = url.strip()
    if len(text) > MAX_URL_LENGTH:
        raise UrlRefused(f"the URL is longer than {MAX_URL_LENGTH} characters")
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in text):
        raise UrlRefused("the URL contains spaces or control characters")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise UrlRefused("the URL's host or port cannot be read") from exc
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UrlRefused("the URL must be http(s)://host/…")
    if "@" in parts.netloc:
        raise UrlRefused("the URL may not carry a user name or password")
    host = parts.hostname.lower().rstrip(".")
    if not host:
        raise UrlRefused("the URL must be http(s)://host/…")
    if literal_address(host) is None and not _NAME.fullmatch(host):
        raise UrlRefused("the URL's host is not a valid name or address")
    return Target(parts.scheme, host, port or (443 if parts.scheme == "https" else 80))


def _allow_entries(text: str) -> tuple[frozenset[str], tuple[IPNetwork, ...]]:
    names: set[str] = set()
    networks: list[IPNetwork] = []
    for raw in text.split(","):
        entry = raw.strip().lower().rstrip(".")
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
        except ValueError:
            if not _NAME.fullmatch(entry):
                raise ValueError(f"not a host name, address or network: {raw.strip()!r}") from None
            names.add(entry)
    return frozenset(names), tuple(networks)


@dataclass(frozen=True)
class UrlGuard:
    """The policy: public addresses only, plus the operator's allow-list (host names matched
    exactly, addresses or networks such as ``10.1.2.0/24``)."""

    allow_hosts: frozenset[str] = frozenset()
    allow_networks: tuple[IPNetwork, ...] = ()
    resolver: Resolver | None = None

    @classmethod
    def from_setting(cls, text: str, resolver: Resolver | None = None) -> UrlGuard:
        names, networks = _allow_entries(text)
        return cls(allow_hosts=names, allow_networks=networks, resolver=resolver)

    def _allowed(self, address: IPAddress) -> bool:
        return not forbidden(address) or any(
            address in network
            for network in self.allow_networks
            if network.version == address.version
        )

    def _judge(self, addresses: Iterable[IPAddress]) -> list[IPAddress]:
        found = list(addresses)
        if not found:
            raise HostNotFound("the host name does not resolve")
        # One forbidden address among several refuses the host (a rebinding name answers both).
        if not all(self._allowed(address) for address in found):
            raise AddressNotAllowed(
                "the host is, or resolves to, a loopback, private, link-local or otherwise "
                "non-public address (an operator may allow-list it: PERISAI_WEBHOOK_ALLOW_HOSTS)"
            )
        return found

    def addresses(self, host: str, port: int) -> list[IPAddress]:
        """The addresses to connect to for ``host``, every one of them allowed; raises
        :class:`AddressNotAllowed` or :class:`HostNotFound`."""
        host = host.lower().rstrip(".")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        literal = literal_address(host)
        if literal is not None:
            return self._judge([literal])
        if host == "localhost" or host.endswith(".localhost"):
            if host in self.allow_hosts:
                return [ipaddress.ip_address("127.0.0.1")]
            raise AddressNotAllowed("the host is loopback (localhost)")
        found: list[IPAddress] = []
        for text in (self.resolver or resolve)(host, port):
            try:
                found.append(ipaddress.ip_address(text.split("%", 1)[0]))
            except ValueError:
                continue
        if host in self.allow_hosts:
            if not found:
                raise HostNotFound("the host name does not resolve")
            return found
        return self._judge(found)

    def check_subscription(self, url: str) -> str:
        """The URL, stripped, if it may be subscribed: its form is right and its host is or
        resolves to allowed addresses only. A name that does not resolve yet is accepted;
        every delivery checks again."""
        target = parse(url)
        with contextlib.suppress(HostNotFound):
            self.addresses(target.host, target.port)
        return url.strip()


def redacted(url: str) -> str:
    """What logs and audit entries may say about a webhook URL: scheme, host and port only (a
    path or query often carries the receiver's own secret)."""
    try:
        target = parse(url)
    except UrlRefused:
        return "(invalid URL)"
    host = f"[{target.host}]" if ":" in target.host else target.host
    return f"{target.scheme}://{host}:{target.port}/…"
