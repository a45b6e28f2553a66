"""Names the monitoring domain owns: its tasks and its event.

No imports: manifests read these at start-up.
"""

from typing import Final

ROLLUP_TASK: Final = "monitoring.rollup"  # every minute: reports → daily/hourly counts
SPIKES_TASK: Final = "monitoring.spikes"  # hourly: spike detection over the counts
# The event monitoring emits (outbox → SSE, webhooks): a series rose beyond its baseline.
SPIKE_EVENT: Final = "monitoring.spike"
EVENTS: Final = (SPIKE_EVENT,)
