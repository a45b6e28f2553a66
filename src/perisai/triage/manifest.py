"""How the triage domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Manifest

MANIFEST = Manifest(
    name="triage",
    order=90,
    routers=("perisai.triage.api:router",),
    models=("perisai.triage.models",),
    jobs=("perisai.triage.jobs",),
)
