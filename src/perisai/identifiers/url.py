"""URLs: one spelling per resource, so the same link pasted twice matches.

Rules: scheme and host lower-case, host in ASCII (IDNA) without a trailing dot, default port
dropped, user info and fragment dropped, dot segments resolved, empty path → `/`,
percent-encoding normalised (unreserved characters decoded, other escapes upper-case, raw
non-ASCII encoded as UTF-8), tracking parameters (`utm_*`, `fbclid`, `gclid`…) dropped and the
remaining query parameters sorted. A value without a scheme is read as `http://`.
"""

from __future__ import annotations

import ipaddress
import posixpath
import re
import string
from urllib.parse import SplitResult, urlsplit, urlunsplit

from perisai.identifiers.email_address import ascii_domain
from perisai.identifiers.model import Identifier, IdentifierError, checked_text

_DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21, "ws": 80, "wss": 443}
_TRACKING = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid"}
    | {"mc_eid", "_ga", "_gl", "twclid", "ttclid", "srsltid"}
)
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_PATH_SAFE = _UNRESERVED | frozenset("!$&'()*+,;=:@/")
_QUERY_PART_SAFE = _UNRESERVED | frozenset("!$'()*+,;:@/?")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")


def _normalise_escapes(component: str, safe: frozenset[str]) -> str:
    out: list[str] = []
    index = 0
    while index < len(component):
        char = component[index]
        escape = _ESCAPE.match(component, index)
        if escape is not None:
            decoded = chr(int(escape.group(1), 16))
            out.append(decoded if decoded in _UNRESERVED else f"%{escape.group(1).upper()}")
            index += 3
            continue
        if char in safe:
            out.append(char)
        else:  # a bare '%' or a character that must be escaped
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
        index += 1
    return "".join(out)


def _host(parts: SplitResult) -> str:
    host = parts.hostname or ""
    if not host:
        raise IdentifierError("url", "has no host")
    try:
        return ipaddress.ip_address(host).compressed
    except ValueError:
        pass
    if ":" in host:
        raise IdentifierError("url", f"not a valid IPv6 host: {host[:80]!r}")
    return ascii_domain("url", host) if "." in host else _single_label(host)


def _single_label(host: str) -> str:
    if host != "localhost":
        raise IdentifierError("url", f"not a valid host: {host[:80]!r}")
    return host


def _port(parts: SplitResult, scheme: str) -> str:
    try:
        port = parts.port
    except ValueError:
        raise IdentifierError("url", "has an invalid port") from None
    return "" if port is None or port == _DEFAULT_PORTS.get(scheme) else f":{port}"


def _path(raw: str) -> str:
    path = _normalise_escapes(raw or "/", _PATH_SAFE)
    resolved = posixpath.normpath(path) if path != "/" else path
    resolved = "/" + resolved.lstrip("/")  # normpath keeps a leading '//'; one is enough
    return resolved + "/" if path.endswith("/") and resolved != "/" else resolved


def _query(raw: str) -> str:
    kept: list[str] = []
    for part in raw.split("&"):
        if not part:
            continue
        name, equals, value = part.partition("=")
        name = _normalise_escapes(name, _QUERY_PART_SAFE)
        lowered = name.lower()
        if lowered.startswith("utm_") or lowered in _TRACKING:
            continue
        kept.append(name + equals + _normalise_escapes(value, _QUERY_PART_SAFE))
    return "&".join(sorted(kept))


def normalise_url(value: object) -> Identifier:
    text = checked_text("url", value, limit=2048)
    if any(char.isspace() for char in text):
        raise IdentifierError("url", "contains spaces")
    with_scheme = text if re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", text) else f"http://{text}"
    try:
        parts = urlsplit(with_scheme)
    except ValueError as exc:
        raise IdentifierError("url", f"cannot be parsed ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise IdentifierError("url", f"unsupported scheme {scheme[:20]!r}")
    host = _host(parts)
    netloc = (f"[{host}]" if ":" in host else host) + _port(parts, scheme)
    canonical = urlunsplit((scheme, netloc, _path(parts.path), _query(parts.query), ""))
    return Identifier("url", canonical, text, f"url:{canonical}", canonical)
