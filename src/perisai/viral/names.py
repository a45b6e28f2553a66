"""Names the viral-spread domain owns: its task and its event.

No imports: manifests read these at start-up.
"""

from typing import Final

CLUSTER_TASK: Final = "viral.cluster"  # args {}: clusters every report waiting in viral_pending
# The event viral emits (outbox → SSE, webhooks): a cluster crossed the alert rule.
VIRAL_EVENT: Final = "monitoring.viral"
EVENTS: Final = (VIRAL_EVENT,)
