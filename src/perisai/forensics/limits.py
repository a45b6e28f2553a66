"""Limits that keep a hostile source (zip bombs, deep nesting, huge files) from harming the host."""

from __future__ import annotations

from dataclasses import dataclass

GIB = 1 << 30
MIB = 1 << 20


@dataclass(frozen=True, slots=True)
class ScanLimits:
    # Nesting deeper than this is recorded, not opened: real evidence rarely nests past 3.
    max_depth: int = 5
    # Bytes extracted from all archives together, on the examiner's disk.
    max_total_extracted: int = 64 * GIB
    # Uncompressed over compressed bytes of one entry; ordinary data stays well under 100.
    max_ratio: float = 200.0
    # The ratio is only judged past this many bytes: small entries cannot harm anything.
    ratio_floor_bytes: int = 4 * MIB
    # One extracted entry larger than this is refused (it is still listed).
    max_entry_bytes: int = 16 * GIB
