"""Times as a person in Malaysia reads them: Malaysia time (UTC+8), with the zone, to the minute.

The database keeps UTC; every page shows times through these filters (registered on every
template environment by :func:`perisai.web.templating.make_templates`). Malaysia has had no
daylight saving since 1982, so the zone is a fixed offset and needs no tz database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from perisai.timebounds import check_due

MALAYSIA = timezone(timedelta(hours=8), "MYT")
ZONE_LABEL = "MYT"  # shown after every time; the page footer says MYT is UTC+8


def _as_datetime(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        return parsed
    return None


def to_malaysia(value: datetime) -> datetime:
    """The same instant in Malaysia time; a naive value is taken as UTC (how we store times)."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(MALAYSIA).replace(microsecond=0)


def local_time(value: object) -> str:
    """`2026-12-06 02:10 MYT`; an empty string for no time (a string that is not a time as is)."""
    moment = _as_datetime(value)
    if moment is None:
        return "" if value is None else str(value)
    return to_malaysia(moment).strftime("%Y-%m-%d %H:%M ") + ZONE_LABEL


def local_date(value: object) -> str:
    """`2026-12-06`: the Malaysian calendar day of an instant."""
    moment = _as_datetime(value)
    if moment is None:
        return "" if value is None else str(value)
    return to_malaysia(moment).strftime("%Y-%m-%d")


def machine_time(value: object) -> str:
    """For `<time datetime=…>`: ISO 8601 with the +08:00 offset, whole seconds."""
    moment = _as_datetime(value)
    if moment is None:
        return ""
    return to_malaysia(moment).isoformat()


def parse_local_date(text: str) -> datetime | None:
    """A date typed or picked on a page (`YYYY-MM-DD`, a Malaysian day) → the end of that day.

    Also takes an ISO time; one without a zone is Malaysia time. None for empty; ValueError
    for anything else, and for a time outside 1970 to ten years ahead (`timebounds.check_due`).
    """
    cleaned = text.strip()
    if not cleaned:
        return None
    try:
        if len(cleaned) == 10:
            day = date.fromisoformat(cleaned)
            moment = datetime(day.year, day.month, day.day, 23, 59, tzinfo=MALAYSIA)
        else:
            moment = datetime.fromisoformat(cleaned)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=MALAYSIA)
        # A sane window (1970 to ten years ahead): year 1 or 9999 never reaches the database.
        return check_due(moment.astimezone(UTC))
    except OverflowError:
        raise ValueError(f"{cleaned!r} is out of range") from None


def register_filters(filters: dict[str, object]) -> None:
    filters["myt"] = local_time
    filters["myt_date"] = local_date
    filters["myt_iso"] = machine_time
