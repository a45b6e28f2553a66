"""Names the jobs layer owns: its hook point (commands other domains add to `perisai jobs`;
jobs sits below them and imports none).

No imports: manifests read these at start-up.
"""

from typing import Final

# `function(app: typer.Typer)`: adds commands to the `perisai jobs` group (triage adds
# `check`: stalled jobs and reports the pipeline never triaged).
JOBS_COMMANDS: Final = "jobs.commands"
