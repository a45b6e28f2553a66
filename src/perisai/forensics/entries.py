"""What a source walker hands to the scanner: one entry per file found, readable or not."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

EntryStatus = Literal["ok", "refused", "error"]


@dataclass(slots=True)
class Entry:
    """A file inside the source.

    `local_path` is the file to analyse (the original, or a copy extracted into the work folder
    when `temporary`); it is None when the entry could not or must not be read, and then
    `reason` says why.
    """

    path: str
    size: int | None = None
    times: dict[str, str] = field(default_factory=dict)
    local_path: Path | None = None
    temporary: bool = False
    status: EntryStatus = "ok"
    reason: str | None = None
    name_escaped: bool = False
    deleted: bool = False
    link_target: str | None = None
    entry_type: str = "file"


@dataclass(frozen=True, slots=True)
class ContainerProblem:
    """The container itself failed part-way (corrupt, encrypted, truncated): record, go on."""

    reason: str


def iso_time(epoch: float | int | None) -> str | None:
    """Seconds since the epoch -> ISO 8601 in UTC with the zone; 0 and None mean unknown."""
    if not epoch:
        return None
    try:
        return datetime.fromtimestamp(float(epoch), tz=UTC).isoformat()
    except (OverflowError, OSError, ValueError):
        return None


def times_of(**epochs: float | int | None) -> dict[str, str]:
    return {name: text for name, value in epochs.items() if (text := iso_time(value)) is not None}
