"""Keep CPython's full garbage collections short in long-running processes.

A server process holds some 360,000 long-lived objects once started (the functions, dicts and
tuples of ~2,900 imported modules). A full collection walks every one of them with the GIL held,
and at 300 reports/s one ran every 7-15 s for 220-400 ms: every request in flight in that
process waited behind it, which was intake's p99 (measured, docs/performance.md). Objects that
survive start-up live as long as the process, so they are frozen (`gc.freeze`): moved to a
permanent generation the collector never walks. Garbage made later is collected as before.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)


def freeze_startup_objects() -> int:
    """Collect once, then freeze what is left; returns how many objects are frozen in all.

    Call once a process has imported and built what it keeps (the app, its routers, a worker's
    tasks), before it takes work. Freezing again later only freezes more (never less).
    """
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    log.debug("froze %d start-up objects out of the garbage collector's way", frozen)
    return frozen
