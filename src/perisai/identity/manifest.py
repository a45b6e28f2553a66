"""How the identity domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Command, Manifest

MANIFEST = Manifest(
    name="identity",
    order=20,
    routers=("perisai.identity.views:router",),
    commands=(Command("identity", "perisai.identity.cli:app"),),
    models=("perisai.identity.models",),
)
