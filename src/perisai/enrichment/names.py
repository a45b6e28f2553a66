"""Names the enrichment domain owns: its task and queue, and its hook point.

No imports: manifests read these at start-up.
"""

from typing import Final

ENRICH_TASK: Final = "enrich.report"  # args {"report_id"}
ENRICH_QUEUE: Final = "enrichment"
# `function(session, report_ids, *, coalesce: bool)`: enrichment stored new facts about these
# reports (a finished enrichment job; retro-hunt hits), in the transaction that stores them.
# `coalesce`: the caller may repeat itself for a report; one waiting follow-up is enough.
REPORTS_ENRICHED: Final = "enrichment.reports_enriched"
# `function(session, report_ids)`: the media signals of these reports' files were (re)computed,
# in the transaction that stores them.
SIGNALS_STORED: Final = "enrichment.signals_stored"
