"""How many bytes of decoded pixels one process may hold at once, and how many decodes.

Every image decode reserves its estimated peak from a process-wide budget before it allocates
anything and gives it back when done; a decode that does not fit waits for others to finish.
So N requests, jobs or threads hashing large images at once cannot take N times the memory of
one: together they stay within the budget (a single decode larger than the whole budget runs
alone). Forensics' worker processes each have their own budget, bounded by their count.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Final

#: Bytes of decoded pixels (and their working copies) one process may hold at once.
DEFAULT_BUDGET_BYTES: Final = 1 << 30
#: Image decodes one process runs at once, whatever their size.
DEFAULT_MAX_DECODES: Final = 4


@dataclass
class DecodeBudget:
    """A byte budget and a count of decodes in flight, shared by every thread of a process."""

    budget_bytes: int = DEFAULT_BUDGET_BYTES
    max_decodes: int = DEFAULT_MAX_DECODES
    in_use: int = 0
    running: int = 0
    peak_in_use: int = 0
    peak_running: int = 0
    _changed: threading.Condition = field(default_factory=threading.Condition, repr=False)

    def __post_init__(self) -> None:
        if self.budget_bytes < 1 or self.max_decodes < 1:
            raise ValueError("a decode budget needs at least one byte and one decode")

    @contextmanager
    def reserve(self, nbytes: int) -> Iterator[int]:
        """Hold ``nbytes`` (at most the whole budget) and one decode slot; waits for room."""
        wanted = max(0, min(nbytes, self.budget_bytes))
        with self._changed:
            self._changed.wait_for(
                lambda: (
                    self.running < self.max_decodes and self.in_use + wanted <= self.budget_bytes
                )
            )
            self.in_use += wanted
            self.running += 1
            self.peak_in_use = max(self.peak_in_use, self.in_use)
            self.peak_running = max(self.peak_running, self.running)
        try:
            yield wanted
        finally:
            with self._changed:
                self.in_use -= wanted
                self.running -= 1
                self._changed.notify_all()


#: The process's budget; every image decode in ``perisai.media.hashing`` goes through it.
PROCESS_BUDGET: Final = DecodeBudget()
