"""Names the banks domain owns: the retro-hunt's task, queue and event.

No imports: manifests read these at start-up.
"""

from typing import Final

#: The job's task name (run by perisai.enrichment.retrohunt), and the type of the event it emits
#: when it is done.
RETROHUNT_TASK: Final = "bank.retrohunt"
RETROHUNT_EVENT: Final = "bank.retrohunt"
RETROHUNT_QUEUE: Final = "enrichment"
