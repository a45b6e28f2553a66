"""Strict decoding: canonical base64url without padding, JSON without duplicate keys or NaN.

A byte that changes a presentation must change what is verified: base64url whose unused low bits
are set decodes to the same bytes as its canonical form, so it is refused.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from perisai.age.errors import Reason, fail

_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
# Unused low bits of the last character: 4 when 2 characters are left over, 2 when 3 are.
_UNUSED_MASK = {0: 0, 2: 0b1111, 3: 0b11}


def b64url_decode(text: str, what: str) -> bytes:
    """Decode canonical unpadded base64url; anything else raises `malformed`."""
    rest = len(text) % 4
    if rest == 1 or not _B64URL.match(text):
        raise fail(Reason.MALFORMED, f"{what} is not base64url")
    if rest and _ALPHABET.index(text[-1]) & _UNUSED_MASK[rest]:
        raise fail(Reason.MALFORMED, f"{what} is not canonical base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise fail(Reason.MALFORMED, f"{what} is not base64url") from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate member {key!r}")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def strict_json(data: bytes | str, what: str) -> Any:
    """Parse UTF-8 JSON; duplicate member names, NaN/Infinity and bad UTF-8 raise `malformed`."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise fail(Reason.MALFORMED, f"{what} is not strict JSON ({exc})") from None


def json_object(data: bytes, what: str) -> dict[str, Any]:
    value = strict_json(data, what)
    if not isinstance(value, dict):
        raise fail(Reason.MALFORMED, f"{what} is not a JSON object")
    return value
