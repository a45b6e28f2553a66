"""Names the cases domain owns: its task, its events and its hook points.

No imports: manifests read these at start-up.
"""

from typing import Final

TAKEDOWN_DUE_TASK: Final = "cases.takedown_due"
# `function(session, report_ids, at)`: a first action (referral, takedown notice, arrest
# request, closure) was taken on these reports, in the transaction that takes it.
FIRST_ACTION: Final = "cases.first_action"
# `function(session, report_ids) -> {report id: ReportTriage}`: the triage of a case's reports
# (its priority is the most urgent of theirs; the case view lists them).
REPORT_TRIAGE: Final = "cases.report_triage"
# Audit actions of reads (no event): a case printed from its page (cases.views.record_printed).
CASE_PRINTED: Final = "case.printed"
# The events cases emit (outbox → SSE, webhooks); labels in web/codes.py ("event").
EVENTS: Final = (
    "case.created",
    "case.report_attached",
    "case.report_confirmed",
    "case.merged",
    "case.split",
    "case.assigned",
    "case.unassigned",
    "case.referred",
    "case.referral_accepted",
    "case.referral_declined",
    "case.task_added",
    "case.task_done",
    "case.note_added",
    "case.status_changed",
    "case.reopened",
    "case.victim_access_granted",
    "case.victim_access_revoked",
    "takedown.sent",
    "takedown.escalated",
    "takedown.renotice",
    "takedown.removed",
)
