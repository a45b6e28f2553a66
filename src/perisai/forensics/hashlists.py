"""Known-good sets for `forensics scan --known-good` (NSRL and the like: matching items skip).

A known-good file is read like any bank file, through the media library's readers
(`perisai.media.banks.read_bank`): every hash-list form (md5sum/sha*sum, BSD tags, md5deep,
hashdeep, NSRL CSV), VICS JSON, our CSV. A malformed line is a warning with its line number,
never fatal to the whole list.
"""

from __future__ import annotations

from pathlib import Path

from perisai.clikit import BadInput
from perisai.media.banks import read_bank
from perisai.media.errors import BankFormatError
from perisai.media.signals import exact_signal_type_names


def read_list(path: Path, what: str) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(signal type, value, name) of every exact hash in a list file, and its warnings.

    Raises BadInput only when the file cannot be read as a list at all."""
    if not path.is_file():
        raise BadInput(f"{what} file not found: {path}")
    problems: list[BankFormatError] = []
    try:
        entries = read_bank(path, errors=problems)
    except BankFormatError as exc:
        raise BadInput(f"cannot read {what} {path}: {exc.reason}") from None
    exact = exact_signal_type_names()
    rows = [(e.signal_type, e.signal, e.note) for e in entries if e.signal_type in exact]
    return rows, [f"{what} {problem}: skipped" for problem in problems]


class KnownGood:
    """A set of known-good digests (NSRL and the like), any of MD5, SHA-1, SHA-256."""

    def __init__(self, values: set[str] | None = None, warnings: list[str] | None = None) -> None:
        self.values = values or set()
        self.warnings = warnings or []

    @classmethod
    def from_files(cls, paths: list[Path]) -> KnownGood:
        values: set[str] = set()
        warnings: list[str] = []
        for path in paths:
            rows, problems = read_list(path, "known-good list")
            values.update(value for _, value, _ in rows)
            warnings.extend(problems)
        return cls(values, warnings)

    def contains(self, md5: str, sha1: str, sha256: str) -> bool:
        return bool(self.values) and (
            md5 in self.values or sha1 in self.values or sha256 in self.values
        )

    def __len__(self) -> int:
        return len(self.values)
