"""Hash lists as investigators exchange them: md5sum/sha1sum/sha256sum, hashdeep, NSRL-style CSV.

Used for `--known-good` (NSRL and the like: matching items are skipped) and as the fallback
reader of `--hashes` banks in those formats.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from perisai.clikit import BadInput

HEX_LENGTHS = {32: "md5", 40: "sha1", 64: "sha256"}
_HEX = re.compile(r"^[0-9a-fA-F]+$")


@dataclass(frozen=True, slots=True)
class ListedHash:
    signal_type: str  # md5, sha1 or sha256
    value: str  # lower-case hex
    name: str


def _typed(value: str) -> str | None:
    value = value.strip().strip('"')
    return HEX_LENGTHS.get(len(value)) if _HEX.match(value) else None


def _hashdeep_rows(lines: list[str]) -> Iterator[ListedHash]:
    columns: list[str] = []
    for line in lines:
        if line.startswith("%%%% size,"):
            columns = line[5:].strip().split(",")
        if line.startswith(("%%%%", "#")) or not line.strip():
            continue
        cells = next(csv.reader([line]))
        name = cells[-1] if len(cells) == len(columns) else ""
        for column, cell in zip(columns, cells, strict=False):
            if column in ("md5", "sha1", "sha256") and _typed(cell) == column:
                yield ListedHash(column, cell.lower(), name)


def _nsrl_rows(lines: list[str]) -> Iterator[ListedHash]:
    header = [cell.strip().upper().replace("-", "") for cell in next(csv.reader([lines[0]]))]
    wanted = {"MD5": "md5", "SHA1": "sha1", "SHA256": "sha256"}
    name_at = header.index("FILENAME") if "FILENAME" in header else None
    for cells in csv.reader(lines[1:]):
        name = cells[name_at] if name_at is not None and name_at < len(cells) else ""
        for at, column in enumerate(header):
            kind = wanted.get(column)
            if kind and at < len(cells) and _typed(cells[at]) == kind:
                yield ListedHash(kind, cells[at].strip().lower(), name)


def _sum_rows(lines: list[str], path: Path) -> Iterator[ListedHash]:
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        value, _, name = text.partition(" ")
        kind = _typed(value)
        if kind is None:
            raise BadInput(f"{path}: line {number} is not a hash list row")
        yield ListedHash(kind, value.lower(), name.strip().lstrip("*"))


def read_hash_list(path: Path) -> list[ListedHash]:
    """Parse a hash list; raise BadInput with the reason when it is not one."""
    try:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError as exc:
        raise BadInput(f"cannot read hash list {path}: {exc.strerror}") from exc
    lines = text.splitlines()
    if not lines:
        return []
    if lines[0].startswith("%%%% HASHDEEP"):
        return list(_hashdeep_rows(lines))
    first = lines[0].upper()
    if "MD5" in first or "SHA-1" in first or "SHA1" in first:
        return list(_nsrl_rows(lines))
    return list(_sum_rows(lines, path))


class KnownGood:
    """A set of known-good digests (NSRL and the like), any of MD5, SHA-1, SHA-256."""

    def __init__(self, values: set[str] | None = None) -> None:
        self.values = values or set()

    @classmethod
    def from_files(cls, paths: list[Path]) -> KnownGood:
        values: set[str] = set()
        for path in paths:
            values.update(row.value for row in read_hash_list(path))
        return cls(values)

    def contains(self, md5: str, sha1: str, sha256: str) -> bool:
        return bool(self.values) and (
            md5 in self.values or sha1 in self.values or sha256 in self.values
        )

    def __len__(self) -> int:
        return len(self.values)
