"""The packaged engine on the sealed held-out test set (tests/data/grooming/heldout/test.jsonl),
against issue 14's targets. Only aggregate figures are asserted or printed: the set is never
read conversation by conversation, tuned on or trained on (`perisai grooming train` refuses a
file named like a test set).

Every issue 14 target is asserted as a plain test (the F0.5 and early-warning ones were strict
xfails until v2.1 reached them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from perisai.grooming import GroomingScorer
from perisai.grooming.dataset import load_jsonl
from perisai.grooming.evaluation import evaluate, hint_test, padding_test

TEST_SET = Path(__file__).resolve().parents[1] / "data" / "grooming" / "heldout" / "test.jsonl"
# Issue 14's baseline, measured on this file with the v1 engine (model 2.156.118).
BASELINE = {"f0_5": 0.5688, "precision": 0.5294, "recall": 0.81, "early": 0.756, "fp": 144}


@pytest.fixture(scope="module")
def figures() -> dict[str, Any]:
    scorer = GroomingScorer.load()
    items = load_jsonl(TEST_SET)
    report = evaluate(scorer, items)
    report["padding_test"] = padding_test(scorer, items)
    report["hint_test"] = hint_test(scorer, items)
    return report


def test_the_set_is_not_trivially_easy(figures: dict[str, Any]) -> None:
    # Perfect scores here would say the set is too easy, not that the engine is perfect.
    assert figures["f0_5"] < 0.99 or figures["roc_auc"] < 0.999


def test_early_warning_before_the_first_request(figures: dict[str, Any]) -> None:
    # issue 14: >= 70 % flagged no later than the first image/camera/meeting request
    early = figures["early_detection"]["flagged_by_first_contact_request"]
    assert early >= 0.70


def test_padding_with_neutral_messages_adds_at_most_two_points(figures: dict[str, Any]) -> None:
    padding = figures["padding_test"]
    assert set(padding["false_alarms"]) == {"0", "4", "8", "16"}
    assert padding["added_points"] <= 2.0


def test_declared_adult_and_minor_ages_never_reduce_recall(figures: dict[str, Any]) -> None:
    hints = figures["hint_test"]
    assert hints["grooming"] >= 150
    assert hints["flags_lost"] == 0
    assert hints["recall_with_hints"] >= hints["recall_without_hints"]


def test_better_than_the_v1_baseline(figures: dict[str, Any]) -> None:
    assert figures["f0_5"] >= BASELINE["f0_5"] + 0.25
    assert figures["precision"] >= 0.85
    assert figures["fp"] <= BASELINE["fp"] / 4
    # v2 trades a little recall for far fewer false alarms; it must not trade much
    assert figures["recall"] >= BASELINE["recall"] - 0.05
    for lang, m in figures["per_language"].items():
        assert m["f0_5"] >= 0.8, lang
        assert m["recall"] >= 0.7, lang


def test_f05_reaches_the_issue_target(figures: dict[str, Any]) -> None:
    # issue 14: F0.5 >= 0.9. Reached by a hair (0.902: one more false alarm would miss it);
    # see docs/grooming.md for how the model and threshold were chosen without this set.
    assert figures["f0_5"] >= 0.9
