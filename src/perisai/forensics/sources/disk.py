"""Read file systems (FAT, NTFS, ext, HFS+...) inside raw/dd and E01 images with The Sleuth Kit.

Deleted entries that TSK still lists are read too and marked `deleted`; their content may be
partly overwritten, which the examiner must keep in mind.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyewf
import pytsk3

from perisai.forensics.entries import ContainerProblem, Entry, times_of
from perisai.forensics.limits import ScanLimits
from perisai.forensics.names import escape_name, join_inside
from perisai.forensics.workspace import ExtractionLimitError, Workspace

EWF_SIGNATURE = b"EVF\x09\x0d\x0a\xff\x00"
READ_BYTES = 1 << 20
# $OrphanFiles is a virtual directory of deleted files whose names are gone: walk it too.
DIRECTORY_TYPES = (pytsk3.TSK_FS_META_TYPE_DIR, pytsk3.TSK_FS_META_TYPE_VIRT_DIR)
MAX_DIRECTORY_DEPTH = 256  # a corrupt file system can describe endless nesting


class EwfImage(pytsk3.Img_Info):  # type: ignore[misc]
    """Lets TSK read an E01 set through libewf."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle
        super().__init__(url="", type=pytsk3.TSK_IMG_TYPE_EXTERNAL)

    def close(self) -> None:
        self._handle.close()

    def read(self, offset: int, size: int) -> bytes:
        self._handle.seek(offset)
        data: bytes = self._handle.read(size)
        return data

    def get_size(self) -> int:
        size: int = self._handle.get_media_size()
        return size


def is_ewf(path: Path) -> bool:
    with path.open("rb") as stream:
        return stream.read(len(EWF_SIGNATURE)) == EWF_SIGNATURE


def open_image(path: Path) -> Any:
    if is_ewf(path):
        handle = pyewf.handle()
        handle.open(pyewf.glob(str(path)))
        return EwfImage(handle)
    return pytsk3.Img_Info(str(path))


def open_filesystems(image: Any) -> list[tuple[str, Any]]:
    """(label, FS_Info) for every readable file system: partitions first, else the whole image."""
    found: list[tuple[str, Any]] = []
    try:
        volume = pytsk3.Volume_Info(image)
        for part in volume:
            if part.len <= 0 or not part.flags & pytsk3.TSK_VS_PART_FLAG_ALLOC:
                continue
            try:
                fs = pytsk3.FS_Info(image, offset=part.start * volume.info.block_size)
            except OSError:
                continue
            found.append((f"p{part.addr}", fs))
    except OSError:
        pass
    if not found:
        found.append(("", pytsk3.FS_Info(image)))
    return found


def looks_like_disk_image(path: Path) -> bool:
    try:
        image = open_image(path)
        open_filesystems(image)
    except OSError:
        return False
    return True


def _is_deleted(tsk_file: Any) -> bool:
    name_unalloc = bool(tsk_file.info.name.flags & pytsk3.TSK_FS_NAME_FLAG_UNALLOC)
    meta = tsk_file.info.meta
    meta_unalloc = meta is not None and bool(meta.flags & pytsk3.TSK_FS_META_FLAG_UNALLOC)
    return name_unalloc or meta_unalloc


def _copy_out(tsk_file: Any, size: int, workspace: Workspace, limits: ScanLimits) -> Path:
    if size > limits.max_entry_bytes:
        raise ExtractionLimitError(f"file larger than the {limits.max_entry_bytes}-byte limit")
    target = workspace.new_temp_file()
    try:
        with target.open("wb") as sink:
            offset = 0
            while offset < size:
                chunk = tsk_file.read_random(offset, min(READ_BYTES, size - offset))
                if not chunk:
                    break
                workspace.charge(len(chunk))
                sink.write(chunk)
                offset += len(chunk)
    except BaseException:
        workspace.release(target)
        raise
    return target


class _FsWalker:
    def __init__(self, prefix: str, workspace: Workspace, limits: ScanLimits) -> None:
        self.prefix = prefix
        self.workspace = workspace
        self.limits = limits
        self.visited: set[int] = set()

    def walk(self, directory: Any, parent: str, depth: int) -> Iterator[Entry]:
        for tsk_file in directory:
            raw = tsk_file.info.name.name
            if raw in (b".", b".."):
                continue
            name, escaped = escape_name(raw)
            path = f"{parent}/{name}" if parent else name
            meta = tsk_file.info.meta
            if meta is not None and meta.type in DIRECTORY_TYPES:
                yield from self._descend(tsk_file, path, depth)
                continue
            yield self._file(tsk_file, path, escaped)

    def _descend(self, tsk_file: Any, path: str, depth: int) -> Iterator[Entry]:
        address = tsk_file.info.meta.addr
        if address in self.visited or depth >= MAX_DIRECTORY_DEPTH:
            return  # a directory reached twice is a loop in a damaged file system
        self.visited.add(address)
        try:
            yield from self.walk(tsk_file.as_directory(), path, depth + 1)
        except OSError as exc:
            yield Entry(
                path=join_inside(self.prefix, path),
                entry_type="directory",
                deleted=_is_deleted(tsk_file),
                status="error",
                reason=f"unreadable directory: {exc}",
            )

    def _file(self, tsk_file: Any, path: str, escaped: bool) -> Entry:
        meta = tsk_file.info.meta
        entry = Entry(
            path=join_inside(self.prefix, path),
            name_escaped=escaped,
            deleted=_is_deleted(tsk_file),
        )
        if meta is None:
            entry.status, entry.reason = "error", "no metadata left: content not recoverable"
            return entry
        entry.size = int(meta.size)
        entry.times = times_of(
            mtime=meta.mtime, ctime=meta.ctime, atime=meta.atime, crtime=meta.crtime
        )
        if meta.type == pytsk3.TSK_FS_META_TYPE_LNK:
            entry.entry_type = "symlink"
            return entry
        if meta.type != pytsk3.TSK_FS_META_TYPE_REG:
            # $MBR, $FAT1 and the like are TSK's views of file system structures.
            entry.entry_type = "virtual" if meta.type == pytsk3.TSK_FS_META_TYPE_VIRT else "special"
            return entry
        try:
            entry.local_path = _copy_out(tsk_file, entry.size, self.workspace, self.limits)
            entry.temporary = True
        except ExtractionLimitError as exc:
            entry.status, entry.reason = "refused", str(exc)
        except OSError as exc:
            entry.status, entry.reason = "error", f"unreadable: {exc}"
        return entry


def walk_disk_image(
    image_path: Path, prefix: str, workspace: Workspace, limits: ScanLimits
) -> Iterator[Entry | ContainerProblem]:
    try:
        image = open_image(image_path)
        filesystems = open_filesystems(image)
    except OSError as exc:
        yield ContainerProblem(f"disk image unreadable: {exc}")
        return
    for label, fs in filesystems:
        walker = _FsWalker(prefix, workspace, limits)
        try:
            yield from walker.walk(fs.open_dir(path="/"), label, 0)
        except OSError as exc:
            yield ContainerProblem(f"file system unreadable: {exc}")
