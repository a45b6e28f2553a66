"""The rollup job: `monitoring.rollup`, every minute, and on demand (`perisai monitoring rollup`).

Each batch is its own transaction, so a long backlog (a first backfill) commits as it goes and
never holds the writer lock for long.
"""

from __future__ import annotations

from dataclasses import dataclass

from perisai.jobs.worker import current_runtime, job
from perisai.monitoring import rollups
from perisai.monitoring.names import ROLLUP_TASK
from perisai.runtime import Runtime

# A run stops after this many batches; the next minute's run goes on (keeps a run short).
MAX_BATCHES = 200


@dataclass(frozen=True)
class RollupRun:
    retallied: int  # marked reports counted again
    swept: int  # reports never marked, counted for the first time
    busy: bool  # another writer held the lock: nothing done


def run_rollup(runtime: Runtime, *, max_batches: int = MAX_BATCHES) -> RollupRun:
    """Count every marked report, then sweep for unmarked ones, batch by batch."""
    retallied = swept = 0
    for _ in range(max_batches):
        with runtime.db.transaction() as session:
            if not rollups.take_writer_lock(session):
                return RollupRun(retallied, swept, busy=True)
            done = rollups.process_pending(session)
        retallied += done
        if done < rollups.BATCH:
            break
    for _ in range(max_batches):
        with runtime.db.transaction() as session:
            if not rollups.take_writer_lock(session):
                return RollupRun(retallied, swept, busy=True)
            found = rollups.sweep(session)
        swept += found.tallied
        if not found.more:
            break
    return RollupRun(retallied, swept, busy=False)


@job(ROLLUP_TASK, cron="* * * * *")
def rollup_job(timestamp: int) -> None:
    # `timestamp` is the schedule's tick; a run counts everything marked, whatever the tick.
    del timestamp
    run_rollup(current_runtime())
