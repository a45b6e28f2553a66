"""The spread rule alone: distinct platforms or accounts within a sliding window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from perisai.viral.rule import Sighting, Thresholds, first_crossing

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
RULE = Thresholds(platforms=3, accounts=5, window=timedelta(hours=6))


def seen(hours: float, platform: str, *accounts: str, report: int = 0) -> Sighting:
    return Sighting(T0 + timedelta(hours=hours), platform, accounts, report or int(hours * 100))


def test_three_platforms_within_six_hours_cross() -> None:
    found = first_crossing(
        [seen(0, "ExampleChat"), seen(2, "PhotoShare"), seen(5.9, "ClipTok")], RULE
    )
    assert found is not None
    assert found.rule == "platforms"
    assert found.platforms == ("ClipTok", "ExampleChat", "PhotoShare")
    assert found.window_start == T0
    assert found.window_end == T0 + timedelta(hours=5.9)
    assert len(found.report_ids) == 3


def test_three_platforms_spread_wider_than_the_window_do_not() -> None:
    sightings = [seen(0, "ExampleChat"), seen(3, "PhotoShare"), seen(6.5, "ClipTok")]
    assert first_crossing(sightings, RULE) is None
    # Exactly six hours apart is inside the window.
    assert first_crossing([*sightings[:2], seen(6, "ClipTok")], RULE) is not None


def test_platform_names_differing_in_case_are_one_platform() -> None:
    sightings = [seen(0, "ExampleChat"), seen(1, "examplechat"), seen(2, "PhotoShare")]
    assert first_crossing(sightings, RULE) is None


def test_five_accounts_on_one_platform_cross_and_four_do_not() -> None:
    four = [seen(h, "ExampleChat", f"examplechat:user{h}") for h in range(4)]
    assert first_crossing(four, RULE) is None
    found = first_crossing([*four, seen(4, "ExampleChat", "examplechat:user9")], RULE)
    assert found is not None
    assert found.rule == "accounts"
    assert len(found.accounts) == 5


def test_the_same_account_again_is_not_a_new_account() -> None:
    again = [seen(h, "ExampleChat", "examplechat:same") for h in range(10)]
    assert first_crossing(again, RULE) is None


def test_configured_thresholds_and_window_are_used() -> None:
    wide = Thresholds(platforms=2, accounts=100, window=timedelta(hours=24))
    found = first_crossing([seen(0, "ExampleChat"), seen(20, "PhotoShare")], wide)
    assert found is not None and found.rule == "platforms"
    assert first_crossing([seen(0, "ExampleChat"), seen(20, "PhotoShare")], RULE) is None


def test_order_of_arrival_does_not_matter() -> None:
    sightings = [seen(5, "ClipTok"), seen(0, "ExampleChat"), seen(2, "PhotoShare")]
    found = first_crossing(sightings, RULE)
    assert found is not None
    assert found.window_start == T0


def test_both_rules_at_once_are_named_both() -> None:
    sightings = [seen(h, f"P{h}", *(f"p{h}:a{i}" for i in range(2))) for h in range(3)]
    found = first_crossing(sightings, RULE)
    assert found is not None and found.rule == "both"
