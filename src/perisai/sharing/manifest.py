"""How the sharing domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Command, Manifest

MANIFEST = Manifest(
    name="sharing",
    order=60,
    routers=("perisai.sharing.api:router",),
    commands=(Command("sharing", "perisai.sharing.cli:app"),),
    models=("perisai.sharing.models",),
    jobs=("perisai.sharing.jobs",),
)
