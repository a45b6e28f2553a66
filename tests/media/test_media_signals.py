"""One conformance test that every registered signal type passes: its fast index returns
exactly what its brute-force reference returns, on random data and on edge cases."""

from __future__ import annotations

import random

import pytest

from perisai.media.errors import InvalidSignal, UnknownSignalType
from perisai.media.signals import (
    SignalType,
    get_signal_type,
    register_signal_type,
    signal_type_names,
    signal_types,
)


def _conformance(kind: SignalType, seed: int) -> None:
    rng = random.Random(seed)
    index = kind.new_index()
    entries: dict[int, tuple[str, str]] = {}
    # Edge sizes first: an empty index, then one entry, then two, then many.
    assert list(index.query(kind.sample(rng))) == []
    for entry_id in range(60):
        base = (
            rng.choice([s for s, _ in entries.values()]) if entries and rng.random() < 0.4 else None
        )
        signal = kind.variant(base, rng) if base else kind.sample(rng)
        bank = rng.choice(["a", "b"])
        index.add(entry_id, signal, bank)
        entries[entry_id] = (kind.normalize(signal), bank)
        if entry_id in (0, 1, 7, 59):
            for probe in [s for s, _ in entries.values()][:5]:
                query = kind.variant(probe, rng)
                listed = [(e, s, b) for e, (s, b) in entries.items()]
                assert list(index.query(query)) == kind.brute_force(query, listed)
    for entry_id in range(0, 60, 3):
        assert index.remove(entry_id)
        del entries[entry_id]
    assert not index.remove(999)
    assert len(index) == len(entries)
    listed = [(e, s, b) for e, (s, b) in entries.items()]
    for _ in range(40):
        probe = rng.choice(listed)[1] if rng.random() < 0.7 else kind.sample(rng)
        query = kind.variant(probe, rng)
        assert list(index.query(query)) == kind.brute_force(query, listed)


@pytest.mark.parametrize("kind", signal_types(implemented_only=True), ids=lambda k: k.name)
@pytest.mark.parametrize("seed", range(3))
def test_every_signal_type_index_equals_brute_force(kind: SignalType, seed: int) -> None:
    _conformance(kind, seed)


def test_registry() -> None:
    assert {"pdq", "vpdq", "md5", "sha1", "sha256", "photodna"} <= set(signal_type_names())
    assert get_signal_type(" PDQ ").name == "pdq"
    with pytest.raises(UnknownSignalType, match="unknown signal type 'videntifier'"):
        get_signal_type("videntifier")
    with pytest.raises(ValueError, match="already registered"):
        register_signal_type(get_signal_type("md5"))


def test_photodna_is_a_reserved_slot() -> None:
    kind = get_signal_type("photodna")
    assert not kind.implemented
    assert kind.normalize(" abc ") == "abc"
    with pytest.raises(NotImplementedError, match="reserved"):
        kind.new_index()
    assert kind not in signal_types(implemented_only=True)


@pytest.mark.parametrize(
    ("name", "bad"),
    [("md5", "xyz"), ("sha1", "0" * 39), ("sha256", "g" * 64), ("pdq", "0" * 65), ("vpdq", "[]")],
)
def test_malformed_signals_are_refused(name: str, bad: str) -> None:
    with pytest.raises(InvalidSignal):
        get_signal_type(name).normalize(bad)


def test_each_file_kind_names_the_signals_computed_from_it() -> None:
    from perisai.media.signals import computed_from

    assert computed_from("image") == ["md5", "sha1", "sha256", "pdq"]
    assert computed_from("video") == ["md5", "sha1", "sha256", "vpdq", "tmk"]
    assert computed_from("other") == ["md5", "sha1", "sha256"]
    assert computed_from("sound") == []
