"""Text hash lists as forensic tools write them: one parser for every reader in Perisai.

Bank import (`perisai bank import`, `perisai media bank`), `forensics scan --known-good` and
`forensics scan --hashes` all read hash lists through :func:`parse_hash_list`, so a list that one
accepts, all accept. The forms (each checked against the real tools' output, see
``tests/data/hashlists/``):

- GNU coreutils ``md5sum``/``sha1sum``/``sha256sum``: ``HEX  name`` (text) or ``HEX *name``
  (binary); a name holding a backslash, newline or carriage return is escaped and the line then
  starts with ``\\``.
- BSD style (``md5sum --tag``, BSD ``md5``, ``openssl dgst``): ``MD5 (name) = HEX``, also
  escaped with a leading ``\\``.
- md5deep/sha1deep/sha256deep: plain (``HEX  name``, as GNU), ``-k`` (``HEX *name``), ``-z``
  (the size first: ``      1234  HEX  name``) and ``-c`` (``HEX,name``).
- hashdeep: ``%%%% HASHDEEP-1.0``, a ``%%%% size,md5,sha256,filename`` column line, ``##``
  comments, then ``size,hash,...,name`` rows (several hashes of one file per row).
- NSRL RDS-style CSV with a header naming ``"SHA-1"``, ``"MD5"``, ... columns.
- A bare hash on a line, and ``#`` comment lines, anywhere.

The hash's length says what it is (32 hex digits MD5, 40 SHA-1, 64 SHA-256). A line that is not
a hash-list row is reported with its number and skipped: one bad line never costs the list.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

__all__ = [
    "DEFAULT_MAX_LIST_BYTES",
    "HashList",
    "HashListError",
    "ListProblem",
    "ListedHash",
    "parse_hash_list",
    "read_hash_list",
]

#: Lists larger than this are refused (NSRL's full set is split; a case list is far smaller).
DEFAULT_MAX_LIST_BYTES: Final = 1 << 30
#: At most this many problems are kept with their text; the rest are only counted.
MAX_PROBLEMS_KEPT: Final = 1000
HEX_LENGTHS: Final = {32: "md5", 40: "sha1", 64: "sha256"}
_BSD_NAMES: Final = {"MD5": "md5", "SHA1": "sha1", "SHA-1": "sha1", "SHA256": "sha256",
                     "SHA-256": "sha256", "SHA2-256": "sha256"}  # fmt: skip
_HASHDEEP_COLUMNS: Final = {"md5", "sha1", "sha256"}  # tiger, whirlpool: not signals we hold

_HEX = r"[0-9a-fA-F]{32,64}"
# Rows are recognised with any run of hex digits, so that a wrong length is named as such.
_ANY = r"[0-9a-fA-F]{8,128}"
_BSD = re.compile(r"^(\\?)([A-Z0-9-]+) ?\((.*)\) ?= ?(" + _ANY + r")$")
_SIZED = re.compile(r"^\s*(\d+)\s+(" + _ANY + r")(?:  (.*))?$")  # md5deep -z
_CSV = re.compile(r"^(" + _ANY + r"),(.*)$")  # md5deep -c
_GNU = re.compile(r"^(\\?)(" + _ANY + r")(?:(?: [ *]| \*?)(.*))?$")  # coreutils, md5deep, -k
_NSRL_HEADER = re.compile(r'^"?(SHA-?1|MD5|SHA-?256)"?,', re.IGNORECASE)


class HashListError(ValueError):
    """The file cannot be read as a hash list at all (missing, too large, binary)."""


@dataclass(frozen=True, slots=True)
class ListedHash:
    """One hash of one listed file; the hashes of one row (hashdeep, NSRL) share ``row``."""

    signal_type: str  # md5, sha1 or sha256
    value: str  # lower-case hex
    name: str
    line: int
    row: int
    size: int | None = None


@dataclass(frozen=True, slots=True)
class ListProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class HashList:
    """What a list holds, the form it was written in, and the lines that were skipped."""

    form: str = "empty"  # "sum", "hashdeep", "nsrl" or "empty"
    hashes: list[ListedHash] = field(default_factory=list)
    problems: list[ListProblem] = field(default_factory=list)
    problem_count: int = 0

    def problem(self, line: int, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(ListProblem(line, message))


def _kind(value: str) -> str | None:
    return HEX_LENGTHS.get(len(value))


def _unescape(name: str) -> str:
    """Undo coreutils' escaping of a name (``\\\\``, ``\\n``, ``\\r``)."""
    out: list[str] = []
    chars = iter(name)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        following = next(chars, "")
        out.append({"n": "\n", "r": "\r", "\\": "\\"}.get(following, "\\" + following))
    return "".join(out)


def _sum_line(text: str) -> tuple[str, str, str, int | None] | str:  # noqa: PLR0911
    """(type, hex, name, size) of one line of a line-based list, or why it is not one."""
    if m := _BSD.match(text):
        escaped, algorithm, name, value = m.groups()
        kind = _BSD_NAMES.get(algorithm.upper())
        if kind is None:
            return f"unknown hash algorithm {algorithm[:20]!r}"
        if _kind(value) != kind:
            return f"{algorithm} value has {len(value)} hex digits"
        return kind, value, _unescape(name) if escaped else name, None
    if m := _SIZED.match(text):
        size, value, name = m.groups()
        return _typed(value, name or "", int(size))
    if m := _CSV.match(text):
        value, name = m.groups()
        return _typed(value, name, None)
    if m := _GNU.match(text):
        escaped, value, name = m.groups()
        name = name or ""
        return _typed(value, _unescape(name) if escaped else name, None)
    return "not a hash-list line (HASH  name, ALGO (name) = HASH, size  HASH  name, HASH,name)"


def _typed(value: str, name: str, size: int | None) -> tuple[str, str, str, int | None] | str:
    kind = _kind(value)
    if kind is None:
        return f"a hash of {len(value)} hex digits is not MD5 (32), SHA-1 (40) or SHA-256 (64)"
    return kind, value, name, size


def _is_comment(text: str) -> bool:
    return not text.strip() or text.lstrip().startswith(("#", ";"))


def _sum_rows(lines: list[str], found: HashList) -> None:
    found.form = "sum"
    for number, text in enumerate(lines, 1):
        if _is_comment(text):
            continue
        parsed = _sum_line(text)
        if isinstance(parsed, str):
            found.problem(number, parsed)
            continue
        kind, value, name, size = parsed
        found.hashes.append(ListedHash(kind, value.lower(), name, number, number, size))


def _hashdeep_row(text: str, columns: list[str], number: int, found: HashList) -> None:
    cells = text.split(",", len(columns) - 1)
    if len(cells) != len(columns):
        found.problem(number, f"{len(cells)} fields, the column line names {len(columns)}")
        return
    row = dict(zip(columns, cells, strict=True))
    size = int(row["size"]) if row.get("size", "").isdigit() else None
    hashes = []
    for column in columns:
        if column not in _HASHDEEP_COLUMNS:
            continue
        value = row[column].strip()
        if _kind(value) != column or not re.fullmatch(_HEX, value):
            found.problem(number, f"the {column} column holds {value[:70]!r}, not a {column} hash")
            return
        hashes.append(ListedHash(column, value.lower(), row["filename"], number, number, size))
    found.hashes.extend(hashes)


def _hashdeep_rows(lines: list[str], found: HashList) -> None:
    found.form = "hashdeep"
    columns: list[str] | None = None
    for number, text in enumerate(lines, 1):
        if text.startswith("%%%% HASHDEEP"):
            continue
        if text.startswith("%%%%"):
            names = [c.strip().lower() for c in text[4:].split(",")]
            if names[-1:] != ["filename"]:
                found.problem(number, "the column line must end with 'filename'")
                columns = None
            else:
                columns = names
            continue
        if text.startswith("##") or _is_comment(text):
            continue
        if columns is None:
            found.problem(number, "a row before a valid '%%%% size,...,filename' column line")
            continue
        _hashdeep_row(text, columns, number, found)


def _nsrl_rows(lines: list[str], found: HashList) -> None:
    found.form = "nsrl"
    reader = csv.reader(lines)
    header = [cell.strip().upper().replace("-", "") for cell in next(reader)]
    wanted = {"MD5": "md5", "SHA1": "sha1", "SHA256": "sha256"}
    name_at = header.index("FILENAME") if "FILENAME" in header else None
    size_at = header.index("FILESIZE") if "FILESIZE" in header else None
    for cells in reader:
        number = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            found.problem(number, f"{len(cells)} fields, the header names {len(header)}")
            continue
        name = cells[name_at] if name_at is not None else ""
        size_text = cells[size_at].strip() if size_at is not None else ""
        size = int(size_text) if size_text.isdigit() else None
        row: list[ListedHash] = []
        for at, column in enumerate(header):
            kind = wanted.get(column)
            if kind is None:
                continue
            value = cells[at].strip()
            if _kind(value) != kind or not re.fullmatch(_HEX, value):
                found.problem(number, f"the {column} column holds {value[:70]!r}")
                row = []
                break
            row.append(ListedHash(kind, value.lower(), name, number, number, size))
        found.hashes.extend(row)


def _first_content(lines: list[str]) -> str:
    return next((line for line in lines if not _is_comment(line)), "")


def parse_hash_list(text: str) -> HashList:
    """Parse a hash list in any of the forms above; malformed lines become ``problems``."""
    lines = text.splitlines()
    found = HashList()
    first = _first_content(lines)
    if not first:
        return found
    if first.startswith(("%%%% HASHDEEP", "%%%% size")):
        _hashdeep_rows(lines, found)
    elif _NSRL_HEADER.match(first) and not _CSV.match(first):
        start = lines.index(first)
        _nsrl_rows(lines[start:], found)
        # csv numbers lines from the header: bring them back to the file's numbering.
        found.problems = [ListProblem(p.line + start, p.message) for p in found.problems]
        found.hashes = [_shifted(h, start) for h in found.hashes]
    else:
        _sum_rows(lines, found)
    return found


def _shifted(item: ListedHash, by: int) -> ListedHash:
    return ListedHash(
        item.signal_type, item.value, item.name, item.line + by, item.row + by, item.size
    )


def read_hash_list(path: Path | str, *, max_bytes: int = DEFAULT_MAX_LIST_BYTES) -> HashList:
    """Read and parse a hash-list file; ``HashListError`` when it is not a text list at all."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise HashListError(f"{p}: {size} bytes, above the limit of {max_bytes}")
        raw = p.read_bytes()
    except OSError as exc:
        raise HashListError(f"cannot read hash list {p}: {exc.strerror or exc}") from None
    if b"\x00" in raw[:65536]:
        raise HashListError(f"{p}: binary data (NUL bytes), not a text hash list")
    # Names that are not UTF-8 are kept readable; the hashes are ASCII either way.
    return parse_hash_list(raw.decode("utf-8-sig", errors="replace"))


def iter_rows(found: HashList) -> Iterator[list[ListedHash]]:
    """The hashes grouped by the row (one listed file) they came from, in file order."""
    row: list[ListedHash] = []
    for item in found.hashes:
        if row and item.row != row[0].row:
            yield row
            row = []
        row.append(item)
    if row:
        yield row
