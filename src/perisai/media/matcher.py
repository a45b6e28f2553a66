"""``Matcher``: the indexes of every signal type over a set of bank entries, and matching of
files, hash reports and bare signals against them.

A platform keeps one ``Matcher`` per process, fills it from its banks, and keeps it current
with ``add_entry`` / ``remove_entry`` as bank rows change (no rebuild). Matching a file never
raises for a bad file: the hashes that could be computed are still matched (a corrupt upload's
MD5 can be a known one) and the report names the problem.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perisai.media.banks import BankEntry
from perisai.media.hashing import DEFAULT_MAX_IMAGE_PIXELS, FileReport, hash_file
from perisai.media.index import Match, PdqIndex, VideoIndex, VideoMatch
from perisai.media.pdq import PDQ_MATCH_THRESHOLD, PDQ_MIN_QUALITY, FrameHash, frames_from_signal
from perisai.media.signals import (
    SignalIndex,
    exact_signal_type_names,
    get_signal_type,
    signal_type_names,
)
from perisai.media.tmk import TmkHash, TmkIndex, TmkMatch
from perisai.media.video import DEFAULT_MAX_VIDEO_SECONDS

__all__ = ["FileMatches", "MatchResult", "Matcher"]


@dataclass(frozen=True, slots=True)
class MatchResult:
    """A bank entry matched by a query, with the distance (0 for exact hashes)."""

    signal_type: str
    distance: int
    entry_id: int
    entry: BankEntry
    bank: str
    query_match_pct: float | None = None
    bank_match_pct: float | None = None
    # Which PDQ of the query matched when not the original: a rotation/flip, or "raw" (the
    # pixels as stored, EXIF orientation ignored).
    variant: str | None = None
    scores: dict[str, float] | None = None  # TMK: level1, level2, offset_s

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "signal_type": self.signal_type,
            "distance": self.distance,
            "label": self.entry.label,
            "category": self.entry.category,
            "source": self.entry.source,
            "bank": self.bank,
            "entry_id": self.entry_id,
        }
        if self.query_match_pct is not None:
            out["query_match_pct"] = self.query_match_pct
            out["bank_match_pct"] = self.bank_match_pct
        if self.variant is not None:
            out["variant"] = self.variant
        if self.scores is not None:
            out.update(self.scores)
        return out


@dataclass(slots=True)
class FileMatches:
    report: FileReport
    matches: list[MatchResult]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.report.path,
            "kind": self.report.kind,
            "matches": [m.to_dict() for m in self.matches],
        }
        if self.report.error is not None:
            out["error"] = self.report.error
            out["error_kind"] = self.report.error_kind
        return out


class Matcher:
    """Indexes over bank entries, one per signal type, matched together.

    ``pdq_threshold`` is the default PDQ distance (per bank with ``set_pdq_threshold``);
    query images of PDQ quality below ``min_pdq_quality`` are not PDQ-matched (their exact
    hashes still are); ``rotations`` also matches the query's seven rotations/flips.
    """

    def __init__(
        self,
        entries: Iterable[BankEntry] = (),
        *,
        bank: str = "default",
        pdq_threshold: int = PDQ_MATCH_THRESHOLD,
        min_pdq_quality: int = PDQ_MIN_QUALITY,
        vpdq_query_match_pct: float = 80.0,
        vpdq_bank_match_pct: float = 0.0,
        rotations: bool = False,
        fps: float = 1.0,
        max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS,
        max_video_seconds: float = DEFAULT_MAX_VIDEO_SECONDS,
    ) -> None:
        self.min_pdq_quality = min_pdq_quality
        self.rotations = rotations
        self.fps = fps
        self.max_pixels = max_pixels
        self.max_video_seconds = max_video_seconds
        self._lock = threading.Lock()
        self._entries: dict[int, BankEntry] = {}
        self._next_id = 1
        self._pdq = PdqIndex(default_threshold=pdq_threshold)
        self._videos = VideoIndex(
            frame_threshold=pdq_threshold,
            query_match_pct=vpdq_query_match_pct,
            bank_match_pct=vpdq_bank_match_pct,
        )
        self._tmk = TmkIndex()
        self._indexes: dict[str, SignalIndex] = {
            **{name: get_signal_type(name).new_index() for name in exact_signal_type_names()},
            "tmk": self._tmk,
        }
        self.skipped_unimplemented = 0
        self.add_entries(entries, bank=bank)

    # --- bank contents --------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    def set_pdq_threshold(self, bank: str, threshold: int) -> None:
        """PDQ match distance for one bank (``-1`` disables its PDQ entries)."""
        self._pdq.set_threshold(bank, threshold)

    def set_bank_enabled(self, bank: str, enabled: bool) -> None:
        """Switch a whole bank off (or on again) for every signal type, keeping its entries."""
        for index in self._indexes.values():  # exact hashes and TMK signatures
            index.set_threshold(bank, 0 if enabled else -1)
        self._videos.set_threshold(bank, 0 if enabled else -1)
        if not enabled:
            self._pdq.set_threshold(bank, -1)
        elif self._pdq.threshold(bank) < 0:
            self._pdq.set_threshold(bank, self._pdq.default_threshold)

    def add_entry(
        self, entry: BankEntry, *, bank: str = "default", entry_id: int | None = None
    ) -> int | None:
        """Index one entry (validated); returns its id, or None for a reserved signal type.

        ``entry_id`` (a database row id, say) replaces any entry already under that id.
        """
        return self._add_clean(entry.normalized(), bank, entry_id)

    def _add_clean(self, clean: BankEntry, bank: str, entry_id: int | None) -> int | None:
        if not get_signal_type(clean.signal_type).implemented:
            self.skipped_unimplemented += 1
            return None
        with self._lock:
            if entry_id is None:
                entry_id = self._next_id
            self._next_id = max(self._next_id, entry_id + 1)
            self._remove_locked(entry_id)
            self._entries[entry_id] = clean
        if clean.signal_type == "pdq":
            self._pdq.add(entry_id, clean.signal, bank)
        elif clean.signal_type == "vpdq":
            self._videos.add(entry_id, frames_from_signal(clean.signal), bank)
        else:
            self._indexes[clean.signal_type].add(entry_id, clean.signal, bank)
        return entry_id

    def add_entries(self, entries: Iterable[BankEntry], *, bank: str = "default") -> list[int]:
        """Index many entries under new ids; all are validated before any is added."""
        cleaned = [entry.normalized() for entry in entries]
        pdq = [e for e in cleaned if e.signal_type == "pdq"]
        with self._lock:  # PDQ entries are filed in one vectorised batch (big banks)
            pdq_ids = list(range(self._next_id, self._next_id + len(pdq)))
            self._next_id += len(pdq)
            self._entries.update(zip(pdq_ids, pdq, strict=True))
        self._pdq.add_many(pdq_ids, [e.signal for e in pdq], bank)
        ids = iter(pdq_ids)
        out = []
        for clean in cleaned:
            added = next(ids) if clean.signal_type == "pdq" else self._add_clean(clean, bank, None)
            if added is not None:
                out.append(added)
        return out

    def remove_entry(self, entry_id: int) -> bool:
        with self._lock:
            return self._remove_locked(entry_id)

    def _remove_locked(self, entry_id: int) -> bool:
        entry = self._entries.pop(entry_id, None)
        if entry is None:
            return False
        if entry.signal_type == "pdq":
            self._pdq.remove(entry_id)
        elif entry.signal_type == "vpdq":
            self._videos.remove(entry_id)
        else:
            self._indexes[entry.signal_type].remove(entry_id)
        return True

    def entry(self, entry_id: int) -> BankEntry | None:
        return self._entries.get(entry_id)

    # --- matching ---------------------------------------------------------------------------

    def _results(
        self,
        signal_type: str,
        hits: Sequence[Match | VideoMatch | TmkMatch],
        variant: str | None = None,
    ) -> list[MatchResult]:
        out = []
        for m in hits:
            entry = self._entries.get(m.entry_id)
            if entry is None:  # removed while we looked
                continue
            video = m if isinstance(m, VideoMatch) else None
            scores = (
                {"level1": m.level1, "level2": m.level2, "offset_s": m.offset_s}
                if isinstance(m, TmkMatch)
                else None
            )
            out.append(
                MatchResult(
                    signal_type,
                    m.distance,
                    m.entry_id,
                    entry,
                    m.bank,
                    video.query_match_pct if video else None,
                    video.bank_match_pct if video else None,
                    variant,
                    scores,
                )
            )
        return out

    def match_signals(
        self,
        signals: Mapping[str, str | Sequence[FrameHash] | Mapping[str, str]] | None = None,
        *,
        md5: str | None = None,
        sha1: str | None = None,
        sha256: str | None = None,
        pdq: str | Mapping[str, str] | None = None,
        pdq_quality: int | None = None,
        vpdq: str | Sequence[FrameHash] | None = None,
        tmk: str | TmkHash | None = None,
    ) -> list[MatchResult]:
        """Match hashes already computed (by keyword, or a mapping of signal type to value).

        ``pdq`` may be one hex string or a mapping of variant name to hex (rotations); it is
        skipped when ``pdq_quality`` is given and below ``min_pdq_quality``. ``vpdq`` is a frame
        list or its serialised form.
        """
        given: dict[str, Any] = dict(signals or {})
        for name, value in (
            ("md5", md5),
            ("sha1", sha1),
            ("sha256", sha256),
            ("pdq", pdq),
            ("vpdq", vpdq),
            ("tmk", tmk),
        ):
            if value is not None:
                given[name] = value
        results: list[MatchResult] = []
        for name in exact_signal_type_names():
            if given.get(name):
                results += self._results(name, self._indexes[name].query(str(given[name])))
        pdq_value = given.get("pdq")
        if pdq_value and (pdq_quality is None or pdq_quality >= self.min_pdq_quality):
            variants = {"original": pdq_value} if isinstance(pdq_value, str) else dict(pdq_value)
            best: dict[int, MatchResult] = {}
            for variant, value in variants.items():
                label = None if variant == "original" else variant
                for r in self._results("pdq", self._pdq.query(value), label):
                    if r.entry_id not in best or r.distance < best[r.entry_id].distance:
                        best[r.entry_id] = r
            results += sorted(best.values(), key=lambda r: (r.distance, r.entry_id))
        frames = given.get("vpdq")
        if frames:
            parsed = frames_from_signal(frames) if isinstance(frames, str) else list(frames)
            results += self._results("vpdq", self._videos.query(parsed))
        signature = given.get("tmk")
        if signature:
            results += self._results("tmk", self._tmk.query(signature))
        order = signal_type_names()  # the registry's order: exact hashes first
        return sorted(results, key=lambda r: (order.index(r.signal_type), r.distance))

    def match_report(self, report: FileReport) -> list[MatchResult]:
        """Match whatever a ``FileReport`` holds (also a partial one, for a damaged file).

        Every PDQ variant of the file is matched (``FileReport.pdq_variants``); an entry found
        by several keeps the nearest, and ``variant`` says which matched if not the original."""
        pdq: str | dict[str, str] | None = report.pdq_variants() or None
        return self.match_signals(
            md5=report.md5,
            sha1=report.sha1,
            sha256=report.sha256,
            pdq=pdq,
            pdq_quality=report.pdq_quality,
            vpdq=report.vpdq,
            tmk=report.tmk,
        )

    def scan_file(self, path: Path | str) -> FileMatches:
        """Hash one file and match it; a bad file gives a report with ``error`` set."""
        report = hash_file(
            path,
            rotations=self.rotations,
            fps=self.fps,
            tmk=len(self._tmk) > 0,  # the signature costs a second look: only when useful
            max_pixels=self.max_pixels,
            max_video_seconds=self.max_video_seconds,
        )
        return FileMatches(report, self.match_report(report))

    def match_file(self, path: Path | str) -> list[MatchResult]:
        """The matches of one file (use ``scan_file`` to also see hashes and errors)."""
        return self.scan_file(path).matches
