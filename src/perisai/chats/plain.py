"""Pasted text that is no export: `Name: message` lines, or bare lines of one unknown author.

Only used when a caller allows it (the check-a-chat page and the hotline's chat box); the CLI
and `parse_chat` refuse text that is not a known export.
"""

from __future__ import annotations

import re

from perisai.chats.model import MAX_MESSAGES, ChatFormatError, ChatMessage, ParsedChat
from perisai.chats.text import clean_author, strip_marks

UNKNOWN_AUTHOR = "?"
_NAMED = re.compile(r"^(?P<author>[^:\n]{1,40}?):\s+(?P<text>\S.*)$")


def parse(text: str) -> ParsedChat:
    lines = [strip_marks(line).rstrip() for line in text.splitlines()]
    named = sum(1 for line in lines if _NAMED.match(line))
    messages: list[ChatMessage] = []
    for line in lines:
        if not line.strip():
            continue
        found = _NAMED.match(line) if named else None
        if found is not None:
            author, body = clean_author(found["author"]), found["text"].strip()
            messages.append(ChatMessage(author=author, text=body))
        elif named and messages:
            last = messages[-1]
            messages[-1] = ChatMessage(last.author, f"{last.text}\n{line.strip()}", last.sent_at)
        else:
            messages.append(ChatMessage(author=UNKNOWN_AUTHOR, text=line.strip()))
        if len(messages) > MAX_MESSAGES:
            raise ChatFormatError(f"more than {MAX_MESSAGES} messages: split the text")
    if not messages:
        raise ChatFormatError("the text is empty")
    return ParsedChat(format="text", messages=messages)
