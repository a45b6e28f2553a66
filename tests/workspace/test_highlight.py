from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from perisai.workspace.highlight import Mark, segments


def test_marks_split_text_in_order() -> None:
    out = segments("jom jumpa esok", [Mark(4, 9, "meeting", "approach")])
    assert [(s.text, s.highlighted) for s in out] == [
        ("jom ", False),
        ("jumpa", True),
        (" esok", False),
    ]
    assert out[1].marks[0].kind == "meeting"


def test_overlapping_marks_merge_and_keep_both_kinds() -> None:
    out = segments("abcdefgh", [Mark(1, 4, "a", "s"), Mark(3, 6, "b", "s")])
    assert [(s.text, [m.kind for m in s.marks]) for s in out] == [
        ("a", []),
        ("bcdef", ["a", "b"]),
        ("gh", []),
    ]


def test_out_of_range_and_empty_marks_are_dropped_or_clipped() -> None:
    out = segments("abc", [Mark(-5, 1, "x", "s"), Mark(2, 99, "y", "s"), Mark(7, 9, "z", "s")])
    assert [(s.text, s.highlighted) for s in out] == [("a", True), ("b", False), ("c", True)]
    assert segments("", [Mark(0, 3, "x", "s")]) == []


@given(
    st.text(max_size=60),
    st.lists(st.tuples(st.integers(-10, 80), st.integers(-10, 80)), max_size=6),
)
def test_segments_always_rebuild_the_original(text: str, spans: list[tuple[int, int]]) -> None:
    out = segments(text, [Mark(a, b, "k", "s") for a, b in spans])
    assert "".join(s.text for s in out) == text
    assert all(s.text for s in out)
