"""JSON in and out: conversations from the documented JSON shape, assessments to it.

The CLI and the HTTP API both go through these functions, so the two can never disagree on shape.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from perisai.grooming.models import (
    MAX_CONVERSATIONS_PER_FILE,
    MAX_MESSAGES_PER_CONVERSATION,
    Assessment,
    AuthorHint,
    Conversation,
    GroomingInputError,
    Message,
)


def assessment_to_dict(a: Assessment) -> dict[str, Any]:
    """The CLI/API JSON shape of an assessment."""
    return {
        "id": a.id,
        "risk": a.risk,
        "flag": a.flag,
        "stage": a.stage,
        "suspect": a.suspect,
        "first_flag_message": a.first_flag_message,
        "signals": [
            {
                "message": s.message,
                "kind": s.kind,
                "stage": s.stage,
                "evidence": s.evidence,
                "lang": s.lang,
            }
            for s in a.signals
        ],
        "learned": [
            {"message": h.message, "evidence": h.evidence, "probability": h.probability}
            for h in a.learned
        ],
    }


def _text_field(obj: dict[str, Any], key: str, where: str, *, allow_int: bool = False) -> str:
    value = obj.get(key)
    if allow_int and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise GroomingInputError(f"{where}: {key!r} must be a string")
    return value


def _parse_time(value: object, where: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise GroomingInputError(f"{where}: 'sent_at' must be an ISO 8601 string")
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise GroomingInputError(f"{where}: 'sent_at' is not ISO 8601: {value[:40]!r}") from exc


def _parse_hint(value: object, where: str) -> AuthorHint:
    if not isinstance(value, dict):
        raise GroomingInputError(f"{where}: each hint must be an object")
    age = value.get("declared_age")
    account = value.get("account")
    if age is not None and (isinstance(age, bool) or not isinstance(age, int) or not 0 < age < 130):
        raise GroomingInputError(f"{where}: 'declared_age' must be an integer between 1 and 129")
    if account not in (None, "adult", "minor"):
        raise GroomingInputError(f"{where}: 'account' must be 'adult', 'minor' or null")
    return AuthorHint(declared_age=age, account=account)


def conversation_from_dict(obj: object, where: str = "conversation") -> Conversation:
    """Validate one conversation object; errors name the message at fault."""
    if not isinstance(obj, dict):
        raise GroomingInputError(f"{where}: expected a JSON object")
    conversation_id = _text_field(obj, "id", where, allow_int=True)
    raw_messages = obj.get("messages")
    if not isinstance(raw_messages, list):
        raise GroomingInputError(f"{where}: 'messages' must be a list")
    if len(raw_messages) > MAX_MESSAGES_PER_CONVERSATION:
        raise GroomingInputError(
            f"{where}: {len(raw_messages)} messages; the limit is {MAX_MESSAGES_PER_CONVERSATION}"
        )
    messages = []
    for index, raw in enumerate(raw_messages):
        place = f"{where}, message {index}"
        if not isinstance(raw, dict):
            raise GroomingInputError(f"{place}: expected a JSON object")
        messages.append(
            Message(
                author=_text_field(raw, "author", place, allow_int=True),
                text=_text_field(raw, "text", place),
                sent_at=_parse_time(raw.get("sent_at"), place),
            )
        )
    raw_hints = obj.get("hints") or {}
    if not isinstance(raw_hints, dict):
        raise GroomingInputError(f"{where}: 'hints' must be an object keyed by author")
    hints = {str(k): _parse_hint(v, f"{where}, hint {k!r}") for k, v in raw_hints.items()}
    return Conversation(id=conversation_id, messages=messages, hints=hints)


@dataclass(frozen=True, slots=True)
class ParsedLine:
    """One conversation read from a file, or the error that line produced."""

    line: int
    obj: dict[str, Any] | None
    error: str | None


def read_json_objects(data: bytes) -> Iterator[ParsedLine]:
    """Yield the objects of one JSON document or of JSONL, line by line, never raising on content.

    A whole-file JSON object (possibly pretty-printed) or array is accepted first; otherwise
    every non-blank line must be one JSON object, and a bad line is reported without stopping.
    """
    whole = _whole_document(data)
    if whole is not None:
        yield from whole
        return
    count = 0
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        count += 1
        if count > MAX_CONVERSATIONS_PER_FILE:
            yield ParsedLine(number, None, f"more than {MAX_CONVERSATIONS_PER_FILE} conversations")
            return
        yield _parse_line(number, raw)


def _parse_line(number: int, raw: bytes) -> ParsedLine:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return ParsedLine(number, None, f"line {number}: invalid UTF-8 at byte {exc.start}")
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return ParsedLine(
            number, None, f"line {number}: broken JSON ({exc.msg}, column {exc.colno})"
        )
    except RecursionError:
        return ParsedLine(number, None, f"line {number}: JSON nested too deeply")
    if not isinstance(obj, dict):
        return ParsedLine(number, None, f"line {number}: expected a JSON object per line")
    return ParsedLine(number, obj, None)


def _whole_document(data: bytes) -> list[ParsedLine] | None:
    stripped = data.lstrip()
    if stripped[:1] not in (b"{", b"["):
        return None
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    if isinstance(obj, dict):
        return [ParsedLine(1, obj, None)]
    if isinstance(obj, list):
        if len(obj) > MAX_CONVERSATIONS_PER_FILE:
            return [ParsedLine(1, None, f"more than {MAX_CONVERSATIONS_PER_FILE} conversations")]
        return [
            ParsedLine(1, item, None)
            if isinstance(item, dict)
            else ParsedLine(1, None, f"item {i}: expected a JSON object")
            for i, item in enumerate(obj)
        ]
    return None
