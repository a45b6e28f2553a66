"""The calibration set (tests/data/grooming/calibration) keeps its promises: reproducible,
both labels at the same lengths, three languages, look-alike benign kinds, annotations on the
suspect's own messages, two families with no shared exchange, and no wording of the sealed
held-out test set (it was written apart from it)."""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from perisai.grooming.dataset import load_jsonl

DATA = Path(__file__).resolve().parents[1] / "data" / "grooming"
CAL = DATA / "calibration" / "cal.jsonl"


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def wording(text: str) -> bool:
    """More than a short reaction ("ok", "haha ok", "[photo]")."""
    norm = normalise(text)
    return len(norm.split()) > 2 and len(norm) > 10


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return [json.loads(line) for line in CAL.read_text("utf-8").splitlines()]


def test_it_loads_as_training_data_in_three_languages(records: list[dict[str, Any]]) -> None:
    items = load_jsonl(CAL)
    assert len(items) == len(records) >= 450
    assert {i.split for i in items} == {"train"}
    assert Counter(r["family"] for r in records) == {"a": 150, "b": 150, "c": 150}
    by = Counter((i.grooming, i.lang) for i in items)
    for lang in ("en", "ms", "mixed"):
        assert by[(True, lang)] >= 50 and by[(False, lang)] >= 80


def test_lengths_say_nothing_about_the_label(records: list[dict[str, Any]]) -> None:
    lengths = {
        label: [len(r["messages"]) for r in records if r["label"] == label]
        for label in ("grooming", "benign")
    }
    grooming, benign = (statistics.median(lengths[k]) for k in ("grooming", "benign"))
    assert abs(grooming - benign) <= 5
    assert min(lengths["benign"]) >= 15 and max(lengths["grooming"]) >= 60


def test_benign_side_is_look_alikes(records: list[dict[str, Any]]) -> None:
    kinds = Counter(r["category"] for r in records if r["label"] == "benign")
    for kind in ("parent", "cousin", "tutor", "coach", "online_seller", "couple", "counsellor"):
        assert kinds[kind] >= 8, kind


def test_annotations_point_at_the_suspects_messages(records: list[dict[str, Any]]) -> None:
    for r in records:
        if r["label"] == "benign":
            assert r["suspect"] is None and r["first_indicator"] is None
            continue
        first = r["first_indicator"]
        assert r["messages"][first]["author"] == r["suspect"], r["id"]
        request = r["first_contact_request"]
        if request is not None:
            assert request >= first and r["messages"][request]["author"] == r["suspect"]


def test_families_share_no_exchange(records: list[dict[str, Any]]) -> None:
    texts = {
        family: {
            normalise(m["text"])
            for r in records
            if r["family"] == family
            for m in r["messages"]
            if wording(m["text"])
        }
        for family in ("a", "b", "c")
    }
    # a and b split banks.py by exchange, except banks under 4 exchanges (small talk, pretext
    # openings), which both use; c is banks_c.py, written afterwards, and shares only phrases
    # that recur by chance ("ok la", "same here").
    assert len(texts["a"] & texts["b"]) < 0.35 * min(len(texts["a"]), len(texts["b"]))
    for other in ("a", "b"):
        assert len(texts["c"] & texts[other]) <= 0.03 * len(texts["c"])


def test_no_wording_of_the_sealed_test_set(records: list[dict[str, Any]]) -> None:
    # A check by program, not by reading: the calibration set was written apart from test.
    ours = {normalise(m["text"]) for r in records for m in r["messages"] if wording(m["text"])}
    theirs = {
        normalise(m.text)
        for item in load_jsonl(DATA / "heldout" / "test.jsonl")
        for m in item.conversation.messages
        if wording(m.text)
    }
    assert len(ours & theirs) <= 0.02 * len(ours)


def test_file_is_what_the_generator_writes() -> None:
    script = DATA / "calibration" / "make_calibration.py"
    done = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
