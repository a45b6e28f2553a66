"""A parsed chat written back as readable text that `parse_chat_text` reads again.

With every time known: ``[2024-03-12 21:15:02] Ali: hi`` (times in Malaysia time, UTC+8, for
those the export gave as instants); otherwise ``Ali: hi`` lines. Used to carry a checked chat
into the hotline form, where the person sees exactly what would be attached.
"""

from __future__ import annotations

from datetime import timedelta, timezone

from perisai.chats.model import ChatMessage

MALAYSIA = timezone(timedelta(hours=8), "MYT")


def _line(message: ChatMessage, with_time: bool) -> str:
    author = message.author.replace(": ", ":").replace("\n", " ")
    if not with_time or message.sent_at is None:
        return f"{author}: {message.text}"
    when = message.sent_at
    if when.tzinfo is not None:
        when = when.astimezone(MALAYSIA).replace(tzinfo=None)
    return f"[{when:%Y-%m-%d %H:%M:%S}] {author}: {message.text}"


def to_transcript(messages: list[ChatMessage]) -> str:
    with_time = bool(messages) and all(m.sent_at is not None for m in messages)
    return "\n".join(_line(m, with_time) for m in messages)
