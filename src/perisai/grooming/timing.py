"""When the suspect wrote, from `sent_at` where it is given: late-night contact and bursts.

Display-only context for a reader (the report page): it never changes the risk, the flag or the
signals (the combiner's own `late_night` feature is separate and unchanged). Measured on the
development file only (docs/grooming.md, "Timing"): late-night messages from the engine's suspect
are common in grooming chats and rare in the look-alikes; bursts much less telling.

Times with an offset are read in Malaysia time; a time without one is taken as the local clock
of a Malaysian phone, i.e. already Malaysia time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from perisai.grooming.models import Message

MYT = timezone(timedelta(hours=8), "MYT")  # Malaysia has no daylight saving
NIGHT_FROM_HOUR = 22  # [22:00, 06:00) Malaysia time
NIGHT_TO_HOUR = 6
BURST_MESSAGES = 4  # this many of the author's messages ...
BURST_WINDOW = timedelta(minutes=2)  # ... within this long


@dataclass(frozen=True, slots=True)
class ContactTiming:
    """The author's timed messages, which were sent at night, and their bursts (first and last
    message index of each run of BURST_MESSAGES or more within BURST_WINDOW)."""

    timed: int
    late_night: list[int]
    bursts: list[tuple[int, int]]

    @property
    def noteworthy(self) -> bool:
        return bool(self.late_night or self.bursts)


def malaysia_time(moment: datetime) -> datetime:
    return moment.astimezone(MYT) if moment.tzinfo is not None else moment.replace(tzinfo=MYT)


def is_late_night(moment: datetime) -> bool:
    hour = malaysia_time(moment).hour
    return hour >= NIGHT_FROM_HOUR or hour < NIGHT_TO_HOUR


def _bursts(timed: list[tuple[int, datetime]]) -> list[tuple[int, int]]:
    """Maximal runs in which every BURST_MESSAGES consecutive messages fit in BURST_WINDOW."""
    found: list[tuple[int, int]] = []
    span = BURST_MESSAGES - 1
    for start in range(len(timed) - span):
        first, last = timed[start], timed[start + span]
        if not timedelta(0) <= last[1] - first[1] <= BURST_WINDOW:
            continue
        if found and first[0] <= found[-1][1]:
            found[-1] = (found[-1][0], last[0])  # overlapping windows: one burst
        else:
            found.append((first[0], last[0]))
    return found


def contact_timing(messages: Sequence[Message], author: str | None) -> ContactTiming:
    """When `author` wrote (nothing for no author or no `sent_at`)."""
    if author is None:
        return ContactTiming(0, [], [])
    timed = [
        (index, malaysia_time(m.sent_at))
        for index, m in enumerate(messages)
        if m.author == author and m.sent_at is not None
    ]
    return ContactTiming(
        timed=len(timed),
        late_night=[index for index, moment in timed if is_late_night(moment)],
        bursts=_bursts(timed),
    )
