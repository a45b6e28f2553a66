"""How the jobs domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Command, Manifest

MANIFEST = Manifest(
    name="jobs",
    commands=(
        Command(
            "worker", "perisai.jobs.cli:worker_command", kind="command", help="Run background jobs."
        ),
        Command("jobs", "perisai.jobs.cli:app", help="Stalled jobs and untriaged reports."),
    ),
)
