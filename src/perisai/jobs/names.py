"""Names the jobs layer owns: its hook point (commands other domains add to `perisai jobs`;
jobs sits below them and imports none).

No imports: manifests read these at start-up.
"""

from typing import Final

# `function(app: typer.Typer)`: adds commands to the `perisai jobs` group (triage adds
# `check`: stalled jobs and reports the pipeline never triaged).
JOBS_COMMANDS: Final = "jobs.commands"
# `function() -> str`: SQL returning one integer that grows by one for every report taken in
# (reports gives its id sequence). The worker's pipeline jobs yield while it grows fast
# (`jobs/gate.py`); with nothing registered they never yield.
INTAKE_COUNTER: Final = "jobs.intake_counter"
