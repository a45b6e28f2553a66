"""The cluster index: every clustered report file, in the media library's match indexes.

The same index structures as the banks (`perisai.media.signals`: each signal type's
``new_index()``) and the same questions per file (`perisai.banks.matching.file_queries`), over
report media instead of bank entries: an entry is a `viral_media` row, filed under one bank
("viral"). Each process keeps one, following the table by `viral_media.seq`; clustering holds
an advisory lock for its whole transaction, so rows commit in `seq` order and "everything after
the last seq seen" is never missing an earlier commit. The index says which files are near;
the table says which cluster each is in now (a merge moves files without touching the index).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import text

from perisai.banks.matching import Query
from perisai.media.crops import CropIndex, CropSet
from perisai.media.errors import InvalidSignal
from perisai.media.index import VideoMatch
from perisai.media.pdq import PDQ_MATCH_THRESHOLD, FrameHash, frames_to_signal
from perisai.media.signals import SignalIndex, get_signal_type

if TYPE_CHECKING:
    from perisai.banks.indexes import Executor
    from perisai.runtime import Runtime

#: The signal types a report file is clustered by (TMK is a bank-side signal only), and an
#: image's crop set (`perisai.media.crops`: copies cut differently).
SIGNALS: Final = ("md5", "sha1", "sha256", "pdq", "vpdq")
CROPS: Final = "pdq_crops"
BANK: Final = "viral"
LOAD_BATCH: Final = 20_000
_EXTENSION_KEY: Final = "viral.index"
_index_lock = threading.Lock()
_FEED_SQL = text(
    "SELECT id, seq, md5, sha1, sha256, pdq, vpdq, pdq_crops FROM viral_media"
    " WHERE seq > :after ORDER BY seq LIMIT :limit"
)


@dataclass(frozen=True, slots=True)
class Near:
    """A clustered file near the query: which row, by which signal, how far."""

    media_id: int
    signal_type: str
    distance: int


@dataclass(frozen=True, slots=True)
class MediaSignals:
    media_id: int
    md5: str | None = None
    sha1: str | None = None
    sha256: str | None = None
    pdq: str | None = None
    vpdq: Sequence[dict[str, Any]] | None = None
    pdq_crops: bytes | None = None

    def signals(self) -> list[tuple[str, str]]:
        found = [(kind, getattr(self, kind)) for kind in ("md5", "sha1", "sha256", "pdq")]
        out = [(kind, value) for kind, value in found if value]
        if self.vpdq:
            frames = [FrameHash(float(f["t"]), str(f["pdq"]), int(f["quality"])) for f in self.vpdq]
            out.append(("vpdq", frames_to_signal(frames)))
        return out


class ClusterIndex:
    """Report media by signal; safe to query while another thread syncs."""

    def __init__(self, *, pdq_threshold: int | None = None) -> None:
        self.indexes: dict[str, SignalIndex] = {
            name: get_signal_type(name).new_index() for name in SIGNALS
        }
        if pdq_threshold is not None:
            self.indexes["pdq"].set_threshold(BANK, pdq_threshold)
        self.crops = CropIndex(
            threshold=PDQ_MATCH_THRESHOLD if pdq_threshold is None else pdq_threshold
        )
        self.last_seq = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.indexes["pdq"]) + len(self.indexes["sha256"]) + len(self.indexes["md5"])

    def sync(self, db: Executor, *, batch: int = LOAD_BATCH) -> int:
        """Apply every row written after ``last_seq``; returns how many."""
        applied = 0
        with self._lock:
            while True:
                rows = list(db.execute(_FEED_SQL, {"after": self.last_seq, "limit": batch}))
                for row in rows:
                    media_id, _, md5, sha1, sha256, pdq, vpdq, crops = row
                    self._put(
                        MediaSignals(int(media_id), md5, sha1, sha256, pdq, vpdq, _bytes(crops))
                    )
                    self.last_seq = max(self.last_seq, int(row[1]))
                applied += len(rows)
                if len(rows) < batch:
                    return applied

    def put(self, media: MediaSignals) -> None:
        """File one row now (this transaction's own rows, before they commit)."""
        with self._lock:
            self._put(media)

    def _put(self, media: MediaSignals) -> None:
        # A row re-written (an upload added its PDQ) replaces what each index held for it.
        for index in self.indexes.values():
            index.remove(media.media_id)
        self.crops.remove(media.media_id)
        for kind, signal in media.signals():
            self.indexes[kind].add(media.media_id, signal, BANK)
        if media.pdq_crops:
            # Another grid's crops (InvalidSignal): the file is found by its PDQ alone.
            with suppress(InvalidSignal):
                self.crops.add(media.media_id, CropSet.stored_of(media.pdq_crops), BANK)

    def query(self, queries: Sequence[Query], crops: bytes | None = None) -> list[Near]:
        """Every clustered file near any query, or whose stored crops are near any of the
        ``crops`` (a packed crop set), each once at its smallest distance."""
        nearest: dict[int, Near] = {}
        for kind, signal in queries:
            index = self.indexes.get(kind)
            if index is None:
                continue
            asked = signal if isinstance(signal, str) else frames_to_signal(signal)
            for hit in index.query(asked):
                distance = hit.distance
                if isinstance(hit, VideoMatch):
                    distance = int(hit.distance)
                found = nearest.get(hit.entry_id)
                if found is None or distance < found.distance:
                    nearest[hit.entry_id] = Near(hit.entry_id, kind, distance)
        # Crops find what the file's own hashes miss (a copy its hashes find is said to have
        # joined by them, whatever its crops' distance).
        for near in self._crop_hits(crops):
            nearest.setdefault(near.media_id, near)
        return sorted(nearest.values(), key=lambda n: (n.distance, n.media_id))

    def _crop_hits(self, crops: bytes | None) -> list[Near]:
        if not crops:
            return []
        try:
            codes = CropSet.unpack(crops)
        except InvalidSignal:
            return []
        with self._lock:  # the crop index is not thread-safe on its own
            hits = self.crops.query(codes)
        return [Near(hit.entry_id, CROPS, hit.distance) for hit in hits]


def _bytes(value: object) -> bytes | None:
    return bytes(value) if isinstance(value, bytes | bytearray | memoryview) else None


def cluster_index_of(runtime: Runtime) -> ClusterIndex:
    """This process's cluster index for ``runtime`` (one per runtime, like the bank indexes)."""
    with _index_lock:
        index = runtime.extensions.get(_EXTENSION_KEY)
        if not isinstance(index, ClusterIndex):
            index = runtime.extensions[_EXTENSION_KEY] = ClusterIndex()
        return index
