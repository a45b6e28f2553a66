"""When the suspect wrote: late night in Malaysia time (22:00–06:00) and bursts, display-only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from perisai.grooming import Message, contact_timing
from perisai.grooming.timing import is_late_night

MYT = timezone(timedelta(hours=8))


def test_late_night_is_read_in_malaysia_time_whatever_the_offset() -> None:
    assert is_late_night(datetime(2026, 3, 1, 22, 0, tzinfo=MYT))
    assert is_late_night(datetime(2026, 3, 1, 5, 59, tzinfo=MYT))
    assert not is_late_night(datetime(2026, 3, 1, 6, 0, tzinfo=MYT))
    assert not is_late_night(datetime(2026, 3, 1, 21, 59, tzinfo=MYT))
    # 15:30 UTC is 23:30 in Kuala Lumpur; 13:00 UTC is 21:00
    assert is_late_night(datetime(2026, 3, 1, 15, 30, tzinfo=UTC))
    assert not is_late_night(datetime(2026, 3, 1, 13, 0, tzinfo=UTC))
    # a time without an offset is a Malaysian phone's clock
    assert is_late_night(datetime(2026, 3, 1, 23, 0))
    assert not is_late_night(datetime(2026, 3, 1, 15, 30))


def test_only_the_authors_timed_messages_count() -> None:
    night = datetime(2026, 3, 1, 23, 10, tzinfo=MYT)
    messages = [
        Message("a", "hi", night),
        Message("b", "hi", night),  # the other side's late message is not the author's
        Message("a", "no time"),
        Message("a", "day", datetime(2026, 3, 2, 12, 0, tzinfo=MYT)),
        Message("a", "night", datetime(2026, 3, 2, 1, 0, tzinfo=MYT)),
    ]
    found = contact_timing(messages, "a")
    assert found.timed == 3
    assert found.late_night == [0, 4]
    assert found.bursts == []
    assert contact_timing(messages, None) == contact_timing([], "a")
    assert not contact_timing(messages, None).noteworthy


def test_bursts_are_four_or_more_messages_within_two_minutes_merged_when_they_overlap() -> None:
    start = datetime(2026, 3, 1, 15, 0, tzinfo=MYT)
    seconds = [0, 20, 40, 60, 80, 100, 600, 610, 620, 900]  # a run of 6, then 3 close, then 1
    messages = []
    for s in seconds:
        messages.append(Message("a", "x", start + timedelta(seconds=s)))
        messages.append(Message("b", "ok", start + timedelta(seconds=s + 1)))
    found = contact_timing(messages, "a")
    assert found.bursts == [(0, 10)]  # message indices of the run's first and last
    assert found.late_night == []
    slow = [Message("a", "x", start + timedelta(seconds=41 * i)) for i in range(4)]
    assert contact_timing(slow, "a").bursts == []  # 123 s from first to fourth
    quick = [Message("a", "x", start + timedelta(seconds=40 * i)) for i in range(4)]
    assert contact_timing(quick, "a").bursts == [(0, 3)]
