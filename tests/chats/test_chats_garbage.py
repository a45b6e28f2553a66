"""Garbage in: one ChatFormatError with a one-line message that never quotes the input."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perisai.chats import MAX_CHAT_BYTES, ChatFormatError, parse_chat, parse_chat_text
from perisai.chats.model import ChatMessage
from perisai.chats.transcript import to_transcript

SECRET = "RAHSIA-KITA-XYZZY"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01not a chat",
        b"\xff\xfe\x00",
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
        b"PK\x03\x04 broken zip",
        b'{"messages": 3}',
        b"[1, 2, 3]",
        b"[" * 100_000,
        f"hello {SECRET}\nthis is not an export".encode(),
        f'{{"name": "{SECRET}"}}'.encode(),
        f"99/99/2024, 10:00 - A: {SECRET}\n".encode(),
    ],
    ids=lambda d: repr(d[:20]),
)
def test_garbage_is_refused_without_quoting_it(data: bytes) -> None:
    with pytest.raises(ChatFormatError) as caught:
        parse_chat(data)
    message = str(caught.value)
    assert "\n" not in message
    assert SECRET not in message


def test_too_large_is_refused_before_reading() -> None:
    with pytest.raises(ChatFormatError, match="larger than"):
        parse_chat(b"x" * (MAX_CHAT_BYTES + 1))


def test_zip_bomb_member_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("_chat.txt", b"a" * (MAX_CHAT_BYTES + 10))
    assert len(buffer.getvalue()) < 200_000
    with pytest.raises(ChatFormatError, match="larger than"):
        parse_chat(buffer.getvalue())


def test_zip_without_a_chat_file() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8")
    with pytest.raises(ChatFormatError, match="no chat"):
        parse_chat(buffer.getvalue())


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_any_bytes_parse_or_raise_chat_format_error(data: bytes) -> None:
    message = ""
    try:
        json.dumps(parse_chat(data, allow_plain=True).to_dict())
    except ChatFormatError as exc:
        message = str(exc)
    assert "\n" not in message


@settings(max_examples=300)
@given(st.text(max_size=2000))
def test_any_text_parses_or_raises_chat_format_error(text: str) -> None:
    message = ""
    try:
        parse_chat_text(text, allow_plain=True)
    except ChatFormatError as exc:
        message = str(exc)
    assert "\n" not in message


_word = st.text(alphabet="abcdefghijABC", min_size=1, max_size=6)
_name = st.lists(_word, min_size=1, max_size=3).map(" ".join)
_line = st.text(alphabet="abcdefg hij?!.,0123", min_size=1, max_size=30).map(str.strip).filter(bool)


@settings(max_examples=200)
@given(st.lists(st.tuples(_name, st.lists(_line, min_size=1, max_size=3)), min_size=1, max_size=8))
def test_a_transcript_reads_back_as_the_same_messages(items: list[tuple[str, list[str]]]) -> None:
    from datetime import datetime, timedelta

    start = datetime(2024, 3, 14, 20, 0)
    messages = [
        ChatMessage(author, "\n".join(lines), start + timedelta(minutes=i))
        for i, (author, lines) in enumerate(items)
    ]
    assert parse_chat_text(to_transcript(messages)).messages == messages
