"""Split a chat message into plain and highlighted segments from grooming signals' spans.

Pure: the template renders each segment (autoescaped); overlapping spans are merged so that no
character is highlighted twice, and spans outside the text are clipped or dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mark:
    """A span of one message flagged by a signal (kind and stage are shown as its label)."""

    start: int
    end: int
    kind: str
    stage: str
    # Said by the conversation's suspect, whose risk the page shows (others' are not counted).
    counted: bool = True


@dataclass(frozen=True)
class Segment:
    text: str
    marks: tuple[Mark, ...] = field(default_factory=tuple)

    @property
    def highlighted(self) -> bool:
        return bool(self.marks)

    @property
    def counted(self) -> bool:
        """Whether a signal here is one the risk figure was computed from."""
        return any(mark.counted for mark in self.marks)


def _clipped(marks: Iterable[Mark], length: int) -> list[Mark]:
    kept = []
    for mark in marks:
        start, end = max(0, mark.start), min(length, mark.end)
        if start < end:
            kept.append(Mark(start, end, mark.kind, mark.stage, mark.counted))
    return sorted(kept, key=lambda m: (m.start, m.end))


def segments(text: str, marks: Iterable[Mark]) -> list[Segment]:
    """The message as segments in order; concatenated, their text is the original text."""
    clipped = _clipped(marks, len(text))
    out: list[Segment] = []
    position = 0
    index = 0
    while index < len(clipped):
        start, end = clipped[index].start, clipped[index].end
        group = [clipped[index]]
        index += 1
        while index < len(clipped) and clipped[index].start < end:
            end = max(end, clipped[index].end)
            group.append(clipped[index])
            index += 1
        start = max(start, position)
        if start > position:
            out.append(Segment(text[position:start]))
        if end > start:
            out.append(Segment(text[start:end], tuple(group)))
        position = max(position, end)
    if position < len(text):
        out.append(Segment(text[position:]))
    return out
