"""Text clean-up shared by the parsers: decoding, invisible marks, mis-encoded UTF-8."""

from __future__ import annotations

import re

from perisai.chats.model import MAX_AUTHOR_CHARS, ChatFormatError

# Left-to-right / right-to-left marks, embeddings, overrides and isolates, the BOM and the
# zero-width no-break space: exporters sprinkle them around names, times and system lines.
DIRECTION_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
# No-break and narrow no-break spaces (WhatsApp puts U+202F before "PM").
ODD_SPACES = re.compile("[\u00a0\u2007\u202f]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode(data: bytes) -> str:
    """Bytes of a text export → str (UTF-8, with or without BOM, or UTF-16 with a BOM)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ChatFormatError("not a recognised chat export (broken UTF-16 text)") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ChatFormatError("not a recognised chat export (not UTF-8 text)") from None


def looks_binary(text: str) -> bool:
    """Text with NULs or many control characters is not a chat export."""
    sample = text[:4096]
    return "\x00" in sample or len(_CONTROL.findall(sample)) > 8


def strip_marks(text: str) -> str:
    return DIRECTION_MARKS.sub("", ODD_SPACES.sub(" ", text))


def clean_author(name: str) -> str:
    cleaned = " ".join(strip_marks(name).split())
    return cleaned[:MAX_AUTHOR_CHARS] or "?"


def repair_mojibake(text: str) -> str:
    """Meta's "Download your information" JSON writes each UTF-8 byte as its own code point
    (`"\\u00c3\\u00a9"` for "é"): undo that when, and only when, it is what happened."""
    if not text or max(text) > "\xff" or text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return text
