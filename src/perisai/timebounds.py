"""Sane windows for dates that arrive from outside (API, XML imports, hotline, CLI).

A time of year 1 or 9999 is valid ISO 8601 and valid XML, and PostgreSQL stores it, but every
later read of it fails (Python's datetime ends at year 9999, the zone shift overflows). So every
instant an outsider gives must fall between 1970-01-01 and a day after now, and every date of
birth between 1900-01-01 and today. The functions raise ``ValueError`` with a message that
names the window, so pydantic turns it into a field error (422) and importers into one line.
Deadlines (`check_due`) may lie up to ten years ahead.

Where each applies: report bodies (`reports.fields.Time`, `BirthDate`: the JSON API, the hotline
and CyberTipline XML through the API and `perisai reports import-cybertip`), case tasks and
takedowns (API and pages), the queue's paging cursor; times read from a chat pasted into the
hotline form are dropped when out of the window (the report is kept).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Final

EARLIEST_INSTANT: Final = datetime(1970, 1, 1, tzinfo=UTC)
#: Clocks disagree and zones are mistyped: a day ahead of now is still accepted.
FUTURE_ALLOWANCE: Final = timedelta(days=1)
EARLIEST_BIRTH: Final = date(1900, 1, 1)
#: Deadlines and due dates: at most this far ahead.
LATEST_DUE: Final = timedelta(days=3653)


def _check_between(value: datetime, latest: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("a time must carry its zone, e.g. 2026-11-20T10:00+08:00")
    if not EARLIEST_INSTANT <= value <= latest:
        raise ValueError(
            f"must be between {EARLIEST_INSTANT:%Y-%m-%d} and {latest:%Y-%m-%d} (UTC), "
            f"not {value.isoformat()}"
        )
    return value


def check_instant(value: datetime, now: datetime | None = None) -> datetime:
    """``value`` if it lies between 1970-01-01 and a day after now (an aware time)."""
    return _check_between(value, (now or datetime.now(UTC)) + FUTURE_ALLOWANCE)


def check_birth_date(value: date, today: date | None = None) -> date:
    """``value`` if it lies between 1900-01-01 and today."""
    latest = today or datetime.now(UTC).date()
    if not EARLIEST_BIRTH <= value <= latest:
        raise ValueError(
            f"a date of birth must be between {EARLIEST_BIRTH} and {latest}, not {value}"
        )
    return value


def check_due(value: datetime, now: datetime | None = None) -> datetime:
    """``value`` (a deadline, a due date) if it lies between 1970-01-01 and ten years ahead."""
    return _check_between(value, (now or datetime.now(UTC)) + LATEST_DUE)


def within_window(value: datetime, now: datetime | None = None) -> bool:
    """Whether ``value`` passes :func:`check_instant` (for inputs that drop a bad time)."""
    try:
        check_instant(value, now)
    except (ValueError, OverflowError):
        return False
    return True
