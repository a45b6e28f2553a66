"""Discord channel exports in DiscordChatExporter's JSON (the common form people share).

`{"guild", "channel", "messages": [{"type", "timestamp", "content", "author": {"name",
"nickname"}}]}`. Ordinary messages and replies are kept; joins, pins, calls, thread and
boost notices, and attachment-only messages are left out. The author is the server nickname
when there is one (what the child saw), else the user name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from perisai.chats.model import MAX_MESSAGES, ChatFormatError, ChatMessage, ParsedChat
from perisai.chats.text import clean_author, strip_marks

KEPT_TYPES = frozenset({"Default", "Reply"})


def detect(obj: object) -> bool:
    return (
        isinstance(obj, dict)
        and isinstance(obj.get("messages"), list)
        and isinstance(obj.get("channel"), dict)
        and ("guild" in obj or "exportedAt" in obj)
    )


def _author(raw: dict[str, Any]) -> str:
    author = raw.get("author")
    if not isinstance(author, dict):
        return "?"
    for key in ("nickname", "name"):
        value = author.get(key)
        if isinstance(value, str) and value.strip():
            return clean_author(value)
    return "?"


def _when(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def parse(obj: dict[str, Any]) -> ParsedChat:
    messages = []
    for raw in obj["messages"]:
        if not isinstance(raw, dict) or raw.get("type", "Default") not in KEPT_TYPES:
            continue
        content = raw.get("content")
        text = strip_marks(content).strip() if isinstance(content, str) else ""
        if not text:
            continue
        messages.append(
            ChatMessage(author=_author(raw), text=text, sent_at=_when(raw.get("timestamp")))
        )
        if len(messages) > MAX_MESSAGES:
            raise ChatFormatError(f"more than {MAX_MESSAGES} messages: split the export")
    return ParsedChat(format="discord", messages=messages)
