"""Instagram and Facebook Messenger chats from Meta's "Download your information" (JSON).

`message_1.json` of a thread: `{"participants": [{"name"}], "messages": [{"sender_name",
"timestamp_ms", "content"}], "title", "thread_path"}`, newest first, with every UTF-8 byte of a
string written as its own `\\u00XX` code point (repaired here). Messenger's newer end-to-end
encrypted chat export (`{"participants": ["..."], "threadName", "messages": [{"senderName",
"text", "timestamp", "isUnsent"}]}`) is read too. The two products share the old shape, so the
format is told by the file's path when known (`your_instagram_activity/...`, `facebook`,
`messenger`), then by Messenger-only fields, else taken as Instagram.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from perisai.chats.model import MAX_MESSAGES, ChatFormatError, ChatMessage, ParsedChat
from perisai.chats.text import clean_author, repair_mojibake, strip_marks

# Activity notices the exports write as if they were messages, in English and Malay.
NOTICES = re.compile(
    r"(?:liked a message|reacted .{1,16} to your message|.{1,200} sent an attachment\.?"
    r"|.{1,200} unsent a message\.?|.{1,200} shared a story\.?|you sent an attachment\.?"
    r"|.{1,200} started (?:a video chat|an audio call|a call|a video call)\.?"
    r"|the (?:video chat|call) ended\.?|.{1,200} missed (?:a|an) (?:video|audio) (?:chat|call)\.?"
    r"|.{1,200} (?:left|joined) the (?:group|conversation)\.?"
    r"|.{1,200} added .{1,200} to the group\.?|.{1,200} named the group .*"
    r"|you are now connected on messenger\.?|say hi to your new facebook friend.*"
    r"|menyukai mesej|.{1,200} menghantar lampiran\.?|.{1,200} membatalkan penghantaran mesej\.?)",
    re.I | re.S,
)
MESSENGER_TYPES = frozenset({"Generic", "Share"})


def detect(obj: object) -> bool:
    if not isinstance(obj, dict) or not isinstance(obj.get("messages"), list):
        return False
    if not isinstance(obj.get("participants"), list):
        return False
    first = next((m for m in obj["messages"] if isinstance(m, dict)), None)
    return first is None or "sender_name" in first or "senderName" in first


def _which(obj: dict[str, Any], name: str | None) -> str:
    hint = (name or "").lower()
    if "instagram" in hint:
        return "instagram"
    if "facebook" in hint or "messenger" in hint:
        return "messenger"
    if "threadName" in obj or "thread_type" in obj:
        return "messenger"
    for message in obj["messages"][:200]:
        if isinstance(message, dict) and (
            "is_unsent_image_by_messenger_kid_parent" in message or "type" in message
        ):
            return "messenger"
    return "instagram"


def _old_style(raw: dict[str, Any]) -> ChatMessage | None:
    if raw.get("type", "Generic") not in MESSENGER_TYPES or raw.get("is_unsent"):
        return None
    content = raw.get("content")
    if not isinstance(content, str):
        return None  # a photo, video, audio clip or sticker without words
    text = strip_marks(repair_mojibake(content)).strip()
    if not text or NOTICES.fullmatch(text):
        return None
    stamp = raw.get("timestamp_ms")
    sent_at = _from_ms(stamp)
    author = raw.get("sender_name")
    name = repair_mojibake(author) if isinstance(author, str) else "?"
    return ChatMessage(author=clean_author(name), text=text, sent_at=sent_at)


def _new_style(raw: dict[str, Any]) -> ChatMessage | None:
    if raw.get("isUnsent") or raw.get("type", "text") != "text":
        return None
    content = raw.get("text")
    if not isinstance(content, str):
        return None
    text = strip_marks(repair_mojibake(content)).strip()
    if not text or NOTICES.fullmatch(text):
        return None
    author = raw.get("senderName")
    name = repair_mojibake(author) if isinstance(author, str) else "?"
    return ChatMessage(author=clean_author(name), text=text, sent_at=_from_ms(raw.get("timestamp")))


def _from_ms(stamp: object) -> datetime | None:
    if isinstance(stamp, bool) or not isinstance(stamp, int | float):
        return None
    try:
        return datetime.fromtimestamp(stamp / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def parse(obj: dict[str, Any], name: str | None = None) -> ParsedChat:
    messages = []
    for raw in obj["messages"]:
        if not isinstance(raw, dict):
            continue
        message = _new_style(raw) if "senderName" in raw else _old_style(raw)
        if message is not None:
            messages.append(message)
            if len(messages) > MAX_MESSAGES:
                raise ChatFormatError(f"more than {MAX_MESSAGES} messages: split the export")
    return ParsedChat(format=_which(obj, name), messages=in_order(messages))


def in_order(messages: list[ChatMessage]) -> list[ChatMessage]:
    """Newest first in the export; oldest first here (stable for messages without a time)."""
    if not any(m.sent_at for m in messages):
        return messages
    floor = datetime.min.replace(tzinfo=UTC)
    return sorted(messages, key=lambda m: m.sent_at or floor)
