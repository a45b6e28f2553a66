"""The spread rule as a pure function: sightings of one cluster in, the first crossing out.

A cluster "goes viral" when, within any sliding window (default 6 h), its copies were reported
from at least `platforms` distinct platforms or with at least `accounts` distinct accounts. No
database here: `service.py` gathers the sightings and stores the alert.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Sighting:
    """One report's copy: when it was received, from which platform, naming which accounts."""

    at: datetime
    platform: str
    accounts: tuple[str, ...]
    report_id: int


@dataclass(frozen=True)
class Thresholds:
    platforms: int = 3
    accounts: int = 5
    window: timedelta = timedelta(hours=6)


@dataclass(frozen=True)
class Crossing:
    rule: str  # "platforms", "accounts" or "both"
    window_start: datetime
    window_end: datetime
    platforms: tuple[str, ...]
    accounts: tuple[str, ...]
    report_ids: tuple[int, ...]


def _add(counter: Counter[str], items: Iterable[str], step: int) -> None:
    for item in items:
        counter[item] += step
        if counter[item] <= 0:
            del counter[item]


def first_crossing(sightings: Sequence[Sighting], thresholds: Thresholds) -> Crossing | None:
    """The earliest window (by its last sighting) that meets either threshold, or None.

    Two pointers over the sightings in time order, with counts of each platform and account
    inside the window: linear in the number of sightings.
    """
    ordered = sorted(sightings, key=lambda s: (s.at, s.report_id))
    platforms: Counter[str] = Counter()  # by case-folded name: "ExampleChat" = "examplechat"
    accounts: Counter[str] = Counter()
    shown = {s.platform.casefold(): s.platform for s in reversed(ordered)}
    start = 0
    for end, newest in enumerate(ordered):
        _add(platforms, [newest.platform.casefold()], 1)
        _add(accounts, set(newest.accounts), 1)
        while newest.at - ordered[start].at > thresholds.window:
            _add(platforms, [ordered[start].platform.casefold()], -1)
            _add(accounts, set(ordered[start].accounts), -1)
            start += 1
        by_platform = len(platforms) >= thresholds.platforms
        by_account = len(accounts) >= thresholds.accounts
        if by_platform or by_account:
            inside = ordered[start : end + 1]
            rule = "both" if by_platform and by_account else "platforms"
            if not by_platform:
                rule = "accounts"
            return Crossing(
                rule=rule,
                window_start=inside[0].at,
                window_end=newest.at,
                platforms=tuple(sorted((shown[p] for p in platforms), key=str.casefold)),
                accounts=tuple(sorted(accounts)),
                report_ids=tuple(dict.fromkeys(s.report_id for s in inside)),
            )
    return None
