"""How the http domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Manifest

MANIFEST = Manifest(
    name="http",
    order=10,
    routers=("perisai.http.ops:router", "perisai.http.apidocs:router"),
)
