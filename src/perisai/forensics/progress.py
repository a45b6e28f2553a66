"""A Rich progress line for terminals: items, bytes and matches so far."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, SpinnerColumn, TextColumn
from rich.progress import Progress as RichProgress

from perisai.forensics.scanner import Progress


@contextmanager
def terminal_progress(enabled: bool) -> Iterator[Callable[[Progress], None] | None]:
    """Yields a progress callback, or None when not on a TTY (or when asked to be quiet)."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("[bold]scanning"),
        BarColumn(bar_width=None),
        TextColumn(
            "{task.fields[items]} items · {task.fields[size]} · {task.fields[hits]} matches"
        ),
    )
    # stderr: stdout stays clean for whatever the caller prints or pipes.
    with RichProgress(*columns, transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task("scan", total=None, items=0, size="0 B", hits=0)

        def update(progress: Progress) -> None:
            bar.update(
                task, items=progress.items, size=_human(progress.bytes), hits=progress.matches
            )

        yield update


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"
