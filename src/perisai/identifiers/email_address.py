"""Email addresses: the original kept, a canonical form for matching.

Canonical: lower-case; the domain in its ASCII (IDNA) form; for gmail.com and googlemail.com
(one mailbox service) dots and `+tags` are dropped from the local part and the domain becomes
gmail.com; for Microsoft and Apple mail only `+tags` are dropped (dots matter there).
"""

from __future__ import annotations

import re

from perisai.identifiers.model import Identifier, IdentifierError, checked_text

_GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
_TAG_ONLY_DOMAINS = frozenset(
    {"outlook.com", "hotmail.com", "live.com", "msn.com", "icloud.com", "me.com", "mac.com"}
)
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_LOCAL_FORBIDDEN = re.compile(r"[\s\"(),:;<>@\[\\\]]")


def ascii_domain(field: str, domain: str) -> str:
    """Lower-case ASCII form of a (possibly internationalised) domain name."""
    cleaned = domain.rstrip(".").lower()
    try:
        encoded = cleaned.encode("idna").decode("ascii")
    except UnicodeError:
        raise IdentifierError(field, f"not a valid domain name: {domain[:80]!r}") from None
    labels = encoded.split(".")
    if len(encoded) > 253 or len(labels) < 2 or not all(_LABEL.fullmatch(x) for x in labels):
        raise IdentifierError(field, f"not a valid domain name: {domain[:80]!r}")
    return encoded


def unicode_domain(domain: str) -> str:
    try:
        return domain.encode("ascii").decode("idna")
    except UnicodeError:
        return domain


def _canonical_local(local: str, domain: str) -> str:
    local = local.lower()
    if domain in _GMAIL_DOMAINS:
        local = local.split("+", 1)[0].replace(".", "")
    elif domain in _TAG_ONLY_DOMAINS:
        local = local.split("+", 1)[0]
    if not local:
        raise IdentifierError("email", "nothing left of the local part once tags are removed")
    return local


def normalise_email(value: object) -> Identifier:
    text = checked_text("email", value, limit=320)
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        raise IdentifierError("email", f"not an email address: {text[:80]!r}")
    if len(local) > 64 or _LOCAL_FORBIDDEN.search(local):
        raise IdentifierError("email", f"not a valid local part: {local[:80]!r}")
    ascii_host = ascii_domain("email", domain)
    if ascii_host == "googlemail.com":
        ascii_host = "gmail.com"
    canonical = f"{_canonical_local(local, ascii_host)}@{ascii_host}"
    display = f"{local}@{unicode_domain(ascii_host)}"
    return Identifier("email", canonical, text, f"email:{canonical}", display)
