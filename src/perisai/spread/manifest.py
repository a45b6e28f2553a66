"""How the stop-the-spread domain plugs into the app, the CLI and the migrations."""

from perisai.manifest import Command, Manifest

MANIFEST = Manifest(
    name="spread",
    order=60,
    routers=("perisai.spread.views:router",),
    commands=(Command("spread", "perisai.spread.cli:app"),),
    models=("perisai.spread.models",),
    templates=("templates",),
    demo_seeders=("perisai.spread.demo:seed",),
)
