"""The hourly spike job: `monitoring.spikes`, at minute 7 of every hour (the rollup job runs
every minute, so the hour just ended is counted by then), and on demand
(`perisai monitoring alerts run`)."""

from __future__ import annotations

from datetime import UTC, datetime

from perisai.jobs.worker import current_runtime, job
from perisai.monitoring import alerts
from perisai.monitoring.names import SPIKES_TASK
from perisai.runtime import Runtime


def run_once(runtime: Runtime, *, now: datetime | None = None) -> alerts.SpikeRun:
    """One run in its own transaction."""
    with runtime.db.transaction() as session:
        return alerts.run_spikes(session, now=now or datetime.now(UTC))


@job(SPIKES_TASK, cron="7 * * * *")
def spikes_job(timestamp: int) -> None:
    # The tick's time is when the run was due; a late run still tests the counts as they are.
    run_once(current_runtime(), now=datetime.fromtimestamp(timestamp, UTC))
