"""JSON input parsing: one document, JSONL, and every kind of garbage."""

from __future__ import annotations

import json

import pytest

from perisai.grooming import GroomingInputError, conversation_from_dict
from perisai.grooming.serialise import read_json_objects


def test_conversation_with_hints_and_times() -> None:
    c = conversation_from_dict(
        {
            "id": 7,
            "messages": [{"author": 1, "text": "hi", "sent_at": "2024-01-01T10:00:00+08:00"}],
            "hints": {"1": {"declared_age": 30, "account": "adult"}},
        }
    )
    assert c.id == "7"
    assert c.messages[0].author == "1"
    assert c.messages[0].sent_at is not None
    assert c.hints["1"].is_adult


@pytest.mark.parametrize(
    ("obj", "fragment"),
    [
        ([], "expected a JSON object"),
        ({"messages": []}, "'id'"),
        ({"id": "x"}, "'messages'"),
        ({"id": "x", "messages": ["hi"]}, "message 0"),
        ({"id": "x", "messages": [{"author": "a"}]}, "'text'"),
        (
            {"id": "x", "messages": [{"author": "a", "text": "t", "sent_at": "yesterday"}]},
            "ISO 8601",
        ),
        ({"id": "x", "messages": [], "hints": {"a": {"declared_age": -3}}}, "declared_age"),
        ({"id": "x", "messages": [], "hints": {"a": {"account": "robot"}}}, "account"),
        ({"id": "x", "messages": [], "hints": ["a"]}, "hints"),
    ],
)
def test_bad_conversations_raise_clear_errors(obj: object, fragment: str) -> None:
    with pytest.raises(GroomingInputError, match=fragment):
        conversation_from_dict(obj, "line 4")


def test_pretty_printed_single_document() -> None:
    doc = json.dumps({"id": "a", "messages": []}, indent=2).encode()
    parsed = list(read_json_objects(doc))
    assert len(parsed) == 1
    assert parsed[0].obj == {"id": "a", "messages": []}


def test_jsonl_reports_bad_lines_and_keeps_good_ones() -> None:
    data = b"\n".join(
        [
            b'{"id": "a", "messages": []}',
            b"{broken",
            b"",
            b"\xff\xfe not utf-8",
            b"[1, 2]",
            b'{"id": "b", "messages": []}',
        ]
    )
    parsed = list(read_json_objects(data))
    assert [p.obj["id"] for p in parsed if p.obj] == ["a", "b"]
    errors = [p.error for p in parsed if p.error]
    assert errors[0] is not None
    assert errors[0].startswith("line 2: broken JSON")
    assert errors[1] is not None
    assert errors[1].startswith("line 4: invalid UTF-8")
    assert errors[2] is not None
    assert errors[2].startswith("line 5: expected a JSON object")


def test_deeply_nested_json_is_an_error_not_a_crash() -> None:
    data = b"[" * 100_000 + b"]" * 100_000 + b"\n" + b'{"id": "a", "messages": []}'
    parsed = list(read_json_objects(data))
    assert parsed[0].error is not None
    assert parsed[1].obj is not None
