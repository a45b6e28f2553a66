"""How the banks domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Command, Manifest

MANIFEST = Manifest(
    name="banks",
    order=50,
    routers=("perisai.banks.api:router",),
    commands=(Command("bank", "perisai.banks.cli:app"),),
    models=("perisai.banks.models",),
)
