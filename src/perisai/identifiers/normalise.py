"""One entry point for every kind: `normalise(kind, value, platform=…, region=…)`."""

from __future__ import annotations

from collections.abc import Callable

from perisai.identifiers.device import normalise_device
from perisai.identifiers.email_address import normalise_email
from perisai.identifiers.model import Identifier, IdentifierError
from perisai.identifiers.mykad import normalise_mykad
from perisai.identifiers.network import normalise_ip
from perisai.identifiers.payment import canonical_payment
from perisai.identifiers.phone import normalise_phone
from perisai.identifiers.url import normalise_url
from perisai.identifiers.username import normalise_username

KINDS = ("email", "phone", "username", "device", "payment", "url", "ip", "mykad")
_ALIASES = {"device_id": "device", "payment_handle": "payment", "nric": "mykad"}


def normalise_payment(value: object, region: str) -> Identifier:
    original, canonical, display, sensitive = canonical_payment(value, region)
    return Identifier("payment", canonical, original, f"payment:{canonical}", display, sensitive)


_PLAIN: dict[str, Callable[[object], Identifier]] = {
    "email": normalise_email,
    "device": normalise_device,
    "url": normalise_url,
    "ip": normalise_ip,
    "mykad": normalise_mykad,
}
_REGIONAL: dict[str, Callable[[object, str], Identifier]] = {
    "phone": normalise_phone,
    "payment": normalise_payment,
}


def normalise(
    kind: str, value: object, *, platform: str | None = None, region: str = "MY"
) -> Identifier:
    """Normalise `value` as `kind`; raises `IdentifierError` naming the field at fault.

    `platform` is required for usernames (it is part of their key) and ignored otherwise;
    `region` is the default country for phone numbers written without one.
    """
    name = _ALIASES.get(kind.strip().lower(), kind.strip().lower()) if isinstance(kind, str) else ""
    if name == "username":
        return normalise_username(value, platform)
    if name in ("phone", "payment"):
        return _REGIONAL[name](value, region)
    if name in _PLAIN:
        return _PLAIN[name](value)
    raise IdentifierError("kind", f"unknown kind {str(kind)[:32]!r}: use one of {', '.join(KINDS)}")
