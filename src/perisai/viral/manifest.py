"""How the viral-spread domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Command, Manifest

MANIFEST = Manifest(
    name="viral",
    order=80,
    routers=("perisai.viral.views:router", "perisai.viral.api:router"),
    commands=(Command("viral", "perisai.viral.cli:app"),),
    models=("perisai.viral.models",),
    jobs=("perisai.viral.tasks",),
    templates=("templates",),
    tasks=("viral.cluster",),
    events=("monitoring.viral",),
)
