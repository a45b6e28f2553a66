"""Usernames: matched on NFKC + case-folded text, always within one platform."""

from __future__ import annotations

import re
import unicodedata

from perisai.identifiers.model import Identifier, IdentifierError, checked_text

_PLATFORM = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


def fold(text: str) -> str:
    """NFKC, casefold, NFKC again: case folding can yield text that is not in NFKC, and a key
    must not change when normalised twice."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def normalise_platform(platform: object) -> str:
    if platform is None:
        raise IdentifierError("platform", "a username needs its platform (e.g. 'instagram')")
    text = fold(checked_text("platform", platform, limit=64))
    if not _PLATFORM.fullmatch(text):
        raise IdentifierError("platform", f"use letters, digits, '.', '_' or '-': {text[:64]!r}")
    return text


def normalise_username(value: object, platform: object) -> Identifier:
    text = checked_text("username", value, limit=256)
    site = normalise_platform(platform)
    # A leading @ is how people write handles, not part of the handle.
    handle = text.removeprefix("@").removeprefix("＠").strip()
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in handle):
        raise IdentifierError("username", "contains control characters")
    # Invisible format characters (zero-width spaces, joiners) are a known way to make a
    # look-alike handle; matching ignores them.
    visible = "".join(char for char in handle if unicodedata.category(char) != "Cf")
    canonical = fold(visible).strip()
    if not canonical:
        raise IdentifierError("username", "is empty")
    return Identifier(
        "username", canonical, text, f"username:{site}:{canonical}", f"{site}:@{handle}"
    )
