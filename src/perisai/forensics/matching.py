"""Match item hashes against the `--hashes` banks: exact MD5/SHA-1/SHA-256, PDQ within 31."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from perisai.clikit import BadInput
from perisai.forensics.hashing_adapter import BankRecord, PdqMatcher, load_bank

EXACT_TYPES = ("md5", "sha1", "sha256")
PDQ_HEX_LENGTH = 64


def _match(record: BankRecord, distance: int | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {
        "bank": record.bank,
        "signal_type": record.signal_type,
        "signal": record.signal,
        "label": record.label,
        "category": record.category,
        "source": record.source,
    }
    if distance is not None:
        found["distance"] = distance
    return found


class BankMatcher:
    def __init__(self, records: list[BankRecord]) -> None:
        self.exact: dict[str, dict[str, list[BankRecord]]] = {
            t: defaultdict(list) for t in EXACT_TYPES
        }
        self.pdq = PdqMatcher()
        for record in records:
            if record.signal_type in self.exact:
                self.exact[record.signal_type][record.signal].append(record)
            elif record.signal_type == "pdq" and len(record.signal) == PDQ_HEX_LENGTH:
                self.pdq.add(record)
        self.pdq.build()
        self.size = len(records)
        self.warnings: list[str] = []

    @classmethod
    def from_files(cls, paths: list[Path]) -> BankMatcher:
        """Banks in any format the media library reads; malformed lines are warnings."""
        records: list[BankRecord] = []
        warnings: list[str] = []
        for path in paths:
            loaded, problems = load_bank(path)
            warnings.extend(problems)
            if not loaded:
                raise BadInput(f"bank {path} holds no usable entries ({len(problems)} skipped)")
            records.extend(loaded)
        matcher = cls(records)
        matcher.warnings = warnings
        return matcher

    def match(self, item: dict[str, Any]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for signal_type in EXACT_TYPES:
            value = item.get(signal_type)
            if value:
                found.extend(_match(r) for r in self.exact[signal_type].get(value, []))
        pdq = item.get("pdq") or {}
        # (hash, variant): the image as seen, as stored (EXIF orientation ignored), video frames.
        hashes: list[tuple[str, str | None]] = [(pdq["hex"], None)] if pdq else []
        if pdq.get("raw_hex"):
            hashes.append((pdq["raw_hex"], "raw"))
        hashes += [(frame["pdq"], None) for frame in item.get("vpdq") or []]
        best: dict[int, dict[str, Any]] = {}
        for pdq_hex, variant in hashes:
            for hit in self.pdq.query(pdq_hex):
                key = id(hit.record)
                if key not in best or hit.distance < best[key]["distance"]:
                    best[key] = _match(hit.record, hit.distance)
                    if variant is not None:
                        best[key]["variant"] = variant
        return found + sorted(best.values(), key=lambda m: (m["distance"], m["signal"]))
