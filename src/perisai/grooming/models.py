"""Plain data types of the grooming engine: what goes in, what comes out, and the input limits.

Frozen dataclasses rather than pydantic models keep the library import-light and fast; the API
layer can wrap them in its own schemas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

MAX_MESSAGE_CHARS = 4_000
"""Longer messages are truncated before analysis (chat messages are short; walls of text are not
where grooming signals hide, and unbounded text would let one message stall the scorer)."""

MAX_MESSAGES_PER_CONVERSATION = 20_000
"""More messages than this is an input error: split the conversation into windows."""

MAX_CONVERSATIONS_PER_FILE = 100_000
"""The CLI refuses files with more conversations than this."""

MAX_AUTHOR_CHARS = 200
"""Author ids longer than this are an input error."""

AccountKind = Literal["adult", "minor"]


class GroomingInputError(ValueError):
    """Input the caller must fix; the message is one line and says what is wrong."""


@dataclass(frozen=True, slots=True)
class Message:
    author: str
    text: str
    sent_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AuthorHint:
    """What the platform knows about an author: a declared age and/or the account type."""

    declared_age: int | None = None
    account: AccountKind | None = None

    @property
    def is_minor(self) -> bool:
        return self.account == "minor" or (self.declared_age is not None and self.declared_age < 18)

    @property
    def is_adult(self) -> bool:
        if self.account == "minor":
            return False
        return self.account == "adult" or (
            self.declared_age is not None and self.declared_age >= 18
        )


@dataclass(frozen=True, slots=True)
class Conversation:
    id: str
    messages: list[Message]
    hints: dict[str, AuthorHint] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Signal:
    """One indicator in one message: what, where (exact span of the original text), by whom."""

    message: int
    kind: str
    stage: str
    evidence: str
    span: tuple[int, int]
    lang: str
    author: str
    # A wording common in innocent chats too ("which area?", "come by"): shown, weighed less.
    weak: bool = False


@dataclass(frozen=True, slots=True)
class LearnedHit:
    """A message the learned layer scored as an indicator (a wording the lexicon may not know):
    the evidence is the message itself (`span` over its original text, truncated for display)."""

    message: int
    author: str
    evidence: str
    span: tuple[int, int]
    probability: float


@dataclass(frozen=True, slots=True)
class Assessment:
    """The verdict on a conversation (or on the prefix fed so far, when streaming).

    `risk` is the calibrated probability at the riskiest point seen so far, so a flag raised by a
    stream never silently disappears; `first_flag_message` is the index where it was first raised.
    """

    id: str
    risk: float
    flag: bool
    stage: str | None
    suspect: str | None
    first_flag_message: int | None
    signals: list[Signal]
    languages: list[str]
    # The suspect's messages the learned layer counted as evidence (added in v2.1; empty
    # without the layer): with `signals`, every message that raised the risk.
    learned: list[LearnedHit] = field(default_factory=list)
