"""Names the reports domain owns: its hook points (what other domains do at intake).

No imports: manifests read these at start-up.
"""

from typing import Final

# `function(session, created: [(report row id, PreparedReport)])`: reports just inserted, in the
# transaction that inserts them (so what the function writes or queues commits with them).
REPORTS_STORED: Final = "reports.stored"
# `function(session, report_id)`: a report's files are complete (`finish`), same transaction.
REPORT_FINISHED: Final = "reports.finished"
# `function(settings) -> IpLookup | None`: looks up IP events at intake, before any database work.
IP_LOOKUP: Final = "reports.ip_lookup"
# `function(session, report) -> Stage`: how far a report has gone, as its reporter may know it.
PUBLIC_STAGE: Final = "reports.public_stage"
