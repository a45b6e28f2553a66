"""Names the banks domain owns: the retro-hunt's task, queue and event, and a hook point.

No imports: manifests read these at start-up.
"""

from typing import Final

#: The job's task name (run by perisai.enrichment.retrohunt), and the type of the event it emits
#: when it is done.
RETROHUNT_TASK: Final = "bank.retrohunt"
RETROHUNT_EVENT: Final = "bank.retrohunt"
RETROHUNT_QUEUE: Final = "enrichment"
# `function(session, *, matched_by: str, sources: {entry id: its source})`: a platform's match
# request matched these entries, in its transaction (spread counts sightings of self-reports).
ENTRIES_MATCHED: Final = "banks.entries_matched"
