"""Signal types by name: ``pdq``, ``vpdq``, ``tmk``, ``md5``, ``sha1``, ``sha256`` (and a
reserved ``photodna`` slot). Each has a validator, a brute-force reference comparison and a
fast index, and can make sample signals and near variants, so that one conformance test
(index == brute force) runs over every registered type, as python-threatexchange's
signal-type helper does.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from perisai.media.errors import InvalidSignal, UnknownSignalType
from perisai.media.index import ExactIndex, Match, PdqIndex, VideoIndex, VideoMatch
from perisai.media.pdq import (
    PDQ_MATCH_THRESHOLD,
    FrameHash,
    frames_from_signal,
    frames_to_signal,
    hamming_hex,
    normalize_pdq_hex,
)
from perisai.media.tmk import TmkHash, TmkIndex, TmkMatch, tmk_compare

__all__ = [
    "SignalIndex",
    "SignalType",
    "computed_from",
    "exact_signal_type_names",
    "get_signal_type",
    "register_signal_type",
    "signal_type_names",
    "signal_types",
]

#: An entry handed to a brute-force comparison: (entry id, signal, bank).
Entry = tuple[int, str, str]


@runtime_checkable
class SignalIndex(Protocol):
    """What every signal type's fast index offers (``PdqIndex``, ``ExactIndex``, ...)."""

    def add(self, entry_id: int, signal: str, bank: str = "default", /) -> None: ...

    def remove(self, entry_id: int, /) -> bool: ...

    def query(
        self, signal: str, max_distance: int | None = None, /
    ) -> Sequence[Match | VideoMatch | TmkMatch]: ...

    def set_threshold(self, bank: str, threshold: int, /) -> None:
        """Per-bank match distance; ``-1`` disables the bank."""

    def __len__(self) -> int: ...


class SignalType(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def implemented(self) -> bool:
        """``False`` for a reserved slot (PhotoDNA): listed, never computed or matched."""

    @property
    def default_threshold(self) -> int: ...

    @property
    def media(self) -> tuple[str, ...]:
        """The file kinds (``image``, ``video``, ``other``) this signal is computed from."""

    @property
    def frame_list(self) -> bool:
        """Whether a signal is a list of timed frames (stored as such, not as one string)."""

    def normalize(self, signal: str) -> str:
        """Canonical form of a signal; raises ``InvalidSignal`` when malformed."""

    def brute_force(
        self, query: str, entries: Iterable[Entry], threshold: int | None = None
    ) -> Sequence[Match | VideoMatch | TmkMatch]:
        """Reference answer: compare ``query`` with every entry, sorted like the index."""

    def new_index(self) -> SignalIndex: ...

    def sample(self, rng: random.Random) -> str:
        """A random valid signal (for tests and benchmarks)."""

    def variant(self, signal: str, rng: random.Random) -> str:
        """A signal near ``signal`` (within the match threshold, or equal for exact types)."""


def _sorted(matches: list[Match]) -> list[Match]:
    return sorted(matches, key=lambda m: (m.distance, m.entry_id))


@dataclass(frozen=True)
class CryptoSignal:
    name: str
    hex_length: int
    implemented: bool = True
    default_threshold: int = 0
    media: tuple[str, ...] = ("image", "video", "other")
    frame_list: bool = False

    def normalize(self, signal: str) -> str:
        text = signal.strip().lower()
        if len(text) != self.hex_length or any(c not in "0123456789abcdef" for c in text):
            shown = signal if len(signal) <= 80 else signal[:77] + "..."
            raise InvalidSignal(
                f"not a {self.name} hash ({self.hex_length} hex characters expected): {shown!r}"
            )
        return text

    def brute_force(
        self, query: str, entries: Iterable[Entry], threshold: int | None = None
    ) -> list[Match]:
        del threshold
        q = self.normalize(query)
        return _sorted([Match(e, 0, b) for e, s, b in entries if self.normalize(s) == q])

    def new_index(self) -> ExactIndex:
        return ExactIndex(self.hex_length)

    def sample(self, rng: random.Random) -> str:
        return f"{rng.getrandbits(4 * self.hex_length):0{self.hex_length}x}"

    def variant(self, signal: str, rng: random.Random) -> str:
        return signal.upper() if rng.random() < 0.5 else signal


@dataclass(frozen=True)
class PdqSignal:
    name: str = "pdq"
    implemented: bool = True
    default_threshold: int = PDQ_MATCH_THRESHOLD
    media: tuple[str, ...] = ("image",)
    frame_list: bool = False

    def normalize(self, signal: str) -> str:
        return normalize_pdq_hex(signal)

    def brute_force(
        self, query: str, entries: Iterable[Entry], threshold: int | None = None
    ) -> list[Match]:
        limit = self.default_threshold if threshold is None else threshold
        q = self.normalize(query)
        out = []
        for entry_id, signal, bank in entries:
            d = hamming_hex(q, self.normalize(signal))
            if d <= limit:
                out.append(Match(entry_id, d, bank))
        return _sorted(out)

    def new_index(self) -> PdqIndex:
        return PdqIndex(default_threshold=self.default_threshold)

    def sample(self, rng: random.Random) -> str:
        return f"{rng.getrandbits(256):064x}"

    def variant(self, signal: str, rng: random.Random) -> str:
        value = int(signal, 16)
        for bit in rng.sample(range(256), rng.randint(0, self.default_threshold)):
            value ^= 1 << bit
        return f"{value:064x}"


class _VideoSignalIndex:
    """``VideoIndex`` behind the string interface: a signal is a serialised frame list."""

    def __init__(self) -> None:
        self.videos = VideoIndex()

    def add(self, entry_id: int, signal: str, bank: str = "default") -> None:
        self.videos.add(entry_id, frames_from_signal(signal), bank)

    def remove(self, entry_id: int) -> bool:
        return self.videos.remove(entry_id)

    def query(self, signal: str, max_distance: int | None = None) -> list[VideoMatch]:
        return self.videos.query(frames_from_signal(signal), frame_threshold=max_distance)

    def set_threshold(self, bank: str, threshold: int) -> None:
        self.videos.set_threshold(bank, threshold)

    def __len__(self) -> int:
        return len(self.videos)


def vpdq_compare(
    query: Sequence[FrameHash],
    bank: Sequence[FrameHash],
    *,
    frame_threshold: int = PDQ_MATCH_THRESHOLD,
    min_quality: int = 50,
) -> tuple[float, float, int]:
    """Brute-force vPDQ: (query match %, bank match %, median best distance) of two videos."""

    def distinct(frames: Sequence[FrameHash]) -> list[str]:
        return list(dict.fromkeys(f.pdq for f in frames if f.quality >= min_quality))

    q, b = distinct(query), distinct(bank)
    if not q or not b:
        return 0.0, 0.0, 256
    best = [min(hamming_hex(x, y) for y in b) for x in q]
    matched_q = [d for d in best if d <= frame_threshold]
    matched_b = sum(1 for y in b if any(hamming_hex(x, y) <= frame_threshold for x in q))
    median = int(statistics.median(matched_q)) if matched_q else 256
    return (
        round(100.0 * len(matched_q) / len(q), 2),
        round(100.0 * matched_b / len(b), 2),
        median,
    )


@dataclass(frozen=True)
class VpdqSignal:
    name: str = "vpdq"
    implemented: bool = True
    default_threshold: int = PDQ_MATCH_THRESHOLD
    media: tuple[str, ...] = ("video",)
    frame_list: bool = True
    query_match_pct: float = 80.0
    bank_match_pct: float = 0.0

    def normalize(self, signal: str) -> str:
        return frames_to_signal(frames_from_signal(signal))

    def brute_force(
        self, query: str, entries: Iterable[Entry], threshold: int | None = None
    ) -> list[VideoMatch]:
        limit = self.default_threshold if threshold is None else threshold
        frames = frames_from_signal(query)
        out: list[VideoMatch] = []
        for entry_id, signal, bank in entries:
            q_pct, b_pct, distance = vpdq_compare(
                frames, frames_from_signal(signal), frame_threshold=limit
            )
            if q_pct >= self.query_match_pct and b_pct >= self.bank_match_pct and q_pct > 0:
                out.append(VideoMatch(entry_id, distance, bank, q_pct, b_pct))
        return sorted(out, key=lambda m: (-m.query_match_pct, m.distance, m.entry_id))

    def new_index(self) -> _VideoSignalIndex:
        return _VideoSignalIndex()

    def sample(self, rng: random.Random) -> str:
        frames = [
            FrameHash(t=float(i), pdq=f"{rng.getrandbits(256):064x}", quality=rng.choice([30, 100]))
            for i in range(rng.randint(1, 6))
        ]
        if all(f.quality < 50 for f in frames):
            frames[0] = FrameHash(frames[0].t, frames[0].pdq, 100)
        return frames_to_signal(frames)

    def variant(self, signal: str, rng: random.Random) -> str:
        pdq = PdqSignal()
        frames = [
            FrameHash(f.t, pdq.variant(f.pdq, rng), f.quality) for f in frames_from_signal(signal)
        ]
        return frames_to_signal(frames)


@dataclass(frozen=True)
class TmkSignal:
    """The TMK-like whole-video signature (``tmk.py``): level-1 and level-2 cosines >= 0.7."""

    name: str = "tmk"
    implemented: bool = True
    default_threshold: int = 30  # distance = 100 * (1 - level 2 score)
    # Videos only. It costs ~45% more CPU than vPDQ alone in the same decoding pass
    # (15 small frames a second; benchmarks/media_video.py), and catches re-encoded and
    # re-edited copies whose single frames drift too far for vPDQ.
    media: tuple[str, ...] = ("video",)
    frame_list: bool = False

    def normalize(self, signal: str) -> str:
        return TmkHash.from_signal(signal).to_signal()

    def brute_force(
        self, query: str, entries: Iterable[Entry], threshold: int | None = None
    ) -> list[TmkMatch]:
        q = TmkHash.from_signal(query)
        out = []
        for entry_id, signal, bank in entries:
            found = tmk_compare(q, TmkHash.from_signal(signal))
            if found is not None:
                first, second, shift = found
                distance = round(100 * (1 - second))
                if threshold is None or distance <= threshold:
                    out.append(
                        TmkMatch(entry_id, distance, bank, round(first, 4), round(second, 4), shift)
                    )
        return sorted(out, key=lambda m: (m.distance, m.entry_id))

    def new_index(self) -> TmkIndex:
        return TmkIndex()

    def sample(self, rng: random.Random) -> str:
        values = np.random.default_rng(rng.getrandbits(32)).normal(0, 100, size=(13, 2, 256))
        accumulator = TmkHash(
            values[0, 0].astype(np.float32),
            values[1:].reshape(2, 6, 2, 256).astype(np.float32),
        )
        return accumulator.to_signal()

    def variant(self, signal: str, rng: random.Random) -> str:
        base = TmkHash.from_signal(signal)
        noise = np.random.default_rng(rng.getrandbits(32))
        return TmkHash(
            base.level1 + noise.normal(0, 10, size=base.level1.shape).astype(np.float32),
            base.level2 + noise.normal(0, 5, size=base.level2.shape).astype(np.float32),
        ).to_signal()


@dataclass(frozen=True)
class ReservedSignal:
    """A registered name with no implementation (PhotoDNA is licensed, never reimplemented)."""

    name: str
    implemented: bool = False
    default_threshold: int = 0
    max_length: int = 4096
    media: tuple[str, ...] = ("image",)
    frame_list: bool = False

    def normalize(self, signal: str) -> str:
        text = signal.strip()
        if not text or len(text) > self.max_length:
            raise InvalidSignal(f"{self.name} signal is empty or longer than {self.max_length}")
        return text

    def _unavailable(self) -> NotImplementedError:
        return NotImplementedError(f"{self.name} is a reserved signal type: no implementation")

    def brute_force(
        self, query: str, entries: Iterable[Entry], threshold: int | None = None
    ) -> list[Match]:
        raise self._unavailable()

    def new_index(self) -> SignalIndex:
        raise self._unavailable()

    def sample(self, rng: random.Random) -> str:
        raise self._unavailable()

    def variant(self, signal: str, rng: random.Random) -> str:
        raise self._unavailable()


_REGISTRY: dict[str, SignalType] = {}


def register_signal_type(signal_type: SignalType) -> None:
    """Add a signal type; its name must be new."""
    if signal_type.name in _REGISTRY:
        raise ValueError(f"signal type {signal_type.name!r} is already registered")
    _REGISTRY[signal_type.name] = signal_type


# Registration order is the order signals are listed in bank files, reports and matches.
for _builtin in (
    CryptoSignal("md5", 32),
    CryptoSignal("sha1", 40),
    CryptoSignal("sha256", 64),
    PdqSignal(),
    VpdqSignal(),
    TmkSignal(),
    ReservedSignal("photodna"),
):
    register_signal_type(_builtin)


def get_signal_type(name: str) -> SignalType:
    """The signal type registered as ``name`` (case-insensitive); ``UnknownSignalType`` if none."""
    try:
        return _REGISTRY[name.strip().lower()]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise UnknownSignalType(f"unknown signal type {name!r} (known: {known})") from None


def signal_types(*, implemented_only: bool = False) -> list[SignalType]:
    return [s for s in _REGISTRY.values() if s.implemented or not implemented_only]


def signal_type_names() -> list[str]:
    """Every registered name, in registration order (exact hashes first)."""
    return list(_REGISTRY)


def exact_signal_type_names() -> list[str]:
    """The implemented types matched by equality alone (threshold 0: the cryptographic hashes)."""
    return [s.name for s in signal_types(implemented_only=True) if s.default_threshold == 0]


def computed_from(kind: str) -> list[str]:
    """The implemented signal types computed from a file of ``kind`` (``image``, ``video``,
    ``other``), in registration order: what hashing a file of that kind should yield."""
    return [s.name for s in signal_types(implemented_only=True) if kind in s.media]
