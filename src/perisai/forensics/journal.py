"""Append-only JSONL journal of finished items, so an interrupted scan resumes where it stopped.

Records are flushed and fsynced every `batch` items and on close; a line torn by a kill is
ignored on reading (its item is simply scanned again).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, TextIO

JOURNAL_NAME = "journal.jsonl"


class Journal:
    def __init__(self, path: Path, batch: int = 64) -> None:
        self.path = path
        self.batch = batch
        self._pending = 0
        self._stream: TextIO | None = None

    def open(self) -> None:
        torn = self.path.exists() and self.path.stat().st_size > 0 and not self._ends_cleanly()
        self._stream = self.path.open("a", encoding="utf-8")
        if torn:
            self._stream.write("\n")  # keep the next record off the torn line

    def _ends_cleanly(self) -> bool:
        with self.path.open("rb") as stream:
            stream.seek(-1, os.SEEK_END)
            return stream.read(1) == b"\n"

    def append(self, record: dict[str, Any]) -> None:
        assert self._stream is not None, "journal not open"
        self._stream.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        self._pending += 1
        if self._pending >= self.batch:
            self.sync()

    def sync(self) -> None:
        if self._stream is not None and self._pending:
            self._stream.flush()
            os.fsync(self._stream.fileno())
            self._pending = 0

    def close(self) -> None:
        if self._stream is not None:
            self.sync()
            self._stream.close()
            self._stream = None

    def load(self) -> dict[str, dict[str, Any]]:
        """Finished records by key; a torn last line is skipped."""
        done: dict[str, dict[str, Any]] = {}
        if not self.path.exists():
            return done
        with self.path.open(encoding="utf-8", errors="replace") as stream:
            for line in stream:
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(record, dict) and "key" in record:
                    done[record["key"]] = record
        return done
