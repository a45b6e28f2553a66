from __future__ import annotations

import os

import pytest

from perisai.forensics.names import escape_name, is_unsafe_member, unescape_name


@pytest.mark.parametrize(
    "name", ["../x", "a/../../x", "/etc/passwd", "..\\win", "C:\\x", "a/..", ".."]
)
def test_unsafe_members(name: str) -> None:
    assert is_unsafe_member(name)


@pytest.mark.parametrize("name", ["a/b.jpg", "..hidden", "a..b/c", "./a"])
def test_safe_members(name: str) -> None:
    assert not is_unsafe_member(name)


def test_escape_round_trip() -> None:
    raw = b"caf\xe9 \xff.jpg"
    escaped, changed = escape_name(raw)
    assert changed
    assert escaped == "caf\\xe9 \\xff.jpg"
    assert unescape_name(escaped) == os.fsdecode(raw)
    assert escape_name("ordinary.jpg") == ("ordinary.jpg", False)
