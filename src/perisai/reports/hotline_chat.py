"""The hotline's "attach a chat": pasted or carried-over chat text → a report conversation.

The same parser as the check-a-chat page and `perisai chat parse` (`perisai.chats`), so the
grooming engine scores the conversation as the child saw it, with its authors and times. Times
the export wrote without a zone (WhatsApp, pasted text) are taken as Malaysia time (UTC+8).
"""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

from perisai.chats import ChatFormatError, parse_chat_text
from perisai.reports.schemas import MAX_MESSAGES
from perisai.timebounds import within_window

MAX_CHAT_CHARS = 200_000
MAX_MESSAGE_CHARS = 20_000
MALAYSIA = timezone(timedelta(hours=8))


class ChatNotReadable(ValueError):
    """The chat text is too long or holds no message (the message is a translation key)."""


def conversation_from_chat(text: str) -> dict[str, Any]:
    """The report's `conversations[]` item for the chat, its latest messages when too long."""
    if len(text) > MAX_CHAT_CHARS:
        raise ChatNotReadable("hotline.chat.too_long")
    try:
        chat = parse_chat_text(text, allow_plain=True)
    except ChatFormatError:
        raise ChatNotReadable("hotline.chat.unreadable") from None
    messages = []
    for message in chat.messages[-MAX_MESSAGES:]:
        sent_at = message.sent_at
        if sent_at is not None and sent_at.tzinfo is None:
            sent_at = sent_at.replace(tzinfo=MALAYSIA)
        if sent_at is not None and not within_window(sent_at):
            sent_at = None  # a time out of any sane window: keep the message, drop its time
        messages.append(
            {
                "author": message.author,
                "text": message.text[:MAX_MESSAGE_CHARS],
                "sent_at": sent_at.isoformat() if sent_at else None,
            }
        )
    return {"platform": chat.format, "messages": messages}
