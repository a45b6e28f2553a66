"""Names the triage domain owns: its tasks and its events.

No imports: manifests read these at start-up.
"""

from typing import Final

TRIAGE_TASK: Final = "triage.report"  # args {"report_id"}
SLA_CHECK_TASK: Final = "triage.sla_check"  # args {"report_id", "clock", "level", "due_at"}
# The events triage emits (outbox → SSE, webhooks); `sla.*` per clock level (sla.LEVELS).
EVENTS: Final = (
    "report.triaged",
    "report.reviewed",
    "report.priority_overridden",
    "sla.warning",
    "sla.breached",
)
