"""How the linkage domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Manifest

MANIFEST = Manifest(
    name="linkage",
    order=80,
    routers=("perisai.linkage.routes:router",),
)
