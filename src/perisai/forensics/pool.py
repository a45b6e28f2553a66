"""Runs `analyse_file` in a process pool (PDQ and EXIF are CPU-bound), or inline for one worker."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from typing import Any, Generic, TypeVar

from perisai.forensics.analysis import ProvenanceConfig, analyse_file, init_worker
from perisai.forensics.hashlists import KnownGood

T = TypeVar("T")


def _result(future: Future[dict[str, Any]]) -> dict[str, Any]:
    """A worker that died (e.g. a decoder crash on a hostile file) fails its item, not the scan."""
    try:
        return future.result()
    except Exception as exc:
        return {"errors": [f"analysis failed: {type(exc).__name__}: {exc}"]}


class AnalysisPool(Generic[T]):
    """Submit files with a tag; collect (tag, result) pairs with bounded work in flight."""

    def __init__(
        self,
        workers: int,
        known_good: KnownGood,
        video_fps: float,
        provenance: ProvenanceConfig | None = None,
        video_signals: frozenset[str] = frozenset(),
    ) -> None:
        # The main process analyses containers itself.
        init_worker(known_good, video_fps, provenance, video_signals)
        self.workers = max(1, workers)
        self.limit = self.workers * 8  # bounds temp files waiting on disk
        self._executor: Executor | None = None
        if self.workers > 1:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=init_worker,
                initargs=(known_good, video_fps, provenance, video_signals),
            )
        self._pending: dict[Future[dict[str, Any]], T] = {}

    def submit(self, path: str, tag: T) -> list[tuple[T, dict[str, Any]]]:
        """Queue one file; returns whatever finished meanwhile once too much is in flight."""
        if self._executor is None:
            return [(tag, analyse_file(path))]
        self._pending[self._executor.submit(analyse_file, path)] = tag
        if len(self._pending) < self.limit:
            return []
        return self._collect(FIRST_COMPLETED)

    def drain(self) -> list[tuple[T, dict[str, Any]]]:
        return self._collect(None)

    def _collect(self, when: str | None) -> list[tuple[T, dict[str, Any]]]:
        done, _ = wait(list(self._pending), return_when=when or "ALL_COMPLETED")
        return [(self._pending.pop(future), _result(future)) for future in done]

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
