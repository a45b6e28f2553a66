"""WhatsApp "Export chat" text (Android and iOS) and messages copied out of WhatsApp.

Android: ``12/03/2024, 21:15 - Ali: hi`` (``3/12/24, 9:15 PM - ``, ``12.03.24, 21:15 - ``).
iOS: ``[12/03/2024, 21:15:02] Ali: hi``. Copied: ``[21:15, 12/03/2024] Ali: hi``.
Day-first or month-first is decided across the whole file (a day over 12 settles it; otherwise
the reading under which the times run forward). System lines (encryption notice, joins, leaves,
security codes), media placeholders and deleted messages are left out, in English and Malay;
a line that does not start a message continues the one before it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import datetime

from perisai.chats.model import MAX_MESSAGES, ChatFormatError, ChatMessage, ParsedChat
from perisai.chats.text import clean_author, strip_marks

_DATE = r"(?P<date>\d{1,4}[./-]\d{1,2}[./-]\d{1,4})\.?"
_TIME = r"(?P<time>\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)"
_AMPM = r"(?:\s?(?P<ampm>[ap]\.?\s?m\.?|pg|ptg))?"
HEADERS: dict[str, re.Pattern[str]] = {
    "whatsapp_ios": re.compile(rf"^\[{_DATE},?\s{_TIME}{_AMPM}\]\s(?P<rest>.*)$", re.I),
    "whatsapp_copied": re.compile(rf"^\[{_TIME}{_AMPM},\s?{_DATE}\]\s(?P<rest>.*)$", re.I),
    "whatsapp_android": re.compile(rf"^{_DATE},?\s{_TIME}{_AMPM}\s[-–]\s(?P<rest>.*)$", re.I),
}


def _whole(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I | re.S)


# Whole-text placeholders: media left out of the export, deleted and pending messages.
SKIPPED_TEXT = _whole(
    [
        r"<(?:media omitted|media tidak disertakan|media dikecualikan)>",
        r"(?:image|video|audio|sticker|gif|document|contact card|video note) omitted",
        r"(?:imej|gambar|video|audio|pelekat|gif|dokumen|kad kenalan) "
        r"(?:dikecualikan|tidak disertakan)",
        r"<(?:attached|dilampirkan|lampiran): [^>]+>",
        r"\S+\.\w{2,4} \((?:file attached|fail dilampirkan)\)",
        r"(?:this message was deleted|you deleted this message)\.?",
        r"(?:mesej ini telah dipadam|mesej ini dipadam|anda (?:telah )?memadam mesej ini)\.?",
        r"(?:waiting for this message|menunggu mesej ini)\b.*",
        r"null",
    ]
)
# System notices that can appear with an author (iOS puts the chat's name before them).
SYSTEM_TEXT = _whole(
    [
        r"messages and calls are end-to-end encrypted\b.*",
        r"messages to this (?:group|chat) are now secured with end-to-end encryption\b.*",
        r"mesej dan panggilan (?:adalah )?disulitkan (?:dari )?hujung ke hujung\b.*",
        r"mesej kepada kumpulan ini kini dilindungi dengan penyulitan hujung ke hujung\b.*",
        r"your security code with .+ changed\b.*",
        r"kod keselamatan anda dengan .+ (?:telah )?berubah\b.*",
        r".+ joined using (?:this|a) (?:group|community)'s invite link",
        r".+ (?:telah )?menyertai menggunakan pautan jemputan kumpulan ini",
        r".+ created (?:group|community) \".*\"",
        r".+ (?:telah )?mencipta kumpulan \".*\"",
        r"(?:missed voice call|missed video call)\b.*",
        r"panggilan (?:suara|video) (?:tidak dijawab|terlepas)\b.*",
        r".+ turned (?:on|off) disappearing messages\b.*",
        r".+ (?:menghidupkan|mematikan) mesej hilang\b.*",
        r"you (?:blocked|unblocked) this contact\b.*",
        r"anda (?:menyekat|menyahsekat) kenalan ini\b.*",
    ]
)
# Android system lines that contain ": " (a changed subject or description quotes it).
QUOTING_SYSTEM = re.compile(
    r"^[^:]{1,120}? (?:changed the (?:subject|group description)|changed this group's "
    r"(?:subject|description)|menukar (?:subjek|perihal kumpulan))\b",
    re.I,
)
EDITED = re.compile(r"\s*<(?:this message was edited|mesej ini telah (?:disunting|diedit))>$", re.I)


@dataclass
class _Raw:
    date: str
    time: str
    ampm: str | None
    author: str | None  # None: a system line
    lines: list[str]
    system_hint: bool


def detect(lines: list[str]) -> str | None:
    """The WhatsApp variant whose header starts the text, or None."""
    for raw in lines:
        line = strip_marks(raw).strip()
        if not line:
            continue
        for name, pattern in HEADERS.items():
            if pattern.match(line):
                return name
        return None
    return None


def parse(text: str) -> ParsedChat:
    lines = text.splitlines()
    variant = detect(lines)
    if variant is None:
        raise ChatFormatError("not a WhatsApp export")
    raws = _split(lines, HEADERS[variant], android=variant == "whatsapp_android")
    day_first = _day_first(raws)
    messages = []
    for raw in raws:
        message = _message(raw, day_first)
        if message is not None:
            messages.append(message)
            if len(messages) > MAX_MESSAGES:
                raise ChatFormatError(f"more than {MAX_MESSAGES} messages: split the export")
    return ParsedChat(format=variant, messages=messages)


def _split(lines: list[str], header: re.Pattern[str], *, android: bool) -> list[_Raw]:
    raws: list[_Raw] = []
    for original in lines:
        line = strip_marks(original).rstrip()
        found = header.match(line)
        if found is None:
            if raws:
                raws[-1].lines.append(line)
            continue
        rest = found["rest"]
        author, body = _author_and_text(rest, android=android)
        # iOS marks attachments and system notices with a left-to-right mark after the name.
        hint = not android and ": \u200e" in original
        raws.append(_Raw(found["date"], found["time"], found["ampm"], author, [body], hint))
    return raws


def _author_and_text(rest: str, *, android: bool) -> tuple[str | None, str]:
    if android and QUOTING_SYSTEM.match(rest):
        return None, rest
    author, separator, body = rest.partition(": ")
    if separator:
        return author, body
    if rest.endswith(":") and ": " not in rest:
        return rest[:-1], ""  # "Ali:" whose message starts on the next line
    return None, rest  # no author: a system line (joins, leaves, the encryption notice)


def _message(raw: _Raw, day_first: bool) -> ChatMessage | None:
    if raw.author is None or raw.system_hint:
        return None
    body = EDITED.sub("", "\n".join(raw.lines)).strip()
    if not body or SKIPPED_TEXT.fullmatch(body) or SYSTEM_TEXT.fullmatch(body):
        return None
    return ChatMessage(
        author=clean_author(raw.author),
        text=body,
        sent_at=_when(raw, day_first),
    )


def _numbers(date: str) -> tuple[int, int, int]:
    a, b, c = (int(part) for part in re.split(r"[./-]", date))
    return a, b, c


def _day_first(raws: list[_Raw]) -> bool:
    """Decide once for the file: does the first number of a date give the day?"""
    pairs = [(a, b, c) for a, b, c in (_numbers(r.date) for r in raws) if a < 1000]
    if not pairs:
        return True
    day_first_possible = all(a <= 31 and b <= 12 for a, b, _ in pairs)
    month_first_possible = all(a <= 12 and b <= 31 for a, b, _ in pairs)
    if day_first_possible != month_first_possible:
        return day_first_possible
    if not day_first_possible:
        raise ChatFormatError("not a WhatsApp export (dates are neither day- nor month-first)")
    # Both readings are possible: the one under which time runs forward more often wins;
    # a tie keeps day-first (what Malaysian phones write).
    backwards_day = _backwards(raws, day_first=True)
    backwards_month = _backwards(raws, day_first=False)
    return backwards_day <= backwards_month


def _backwards(raws: list[_Raw], *, day_first: bool) -> int:
    times = [_when(raw, day_first) for raw in raws]
    known = [t for t in times if t is not None]
    return sum(1 for earlier, later in itertools.pairwise(known) if later < earlier)


def _when(raw: _Raw, day_first: bool) -> datetime | None:
    a, b, c = _numbers(raw.date)
    if a >= 1000:
        year, month, day = a, b, c
    else:
        day, month = (a, b) if day_first else (b, a)
        year = c + 2000 if c < 100 else c
    parts = [int(p) for p in re.split(r"[:.]", raw.time)]
    hour, minute = parts[0], parts[1]
    second = parts[2] if len(parts) > 2 else 0
    if raw.ampm:
        marker = raw.ampm.lower().replace(".", "").replace(" ", "")
        afternoon = marker in ("pm", "ptg")
        if hour == 12:
            hour = 0
        if afternoon:
            hour += 12
    try:
        return datetime(year, month, day, hour, minute, second)  # the phone's local time
    except ValueError:
        return None
