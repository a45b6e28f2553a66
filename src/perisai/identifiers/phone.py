"""Phone numbers, parsed with `phonenumbers` (default region MY) and kept in E.164."""

from __future__ import annotations

import phonenumbers

from perisai.identifiers.model import Identifier, IdentifierError, checked_text


def e164(field: str, text: str, region: str) -> tuple[str, str]:
    """(E.164, international display) of a valid number, else IdentifierError."""
    try:
        number = phonenumbers.parse(text, region.upper())
    except phonenumbers.NumberParseException:
        raise IdentifierError(field, f"not a phone number: {text[:40]!r}") from None
    if not phonenumbers.is_valid_number(number):
        raise IdentifierError(field, f"not a valid phone number for region {region}: {text[:40]!r}")
    return (
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
    )


def normalise_phone(value: object, region: str = "MY") -> Identifier:
    text = checked_text("phone", value, limit=64)
    canonical, display = e164("phone", text, region)
    return Identifier("phone", canonical, text, f"phone:{canonical}", display)
