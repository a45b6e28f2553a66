"""MyKad numbers: validated with python-stdnum, stored as 12 digits, always sensitive.

A MyKad number is personal data and knowing one is not proof of holding it: the identifier is
marked sensitive and its display shows only the last four digits.
"""

from __future__ import annotations

from stdnum.exceptions import ValidationError
from stdnum.my import nric

from perisai.identifiers.model import Identifier, IdentifierError, checked_text


def masked(digits: str) -> str:
    return f"******-**-{digits[-4:]}"


def normalise_mykad(value: object) -> Identifier:
    text = checked_text("mykad", value, limit=32)
    try:
        digits = str(nric.validate(text))
    except ValidationError as exc:
        # stdnum's messages never echo the number, so they are safe to show.
        raise IdentifierError("mykad", f"not a valid MyKad number ({exc})") from None
    return Identifier("mykad", digits, text, f"mykad:{digits}", masked(digits), sensitive=True)
