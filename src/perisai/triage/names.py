"""Names the triage domain owns: its tasks and its events.

No imports: manifests read these at start-up.
"""

from typing import Final

TRIAGE_TASK: Final = "triage.report"  # args {"report_id"}
# Periodic (every 15 s): raise the SLA warnings and breaches that have come due (triage/sla.py).
SLA_SWEEP_TASK: Final = "triage.sla_sweep"
# Retired: one timer per report and check, queued by earlier versions; still run (as the sweep
# would, for that report) so that jobs queued before an upgrade do no harm.
SLA_CHECK_TASK: Final = "triage.sla_check"  # args {"report_id", "clock", "level", "due_at"}
# The events triage emits (outbox → SSE, webhooks); `sla.*` per clock level (sla.LEVELS).
EVENTS: Final = (
    "report.triaged",
    "report.reviewed",
    "report.priority_overridden",
    "sla.warning",
    "sla.breached",
)
