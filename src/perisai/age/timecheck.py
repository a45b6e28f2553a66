"""Verification time and leeway: pinned when asked (published vectors), bounded always."""

from __future__ import annotations

import math
from datetime import UTC, datetime

MAX_LEEWAY = 300


def check_leeway(leeway: int) -> int:
    if not 0 <= leeway <= MAX_LEEWAY:
        raise ValueError(f"leeway must be between 0 and {MAX_LEEWAY} seconds")
    return leeway


def as_datetime(now: float | datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if isinstance(now, datetime):
        if now.tzinfo is None:
            raise ValueError("the verification time needs a time zone")
        return now.astimezone(UTC)
    if not math.isfinite(now):
        raise ValueError("the verification time must be finite")
    try:
        return datetime.fromtimestamp(now, UTC)
    except (OverflowError, OSError, ValueError):
        raise ValueError("the verification time is out of range") from None


def parse_time(text: str) -> datetime:
    """Epoch seconds or ISO 8601 with a zone (`Z` allowed): the CLI's `--now`."""
    stripped = text.strip()
    try:
        return as_datetime(float(stripped))
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(stripped.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not epoch seconds or ISO 8601: {text!r}") from None
    if parsed.tzinfo is None:
        raise ValueError(f"ISO 8601 time needs a zone (e.g. Z): {text!r}")
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        # Year 1 or 9999 with an offset: valid ISO 8601, but it leaves the calendar in UTC.
        raise ValueError(f"the verification time is out of range: {text!r}") from None
