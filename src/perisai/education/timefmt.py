"""Times as people in Malaysia read them: Malaysia time (UTC+8, with the zone) when the instant
is known, the phone's own clock (as the export wrote it) otherwise."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

MALAYSIA = timezone(timedelta(hours=8), "MYT")
MONTHS = {
    "ms": ("Jan", "Feb", "Mac", "Apr", "Mei", "Jun", "Jul", "Ogos", "Sep", "Okt", "Nov", "Dis"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def show(when: datetime, lang: str) -> str:
    """`14 Mac 2024, 20:02 MYT` for an instant, `14 Mac 2024, 20:02` for a phone's clock."""
    zone = ""
    if when.tzinfo is not None:
        when = when.astimezone(MALAYSIA)
        zone = " MYT"
    month = MONTHS.get(lang, MONTHS["en"])[when.month - 1]
    return f"{when.day} {month} {when.year}, {when:%H:%M}{zone}"


def now_myt() -> datetime:
    return datetime.now(MALAYSIA)
