"""Device identifiers, recognised by shape: IMEI, MAC address, UUID-style advertising ids
(IDFA, IDFV, GAID), hex ids (Android ID) and, failing those, any other token as written.

The key names the shape (`device:imei:…`, `device:mac:…`) so that two ids of different kinds
never collide.
"""

from __future__ import annotations

import re
import uuid

from stdnum import imei, luhn

from perisai.identifiers.model import Identifier, IdentifierError, checked_text

_MAC = re.compile(r"[0-9a-f]{2}([:-]?)(?:[0-9a-f]{2}\1){4}[0-9a-f]{2}")
_UUID = re.compile(r"\{?[0-9a-f]{8}-?(?:[0-9a-f]{4}-?){3}[0-9a-f]{12}\}?")
_HEX = re.compile(r"[0-9a-f]{8,64}")
_DIGITS_AND_SEPARATORS = re.compile(r"[0-9][0-9 ./-]{13,20}")
_TOKEN = re.compile(r"[\w.:/+=-]{4,128}")


def _shape(text: str) -> tuple[str, str]:
    lowered = text.lower()
    if _DIGITS_AND_SEPARATORS.fullmatch(text):
        digits = imei.compact(text)
        if len(digits) in (15, 16) and imei.is_valid(digits):
            # An IMEISV (16 digits) carries a software version instead of the check digit;
            # the device is the same, so both map to the 15-digit IMEI.
            return "imei", digits[:14] + str(luhn.calc_check_digit(digits[:14]))
        raise IdentifierError("device", "looks like an IMEI but its check digit is wrong")
    if _UUID.fullmatch(lowered):
        return "uuid", str(uuid.UUID(lowered.strip("{}")))
    if _MAC.fullmatch(lowered):
        return "mac", ":".join(re.findall(r"[0-9a-f]{2}", lowered))
    if _HEX.fullmatch(lowered):
        return "hex", lowered
    if _TOKEN.fullmatch(text):
        return "other", text
    raise IdentifierError("device", f"not a recognised device id: {text[:64]!r}")


def normalise_device(value: object) -> Identifier:
    text = checked_text("device", value, limit=128)
    shape, canonical = _shape(text)
    value_text = f"{shape}:{canonical}"
    return Identifier("device", value_text, text, f"device:{value_text}", value_text)
