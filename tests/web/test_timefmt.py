"""Times as read in Malaysia: UTC+8 with the zone, to the minute, never microseconds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from perisai.web.timefmt import local_date, local_time, machine_time, parse_local_date


def test_a_utc_instant_is_shown_in_malaysia_time_with_the_zone() -> None:
    moment = datetime(2026, 12, 5, 18, 10, 42, 123456, tzinfo=UTC)
    assert local_time(moment) == "2026-12-06 02:10 MYT"
    assert local_date(moment) == "2026-12-06"  # already the next day in Kuala Lumpur
    assert machine_time(moment) == "2026-12-06T02:10:42+08:00"  # no microseconds


def test_naive_times_are_taken_as_utc_and_other_zones_converted() -> None:
    assert local_time(datetime(2026, 1, 1, 0, 0)) == "2026-01-01 08:00 MYT"
    paris = datetime(2026, 7, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    assert local_time(paris) == "2026-07-01 18:00 MYT"
    assert local_time("2026-07-01T10:00:00+00:00") == "2026-07-01 18:00 MYT"


def test_nothing_and_non_times_are_not_invented() -> None:
    assert local_time(None) == "" and machine_time(None) == ""
    assert local_time("not a time") == "not a time"


def test_a_picked_date_is_the_end_of_that_malaysian_day() -> None:
    due = parse_local_date("2026-12-01")
    assert due == datetime(2026, 12, 1, 15, 59, tzinfo=UTC)
    assert local_date(due) == "2026-12-01"
    assert parse_local_date("  ") is None
    assert parse_local_date("2026-12-01T09:00") == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize("garbage", ["tomorrow-ish", "2026-13-01", "2026-02-30", "x" * 40, "1/2/3"])
def test_garbage_dates_are_refused(garbage: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        parse_local_date(garbage)
