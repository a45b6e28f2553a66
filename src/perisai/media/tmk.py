"""A TMK-like whole-video signature: temporal-kernel pooling of per-frame PDQ float features.

Meta's TMK+PDQF hashes a video to a fixed-length signature: each frame (resampled to 15 fps)
gives the 256 real DCT coefficients PDQ thresholds into bits ("PDQF"), and the sequence is
pooled two ways. Level 1 is the plain average; level 2 weights the frames with cosines and
sines of several periods, so that comparing two signatures over all time shifts is a short
trigonometric sum. A re-encoded or re-edited copy keeps both close (cosine ~0.9) where its
individual frames drift too far for per-frame PDQ. This is our own, simpler take on the idea
(two periods, six harmonics, equal weights), not a bit-compatible TMK:

- frames sampled at ``TMK_FPS`` and shrunk by FFmpeg to at most 256 pixels a side first;
- level 1: mean of the frame features; level 2: for each period P and harmonic m, the means
  of ``x_t cos(2 pi m t / P)`` and ``x_t sin(...)``;
- scores: cosine of the level-1 vectors; level 2 is the best normalised correlation over time
  shifts (within the periods' common cycle). A match needs both >= 0.7 (TMK's defaults).
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from perisai.media.errors import InvalidSignal

TMK_FPS: Final = 15.0
PERIODS: Final = (6.0, 15.0)  # seconds; their common cycle is 30 s
HARMONICS: Final = 6
LEVEL1_THRESHOLD: Final = 0.7
LEVEL2_THRESHOLD: Final = 0.7
_FEATURES: Final = 256
_PREFIX: Final = "tmk1:"
_SHIFTS: Final = np.arange(-15.0, 15.0 + 1e-9, 0.1)  # one common cycle, in seconds

Floats = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True, eq=False)
class TmkHash:
    """Level 1 (256 floats) and level 2 (periods x harmonics x cos/sin x 256 floats)."""

    level1: Floats
    level2: Floats

    def to_signal(self) -> str:
        packed = np.concatenate([self.level1.ravel(), self.level2.ravel()]).astype("<f2")
        return _PREFIX + base64.b64encode(packed.tobytes()).decode("ascii")

    @classmethod
    def from_signal(cls, signal: str) -> TmkHash:
        text = signal.strip()
        size = _FEATURES * (1 + len(PERIODS) * HARMONICS * 2)
        try:
            if not text.startswith(_PREFIX):
                raise ValueError("prefix")
            raw = base64.b64decode(text[len(_PREFIX) :], validate=True)
            values = np.frombuffer(raw, dtype="<f2").astype(np.float32)
        except ValueError as exc:
            raise InvalidSignal("not a TMK signal ('tmk1:' and base64 expected)") from exc
        if values.size != size or not np.all(np.isfinite(values)):
            raise InvalidSignal(f"TMK signal must hold {size} finite values")
        level2 = values[_FEATURES:].reshape(len(PERIODS), HARMONICS, 2, _FEATURES)
        return cls(values[:_FEATURES], level2)


class TmkAccumulator:
    """Collects frame features while a video decodes, then pools them into a ``TmkHash``."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.features: list[Floats] = []

    def add(self, t: float, coefficients: Floats) -> None:
        self.times.append(t)
        self.features.append(coefficients.ravel().astype(np.float32))

    def finish(self) -> TmkHash | None:
        if not self.features:
            return None
        x = np.stack(self.features)
        t = np.asarray(self.times, dtype=np.float64)
        level2 = np.empty((len(PERIODS), HARMONICS, 2, _FEATURES), dtype=np.float32)
        for p, period in enumerate(PERIODS):
            for m in range(HARMONICS):
                angle = 2 * np.pi * (m + 1) * t / period
                level2[p, m, 0] = (x * np.cos(angle)[:, None]).mean(axis=0)
                level2[p, m, 1] = (x * np.sin(angle)[:, None]).mean(axis=0)
        return TmkHash(x.mean(axis=0), level2)


def level1_score(a: TmkHash, b: TmkHash) -> float:
    norm = float(np.linalg.norm(a.level1) * np.linalg.norm(b.level1))
    return float(a.level1 @ b.level1) / norm if norm else 0.0


def level2_score(a: TmkHash, b: TmkHash) -> tuple[float, float]:
    """Best normalised correlation of the two pooled sequences over time shifts: (score, s)."""
    # For each (period, harmonic): <a, b shifted by d> = cc cos(w d) + cs sin(w d).
    cc = np.einsum("pmf,pmf->pm", a.level2[:, :, 0], b.level2[:, :, 0]) + np.einsum(
        "pmf,pmf->pm", a.level2[:, :, 1], b.level2[:, :, 1]
    )
    cs = np.einsum("pmf,pmf->pm", a.level2[:, :, 1], b.level2[:, :, 0]) - np.einsum(
        "pmf,pmf->pm", a.level2[:, :, 0], b.level2[:, :, 1]
    )
    omega = 2 * np.pi * np.arange(1, HARMONICS + 1)[None, :] / np.asarray(PERIODS)[:, None]
    angles = omega[:, :, None] * _SHIFTS[None, None, :]
    curve = (cc[:, :, None] * np.cos(angles) + cs[:, :, None] * np.sin(angles)).sum(axis=(0, 1))
    norm = float(np.sqrt(np.sum(a.level2.astype(np.float64) ** 2) * np.sum(b.level2**2)))
    if not norm:
        return 0.0, 0.0
    best = int(np.argmax(curve))
    return float(curve[best]) / norm, round(float(_SHIFTS[best]), 2) + 0.0


@dataclass(frozen=True, slots=True)
class TmkMatch:
    """A bank video matched by signature: both scores, the time shift, and a distance
    (``round(100 * (1 - level2))``) to sort by like the other signal types."""

    entry_id: int
    distance: int
    bank: str
    level1: float
    level2: float
    offset_s: float


def tmk_compare(
    query: TmkHash,
    bank_hash: TmkHash,
    *,
    level1_threshold: float = LEVEL1_THRESHOLD,
    level2_threshold: float = LEVEL2_THRESHOLD,
) -> tuple[float, float, float] | None:
    """(level 1, level 2, shift) when the two signatures match, else None."""
    first = level1_score(query, bank_hash)
    if first < level1_threshold:
        return None
    second, shift = level2_score(query, bank_hash)
    if second < level2_threshold:
        return None
    return first, second, shift


class TmkIndex:
    """Signatures by entry id: a level-1 cosine over all of them (one matrix product), then
    level 2 for the few that pass. Incremental add and remove; one lock."""

    def __init__(
        self,
        *,
        level1_threshold: float = LEVEL1_THRESHOLD,
        level2_threshold: float = LEVEL2_THRESHOLD,
    ) -> None:
        self.level1_threshold = level1_threshold
        self.level2_threshold = level2_threshold
        self._lock = threading.Lock()
        self._hashes: dict[int, tuple[TmkHash, str]] = {}
        self._matrix: Floats | None = None  # unit level-1 rows, rebuilt lazily after changes
        self._ids: list[int] = []
        self._disabled: set[str] = set()

    def __len__(self) -> int:
        return len(self._hashes)

    def add(self, entry_id: int, signal: str | TmkHash, bank: str = "default") -> None:
        value = TmkHash.from_signal(signal) if isinstance(signal, str) else signal
        with self._lock:
            self._hashes[int(entry_id)] = (value, bank)
            self._matrix = None

    def remove(self, entry_id: int) -> bool:
        with self._lock:
            found = self._hashes.pop(int(entry_id), None) is not None
            self._matrix = None
            return found

    def set_threshold(self, bank: str, threshold: int) -> None:
        """Only ``-1`` (disable the bank) means something for signatures."""
        with self._lock:
            if threshold < 0:
                self._disabled.add(bank)
            else:
                self._disabled.discard(bank)

    def _unit_rows(self) -> tuple[Floats, list[int]]:
        if self._matrix is None:
            self._ids = list(self._hashes)
            rows = [self._hashes[i][0].level1 for i in self._ids]
            matrix = np.stack(rows) if rows else np.zeros((0, _FEATURES), np.float32)
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            self._matrix = (matrix / np.where(norms == 0, 1, norms)).astype(np.float32)
        return self._matrix, self._ids

    def query(self, signal: str | TmkHash, max_distance: int | None = None) -> list[TmkMatch]:
        """Bank videos whose signatures match; ``max_distance`` bounds ``distance`` if given."""
        query = TmkHash.from_signal(signal) if isinstance(signal, str) else signal
        with self._lock:
            matrix, ids = self._unit_rows()
            norm = float(np.linalg.norm(query.level1)) or 1.0
            cosines = matrix @ (query.level1 / norm)
            picked = [
                (ids[i], float(cosines[i]), *self._hashes[ids[i]])
                for i in np.flatnonzero(cosines >= self.level1_threshold).tolist()
            ]
            disabled = set(self._disabled)
        out = []
        for entry_id, first, value, bank in picked:
            if bank in disabled:
                continue
            second, shift = level2_score(query, value)
            distance = round(100 * (1 - second))
            if second >= self.level2_threshold and (
                max_distance is None or distance <= max_distance
            ):
                out.append(
                    TmkMatch(entry_id, distance, bank, round(first, 4), round(second, 4), shift)
                )
        out.sort(key=lambda m: (m.distance, m.entry_id))
        return out

    def entries(self) -> Iterable[tuple[int, str]]:
        with self._lock:
            return [(entry_id, bank) for entry_id, (_, bank) in self._hashes.items()]
