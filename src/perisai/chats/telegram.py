"""Telegram Desktop's "Export chat history" JSON (`result.json`).

One chat (`{"name", "type", "messages": [...]}`), or a full-account export holding exactly one
chat (`{"chats": {"list": [...]}}`). A message's `text` is a string or a list of strings and
entities (`{"type": "bold", "text": "..."}`); service messages (joins, pins, calls) and
media-only messages are left out. `date_unixtime` gives the instant (UTC); `date` alone is the
exporting computer's local time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from perisai.chats.model import MAX_MESSAGES, ChatFormatError, ChatMessage, ParsedChat
from perisai.chats.text import clean_author, strip_marks

CHAT_TYPES = frozenset(
    {
        "personal_chat",
        "private_group",
        "private_supergroup",
        "public_supergroup",
        "private_channel",
        "public_channel",
        "saved_messages",
        "bot_chat",
    }
)


def _chat_object(obj: dict[str, Any]) -> dict[str, Any] | None:
    chats = obj.get("chats")
    if isinstance(chats, dict) and isinstance(chats.get("list"), list):
        found = [c for c in chats["list"] if isinstance(c, dict)]
        if len(found) != 1:
            raise ChatFormatError(
                f"a Telegram account export with {len(found)} chats: export one chat at a time"
            )
        return found[0]
    return obj


def detect(obj: object) -> bool:
    if not isinstance(obj, dict):
        return False
    if isinstance(obj.get("chats"), dict):
        return True
    messages = obj.get("messages")
    if not isinstance(messages, list):
        return False
    if obj.get("type") in CHAT_TYPES:
        return True
    first = next((m for m in messages if isinstance(m, dict)), None)
    return first is not None and first.get("type") in ("message", "service") and "date" in first


def message_text(value: object) -> str:
    """`text` as a string or a list of strings and entities → plain text."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, str):
                parts.append(item)
            elif isinstance(item, dict) and isinstance(item.get("text"), str):
                parts.append(item["text"])
        return "".join(parts)
    return ""


def _when(message: dict[str, Any]) -> datetime | None:
    stamp = message.get("date_unixtime")
    if isinstance(stamp, str) and stamp.isdigit():
        return datetime.fromtimestamp(int(stamp), UTC)
    if isinstance(stamp, int) and not isinstance(stamp, bool):
        return datetime.fromtimestamp(stamp, UTC)
    date = message.get("date")
    if isinstance(date, str):
        try:
            return datetime.fromisoformat(date)
        except ValueError:
            return None
    return None


def _author(message: dict[str, Any]) -> str:
    name = message.get("from")
    if isinstance(name, str) and name.strip():
        return clean_author(name)
    sender = message.get("from_id")
    return clean_author(str(sender)) if sender else "Deleted Account"


def parse(obj: dict[str, Any]) -> ParsedChat:
    chat = _chat_object(obj)
    if chat is None or not isinstance(chat.get("messages"), list):
        raise ChatFormatError("not a Telegram export (no messages list)")
    messages = []
    for raw in chat["messages"]:
        if not isinstance(raw, dict) or raw.get("type", "message") != "message":
            continue
        text = strip_marks(message_text(raw.get("text"))).strip()
        if not text:
            continue  # a photo, sticker, file or voice note without a caption
        messages.append(ChatMessage(author=_author(raw), text=text, sent_at=_when(raw)))
        if len(messages) > MAX_MESSAGES:
            raise ChatFormatError(f"more than {MAX_MESSAGES} messages: split the export")
    return ParsedChat(format="telegram", messages=messages)
