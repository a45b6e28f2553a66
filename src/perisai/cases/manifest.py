"""How the cases domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Manifest

MANIFEST = Manifest(
    name="cases",
    order=100,
    routers=("perisai.cases.api:router",),
    models=("perisai.cases.models",),
    jobs=("perisai.cases.jobs",),
)
