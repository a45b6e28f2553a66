"""How the detection domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Manifest

MANIFEST = Manifest(
    name="detection",
    order=30,
    routers=("perisai.detection.api:router",),
)
