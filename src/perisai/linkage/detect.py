"""Turn what an investigator typed into a normalised identifier, guessing the kind if needed."""

from __future__ import annotations

import ipaddress
import re

from perisai.identifiers import Identifier, IdentifierError, normalise

# Kinds the lookup accepts (MyKad numbers are not linked: intake never stores them as keys).
LOOKUP_KINDS = ("email", "phone", "username", "device", "payment", "url", "ip")
_PHONE_LIKE = re.compile(r"^\+?[\d\s().-]{7,}$")


def guess_kind(value: str, *, platform: str | None = None) -> str:
    """The likely kind of `value`; raises `IdentifierError` when it cannot tell.

    An address is `ip`; a scheme or `www.` is `url`; `@` after the first character is `email`;
    a leading `+` or only digits and separators is `phone`; with a platform, anything else is a
    `username` (a leading `@` handle included).
    """
    text = value.strip()
    if _is_ip(text):
        return "ip"
    if "://" in text or text.lower().startswith("www."):
        return "url"
    if "@" in text[1:]:
        return "email"
    if _PHONE_LIKE.match(text) and sum(char.isdigit() for char in text) >= 7:
        return "phone"
    if platform:
        return "username"
    raise IdentifierError(
        "kind", "cannot tell the kind of this identifier: give --kind (or a platform for usernames)"
    )


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    return True


def parse_identifier(
    value: str, *, kind: str | None = None, platform: str | None = None
) -> Identifier:
    """Normalise `value` as `kind` (guessed when None); raises `IdentifierError` on bad input."""
    if kind is not None and kind.strip().lower() not in LOOKUP_KINDS:
        raise IdentifierError("kind", f"unknown kind {kind[:32]!r}: use {', '.join(LOOKUP_KINDS)}")
    chosen = kind.strip().lower() if kind else guess_kind(value, platform=platform)
    if chosen == "username" and not platform:
        raise IdentifierError("platform", "a username needs its platform (it is part of the key)")
    return normalise(chosen, value, platform=platform)
