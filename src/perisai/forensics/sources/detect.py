"""Decide what a SOURCE is and give the matching walker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from perisai.forensics.entries import ContainerProblem, Entry
from perisai.forensics.limits import ScanLimits
from perisai.forensics.sniff import kind_of, sniff_path
from perisai.forensics.sources.archive import walk_archive
from perisai.forensics.sources.directory import walk_directory
from perisai.forensics.sources.disk import is_ewf, looks_like_disk_image, walk_disk_image
from perisai.forensics.workspace import Workspace

SourceKind = Literal["directory", "archive", "disk-image", "ewf-image", "file"]


def source_kind(source: Path) -> SourceKind:
    if source.is_dir():
        return "directory"
    if is_ewf(source):
        return "ewf-image"
    if kind_of(sniff_path(source)) == "archive":
        return "archive"
    if looks_like_disk_image(source):
        return "disk-image"
    return "file"


def walk_source(
    source: Path, kind: SourceKind, workspace: Workspace, limits: ScanLimits
) -> Iterator[Entry | ContainerProblem]:
    if kind == "directory":
        return iter(walk_directory(source, exclude=workspace.out_dir))
    if kind == "archive":
        return walk_archive(source, source.name, workspace, limits)
    if kind in ("disk-image", "ewf-image"):
        return walk_disk_image(source, source.name, workspace, limits)
    return iter([Entry(path=source.name, size=source.stat().st_size, local_path=source)])
