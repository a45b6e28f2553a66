"""File names from evidence: keep every name, escape the ones that are not valid UTF-8.

Names are attacker-controlled. Undecodable bytes become `\\xNN` so the record stays valid JSON and
the original bytes can still be read back from the escape.
"""

from __future__ import annotations

import os
import posixpath
import re

CONTAINER_SEPARATOR = "!/"


def escape_name(name: str | bytes) -> tuple[str, bool]:
    """Return a printable UTF-8 form of `name` and whether anything had to be escaped."""
    raw = name if isinstance(name, bytes) else name.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace"), True


def unescape_name(escaped: str) -> str:
    """Inverse of `escape_name` for an escaped name: the original, as os functions take it."""
    raw = re.sub(
        rb"\\x([0-9a-f]{2})", lambda m: bytes([int(m.group(1), 16)]), escaped.encode("utf-8")
    )
    return os.fsdecode(raw)


def is_unsafe_member(name: str) -> bool:
    """True for archive members that would land outside an extraction folder."""
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or (len(normalised) > 1 and normalised[1] == ":"):
        return True
    return ".." in normalised.split("/")


def clean_member(name: str) -> str:
    """A tidy relative member path for display: no `./`, no duplicate slashes."""
    # Backslashes stay: they are ordinary name characters here (and mark escaped bytes).
    return posixpath.normpath(name).lstrip("/") or "."


def join_inside(container: str, member: str) -> str:
    """`evidence.zip` + `DCIM/a.jpg` -> `evidence.zip!/DCIM/a.jpg`."""
    return f"{container}{CONTAINER_SEPARATOR}{member}"
