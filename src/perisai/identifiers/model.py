"""The normalised identifier and its error."""

from __future__ import annotations

from dataclasses import dataclass

MAX_INPUT_CHARS = 2048  # the longest URL we accept; other kinds are far shorter


class IdentifierError(ValueError):
    """A value that cannot be normalised; `field` names the part at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Identifier:
    """One identifier: `value` is canonical, `key` the unique link key (`phone:+60123456789`).

    `sensitive` marks values (MyKad numbers) that storage must protect and screens must mask;
    `display` is already masked for those.
    """

    kind: str
    value: str
    original: str
    key: str
    display: str
    sensitive: bool = False


def checked_text(field: str, value: object, limit: int = 512) -> str:
    """The stripped text of `value`, refusing non-strings, empty, oversize and control chars."""
    if not isinstance(value, str):
        raise IdentifierError(field, f"expected text, got {type(value).__name__}")
    text = value.strip()
    if not text:
        raise IdentifierError(field, "is empty")
    if len(text) > limit:
        raise IdentifierError(field, f"longer than {limit} characters")
    if any(ord(char) < 32 or ord(char) == 127 for char in text):
        raise IdentifierError(field, "contains control characters")
    return text
