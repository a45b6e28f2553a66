"""Chat exports as people really have them, parsed into one shape: a pure library.

WhatsApp "Export chat" text (Android, iOS, and messages copied out of the app), Telegram
Desktop JSON, Instagram and Facebook Messenger JSON from "Download your information", and
DiscordChatExporter JSON, loose or in a ZIP. No database, web or network import: the hotline,
the check-a-chat page and platforms use the same parser. Typical use::

    chat = parse_chat(Path("WhatsApp Chat with Ali.txt").read_bytes())
    chat.format, chat.messages[0].author, chat.messages[0].text, chat.messages[0].sent_at
"""

from perisai.chats.model import (
    FORMATS,
    MAX_CHAT_BYTES,
    MAX_MESSAGES,
    ChatFormatError,
    ChatMessage,
    ParsedChat,
)
from perisai.chats.parse import parse_chat, parse_chat_text
from perisai.chats.transcript import to_transcript

__all__ = [
    "FORMATS",
    "MAX_CHAT_BYTES",
    "MAX_MESSAGES",
    "ChatFormatError",
    "ChatMessage",
    "ParsedChat",
    "parse_chat",
    "parse_chat_text",
    "to_transcript",
]
