"""Read archives (zip, tar and its compressions, 7z, rar, cpio, iso...) through libarchive.

Members are streamed into randomly named files in the work folder while the limits are checked
block by block, so a zip bomb is stopped after a few megabytes, not after it filled the disk.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import libarchive
import libarchive.exception

from perisai.forensics.entries import ContainerProblem, Entry, times_of
from perisai.forensics.limits import ScanLimits
from perisai.forensics.names import clean_member, escape_name, is_unsafe_member, join_inside
from perisai.forensics.workspace import ExtractionLimitError, Workspace


class EntryRefusedError(Exception):
    """An archive member broke a limit; the reason is recorded against it."""


def _member_times(member: Any) -> dict[str, str]:
    return times_of(
        mtime=member.mtime, ctime=member.ctime, atime=member.atime, crtime=member.birthtime
    )


def _extract(
    archive: Any, member: Any, target: Path, workspace: Workspace, limits: ScanLimits
) -> int:
    """Copy one member into `target`, enforcing size, ratio and total-extraction limits."""
    start = archive.bytes_read
    written = 0
    with target.open("wb") as sink:
        for block in member.get_blocks():
            written += len(block)
            workspace.charge(len(block))
            if written > limits.max_entry_bytes:
                raise EntryRefusedError(
                    f"entry larger than the {limits.max_entry_bytes}-byte limit"
                )
            consumed = max(archive.bytes_read - start, 1)
            if written >= limits.ratio_floor_bytes and written / consumed > limits.max_ratio:
                raise EntryRefusedError(
                    f"zip bomb: compression ratio above {limits.max_ratio:g} "
                    f"({written} bytes from {consumed})"
                )
            sink.write(block)
    return written


def _member_entry(  # noqa: PLR0911 - one early return per kind of member
    archive: Any, member: Any, prefix: str, workspace: Workspace, limits: ScanLimits
) -> Entry | None:
    raw_name = member.pathname
    name, escaped = escape_name(raw_name if raw_name is not None else "")
    entry = Entry(
        path=join_inside(prefix, clean_member(name)),
        name_escaped=escaped,
        size=member.size,
        times=_member_times(member),
    )
    if member.isdir:
        return None
    if not name or is_unsafe_member(name):
        entry.path = join_inside(prefix, name)
        entry.status, entry.reason = "refused", "path traversal: member name leaves the archive"
        return entry
    if member.issym or member.islnk:
        entry.entry_type = "symlink" if member.issym else "hardlink"
        entry.link_target = escape_name(member.linkpath or "")[0]
        return entry
    if not member.isreg:
        entry.entry_type = "special"
        entry.status, entry.reason = "refused", "not a regular file"
        return entry
    target = workspace.new_temp_file()
    try:
        entry.size = _extract(archive, member, target, workspace, limits)
    except (EntryRefusedError, ExtractionLimitError) as exc:
        workspace.release(target)
        entry.status, entry.reason = "refused", str(exc)
        return entry
    except libarchive.exception.ArchiveError as exc:
        workspace.release(target)
        entry.status, entry.reason = "error", f"unreadable member: {exc.msg}"
        return entry
    entry.local_path, entry.temporary = target, True
    return entry


def walk_archive(
    archive_path: Path, prefix: str, workspace: Workspace, limits: ScanLimits
) -> Iterator[Entry | ContainerProblem]:
    """Every member of the archive at `archive_path`, named `prefix!/member`."""
    try:
        with libarchive.file_reader(str(archive_path)) as archive:
            for member in archive:
                entry = _member_entry(archive, member, prefix, workspace, limits)
                if entry is not None:
                    yield entry
    except libarchive.exception.ArchiveError as exc:
        yield ContainerProblem(f"archive unreadable: {exc.msg}")
