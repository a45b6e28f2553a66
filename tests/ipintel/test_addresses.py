"""Address and time parsing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perisai.ipintel import InvalidTime, parse_ip, parse_time


@given(st.ip_addresses())
def test_parse_ip_round_trips_canonical_text(address: object) -> None:
    parsed = parse_ip(str(address))
    assert parse_ip(str(parsed)) == parsed


def test_parse_ip_trims_and_canonicalises() -> None:
    assert str(parse_ip("  2001:DB8:0:0::1 ")) == "2001:db8::1"
    assert str(parse_ip("::ffff:192.0.2.1")) == "192.0.2.1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-02T03:04:05Z", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2026-01-02 11:04:05+08:00", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
    ],
)
def test_parse_time_converts_to_utc(text: str, expected: datetime) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-01-02",
        "2026-01-02T03:04:05",
        "yesterday",
        "",
        "2026-13-01Z",
        # Valid ISO 8601 that leaves the calendar once turned to UTC (issue #11 item 4).
        "0001-01-01T00:00:00+08:00",
        "9999-12-31T23:59:59-05:00",
    ],
)
def test_parse_time_refuses_bare_or_bad_times(text: str) -> None:
    with pytest.raises(InvalidTime):
        parse_time(text)
