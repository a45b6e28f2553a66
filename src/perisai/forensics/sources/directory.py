"""Walk a directory tree without following symbolic links (so loops cannot trap the scan)."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from perisai.forensics.entries import Entry, times_of
from perisai.forensics.names import escape_name


def _symlink_entry(path: Path, display: str, escaped: bool) -> Entry:
    target, _ = escape_name(os.readlink(path))
    entry = Entry(path=display, name_escaped=escaped, entry_type="symlink", link_target=target)
    try:
        path.stat()
    except OSError as exc:
        entry.status = "refused" if exc.errno == errno.ELOOP else "error"
        entry.reason = (
            "symlink loop: not followed"
            if exc.errno == errno.ELOOP
            else f"dangling symlink: {exc.strerror}"
        )
    return entry


def _file_entry(path: Path, display: str, escaped: bool) -> Entry:
    try:
        info = path.lstat()
    except OSError as exc:
        return Entry(path=display, name_escaped=escaped, status="error", reason=str(exc.strerror))
    times = times_of(
        mtime=info.st_mtime,
        ctime=info.st_ctime,
        atime=info.st_atime,
        crtime=getattr(info, "st_birthtime", None),
    )
    if stat.S_ISLNK(info.st_mode):
        entry = _symlink_entry(path, display, escaped)
        entry.times = times
        return entry
    if not stat.S_ISREG(info.st_mode):
        # Reading a FIFO or a device would block or never end.
        return Entry(
            path=display,
            name_escaped=escaped,
            times=times,
            entry_type="special",
            status="refused",
            reason="not a regular file",
        )
    if not os.access(path, os.R_OK):
        return Entry(
            path=display,
            name_escaped=escaped,
            size=info.st_size,
            times=times,
            status="error",
            reason="unreadable: permission denied",
        )
    return Entry(
        path=display, name_escaped=escaped, size=info.st_size, times=times, local_path=path
    )


def walk_directory(root: Path, exclude: Path | None = None) -> Iterator[Entry]:
    """Every file under `root` in a stable order; `exclude` (the out dir) is skipped."""
    errors: list[OSError] = []
    excluded = exclude.resolve() if exclude is not None else None
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if (here / d).resolve() != excluded)
        # os.walk lists symlinks to directories among dirnames; they are entries, not descents.
        links = [d for d in dirnames if (here / d).is_symlink()]
        dirnames[:] = [d for d in dirnames if d not in links]
        for name in sorted([*filenames, *links]):
            path = here / name
            display, escaped = escape_name(path.relative_to(root).as_posix())
            yield _file_entry(path, display, escaped)
        while errors:
            exc = errors.pop()
            where = Path(exc.filename).relative_to(root).as_posix() if exc.filename else "."
            display, escaped = escape_name(where)
            yield Entry(
                path=display,
                name_escaped=escaped,
                entry_type="directory",
                status="error",
                reason=f"unreadable directory: {exc.strerror}",
            )
