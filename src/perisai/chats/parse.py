"""Recognise a chat export and parse it: one entry point for every format, bytes or text.

ZIP archives are opened in memory: a WhatsApp export's `_chat.txt` (or `WhatsApp Chat with
....txt`), Telegram's `result.json`, a Discord export, or one Instagram/Messenger thread (its
`message_1.json`, `message_2.json`, ... are joined). Nothing is written to disk.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import PurePosixPath
from typing import Any

from perisai.chats import discord, meta, plain, telegram, whatsapp
from perisai.chats.model import (
    MAX_ARCHIVE_MEMBERS,
    MAX_CHAT_BYTES,
    ChatFormatError,
    ChatMessage,
    ParsedChat,
)
from perisai.chats.text import decode, looks_binary

NOT_RECOGNISED = (
    "not a recognised chat export (WhatsApp text, Telegram, Instagram, Messenger or Discord JSON)"
)
_META_PART = re.compile(r"(?:^|/)message_\d+\.json$", re.I)
_PREFERRED = re.compile(r"(?:^|/)(?:_chat\.txt|whatsapp chat[^/]*\.txt|result\.json)$", re.I)


def parse_chat(data: bytes, *, name: str | None = None, allow_plain: bool = False) -> ParsedChat:
    """Parse an export given as bytes (a file, an upload, a ZIP).

    `name` (a file name or archive path) only helps tell Instagram from Messenger. With
    `allow_plain`, text that is no known export is read as `Name: message` lines.
    Raises :class:`ChatFormatError` with a one-line message that never quotes the content.
    """
    if len(data) > MAX_CHAT_BYTES:
        raise ChatFormatError(f"the file is larger than {MAX_CHAT_BYTES // (1024 * 1024)} MB")
    if data.startswith(b"PK\x03\x04"):
        return _from_archive(data, allow_plain=allow_plain)
    return parse_chat_text(decode(data), name=name, allow_plain=allow_plain)


def parse_chat_text(text: str, *, name: str | None = None, allow_plain: bool = False) -> ParsedChat:
    """Parse an export already decoded to text (pasted into a form, for instance)."""
    if looks_binary(text):
        raise ChatFormatError(NOT_RECOGNISED)
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in ("{", "["):
        obj = _json(stripped)
        if obj is not None:
            return _from_json(obj, name)
    if whatsapp.detect(text.splitlines()[:50]) is not None:
        return whatsapp.parse(text)
    if allow_plain:
        return plain.parse(text)
    raise ChatFormatError(NOT_RECOGNISED)


def _json(text: str) -> object | None:
    try:
        loaded: object = json.loads(text)
    except json.JSONDecodeError:
        return None
    except RecursionError:
        raise ChatFormatError("the JSON is nested too deeply") from None
    return loaded


def _from_json(obj: object, name: str | None) -> ParsedChat:
    if discord.detect(obj):
        assert isinstance(obj, dict)
        return discord.parse(obj)
    if meta.detect(obj):
        assert isinstance(obj, dict)
        return meta.parse(obj, name)
    if telegram.detect(obj):
        assert isinstance(obj, dict)
        return telegram.parse(obj)
    raise ChatFormatError(NOT_RECOGNISED)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > MAX_CHAT_BYTES:
        raise ChatFormatError(f"a file in the archive is larger than {MAX_CHAT_BYTES} bytes")
    with archive.open(info) as member:
        data = member.read(MAX_CHAT_BYTES + 1)
    if len(data) > MAX_CHAT_BYTES:
        raise ChatFormatError(f"a file in the archive is larger than {MAX_CHAT_BYTES} bytes")
    return data


def _candidates(infos: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
    return [
        info
        for info in infos
        if not info.is_dir()
        and info.filename.lower().endswith((".txt", ".json"))
        and "__MACOSX" not in info.filename
        and not PurePosixPath(info.filename).name.startswith("._")
    ]


def _from_archive(data: bytes, *, allow_plain: bool) -> ParsedChat:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ARCHIVE_MEMBERS:
                raise ChatFormatError(f"the archive has more than {MAX_ARCHIVE_MEMBERS} entries")
            candidates = _candidates(infos)
            threads = _meta_threads(candidates)
            if threads:
                return _meta_thread(archive, threads)
            chosen = _choose(candidates)
            return parse_chat(
                _read_member(archive, chosen), name=chosen.filename, allow_plain=allow_plain
            )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError):
        raise ChatFormatError("the ZIP archive is damaged") from None
    except (RuntimeError, NotImplementedError):
        raise ChatFormatError("the ZIP archive is encrypted or uses an unknown method") from None


def _choose(candidates: list[zipfile.ZipInfo]) -> zipfile.ZipInfo:
    preferred = [info for info in candidates if _PREFERRED.search(info.filename)]
    pool = preferred or candidates
    if len(pool) == 1:
        return pool[0]
    if not pool:
        raise ChatFormatError("the archive holds no chat (.txt or .json) file")
    raise ChatFormatError(f"the archive holds {len(pool)} possible chat files: choose one")


def _meta_threads(candidates: list[zipfile.ZipInfo]) -> dict[str, list[zipfile.ZipInfo]]:
    threads: dict[str, list[zipfile.ZipInfo]] = {}
    for info in candidates:
        if _META_PART.search(info.filename):
            folder = str(PurePosixPath(info.filename).parent)
            threads.setdefault(folder, []).append(info)
    return threads


def _meta_thread(archive: zipfile.ZipFile, threads: dict[str, list[zipfile.ZipInfo]]) -> ParsedChat:
    if len(threads) > 1:
        raise ChatFormatError(
            f"the archive holds {len(threads)} conversations: choose one conversation's folder"
        )
    parts = next(iter(threads.values()))
    formats: set[str] = set()
    messages: list[ChatMessage] = []
    total = 0
    for info in sorted(parts, key=lambda i: i.filename):
        total += info.file_size
        if total > MAX_CHAT_BYTES:
            raise ChatFormatError(f"the conversation is larger than {MAX_CHAT_BYTES} bytes")
        obj: Any = _json(decode(_read_member(archive, info)).lstrip("\ufeff"))
        if not meta.detect(obj):
            raise ChatFormatError(NOT_RECOGNISED)
        part = meta.parse(obj, info.filename)
        formats.add(part.format)
        messages.extend(part.messages)
    kind = "messenger" if "messenger" in formats else "instagram"
    return ParsedChat(format=kind, messages=meta.in_order(messages))
