"""How the viral-spread domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Manifest

MANIFEST = Manifest(
    name="viral",
    order=80,
    models=("perisai.viral.models",),
    jobs=("perisai.viral.tasks",),
    tasks=("viral.cluster",),
    events=("monitoring.viral",),
)
