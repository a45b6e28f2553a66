"""Plain data types of the chat-export parsers and their input limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

MAX_CHAT_BYTES = 32 * 1024 * 1024
"""Largest export (or archive member) read; a text export of years of chat is a few MB."""

MAX_MESSAGES = 200_000
"""More messages than this is an input error (split the export)."""

MAX_AUTHOR_CHARS = 200
"""Longer author names are cut to this length."""

MAX_ARCHIVE_MEMBERS = 20_000
"""A ZIP with more entries than this is refused (a chat export has a handful)."""

FORMATS: tuple[str, ...] = (
    "whatsapp_android",
    "whatsapp_ios",
    "whatsapp_copied",
    "telegram",
    "instagram",
    "messenger",
    "discord",
    "text",
)
"""Every value `ParsedChat.format` can take; "text" only when plain text is allowed."""


class ChatFormatError(ValueError):
    """The input is not a chat export this library recognises; the message is one line and never
    quotes the chat's content."""


@dataclass(frozen=True, slots=True)
class ChatMessage:
    author: str
    text: str
    # Aware when the export says the instant (Telegram, Instagram, Messenger, Discord); naive
    # (the phone's local time as written) for WhatsApp and pasted text.
    sent_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ParsedChat:
    format: str
    messages: list[ChatMessage]

    def to_dict(self) -> dict[str, Any]:
        """The CLI's JSON shape: `{"format", "messages": [{"author", "text", "sent_at"}]}`."""
        return {
            "format": self.format,
            "messages": [
                {
                    "author": m.author,
                    "text": m.text,
                    "sent_at": m.sent_at.isoformat() if m.sent_at else None,
                }
                for m in self.messages
            ],
        }
