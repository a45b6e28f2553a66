"""Running the job worker in several processes: one Python process uses one core at most (the
GIL), and enrichment, triage and dispatch are CPU work in Python as much as queries.

Every process is a whole worker (all lanes, its own runtime and bank indexes); procrastinate
hands each job to one of them (`FOR UPDATE SKIP LOCKED`), its `lock`s keep jobs of the same
lock one at a time and in order across processes, and queueing locks, periodic jobs and the
stalled-job recovery live in the database, so they hold across processes as within one.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
from collections.abc import Callable
from multiprocessing.connection import wait
from types import FrameType
from typing import Any

log = logging.getLogger(__name__)

MAX_PROCESSES = 64


def default_processes() -> int:
    """One worker process per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run_processes(target: Callable[..., None], args: tuple[Any, ...], processes: int) -> int:
    """Run ``target(*args)`` in ``processes`` fresh (spawned) processes until they end.

    SIGTERM or SIGINT to this process is passed on to every child (each stops gracefully).
    Should one child fail, the others are stopped too and a supervisor (systemd, the
    container runtime) restarts the whole worker. Returns 0, or the first failing exit code.
    """
    context = multiprocessing.get_context("spawn")
    children = [
        context.Process(target=target, args=args, name=f"perisai-worker-{n}", daemon=False)
        for n in range(processes)
    ]
    for child in children:
        child.start()

    stopping = False

    def stop_all(signum: int = signal.SIGTERM, frame: FrameType | None = None) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            if child.is_alive() and child.pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child.pid, signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop_all) for sig in (signal.SIGTERM, signal.SIGINT)}
    failed = 0
    try:
        running = list(children)
        while running:
            wait([child.sentinel for child in running])
            for child in [c for c in running if not c.is_alive()]:
                running.remove(child)
                child.join()
                # Stopped while still starting (before its own handler was in place): that is
                # the stop asked for, not a failure.
                stopped = stopping and child.exitcode == -signal.SIGTERM
                if child.exitcode and not stopped and not failed:
                    failed = child.exitcode if child.exitcode > 0 else 1
                    log.error("job worker process %s ended with %s", child.name, child.exitcode)
                    stop_all()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        stop_all()
        for child in children:
            child.join(timeout=30)
    return failed
