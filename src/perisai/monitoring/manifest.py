"""How the monitoring domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Command, Manifest

MANIFEST = Manifest(
    name="monitoring",
    commands=(Command("monitoring", "perisai.monitoring.cli:app"),),
    models=("perisai.monitoring.models",),
    jobs=("perisai.monitoring.tasks",),
    tasks=("monitoring.rollup",),
)
