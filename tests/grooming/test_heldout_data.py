"""The held-out evaluation data (tests/data/grooming/heldout) keeps its promises.

These tests check the data, not the detector: that both files load with the project's loader,
that the annotations point at real messages of the suspect, that the files are balanced and
realistically long, that dev and test share no wording, and that the files are exactly what
make_heldout.py writes from its hand-written sources.
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from perisai.grooming.dataset import Labelled, load_jsonl

HELDOUT = Path(__file__).resolve().parents[1] / "data" / "grooming" / "heldout"
FILES = {"dev": HELDOUT / "dev.jsonl", "test": HELDOUT / "test.jsonl"}
MINIMUM = {"dev": 150, "test": 420}
PRETEXTS = {
    "tutor",
    "coach",
    "scout",
    "neighbour",
    "cousin",
    "online_seller",
    "game_friend",
    "talent_agent",
    "photographer",
    "fake_peer",
}
LOOK_ALIKES = {
    "parent",
    "cousin",
    "tutor",
    "coach",
    "online_seller",
    "adult_couple",
    "awareness",
    "peer",
    "group_chat",
    "surprise",
    "neighbour",
}


@pytest.fixture(scope="module")
def loaded() -> dict[str, list[Labelled]]:
    return {name: load_jsonl(path) for name, path in FILES.items()}


@pytest.fixture(scope="module")
def raw() -> dict[str, list[dict[str, Any]]]:
    return {
        name: [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        for name, path in FILES.items()
    }


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def trivial(text: str) -> bool:
    """A one- or two-word reaction ("ok", "haha ok", "[photo]") is not wording."""
    norm = normalise(text)
    return len(norm.split()) <= 2 or len(norm) <= 10


@pytest.mark.parametrize("name", ["dev", "test"])
def test_size_balance_and_languages(loaded: dict[str, list[Labelled]], name: str) -> None:
    records = loaded[name]
    assert len(records) >= MINIMUM[name]
    share = sum(r.grooming for r in records) / len(records)
    assert 0.40 <= share <= 0.50
    langs = Counter(r.lang for r in records)
    assert set(langs) == {"en", "ms", "mixed"}
    assert all(0.28 <= n / len(records) <= 0.39 for n in langs.values())
    assert all(r.split == "test" for r in records)


@pytest.mark.parametrize("name", ["dev", "test"])
def test_categories_cover_pretexts_and_look_alikes(
    loaded: dict[str, list[Labelled]], name: str
) -> None:
    grooming = Counter(r.category for r in loaded[name] if r.grooming)
    benign = Counter(r.category for r in loaded[name] if not r.grooming)
    assert set(grooming) == PRETEXTS
    assert LOOK_ALIKES.issubset(benign)
    assert min(grooming.values()) >= 5
    assert min(benign[c] for c in LOOK_ALIKES) >= 5


def test_ids_are_unique_across_both_files(loaded: dict[str, list[Labelled]]) -> None:
    ids = [r.conversation.id for records in loaded.values() for r in records]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("name", ["dev", "test"])
def test_lengths_are_realistic_on_both_sides(loaded: dict[str, list[Labelled]], name: str) -> None:
    records = loaded[name]
    assert all(15 <= len(r.conversation.messages) <= 150 for r in records)
    grooming = statistics.median(len(r.conversation.messages) for r in records if r.grooming)
    benign = statistics.median(len(r.conversation.messages) for r in records if not r.grooming)
    assert 30 <= grooming <= 55
    assert 30 <= benign <= 55
    # Benign chats are as long as grooming ones: length must tell nothing.
    assert 0.85 <= benign / grooming <= 1.15
    assert sum(len(r.conversation.messages) >= 100 for r in records) >= 5


@pytest.mark.parametrize("name", ["dev", "test"])
def test_annotations_point_at_the_suspects_messages(
    loaded: dict[str, list[Labelled]], name: str
) -> None:
    for r in loaded[name]:
        messages = r.conversation.messages
        if not r.grooming:
            assert (r.suspect, r.first_indicator, r.first_contact_request) == (None, None, None)
            continue
        assert r.suspect in {m.author for m in messages}, r.conversation.id
        assert r.first_indicator is not None
        assert 0 <= r.first_indicator < len(messages)
        assert messages[r.first_indicator].author == r.suspect, r.conversation.id
        if r.first_contact_request is not None:
            assert r.first_indicator <= r.first_contact_request < len(messages)
            assert messages[r.first_contact_request].author == r.suspect, r.conversation.id


@pytest.mark.parametrize("name", ["dev", "test"])
def test_grooming_is_mostly_slow_and_requests_come_late(
    loaded: dict[str, list[Labelled]], name: str
) -> None:
    grooming = [r for r in loaded[name] if r.grooming]
    late = sum(r.first_indicator is not None and r.first_indicator >= 20 for r in grooming)
    assert late / len(grooming) >= 0.3
    with_request = [r for r in grooming if r.first_contact_request is not None]
    assert 0.6 <= len(with_request) / len(grooming) < 1.0
    gaps = [
        r.first_contact_request - r.first_indicator
        for r in with_request
        if r.first_contact_request is not None and r.first_indicator is not None
    ]
    assert statistics.median(gaps) >= 5


@pytest.mark.parametrize("name", ["dev", "test"])
def test_times_are_malaysian_and_in_order(loaded: dict[str, list[Labelled]], name: str) -> None:
    stamped = 0
    for r in loaded[name]:
        times = [m.sent_at for m in r.conversation.messages]
        if all(t is None for t in times):
            continue
        stamped += 1
        assert all(t is not None for t in times), r.conversation.id
        present = [t for t in times if t is not None]
        assert all(t.utcoffset() == timedelta(hours=8) for t in present)
        assert present == sorted(present), r.conversation.id
    assert 0.3 <= stamped / len(loaded[name]) <= 0.9


@pytest.mark.parametrize("name", ["dev", "test"])
def test_hints_are_left_empty(raw: dict[str, list[dict[str, Any]]], name: str) -> None:
    assert all(record["hints"] == {} for record in raw[name])


def test_test_file_has_enough_hand_written_conversations(
    raw: dict[str, list[dict[str, Any]]],
) -> None:
    hand = Counter(r["label"] for r in raw["test"] if r["origin"] == "hand")
    assert sum(hand.values()) >= 60
    assert min(hand.values()) >= 25


def test_dev_and_test_share_no_wording(loaded: dict[str, list[Labelled]]) -> None:
    def texts(records: list[Labelled]) -> set[str]:
        return {
            normalise(m.text)
            for r in records
            for m in r.conversation.messages
            if not trivial(m.text)
        }

    shared = texts(loaded["dev"]) & texts(loaded["test"])
    assert not shared, sorted(shared)[:10]


def test_trivial_means_only_short_reactions() -> None:
    assert trivial("ok")
    assert trivial("haha ok 😂")
    assert trivial("[photo]")
    assert not trivial("are you home alone?")
    assert not trivial("sorang je ke kat rumah tu")


def test_files_are_what_the_generator_writes() -> None:
    script = HELDOUT / "make_heldout.py"
    done = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
