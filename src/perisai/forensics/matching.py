"""Match item hashes against the `--hashes` banks with the media library's one matcher.

Bank files are read by `perisai.media.banks.read_bank` (every format it reads; a malformed
line is a warning) and matched by `perisai.media.matcher.Matcher`, the same readers and
matcher behind the server's bank indexes: exact hashes, PDQ within the threshold (of the
image as seen, as stored when EXIF rotates it, and of every sampled video frame) and vPDQ
entries by frame share, each signal type as the media library's registry defines it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from perisai.clikit import BadInput
from perisai.media.banks import BankEntry, read_bank
from perisai.media.errors import BankFormatError
from perisai.media.matcher import Matcher, MatchResult
from perisai.media.pdq import FrameHash
from perisai.media.signals import exact_signal_type_names, signal_type_names

#: The PDQ variant of a record's PDQ facts that keeps its name in a match ("raw": the pixels
#: as stored, EXIF orientation ignored); the image as seen and video frames are unnamed.
NAMED_PDQ_VARIANTS = {"raw_hex": "raw"}


def load_bank(path: Path) -> tuple[list[BankEntry], list[str]]:
    """Every entry of a bank file (any format ``perisai.media.banks`` reads) and the warnings
    for its malformed lines, which are skipped (never fatal to the whole bank)."""
    if not path.is_file():
        raise BadInput(f"bank file not found: {path}")
    problems: list[BankFormatError] = []
    try:
        entries = read_bank(path, errors=problems)
    except BankFormatError as exc:
        raise BadInput(f"cannot read bank {path}: {exc.reason}") from None
    return entries, [f"bank {problem}: skipped" for problem in problems]


def _found(result: MatchResult) -> dict[str, Any]:
    entry = result.entry
    found: dict[str, Any] = {
        "bank": result.bank,
        "signal_type": result.signal_type,
        "signal": entry.signal,
        "label": entry.label,
        "category": entry.category,
        "source": entry.source or result.bank,
    }
    if result.signal_type not in exact_signal_type_names():  # a distance, not exact
        found["distance"] = result.distance
    if result.variant is not None:
        found["variant"] = result.variant
    if result.query_match_pct is not None:
        found["query_match_pct"] = result.query_match_pct
        found["bank_match_pct"] = result.bank_match_pct
    if result.scores is not None:
        found.update(result.scores)
    return found


class BankMatcher:
    """The `--hashes` banks of one scan, each filed under its file name."""

    def __init__(self, banks: list[tuple[str, list[BankEntry]]]) -> None:
        self.matcher = Matcher()
        #: The signal types the banks hold (their entries' types, as the registry names them).
        self.signal_types: set[str] = set()
        for name, entries in banks:
            self.matcher.add_entries(entries, bank=name)
            self.signal_types.update(entry.signal_type.strip().lower() for entry in entries)
        self.size = len(self.matcher)
        self.warnings: list[str] = []

    @classmethod
    def from_files(cls, paths: list[Path]) -> BankMatcher:
        """Banks in any format the media library reads; malformed lines are warnings."""
        banks: list[tuple[str, list[BankEntry]]] = []
        warnings: list[str] = []
        for path in paths:
            loaded, problems = load_bank(path)
            warnings.extend(problems)
            if not loaded:
                raise BadInput(f"bank {path} holds no usable entries ({len(problems)} skipped)")
            banks.append((path.name, loaded))
        matcher = cls(banks)
        matcher.warnings = warnings
        return matcher

    def match(self, item: dict[str, Any]) -> list[dict[str, Any]]:
        """The bank entries an item's hashes match, exact ones first, then by distance."""
        if not self.size:
            return []
        signals: dict[str, Any] = {
            name: value for name in signal_type_names() if isinstance(value := item.get(name), str)
        }
        pdq = item.get("pdq") or {}
        frames = [
            FrameHash(float(f["t"]), str(f["pdq"]), int(f["quality"]))
            for f in item.get("vpdq") or []
        ]
        # Every PDQ of the item, in order: the image as seen, as stored, each video frame.
        variants = {"original": pdq["hex"]} if pdq else {}
        variants.update(
            {name: pdq[key] for key, name in NAMED_PDQ_VARIANTS.items() if pdq.get(key)}
        )
        variants.update({f"frame {n}": frame.pdq for n, frame in enumerate(frames)})
        if variants:
            signals["pdq"] = variants
        if frames:
            signals["vpdq"] = frames
        order = signal_type_names()
        results = sorted(
            self.matcher.match_signals(signals),
            key=lambda r: (order.index(r.signal_type), r.distance, r.entry.signal),
        )
        named = set(NAMED_PDQ_VARIANTS.values())
        return [
            _found(r if r.variant is None or r.variant in named else _unnamed(r)) for r in results
        ]


def _unnamed(result: MatchResult) -> MatchResult:
    """A match through a video frame's PDQ: the frame is not a variant of the item."""
    return replace(result, variant=None)
